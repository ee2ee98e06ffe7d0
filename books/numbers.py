"""Exact numbers: venue prices and quantities never pass through binary float.

Binance sends decimal strings; Deribit sends JSON numbers, which `decode_json` turns into
`Decimal` straight from their text (msgspec's float_hook), so 0.1 stays 0.1.
"""

from decimal import Decimal, InvalidOperation

import msgspec

_decoder = msgspec.json.Decoder(float_hook=Decimal)
ZERO = Decimal(0)


class BadNumber(ValueError):
    """A price or quantity that is not a finite, non-negative decimal."""


# All a plain decimal string holds: digits and a point. What is left after stripping these from
# both ends is empty only when nothing else is there (no sign, exponent, space, "_", "NaN").
# Decimal() itself refuses "", "." and "1.2.3". Cheaper than a regular expression on a hot path.
PLAIN_DECIMAL_CHARS = "0123456789."
# All the compact JSON text of a list of [price, quantity] plain decimal strings holds.
SPELLED_JSON_CHARS = b'[]",' + PLAIN_DECIMAL_CHARS.encode()


class SpelledLevels(list):
    """A change's (price, quantity) Decimal pairs that also keep the venue's own spelling.

    `spelled` is the JSON text of the venue's level list as it arrived (b'[["65000.10","1.5"],...]',
    every item a decimal string already checked by the connector), item for item the same levels.
    The tick recorder stores that text as it is instead of writing each Decimal back out (a str()
    per number: most of what storing a change cost). Still a list of pairs for every other sink."""

    __slots__ = ("spelled",)


def decode_json(raw: bytes | str):
    """Parse JSON with every non-integer number as an exact Decimal. Raises msgspec.DecodeError."""
    return _decoder.decode(raw)


def to_decimal(value) -> Decimal:
    """A finite, non-negative Decimal from a venue string, int or Decimal; BadNumber otherwise."""
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, str):
        try:
            d = Decimal(value)
        except InvalidOperation:
            raise BadNumber(f"not a number: {value[:40]!r}") from None
    elif isinstance(value, int) and not isinstance(value, bool):
        d = Decimal(value)
    else:
        raise BadNumber(f"not a number: {value!r:.40}")
    if not d.is_finite():
        raise BadNumber(f"not finite: {value!r:.40}")
    if d < ZERO:
        raise BadNumber(f"negative: {value!r:.40}")
    return d


def plain(d: Decimal) -> str:
    """The books-file spelling: no exponent, no trailing zeros ("65000", "0.001", "12.5")."""
    if d == ZERO:
        return "0"
    text = format(d, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text
