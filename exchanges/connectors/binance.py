"""Binance spot (`binance`), USD-M (`binance-usdm`) and COIN-M (`binance-coinm`) diff-depth books.

Spot and futures share the stream format and differ in the sync rule (see `BinanceConnector.sync`).
"""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

import aiohttp
import msgspec

from books.numbers import BadNumber, decode_json
from books.orderbook import BookState
from exchanges.connectors.base import Connector, Feed, Group, Session
from exchanges.connectors.binance_depth import MAX_EVENT_MS, DepthEvent, read_depth
from exchanges.connectors.binance_snapshots import Refused, refused_symbol, snapshot_limit
from exchanges.connectors.levels import parse_pairs, parse_price_qty
from exchanges.types import InstrumentSpec, TradeEvent
from exchanges.venues import VENUES
from marketagg.logging import get_logger

log = get_logger("exchanges.connectors.binance")

# Events we know and do not use: not counted as unknown.
IGNORED_EVENTS = frozenset(
    (
        "kline",
        "bookTicker",
        "24hrTicker",
        "24hrMiniTicker",
        "markPriceUpdate",
        "forceOrder",
        "indexPriceUpdate",
    )
)
_LIVE = BookState.LIVE


class BinanceConnector(Connector):
    family = "binance"

    def __init__(self, **kwargs) -> None:
        self.definition = VENUES[kwargs["venue"]]
        self.futures = kwargs["venue"] != "binance"
        self.by_symbol: dict[str, InstrumentSpec] = {s.symbol: s for s in kwargs["specs"]}
        super().__init__(**kwargs)

    # ---- connections ------------------------------------------------------------------
    def plan_groups(self, specs: list[InstrumentSpec]) -> list[Group]:
        """Depth and trades of each symbol, at most `max_streams_per_connection` streams a socket.

        USD-M serves book data under /public and trades under /market since 2026-04, so there
        trades get connections of their own.
        """
        base = self.endpoints.ws_url.rstrip("/")
        split_trades = self.venue == "binance-usdm"
        per_conn = max(1, self.options.max_streams_per_connection // (1 if split_trades else 2))
        groups: list[Group] = []
        for i in range(0, len(specs), per_conn):
            chunk = specs[i : i + per_conn]
            depth = [f"{s.symbol.lower()}@depth@100ms" for s in chunk]
            trades = [f"{s.symbol.lower()}@aggTrade" for s in chunk]
            if split_trades:
                groups.append(
                    self._group(f"depth-{i // per_conn}", f"{base}/public", depth, chunk, books=True)
                )
                groups.append(
                    self._group(f"trades-{i // per_conn}", f"{base}/market", trades, chunk, books=False)
                )
            else:
                groups.append(
                    self._group(f"streams-{i // per_conn}", base, depth + trades, chunk, books=True)
                )
        return groups

    def _group(
        self, name: str, base: str, streams: list[str], specs: list[InstrumentSpec], *, books: bool
    ) -> Group:
        group = Group(name=name, url=f"{base}/stream?streams={'/'.join(streams)}", specs=specs, books=books)
        group.extra["depth_stream"] = {s.symbol: f"{s.symbol.lower()}@depth@100ms" for s in specs}
        return group

    async def on_open(self, session: Session) -> None:
        session.extra["next_id"] = 1
        session.extra["send_lock"] = asyncio.Lock()
        for feed in session.feeds.values():
            self.start_sync(feed)

    # ---- frames -----------------------------------------------------------------------
    def handle_frame(self, session: Session, raw: str | bytes) -> None:
        depth = read_depth(raw, futures=self.futures)
        if depth is not None:  # the usual frame, read the fast way
            self.stats.messages += 1
            symbol, first, last, prev, ts_ms, bids, asks = depth
            feed = self._depth_feed(session, symbol, raw)
            if feed is not None:
                self.on_depth_event(feed, first, last, prev, ts_ms, bids, asks)
            return
        msg = self.decode_frame(raw)
        if msg is None:
            return
        data = msg.get("data")
        if data is None:
            if "id" in msg and ("result" in msg or "error" in msg):
                if msg.get("error"):
                    self.reject(kind="rpc_error", reason=str(msg["error"])[:200], raw=raw)
                return
            data = msg  # a raw /ws/<stream> connection: the event itself
        if type(data) is not dict:
            self.reject(kind="missing_field", reason="data is not an object", raw=raw)
            return
        event = data.get("e")
        if event == "depthUpdate":
            self.on_depth(session, data, raw)
        elif event == "aggTrade" or event == "trade":
            if not session.muted:  # a syncing standby would repeat the active connection's trades
                self.on_trade(data, raw)
        elif event == "serverShutdown":
            log.warning("server shutdown notice", venue=self.venue, group=session.group.name)
            self.handle_shutdown_notice(session)
        elif event in IGNORED_EVENTS or (event is None and "b" in data and "a" in data and "u" in data):
            return  # spot bookTicker frames carry no "e"
        else:
            self.reject(kind="unknown_event", reason=f"unknown event {str(event)[:40]!r}", raw=raw)

    def _depth_feed(self, session: Session, symbol, raw) -> Feed | None:
        """The feed of a depth event's symbol; None (the frame refused) for one not subscribed."""
        feed = session.feeds.get(symbol)
        if feed is None:
            self.reject(kind="unknown_event", reason=f"depth for unsubscribed {str(symbol)[:20]!r}", raw=raw)
        return feed

    def on_depth(self, session: Session, data: dict, raw) -> None:
        feed = self._depth_feed(session, data.get("s"), raw)
        if feed is None:
            return
        try:
            first, last, ts_ms = data["U"], data["u"], data["E"]
            prev = data["pu"] if self.futures else None
            bids = parse_pairs(data["b"])
            asks = parse_pairs(data["a"])
        except KeyError as exc:
            self.reject(kind="missing_field", reason=f"depthUpdate without {exc}", raw=raw)
            return
        except BadNumber as exc:
            self.reject(kind="bad_number", reason=str(exc), raw=raw)
            return
        if type(first) is not int or type(last) is not int or (self.futures and type(prev) is not int):
            self.reject(kind="bad_number", reason="update ids are not integers", raw=raw)
            return
        if type(ts_ms) is not int and type(ts_ms) is not Decimal:  # JSON true is an int subclass
            self.reject(kind="bad_number", reason="event time is not a number", raw=raw)
            return
        if not 0 <= ts_ms < MAX_EVENT_MS:
            self.reject(kind="bad_number", reason=f"event time out of range: {ts_ms!s:.30}", raw=raw)
            return
        self.on_depth_event(feed, first, last, prev, ts_ms, bids, asks)

    def on_depth_event(self, feed: Feed, first: int, last: int, prev: int | None, ts_ms, bids, asks) -> None:
        """A depth event read and checked: applied at once, buffered, or the sign of a gap."""
        feed.messages += 1
        book = feed.book
        current = book.sequence
        if (
            book.state is _LIVE
            and current is not None
            and ((prev == current) if self.futures else (first == current + 1))
            and not feed.extra.get("first")
        ):
            # The usual case, the next event of a live book: applied without an event object.
            self.apply_depth(feed, last, float(ts_ms) / 1000.0, bids, asks)
            return
        event = DepthEvent(first, last, prev, float(ts_ms) / 1000.0, bids, asks)
        if current is None:
            self.buffer(feed, event)
        elif not self.advance(feed, event):
            self.mark_gap(feed, f"update ids jump: U={first} after {feed.book.sequence}")
            self.buffer(feed, event)

    def on_trade(self, data: dict, raw) -> None:
        spec = self.by_symbol.get(data.get("s"))
        if spec is None:
            return
        try:
            ident = data["a"] if data.get("e") == "aggTrade" else data["t"]
            price, qty = parse_price_qty(data["p"], data["q"])
            trade = TradeEvent(
                venue=self.venue,
                symbol=spec.symbol,
                ts=float(data["T"]) / 1000.0,
                trade_id=str(ident),
                price=price,
                qty=qty,
                side="sell" if data["m"] else "buy",  # m: the buyer was the maker, so the taker sold
            )
        except KeyError as exc:
            self.reject(kind="missing_field", reason=f"trade without {exc}", raw=raw)
            return
        except (BadNumber, TypeError, ValueError) as exc:
            self.reject(kind="bad_number", reason=str(exc), raw=raw)
            return
        self.stats.trades += 1
        self.sink.trade(spec, trade)

    # ---- the sync rule ----------------------------------------------------------------------
    def buffer(self, feed: Feed, event: DepthEvent) -> None:
        if feed.book.state is BookState.BACKOFF or feed.book.state is BookState.INVALID:
            # Snapshots kept failing (or the symbol is refused): hold recent events only.
            if len(feed.buffer) >= self.options.sync_buffer:
                feed.buffer.popleft()
            feed.buffer.append(event)
            return
        if len(feed.buffer) >= self.options.sync_buffer:
            self.resync(feed, reason="sync buffer full")
        feed.buffer.append(event)
        if (feed.sync_task is None or feed.sync_task.done()) and feed.session.ws is not None:
            self.start_sync(feed)

    def start_sync(self, feed: Feed) -> None:
        if feed.sync_task is None or feed.sync_task.done():
            feed.extra["attempts"] = feed.extra.get("attempts", 0)
            feed.sync_task = self._spawn(self.sync(feed, feed.sync_token))

    async def sync(self, feed: Feed, token: int) -> None:
        """Build the local book the documented way.

        1. Diff events are buffered from the moment the stream is open (`buffer`).
        2. Fetch a depth snapshot (`lastUpdateId` = L).
        3. Drop buffered events the snapshot already holds: spot `u <= L`, futures `u < L`.
        4. The first event applied must bracket the snapshot: spot `U <= L + 1 <= u`,
           futures `U <= L <= u` (or chain from it exactly, `pu == L`). If the stream has moved
           past the snapshot (the first event left starts after it), the snapshot is too old:
           fetch another (step 2).
        5. Every next event must follow on: spot `U == previous u + 1`, futures
           `pu == previous u`. Anything else is a gap: resync this symbol only.
        """
        spec = feed.spec
        limit, weight = snapshot_limit(self.venue, spec.depth)
        url = f"{self.endpoints.rest_url.rstrip('/')}{self.definition.snapshot_path}?symbol={spec.symbol}&limit={limit}"
        session = feed.session
        while True:
            if feed.extra["attempts"] >= self.options.snapshot_attempts:
                # Give up for now: the watchdog retries after sync_timeout, so a broken venue is not hammered.
                self.set_state(feed, BookState.BACKOFF, "snapshots keep failing")
                feed.extra["attempts"] = 0
                feed.sync_task = None
                return
            snapshot = await self.fetch_snapshot(url, weight)
            if token != feed.sync_token or session.ended or session.closing:
                return  # a newer attempt, or a socket gone: this snapshot belongs to nothing
            if isinstance(snapshot, Refused):
                feed.sync_task = None
                self.set_state(feed, BookState.INVALID, snapshot.message)
                log.warning(
                    "venue refuses the symbol", venue=self.venue, symbol=spec.symbol, reason=snapshot.message
                )
                return
            if snapshot is None:
                # Only failures count towards giving up; a good snapshot never does.
                feed.extra["attempts"] += 1
                await asyncio.sleep(min(self.options.backoff_cap, 0.5 * 2 ** feed.extra["attempts"]))
                continue
            last_id, bids, asks, ts = snapshot
            if feed.buffer and self._too_old(last_id, feed.buffer[0]):
                feed.extra["attempts"] += 1
                continue  # step 4 seen early: the stream already starts after this snapshot
            break
        feed.extra["attempts"] = 0
        feed.sync_task = None
        feed.book.load_snapshot(bids=bids, asks=asks, sequence=last_id, at=ts, limit=limit)
        feed.extra["first"] = True
        pending = list(feed.buffer)
        feed.buffer.clear()
        for i, event in enumerate(pending):
            if not self.advance(feed, event):
                self.mark_gap(feed, f"update ids jump after snapshot: U={event.first} L={last_id}")
                for rest in pending[i:]:
                    self.buffer(feed, rest)
                return
            if feed.sync_token != token:
                # The event crossed the book and a new sync began: it takes the rest.
                for rest in pending[i + 1 :]:
                    self.buffer(feed, rest)
                return
        if feed.book.state is not BookState.LIVE:
            # No event after the snapshot yet. A snapshot can be cut inside an event still on its
            # way, so give the stream a moment (an event arriving now is applied at once and makes
            # the book live); if none comes, the symbol is quiet and the snapshot is the book. The
            # first event to come must still bracket it (`first`), as the sync rule says.
            feed.sync_task = asyncio.current_task()
            await asyncio.sleep(min(1.0, self.options.sync_timeout / 2))
            if token != feed.sync_token or session.ended or session.closing:
                return
            feed.sync_task = None
            if feed.book.state is not BookState.LIVE:
                self.set_state(feed, BookState.LIVE, "synced, no event since")
                self.emit_full(feed, ts=ts if ts is not None else time.time())

    def _too_old(self, last_id: int, event: DepthEvent) -> bool:
        if self.futures:
            return last_id < event.first and event.prev != last_id
        return last_id + 1 < event.first

    async def fetch_snapshot(self, url: str, weight: float):
        try:
            status, body, headers = await self.rest_get(url, weight=weight)
        except (TimeoutError, OSError, aiohttp.ClientError, ValueError) as exc:
            self.stats.rest_errors += 1
            log.warning(
                "snapshot request failed", venue=self.venue, url=url, error=str(exc) or type(exc).__name__
            )
            return None
        if status != 200:
            self.stats.rest_errors += 1
            refused = refused_symbol(status, body)
            if refused is not None:
                return refused
            log.warning("snapshot refused", venue=self.venue, url=url, status=status, body=body[:200])
            return None
        try:
            msg = decode_json(body)
            last_id = msg["lastUpdateId"]
            if type(last_id) is not int:
                raise BadNumber("lastUpdateId is not an integer")
            bids = parse_pairs(msg["bids"])
            asks = parse_pairs(msg["asks"])
            ts = float(msg["E"]) / 1000.0 if "E" in msg else None
        except (msgspec.DecodeError, KeyError, TypeError, BadNumber) as exc:
            self.reject(kind="bad_snapshot", reason=repr(exc)[:200], raw=body)
            return None
        self.stats.snapshots_fetched += 1
        return last_id, bids, asks, ts

    def advance(self, feed: Feed, event: DepthEvent) -> bool:
        """Apply one event if it follows on; drop it if the book already holds it. False: a gap."""
        book = feed.book
        current = book.sequence
        if feed.extra.get("first"):
            if self.futures:
                if event.last < current:
                    return True
                # The documented rule, or an event that chains from the snapshot id exactly
                # (pu == L: the snapshot was taken between two events), which is just as continuous.
                if not (event.first <= current <= event.last or event.prev == current):
                    return False
            else:
                if event.last <= current:
                    return True
                if not (event.first <= current + 1 <= event.last):
                    return False
            feed.extra["first"] = False
        elif (event.prev != current) if self.futures else (event.first != current + 1):
            if event.last <= current:
                return True  # a duplicate of something applied already
            return False
        self.apply_depth(feed, event.last, event.ts, event.bids, event.asks)
        return True

    def apply_depth(self, feed: Feed, last: int, ts: float, bids, asks) -> None:
        """Apply an event that follows on; a book it crosses is resynced, a first one goes live."""
        book = feed.book
        book.apply(bids=bids, asks=asks, sequence=last, at=ts)
        if book.is_crossed():
            self.reject(kind="crossed_book", reason=f"bid {book.best_bid()} >= ask {book.best_ask()}", raw="")
            self.resync(feed, reason="crossed book")
        elif book.state is _LIVE:
            self.book_changed(feed, ts=ts, bids=bids, asks=asks, snapshot=False)
        else:
            self.set_state(feed, _LIVE, "synced")
            self.emit_full(feed, ts=ts)

    def emit_full(self, feed: Feed, *, ts: float) -> None:
        bids, asks = feed.book.top(max(len(feed.book.bids), len(feed.book.asks)))
        self.book_changed(feed, ts=ts, bids=bids, asks=asks, snapshot=True)

    def resync(self, feed: Feed, *, reason: str) -> None:
        self.begin_resync(feed, reason)
        if feed.session.ws is not None and not feed.session.closing:
            self.start_sync(feed)

    def resubscribe(self, feed: Feed) -> None:
        """A silent book: ask for its stream again on the same socket, then rebuild it."""
        stream = feed.session.group.extra["depth_stream"][feed.spec.symbol]
        self._spawn(self._resubscribe(feed.session, stream))
        self.resync(feed, reason="stale")

    async def _resubscribe(self, session: Session, stream: str) -> None:
        # Binance allows 5 incoming messages a second per connection: keep well under.
        async with session.extra["send_lock"]:
            for method in ("UNSUBSCRIBE", "SUBSCRIBE"):
                ident = session.extra["next_id"]
                session.extra["next_id"] += 1
                await session.send(
                    msgspec.json.encode({"method": method, "params": [stream], "id": ident}).decode()
                )
                await asyncio.sleep(0.25)
