"""Writes of the exchanges app: instrument lists, instrument settings, messages to the feed process.

Every change the running feed process must know about ends in `feed_control_on_commit`: the
message goes out when the change is committed, since the feed process reads the database again on
`enable`, `disable` and `reload` (the message carries only what changed, never the data itself).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import aiohttp
from asgiref.sync import async_to_sync
from channels.exceptions import ChannelFull
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction

from exchanges.instrument_lists import (
    DERIBIT_CURRENCIES,
    InstrumentListError,
    ListedInstrument,
    instruments_urls,
    parse_instrument_list,
)
from exchanges.models import Exchange, Instrument, ListedSymbol
from exchanges.venues import VENUES

log = logging.getLogger(__name__)

CONTROL_ACTIONS = ("enable", "disable", "resync", "reconnect", "reload")


# ---- control messages to the feed process ----------------------------------------------------------
def feed_control_send(*, action: str, venue: str, symbol: str = "") -> bool:
    """Put one control message on the feed process's channel now. False when it could not be
    delivered (channel full: no feed process is reading it; layer down): the change is saved anyway
    and the feed process picks it up at its next start. Writers call `feed_control_on_commit`."""
    _check_action(action)
    layer = get_channel_layer()
    if layer is None:
        return False
    message = {"type": "feed.control", "action": action, "venue": venue, "symbol": symbol}
    try:
        async_to_sync(layer.send)(settings.MARKETAGG["CONTROL_CHANNEL"], message)
    except ChannelFull:
        log.warning("feed control channel is full (is runfeeds running?): %s %s %s", action, venue, symbol)
        return False
    except (OSError, ConnectionError) as exc:  # Redis unreachable
        log.warning("feed control message not sent (%s): %s %s %s", exc, action, venue, symbol)
        return False
    return True


@dataclass
class ControlMessage:
    """A control message that goes out when the change it announces is committed.

    `sent` is None until then (and stays None if the transaction rolls back: nothing is sent),
    then whether the channel took it. Sent is not applied: the feed process applies it in the
    background and its FeedState rows show when it has."""

    action: str
    venue: str
    symbol: str = ""
    sent: bool | None = None

    def __bool__(self) -> bool:
        return self.sent is True


def feed_control_on_commit(*, action: str, venue: str, symbol: str = "") -> ControlMessage:
    """Send a control message once the current transaction commits (at once outside one).

    The feed process reads the database when the message arrives: sent before the commit, it would
    read the old rows on its own connection and apply nothing while logging "applied"."""
    _check_action(action)
    message = ControlMessage(action=action, venue=venue, symbol=symbol)

    def send() -> None:
        message.sent = feed_control_send(action=action, venue=venue, symbol=symbol)

    transaction.on_commit(send)
    return message


def _check_action(action: str) -> None:
    if action not in CONTROL_ACTIONS:
        raise ValueError(f"unknown feed control action {action!r}; one of {', '.join(CONTROL_ACTIONS)}")


def instrument_enable(*, instrument: Instrument, enabled: bool) -> ControlMessage:
    """Switch one instrument on or off and tell the feed process once that is committed."""
    instrument.enabled = enabled
    instrument.save(update_fields=["enabled"])
    return feed_control_on_commit(
        action="enable" if enabled else "disable", venue=instrument.exchange.venue, symbol=instrument.symbol
    )


def instrument_save(*, instrument: Instrument) -> ControlMessage:
    """Save an instrument edited as a whole (the admin form) and have the feed process reload."""
    instrument.save()
    return feed_control_on_commit(action="reload", venue=instrument.exchange.venue, symbol=instrument.symbol)


def instrument_delete(*, instrument: Instrument) -> ControlMessage:
    venue, symbol = instrument.exchange.venue, instrument.symbol
    instrument.delete()
    return feed_control_on_commit(action="reload", venue=venue, symbol=symbol)


def instrument_resync(*, instrument: Instrument) -> ControlMessage:
    """Ask the feed process to throw this one book away and build it again from a snapshot."""
    return feed_control_on_commit(action="resync", venue=instrument.exchange.venue, symbol=instrument.symbol)


def exchange_enable(*, exchange: Exchange, enabled: bool) -> ControlMessage:
    """Switch a whole venue on or off; its instruments keep their own setting for when it returns."""
    exchange.enabled = enabled
    exchange.save(update_fields=["enabled"])
    return feed_control_on_commit(action="enable" if enabled else "disable", venue=exchange.venue)


def exchange_reconnect(*, exchange: Exchange) -> ControlMessage:
    """Renew the venue's connections (a new one syncs before the old one closes)."""
    return feed_control_on_commit(action="reconnect", venue=exchange.venue)


# ---- instrument lists ----------------------------------------------------------------------------
def listed_symbols_replace(*, exchange: Exchange, listed: Iterable[ListedInstrument]) -> int:
    """Make `listed` the venue's whole instrument list, in one transaction. Instruments the venue
    does not trade now (inactive) are left out: they stream no book, so the admin should refuse them.
    Returns the number of symbols stored."""
    rows: dict[str, ListedSymbol] = {}
    for item in listed:
        if not item.active:
            continue
        # Deribit's per-currency answers may overlap; the last one seen wins.
        rows[item.symbol] = ListedSymbol(
            exchange=exchange,
            symbol=item.symbol,
            base=item.base,
            quote=item.quote,
            kind=item.kind,
            contract_size=item.contract_size,
            tick_size=item.tick_size,
        )
    with transaction.atomic():
        ListedSymbol.objects.filter(exchange=exchange).delete()
        ListedSymbol.objects.bulk_create(rows.values(), batch_size=500)
    return len(rows)


@dataclass
class FillResult:
    updated: list[str] = field(default_factory=list)  # symbols whose fields changed
    unchanged: int = 0
    missing: list[str] = field(default_factory=list)  # configured but not in the venue's list


_FILLED_FIELDS = ("base", "quote", "pair", "kind", "contract_size", "tick_size")


def instruments_fill_from_listing(*, exchange: Exchange) -> FillResult:
    """Copy base, quote, pair, kind, contract size and tick of each configured instrument from the
    venue's stored list, the one source of truth for what a symbol means."""
    listing = {row.symbol: row for row in ListedSymbol.objects.filter(exchange=exchange)}
    result = FillResult()
    changed: list[Instrument] = []
    for instrument in Instrument.objects.filter(exchange=exchange).order_by("symbol"):
        row = listing.get(instrument.symbol)
        if row is None:
            result.missing.append(instrument.symbol)
            continue
        wanted = {
            "base": row.base,
            "quote": row.quote,
            "pair": f"{row.base}-{row.quote}",
            "kind": row.kind,
            "contract_size": row.contract_size,
            "tick_size": row.tick_size,
        }
        if all(getattr(instrument, name) == value for name, value in wanted.items()):
            result.unchanged += 1
            continue
        for name, value in wanted.items():
            setattr(instrument, name, value)
        changed.append(instrument)
        result.updated.append(instrument.symbol)
    if changed:
        Instrument.objects.bulk_update(changed, _FILLED_FIELDS)
    return result


@dataclass
class SyncResult:
    venue: str
    ok: bool
    stored: int = 0
    fill: FillResult | None = None
    error: str = ""
    notified: bool = False  # the feed process was asked to reload


class InstrumentFetchError(Exception):
    """A venue's list could not be had; the message says where and why, in one line."""


async def instrument_list_fetch(
    *,
    venue: str,
    rest_url: str = "",
    currencies: Sequence[str] = DERIBIT_CURRENCIES,
    timeout: float = 20.0,
    session: aiohttp.ClientSession | None = None,
) -> list[ListedInstrument]:
    """GET and parse the venue's instrument list (every currency, for Deribit). Any failure of any
    part raises InstrumentFetchError: half a list must never replace a whole one."""
    own = session is None
    if own:
        session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout))
    out: list[ListedInstrument] = []
    try:
        # One request at a time: the list calls are heavy (Binance spot weighs 20) and rare.
        for url in instruments_urls(venue, rest_url or None, currencies):
            try:
                async with session.get(url) as response:
                    body = await response.read()
                    if response.status != 200:
                        raise InstrumentFetchError(
                            f"{url} answered HTTP {response.status}{_retry_after(response)}"
                        )
            except (TimeoutError, aiohttp.ClientError, OSError) as exc:
                raise InstrumentFetchError(f"cannot reach {url} ({_reason(exc)})") from None
            try:
                out.extend(parse_instrument_list(venue, body))
            except InstrumentListError as exc:
                raise InstrumentFetchError(f"{url}: {exc}") from None
    finally:
        if own:
            await session.close()
    return out


def instruments_sync(
    *,
    exchanges: Sequence[Exchange],
    currencies: Sequence[str] = DERIBIT_CURRENCIES,
    timeout: float = 20.0,
    rest_urls: Mapping[str, str] | None = None,
) -> list[SyncResult]:
    """Fetch every venue's list (concurrently), then per venue: replace the stored list, fill the
    configured instruments from it and, where one changed, have the feed process reload.
    `rest_urls` (venue -> REST base, e.g. the simulator's) wins over the admin's override and the
    real venue. A venue that fails keeps its previous list and instruments untouched. Runs its own
    event loop: call it from synchronous code (a command, a Celery task), not from a running loop."""
    fetched = asyncio.run(_fetch_all(exchanges, currencies, timeout, rest_urls or {}))
    results = []
    for exchange, outcome in zip(exchanges, fetched, strict=True):
        if isinstance(outcome, InstrumentFetchError):
            results.append(SyncResult(venue=exchange.venue, ok=False, error=str(outcome)))
            continue
        stored = listed_symbols_replace(exchange=exchange, listed=outcome)
        fill = instruments_fill_from_listing(exchange=exchange)
        notified = bool(fill.updated) and bool(feed_control_on_commit(action="reload", venue=exchange.venue))
        results.append(SyncResult(venue=exchange.venue, ok=True, stored=stored, fill=fill, notified=notified))
    return results


async def _fetch_all(exchanges, currencies, timeout, rest_urls) -> list:
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:

        async def one(exchange: Exchange):
            try:
                return await instrument_list_fetch(
                    venue=exchange.venue,
                    rest_url=rest_urls.get(exchange.venue)
                    or exchange.rest_url
                    or VENUES[exchange.venue].rest_url,
                    currencies=currencies,
                    session=session,
                )
            except InstrumentFetchError as exc:
                return exc

        return await asyncio.gather(*(one(e) for e in exchanges))


def _retry_after(response: aiohttp.ClientResponse) -> str:
    # 429: slow down; 418: Binance banned the IP for Retry-After seconds. Both say when to try again.
    wait = response.headers.get("Retry-After")
    return f", retry after {wait} s" if wait else ""


def _reason(exc: BaseException) -> str:
    if isinstance(exc, asyncio.TimeoutError):
        return "timed out"
    text = str(exc) or type(exc).__name__
    return text.splitlines()[0][:200]
