"""Turning venue level lists into exact (price, quantity) pairs, refusing anything odd.

Each venue spells numbers one way only: Binance as decimal strings ("65000.10"), Deribit as JSON
numbers (which `decode_json` gives as int or Decimal). Python's Decimal reads much more
("1_000", " 5", "1e3", True), and a two-character string unpacks as a pair ("12" -> 1, 2), so
the shape and type of every item is checked before it becomes a number.
"""

from decimal import Decimal, InvalidOperation

import msgspec

from books.numbers import PLAIN_DECIMAL_CHARS, SPELLED_JSON_CHARS, ZERO, BadNumber, SpelledLevels

_D = Decimal
_DIGITS = PLAIN_DECIMAL_CHARS  # all Binance ever puts in a number
_REFUSED = (InvalidOperation, AttributeError, TypeError, ValueError)


def _bad(what: str, value) -> BadNumber:
    return BadNumber(f"{what}: {value!r:.60}")


# Decimals of price strings seen before, already checked: a venue repeats the same few thousand
# prices all day, so most levels skip the parse and their dictionary keys come with their hash
# already worked out (a Decimal caches it). Bounded: emptied when it reaches PRICE_CACHE_SIZE.
PRICE_CACHE_SIZE = 200_000
_prices: dict[str, Decimal] = {}


def parse_pairs(rows) -> SpelledLevels:
    """Binance `[["price", "qty"], ...]`: each level a list of exactly two decimal strings.

    The pairs keep the JSON text of `rows` as their spelling (books.numbers.SpelledLevels)."""
    if type(rows) is not list:
        raise _bad("level list is not a list", rows)
    out = SpelledLevels()
    append = out.append
    digits = _DIGITS
    known = _prices
    row = None
    try:
        for row in rows:
            if type(row) is not list:  # a string "12" would unpack as price 1, quantity 2
                raise TypeError
            p, q = row
            dp = known.get(p)  # TypeError for a list or dict price: refused below
            if dp is None:
                dp = _D(p)
                # str.strip on JSON true or a number raises AttributeError: not a decimal string.
                if not dp or p.strip(digits):
                    raise ValueError
                if len(known) >= PRICE_CACHE_SIZE:
                    known.clear()
                known[p] = dp
            if q.strip(digits):
                raise ValueError
            append((dp, _D(q)))
    except _REFUSED:
        raise _bad("level is not [price, quantity] as decimal strings, price above zero", row) from None
    out.spelled = _encode(rows)  # every item checked above: nothing but digits and points
    return out


_encode = msgspec.json.encode
_text_pairs = msgspec.json.Decoder(list[tuple[str, str]])


def parse_spelled(text: bytes) -> SpelledLevels | None:
    """Binance's level list still as its JSON text (a typed frame decode's raw field), read when it
    is spelled as Binance spells it: compact, each level two plain decimal strings, price above
    zero. The text is kept as the levels' spelling. None for anything else: `parse_pairs` on the
    decoded list then says what is wrong with it.

    The same levels as `parse_pairs`, cheaper: the text is checked for stray characters (sign,
    exponent, space, escape, number) in one pass instead of each string apart."""
    if text.translate(None, SPELLED_JSON_CHARS):
        return None
    try:
        rows = _text_pairs.decode(text)  # exactly two strings a level, or refused
    except msgspec.DecodeError:  # ValidationError is a DecodeError
        return None
    out = SpelledLevels()
    out.spelled = text
    append = out.append
    known = _prices
    try:
        for p, q in rows:
            dp = known.get(p)
            if dp is None:  # parse_pairs' cache miss, written out again: a call per miss cost 3%
                dp = _D(p)  # "", "." and "1.2" + "." are refused here
                if not dp:
                    return None
                if len(known) >= PRICE_CACHE_SIZE:
                    known.clear()
                known[p] = dp
            append((dp, _D(q)))
    except InvalidOperation:
        return None
    return out


def parse_price_qty(p, q) -> tuple[Decimal, Decimal]:
    """One Binance trade's price and quantity, both decimal strings, price above zero."""
    try:
        dp = _D(p)
        if not dp or p.strip(_DIGITS) or q.strip(_DIGITS):
            raise ValueError
        return dp, _D(q)
    except _REFUSED:
        raise _bad("price and quantity are not decimal strings", (p, q)) from None


def _number(value) -> Decimal:
    # `type(...) is` leaves out bool, which is a subclass of int.
    kind = type(value)
    if kind is _D:
        return value
    if kind is int:
        return _D(value)
    raise _bad("not a JSON number", value)


def parse_number_pair(p, q) -> tuple[Decimal, Decimal]:
    """One Deribit price and amount, both JSON numbers; price positive, amount not negative."""
    dp = _number(p)
    dq = _number(q)
    if dp <= ZERO or dq < ZERO or not dp.is_finite() or not dq.is_finite():
        raise _bad("bad level", (p, q))
    return dp, dq


def parse_number_pairs(rows) -> list[tuple[Decimal, Decimal]]:
    """Deribit `get_order_book` `[[price, amount], ...]`: each level two JSON numbers."""
    if type(rows) is not list:
        raise _bad("level list is not a list", rows)
    out = []
    append = out.append
    for row in rows:
        if type(row) is not list or len(row) != 2:
            raise _bad("level is not a [price, amount] pair", row)
        append(parse_number_pair(row[0], row[1]))
    return out


DERIBIT_ACTIONS = frozenset(("new", "change", "delete"))


def parse_deribit_entries(rows) -> list[tuple[Decimal, Decimal]]:
    """Deribit `[["new"|"change"|"delete", price, amount], ...]`: delete becomes quantity zero."""
    if type(rows) is not list:
        raise _bad("entry list is not a list", rows)
    out = []
    append = out.append
    actions = _ACTIONS
    row = None
    try:
        for row in rows:
            if type(row) is not list:
                raise TypeError
            action, p, q = row
            kind = actions[action]  # KeyError (or TypeError) for anything but the three actions
            tp = type(p)
            tq = type(q)
            # `type(...) is` leaves out bool, a subclass of int: JSON true is not a number.
            if (tp is not _D and tp is not int) or (tq is not _D and tq is not int):
                raise TypeError
            dp = _D(p)
            dq = ZERO if kind else _D(q)
            if dp <= ZERO or dq < ZERO:
                raise ValueError
            append((dp, dq))
    except (KeyError, *_REFUSED):
        raise _bad("entry is not [action, price, amount] with numbers, price above zero", row) from None
    return out


_ACTIONS = {"new": False, "change": False, "delete": True}  # True: the amount means nothing, level goes
