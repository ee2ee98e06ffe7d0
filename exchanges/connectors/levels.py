"""Turning venue level lists into exact (price, quantity) pairs, refusing anything odd."""

from decimal import Decimal, InvalidOperation

from books.numbers import ZERO, BadNumber

_D = Decimal


def parse_pairs(rows) -> list[tuple[Decimal, Decimal]]:
    """Binance `[["price", "qty"], ...]` (or Deribit `get_order_book` `[[price, amount], ...]`)."""
    out = []
    append = out.append
    try:
        for p, q in rows:
            dp = _D(p)
            dq = _D(q)
            # NaN makes these comparisons raise InvalidOperation, which lands below as a bad number.
            if dp <= ZERO or dq < ZERO or not dp.is_finite() or not dq.is_finite():
                raise BadNumber(f"bad level {p!r} {q!r}")
            append((dp, dq))
    except (InvalidOperation, TypeError, ValueError) as exc:
        if isinstance(exc, BadNumber):
            raise
        raise BadNumber(f"bad level list: {exc!r:.80}") from None
    return out


DERIBIT_ACTIONS = frozenset(("new", "change", "delete"))


def parse_deribit_entries(rows) -> list[tuple[Decimal, Decimal]]:
    """Deribit `[["new"|"change"|"delete", price, amount], ...]`: delete becomes quantity zero."""
    out = []
    append = out.append
    try:
        for action, p, q in rows:
            if action not in DERIBIT_ACTIONS:
                raise BadNumber(f"unknown book action {action!r:.20}")
            dp = _D(p)
            dq = ZERO if action == "delete" else _D(q)
            if dp <= ZERO or dq < ZERO or not dp.is_finite() or not dq.is_finite():
                raise BadNumber(f"bad level {p!r} {q!r}")
            append((dp, dq))
    except (InvalidOperation, TypeError, ValueError) as exc:
        if isinstance(exc, BadNumber):
            raise
        raise BadNumber(f"bad level list: {exc!r:.80}") from None
    return out
