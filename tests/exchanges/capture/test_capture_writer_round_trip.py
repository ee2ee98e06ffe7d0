"""What CaptureWriter writes (as the supervisor's tap), read_capture reads back unchanged, with
simulator or override URLs written as the venue's real ones."""

from exchanges.capture import CaptureLine, CaptureWriter, read_capture


def test_capture_writer_round_trip(tmp_path):
    path = tmp_path / "out.jsonl"
    rewrite = {
        "ws://127.0.0.1:9000/binance": "wss://stream.binance.com:9443",
        "ws://127.0.0.1:9000/binance-usdm": "wss://fstream.binance.com",
        "http://127.0.0.1:9000/binance": "https://api.binance.com",
    }
    frame = '{"stream":"btcusdt@depth@100ms","data":{"e":"depthUpdate","b":[["0.1","2"]]}}\n'
    with CaptureWriter(path, rewrite=rewrite) as tap:
        tap("open", "ws://127.0.0.1:9000/binance/stream?streams=btcusdt@depth@100ms", None, 1.5)
        tap("ws", "ws://127.0.0.1:9000/binance/stream?streams=btcusdt@depth@100ms", frame, 1.6)
        tap("sent", "ws://127.0.0.1:9000/binance-usdm/public/stream?streams=x", '{"id":1}', 1.7)
        tap("http", "http://127.0.0.1:9000/binance/api/v3/depth?symbol=BTCUSDT&limit=1000", "{}", 1.8)
        tap("http", "https://api.binance.com/api/v3/exchangeInfo", "é", 1.9)
    assert read_capture(path) == [
        CaptureLine("open", 1.5, "wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms"),
        CaptureLine("ws", 1.6, "wss://stream.binance.com:9443/stream?streams=btcusdt@depth@100ms", frame),
        CaptureLine("sent", 1.7, "wss://fstream.binance.com/public/stream?streams=x", '{"id":1}'),
        CaptureLine("http", 1.8, "https://api.binance.com/api/v3/depth?symbol=BTCUSDT&limit=1000", "{}"),
        CaptureLine("http", 1.9, "https://api.binance.com/api/v3/exchangeInfo", "é"),
    ]
    assert len(path.read_text(encoding="utf-8").splitlines()) == 5  # a frame's newline stays inside its line
