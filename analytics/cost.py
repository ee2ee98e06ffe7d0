"""Cost to trade a size: the routed sweep of a consolidated book against each venue instrument alone.

Works on consolidated levels `(price, total base qty, {"venue:SYMBOL": base qty})`, best first, so a
live `ConsolidatedBook`, a live-store payload and a books file's `consolidated:<PAIR>` entry all go
through the same code (analytics/cost_sources.py turns each into levels).

The sweep, for `side` buy (takes the asks) or sell (takes the bids):
1. With taker fees, each venue's part of a level is moved to its effective price (buy: price x
   (1 + fee), sell: price x (1 - fee)) and the levels are merged again by effective price, best first.
2. Walk the levels best first. A level is taken whole while it fits in what is left of the size:
   unit "base" counts its base quantity, unit "quote" its notional price x base quantity.
3. The level that does not fit is taken in part (base: what is left; quote: what is left / price) and
   the part is split between the level's venues in proportion to their quantities there; the last
   venue gets the part minus the others' shares, so the allocations always sum to the filled base.
4. Averages are quote amount / filled base. Sums and products of the book's numbers are exact
   (a wide context); divisions are rounded under a 28-significant-digit context.
5. The same walk on each venue instrument's own levels gives its cost alone; the best one among
   those that fill the whole size is what routing is measured against.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Context, Decimal, InvalidOperation

from books.numbers import BadNumber, plain, to_decimal

Level = tuple[Decimal, Decimal, dict[str, Decimal]]
SIDES = ("buy", "sell")
UNITS = ("base", "quote")
BOOK_SIDE = {"buy": "asks", "sell": "bids"}

# Divisions round once to 28 significant digits; sums and products of prices and quantities stay
# exact in a context far wider than any book number needs.
DIV = Context(prec=28)
EXACT = Context(prec=200, Emax=999999, Emin=-999999)
ZERO = Decimal(0)
ONE = Decimal(1)
BPS = Decimal(10000)
FEE_RULE = "effective price: buy price x (1 + taker fee), sell price x (1 - taker fee), per venue"


class BadOrder(ValueError):
    """A side, size or unit that cannot be swept; the message says which and why."""

    def __init__(self, param: str, reason: str) -> None:
        super().__init__(f"{param}: {reason}")
        self.param = param
        self.reason = reason


class BadBook(ValueError):
    """Consolidated levels that are not in the agreed shape."""


def parse_side(text: str | None) -> str:
    if text is None or text == "":
        raise BadOrder("side", "required; buy or sell")
    if text not in SIDES:
        raise BadOrder("side", f"must be buy or sell, got {text!r:.40}")
    return text


def parse_unit(text: str | None) -> str:
    if text is None or text == "":
        return "base"
    if text not in UNITS:
        raise BadOrder("unit", f"must be base or quote, got {text!r:.40}")
    return text


def parse_size(text: str | Decimal | None) -> Decimal:
    """A positive, finite decimal (base units or quote notional)."""
    if text is None or text == "":
        raise BadOrder("size", "required; a positive number, e.g. 2.5")
    try:
        size = text if isinstance(text, Decimal) else Decimal(str(text).strip())
    except InvalidOperation:
        raise BadOrder("size", f"must be a number, got {text!r:.40}") from None
    if not size.is_finite():
        raise BadOrder("size", f"must be a finite number, got {text!r:.40}")
    if size <= ZERO:
        raise BadOrder("size", f"must be greater than 0, got {text!r:.40}")
    if size.adjusted() > 30 or size.adjusted() < -30:
        raise BadOrder("size", f"{text!r:.40} is out of range (1e-30 to 1e30)")
    return size


def parse_book_json(d: dict) -> dict[str, list[Level]]:
    """`{"bids": [["p", "q", {"key": "q"}]], "asks": [...]}` (a payload's "consolidated", a books
    file's `consolidated:<PAIR>`) as Decimal levels. BadBook names the first thing that is wrong."""
    if not isinstance(d, dict):
        raise BadBook(f"a consolidated book is an object with bids and asks, got {type(d).__name__}")
    out: dict[str, list[Level]] = {}
    for side in ("bids", "asks"):
        rows = d.get(side) or []
        if not isinstance(rows, list):
            raise BadBook(f"{side} must be a list of levels")
        levels: list[Level] = []
        for i, row in enumerate(rows):
            if not isinstance(row, (list, tuple)) or len(row) != 3 or not isinstance(row[2], dict):
                raise BadBook(f"{side}[{i}] must be [price, base quantity, {{venue key: base quantity}}]")
            try:
                price, total = to_decimal(row[0]), to_decimal(row[1])
                parts = {str(k): to_decimal(v) for k, v in row[2].items()}
            except BadNumber as exc:
                raise BadBook(f"{side}[{i}]: {exc}") from None
            if price <= ZERO:
                raise BadBook(f"{side}[{i}]: price must be positive, got {row[0]!r:.40}")
            if levels and not (price < levels[-1][0] if side == "bids" else price > levels[-1][0]):
                raise BadBook(f"{side}[{i}]: levels must be best first with distinct prices")
            levels.append((price, total, parts))
        out[side] = levels
    return out


def fee_of(key: str, fees: dict[str, Decimal]) -> Decimal:
    """A member's taker fee: by its key ("binance:BTCUSDT"), else by its venue id ("binance")."""
    if key in fees:
        return fees[key]
    return fees.get(key.split(":", 1)[0], ZERO)


def apply_fees(levels: list[Level], *, side: str, fees: dict[str, Decimal]) -> list[tuple]:
    """Step 1: levels at effective prices, best first, each with the worst book price inside it."""
    merged: dict[Decimal, list] = {}
    for price, _total, parts in levels:
        for key, qty in parts.items():
            fee = fee_of(key, fees)
            factor = EXACT.add(ONE, fee) if side == "buy" else EXACT.subtract(ONE, fee)
            eff = EXACT.multiply(price, factor)
            if eff <= ZERO or qty <= ZERO:
                continue
            slot = merged.setdefault(eff, [ZERO, {}, price])
            slot[0] = EXACT.add(slot[0], qty)
            slot[1][key] = EXACT.add(slot[1].get(key, ZERO), qty)
            slot[2] = max(slot[2], price) if side == "buy" else min(slot[2], price)
    order = sorted(merged, reverse=(side == "sell"))
    return [(p, merged[p][0], merged[p][1], merged[p][2]) for p in order]


@dataclass
class Walk:
    """What one sweep took: exact sums, except where a partial level in quote units divides."""

    filled_base: Decimal = ZERO
    quote_amount: Decimal = ZERO
    left: Decimal = ZERO  # unfilled, in the requested unit
    worst_price: Decimal | None = None
    worst_book_price: Decimal | None = None
    levels_taken: int = 0
    allocations: dict[str, Decimal] = field(default_factory=dict)
    allocation_quote: dict[str, Decimal] = field(default_factory=dict)

    @property
    def average(self) -> Decimal | None:
        return DIV.divide(self.quote_amount, self.filled_base) if self.filled_base > ZERO else None


def _split(take: Decimal, parts: dict[str, Decimal]) -> dict[str, Decimal]:
    """Step 3: `take` shared in proportion to the venues' quantities; the last gets the remainder."""
    keys = sorted(k for k, q in parts.items() if q > ZERO)  # sorted: the same answer whatever the source
    if not keys:
        return {}
    whole = ZERO
    for k in keys:
        whole = EXACT.add(whole, parts[k])
    shares: dict[str, Decimal] = {}
    given = ZERO
    for k in keys[:-1]:
        shares[k] = DIV.divide(EXACT.multiply(take, parts[k]), whole)
        given = EXACT.add(given, shares[k])
    shares[keys[-1]] = EXACT.subtract(take, given)
    return shares


def walk(levels: list[tuple], *, size: Decimal, unit: str) -> Walk:
    """Step 2 and 3 on levels `(price, total, parts[, worst book price])`, best first."""
    out = Walk(left=size)
    for level in levels:
        if out.left <= ZERO:
            break
        price, total, parts = level[0], level[1], level[2]
        if total <= ZERO or price <= ZERO:
            continue
        if unit == "base":
            whole = total <= out.left
            take = total if whole else out.left
            spent = EXACT.multiply(take, price)
            out.left = EXACT.subtract(out.left, take)
        else:
            notional = EXACT.multiply(price, total)
            whole = notional <= out.left
            take = total if whole else DIV.divide(out.left, price)
            spent = notional if whole else out.left
            out.left = EXACT.subtract(out.left, spent)
        if whole:
            shares = {k: q for k, q in parts.items() if q > ZERO}
            paid = {k: EXACT.multiply(q, price) for k, q in shares.items()}
        else:  # the quote is split like the base, so the venues' quote amounts sum to the total
            shares, paid = _split(take, parts), _split(spent, parts)
        for key, qty in shares.items():
            out.allocations[key] = EXACT.add(out.allocations.get(key, ZERO), qty)
            out.allocation_quote[key] = EXACT.add(out.allocation_quote.get(key, ZERO), paid[key])
        out.filled_base = EXACT.add(out.filled_base, take)
        out.quote_amount = EXACT.add(out.quote_amount, spent)
        out.worst_price = price
        out.worst_book_price = level[3] if len(level) > 3 else price
        out.levels_taken += 1
    return out


def _bps(num: Decimal, den: Decimal) -> Decimal:
    return DIV.divide(EXACT.multiply(num, BPS), den)


def _s(d: Decimal | None) -> str | None:
    return None if d is None else plain(d)


def _better(side: str, a: Decimal, b: Decimal) -> bool:
    return a < b if side == "buy" else a > b


def mid_of(levels_by_side: dict[str, list]) -> Decimal | None:
    bids, asks = levels_by_side.get("bids") or [], levels_by_side.get("asks") or []
    if not bids or not asks:
        return None
    return EXACT.divide(EXACT.add(bids[0][0], asks[0][0]), Decimal(2))


def sweep(
    *,
    levels_by_side: dict[str, list[Level]],
    side: str,
    size: Decimal,
    unit: str = "base",
    fees: dict[str, Decimal] | None = None,
    mid: Decimal | None = None,
    pair: str = "",
    venues_in: list[str] | None = None,
    venue_levels: dict[str, list[tuple[Decimal, Decimal]]] | None = None,
) -> dict:
    """The cost to trade `size` (base, or quote notional) on these levels; the API's JSON answer.

    `venue_levels` ({key: [(price, base qty)]} best first, a ConsolidatedBook's `venue_levels`) gives
    each venue's own levels for its sweep alone, when `levels_by_side` holds only the top of the book."""
    side, unit = parse_side(side), parse_unit(unit)
    size = parse_size(size)
    fees = {k: Decimal(v) for k, v in (fees or {}).items()}
    for key, fee in fees.items():
        if not (ZERO <= fee < ONE):
            raise BadOrder("fees", f"a taker fee is a fraction from 0 to below 1; {key} has {fee}")
    book_levels = levels_by_side.get(BOOK_SIDE[side]) or []
    if mid is None:
        mid = mid_of(levels_by_side)
    keys = {k for level in book_levels for k, q in level[2].items() if q > ZERO}
    if venue_levels is not None:
        keys |= {k for k, rows in venue_levels.items() if rows}
    keys_on_side = sorted(keys)
    applied = any(fee_of(k, fees) != ZERO for k in keys_on_side)
    levels = apply_fees(book_levels, side=side, fees=fees) if applied else book_levels
    routed = walk(levels, size=size, unit=unit)

    per_venue: dict[str, dict] = {}
    best_key, best_walk = None, None
    for key in keys_on_side:
        if venue_levels is None:
            own = [(lv[0], lv[2][key], {key: lv[2][key]}) for lv in levels if lv[2].get(key, ZERO) > ZERO]
        else:
            rows = [(p, q, {key: q}) for p, q in venue_levels.get(key, ()) if q > ZERO]
            own = apply_fees(rows, side=side, fees=fees) if applied else rows
        alone = walk(own, size=size, unit=unit)
        fills = alone.left <= ZERO
        per_venue[key] = {
            "fills": fills,
            "filled_base": plain(alone.filled_base),
            "unfilled": plain(max(alone.left, ZERO)),
            "average_price": _s(alone.average),
            "worst_price": _s(alone.worst_price),
            "quote_amount": plain(alone.quote_amount),
        }
        if fills and (best_walk is None or _better(side, alone.average, best_walk.average)):
            best_key, best_walk = key, alone

    avg = routed.average
    best_price = levels[0][0] if levels else None
    sign = ONE if side == "buy" else -ONE
    saving_bps = saving_quote = None
    if best_walk is not None and avg is not None:
        single = best_walk.average
        saving_bps = _bps(EXACT.multiply(sign, EXACT.subtract(single, avg)), single)
        if unit == "base":
            diff = EXACT.subtract(best_walk.quote_amount, routed.quote_amount)
            saving_quote = diff if side == "buy" else EXACT.minus(diff)
        else:
            saving_quote = DIV.multiply(EXACT.multiply(sign, EXACT.subtract(single, avg)), routed.filled_base)
    return {
        "pair": pair,
        "side": side,
        "size": plain(size),
        "unit": unit,
        "filled": routed.left <= ZERO,
        "filled_base": plain(routed.filled_base),
        "unfilled": plain(max(routed.left, ZERO)),
        "average_price": _s(avg),
        "worst_price": _s(routed.worst_price),
        "worst_book_price": _s(routed.worst_book_price),
        "best_price": _s(best_price),
        "levels_taken": routed.levels_taken,
        "quote_amount": plain(routed.quote_amount),
        "mid": _s(mid),
        "slippage_bps": _s(_bps(EXACT.multiply(sign, EXACT.subtract(avg, mid)), mid))
        if avg is not None and mid
        else None,
        "slippage_best_bps": (
            _s(_bps(EXACT.multiply(sign, EXACT.subtract(avg, best_price)), best_price))
            if avg is not None
            else None
        ),
        "allocations": {k: plain(v) for k, v in sorted(routed.allocations.items())},
        "allocation_quote": {k: plain(v) for k, v in sorted(routed.allocation_quote.items())},
        "venues_in": sorted(venues_in) if venues_in is not None else keys_on_side,
        "per_venue": per_venue,
        "best_single_venue": (
            {"venue": best_key, "average_price": plain(best_walk.average)} if best_walk is not None else None
        ),
        "saving_bps": _s(saving_bps),
        "saving_quote": _s(saving_quote),
        "fees_applied": applied,
        "fees": {k: plain(fee_of(k, fees)) for k in keys_on_side} if applied else {},
        "fee_rule": FEE_RULE if applied else None,
    }
