"""Deribit books over JSON-RPC 2.0: `book.<instrument>.100ms` (and `.raw` when a capture has it)."""

from __future__ import annotations

import asyncio
from decimal import Decimal

import msgspec
import websockets

from books.numbers import BadNumber
from books.orderbook import BookState
from exchanges.connectors.base import Connector, Feed, Group, Session
from exchanges.connectors.levels import parse_deribit_entries, parse_number_pair, parse_number_pairs
from exchanges.types import InstrumentSpec, TradeEvent
from marketagg.logging import get_logger

log = get_logger("exchanges.connectors.deribit")

IGNORED_CHANNELS = (
    "ticker.",
    "quote.",
    "deribit_price_index.",
    "perpetual.",
    "markprice.",
    "incremental_ticker.",
)
BOOK_DEPTHS = (1, 5, 10, 20, 50, 100, 1000, 10000)


class DeribitConnector(Connector):
    family = "deribit"

    def __init__(self, **kwargs) -> None:
        self.by_symbol: dict[str, InstrumentSpec] = {s.symbol: s for s in kwargs["specs"]}
        super().__init__(**kwargs)

    # ---- connections ------------------------------------------------------------------
    def plan_groups(self, specs: list[InstrumentSpec]) -> list[Group]:
        per_conn = max(1, self.options.max_streams_per_connection // 2)
        return [
            Group(name=f"rpc-{i // per_conn}", url=self.endpoints.ws_url, specs=specs[i : i + per_conn])
            for i in range(0, len(specs), per_conn)
        ]

    @staticmethod
    def channels(symbol: str) -> list[str]:
        return [f"book.{symbol}.100ms", f"trades.{symbol}.100ms"]

    async def on_open(self, session: Session) -> None:
        # Answers arrive through the read loop, which starts after this returns: send, don't wait.
        await self.call(session, "public/set_heartbeat", {"interval": self.options.heartbeat_interval})
        channels = [c for symbol in session.feeds for c in self.channels(symbol)]
        # One subscribe call for every channel is cheaper in Deribit's credits than one call each.
        future = await self.call(session, "public/subscribe", {"channels": channels})
        self._spawn(self._read_subscribe(session, channels, future))

    async def _read_subscribe(self, session: Session, channels: list[str], future: asyncio.Future) -> None:
        """The subscribe answer names the channels the venue took. A refused call is logged,
        counted and quarantined (the watchdog asks again after sync_timeout); a book channel left
        out means the venue does not know the instrument: get_order_book says why."""
        try:
            answer = await asyncio.wait_for(future, self.options.rest_timeout)
        except (TimeoutError, asyncio.CancelledError):
            return
        if session.ended or session.closing:
            return
        error = answer.get("error")
        result = answer.get("result")
        if error is not None or type(result) is not list:
            self.reject(
                kind="rpc_error",
                reason=f"subscribe refused: {str(error)[:180]}",
                raw=msgspec.json.encode(answer),
            )
            log.warning(
                "subscribe refused", venue=self.venue, group=session.group.name, error=str(error)[:200]
            )
            return
        taken = set(result)
        for channel in channels:
            if not channel.startswith("book."):
                continue
            feed = session.feeds.get(channel.split(".")[1])
            if feed is None:
                continue
            if channel in taken:
                feed.extra["subscribed"] = True
            elif not feed.extra.get("subscribed"):
                self._spawn(self._check_instrument(session, feed))

    async def _check_instrument(self, session: Session, feed: Feed) -> None:
        """A book channel the venue would not subscribe: an instrument it refuses goes `invalid`
        with the venue's own words, and is not asked for again on this connection."""
        try:
            future = await self.call(
                session, "public/get_order_book", {"instrument_name": feed.spec.symbol, "depth": 1}
            )
            answer = await asyncio.wait_for(future, self.options.rest_timeout)
        except (TimeoutError, OSError, asyncio.CancelledError, websockets.exceptions.ConnectionClosed):
            return
        error = answer.get("error")
        if session.ended or session.closing or not isinstance(error, dict) or not refuses_instrument(error):
            return
        reason = error_text(error)
        self.reject(
            kind="rpc_error", reason=f"{feed.spec.symbol}: {reason}"[:200], raw=msgspec.json.encode(answer)
        )
        log.warning("venue refuses the instrument", venue=self.venue, symbol=feed.spec.symbol, reason=reason)
        self.set_state(feed, BookState.INVALID, reason)

    async def call(self, session: Session, method: str, params: dict) -> asyncio.Future:
        ident = session.next_id
        session.next_id += 1
        future = asyncio.get_running_loop().create_future()
        session.pending[ident] = future
        payload = msgspec.json.encode(
            {"jsonrpc": "2.0", "id": ident, "method": method, "params": params}
        ).decode()
        await session.send(payload)
        return future

    # ---- frames -----------------------------------------------------------------------
    def handle_frame(self, session: Session, raw: str | bytes) -> None:
        msg = self.decode_frame(raw)
        if msg is None:
            return
        method = msg.get("method")
        if method == "subscription":
            params = msg.get("params")
            if type(params) is not dict or type(params.get("channel")) is not str:
                self.reject(kind="missing_field", reason="subscription without channel", raw=raw)
                return
            channel = params["channel"]
            data = params.get("data")
            if channel.startswith("book."):
                self.on_book(session, data, raw)
            elif channel.startswith("trades."):
                if not session.muted:  # a syncing standby would repeat the active connection's trades
                    self.on_trades(data, raw)
            elif not channel.startswith(IGNORED_CHANNELS):
                self.reject(kind="unknown_event", reason=f"unknown channel {channel[:60]!r}", raw=raw)
        elif method == "heartbeat":
            params = msg.get("params") or {}
            if params.get("type") == "test_request":
                self._spawn(self.call(session, "public/test", {}))
        elif "id" in msg and ("result" in msg or "error" in msg):
            future = session.pending.pop(msg["id"], None)
            if future is not None and not future.done():
                future.set_result(msg)
            elif msg.get("error"):
                self.reject(kind="rpc_error", reason=str(msg["error"])[:200], raw=raw)
        else:
            self.reject(kind="unknown_event", reason=f"unknown message {str(method)[:40]!r}", raw=raw)

    def on_book(self, session: Session, data, raw) -> None:
        try:
            symbol = data["instrument_name"]
            kind = data["type"]
            change_id = data["change_id"]
            ts = float(data["timestamp"]) / 1000.0
            bids = parse_deribit_entries(data["bids"])
            asks = parse_deribit_entries(data["asks"])
            prev = data["prev_change_id"] if kind == "change" else None
        except (KeyError, TypeError) as exc:
            self.reject(kind="missing_field", reason=f"book notification without {exc}", raw=raw)
            return
        except BadNumber as exc:
            self.reject(kind="bad_number", reason=str(exc), raw=raw)
            return
        if type(change_id) is not int or (prev is not None and type(prev) is not int):
            self.reject(kind="bad_number", reason="change ids are not integers", raw=raw)
            return
        feed = session.feeds.get(symbol)
        if feed is None:
            self.reject(kind="unknown_event", reason=f"book of unsubscribed {str(symbol)[:40]!r}", raw=raw)
            return
        feed.messages += 1
        if kind == "snapshot":
            feed.extra["subscribed"] = True  # a notification proves the subscription
            self.load(feed, bids=bids, asks=asks, change_id=change_id, ts=ts)
        elif kind == "change":
            self.on_change(feed, (prev, change_id, ts, bids, asks))
        else:
            self.reject(kind="unknown_event", reason=f"book type {str(kind)[:20]!r}", raw=raw)

    def on_change(self, feed: Feed, change) -> None:
        """Continuity: each change's prev_change_id must be the last applied change_id."""
        book = feed.book
        if book.sequence is None or feed.sync_task is not None:
            if len(feed.buffer) >= self.options.sync_buffer:
                feed.buffer.popleft()
            feed.buffer.append(change)  # kept for the get_order_book answer to chain onto
            return
        prev, change_id, ts, bids, asks = change
        if prev != book.sequence:
            if change_id <= book.sequence:
                return  # already applied
            self.mark_gap(feed, f"prev_change_id {prev} after {book.sequence}")
            feed.buffer.append(change)
            return
        book.apply(bids=bids, asks=asks, sequence=change_id, at=ts)
        if book.is_crossed():
            self.reject(kind="crossed_book", reason=f"bid {book.best_bid()} >= ask {book.best_ask()}", raw="")
            self.resync(feed, reason="crossed book")
            return
        if book.state is not BookState.LIVE:
            self.set_state(feed, BookState.LIVE, "change after snapshot")
        self.book_changed(feed, ts=ts, bids=bids, asks=asks, snapshot=False)

    def load(
        self, feed: Feed, *, bids, asks, change_id: int, ts: float | None, limit: int | None = None
    ) -> None:
        """A whole book (a snapshot notification or a get_order_book answer), then the buffered changes.
        `limit`: the depth a get_order_book answer was cut at (a subscription snapshot is whole)."""
        book = feed.book
        book.load_snapshot(bids=bids, asks=asks, sequence=change_id, at=ts, limit=limit)
        if feed.sync_task is not None and feed.sync_task is not asyncio.current_task():
            feed.sync_task.cancel()
        feed.sync_task = None
        if book.is_crossed():
            self.reject(kind="crossed_book", reason="snapshot is crossed", raw="")
            self.resync(feed, reason="crossed snapshot")
            return
        self.set_state(feed, BookState.LIVE, "snapshot")
        full_bids, full_asks = book.top(max(len(book.bids), len(book.asks)))
        self.book_changed(feed, ts=book.updated_at, bids=full_bids, asks=full_asks, snapshot=True)
        pending = list(feed.buffer)
        feed.buffer.clear()
        for i, change in enumerate(pending):
            if book.sequence is None:  # a change above started a resync: it takes the rest
                feed.buffer.extend(pending[i:])
                return
            if change[1] <= book.sequence:
                continue  # the snapshot holds it already
            if change[0] < book.sequence:
                # A 100ms notification that straddles the whole book's change_id: its amounts are
                # absolute, so applying all of it is exact (as Binance's U <= L <= u rule).
                book.sequence = change[0]
            self.on_change(feed, change)

    def on_trades(self, data, raw) -> None:
        if type(data) is not list:
            self.reject(kind="missing_field", reason="trades data is not a list", raw=raw)
            return
        for item in data:
            try:
                spec = self.by_symbol.get(item["instrument_name"])
                if spec is None:
                    continue
                price, qty = parse_number_pair(item["price"], item["amount"])
                direction = item["direction"]
                if direction not in ("buy", "sell"):
                    raise BadNumber(f"direction {direction!r:.10}")
                trade = TradeEvent(
                    venue=self.venue,
                    symbol=spec.symbol,
                    ts=float(item["timestamp"]) / 1000.0,
                    trade_id=str(item["trade_id"]),
                    price=price,
                    qty=qty,
                    side=direction,
                )
            except (KeyError, TypeError) as exc:
                self.reject(kind="missing_field", reason=f"trade without {exc}", raw=raw)
                continue
            except (BadNumber, ValueError) as exc:
                self.reject(kind="bad_number", reason=str(exc), raw=raw)
                continue
            self.stats.trades += 1
            self.sink.trade(spec, trade)

    # ---- resync -------------------------------------------------------------------------
    def resync(self, feed: Feed, *, reason: str) -> None:
        token = self.begin_resync(feed, reason)
        session = feed.session
        # Resyncs in quick succession wait longer each time: never a loop of get_order_book calls.
        now = asyncio.get_running_loop().time()
        recent = [t for t in feed.extra.get("resync_times", []) if now - t < 30.0] + [now]
        feed.extra["resync_times"] = recent
        delay = 0.0 if len(recent) <= 2 else min(self.options.backoff_cap, 0.25 * 2 ** (len(recent) - 2))
        if session.ws is not None and not session.closing:
            feed.sync_task = self._spawn(self.fetch_book(feed, token, delay=delay))

    async def fetch_book(self, feed: Feed, token: int, *, delay: float = 0.0) -> None:
        """Ask for the whole book over the socket; its change_id anchors the buffered changes.
        If the venue will not answer, subscribe again: the first notification is a snapshot.
        A book never subscribed is subscribed, not fetched: a snapshot alone is not a stream."""
        session = feed.session
        if not feed.extra.get("subscribed"):
            feed.sync_task = None
            if delay:
                await asyncio.sleep(delay)
            if token == feed.sync_token:
                await self._subscribe_again(session, feed.spec.symbol)
            return
        depth = next((d for d in BOOK_DEPTHS if d >= feed.spec.depth), BOOK_DEPTHS[-1])
        try:
            if delay:
                await asyncio.sleep(delay)
            future = await self.call(
                session, "public/get_order_book", {"instrument_name": feed.spec.symbol, "depth": depth}
            )
            answer = await asyncio.wait_for(future, self.options.rest_timeout)
        except (TimeoutError, OSError, websockets.exceptions.ConnectionClosed) as exc:
            answer = {"error": {"message": repr(exc)}}
        except asyncio.CancelledError:
            return
        if token != feed.sync_token or session.closing or session.ended:
            return
        self.last_activity = asyncio.get_running_loop().time()
        result = answer.get("result")
        try:
            change_id = result["change_id"]
            bids = parse_number_pairs(result["bids"])
            asks = parse_number_pairs(result["asks"])
            ts = float(result["timestamp"]) / 1000.0 if "timestamp" in result else None
            if type(change_id) is not int:
                raise BadNumber("change_id is not an integer")
        except (KeyError, TypeError, BadNumber) as exc:
            if answer.get("error") is None:
                self.reject(kind="bad_snapshot", reason=repr(exc)[:200], raw=str(answer)[:2000])
            log.info("order book call failed; subscribing again", venue=self.venue, symbol=feed.spec.symbol)
            feed.sync_task = None
            await self._subscribe_again(session, feed.spec.symbol)
            return
        feed.sync_task = None
        self.load(feed, bids=bids, asks=asks, change_id=change_id, ts=ts, limit=depth)

    def resubscribe(self, feed: Feed) -> None:
        self.begin_resync(feed, "stale")
        self._spawn(self._subscribe_again(feed.session, feed.spec.symbol))

    async def _subscribe_again(self, session: Session, symbol: str) -> None:
        if session.closing or session.ended or session.ws is None:
            return
        book_channel = [f"book.{symbol}.100ms"]
        await self.call(session, "public/unsubscribe", {"channels": book_channel})
        future = await self.call(session, "public/subscribe", {"channels": book_channel})
        self._spawn(self._read_subscribe(session, book_channel, future))


def refuses_instrument(error: dict) -> bool:
    """Deribit's answer for an instrument it does not list: invalid params on instrument_name."""
    data = error.get("data")
    param = data.get("param") if isinstance(data, dict) else None
    return error.get("code") == -32602 and param in (None, "instrument_name")


def error_text(error: dict) -> str:
    """The venue's words: "Invalid params: instrument not found"."""
    message = str(error.get("message") or "error")
    data = error.get("data")
    if isinstance(data, dict) and data.get("reason"):
        message = f"{message}: {data['reason']}"
    return message[:200]


__all__ = ["DeribitConnector", "Decimal"]
