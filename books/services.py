"""Writes of the books app outside the tick stream (the stream itself goes through books.writer)."""

from __future__ import annotations

import dataclasses
import re

from django.db import transaction

from exchanges.models import Exchange, Instrument
from exchanges.types import InstrumentSpec
from exchanges.venues import VENUES

_PAIR = re.compile(r"^([A-Z0-9]{2,12})-([A-Z0-9]{2,12})$")


def _base_quote(spec: InstrumentSpec) -> tuple[str, str, str]:
    match = _PAIR.match(spec.pair or "")
    if match:
        return spec.pair, match.group(1), match.group(2)
    # No canonical pair known (a replayed option, say): a placeholder the admin can correct.
    return "", "", ""


@transaction.atomic
def ensure_instruments(*, specs: list[InstrumentSpec]) -> list[InstrumentSpec]:
    """Give every spec an exchanges.Instrument row (created, disabled, where missing, e.g. for a
    replayed instrument) and return the specs with `id` set, in the same order. Created rows are
    disabled so a replay never makes the live feed subscribe to something new."""
    out = []
    for spec in specs:
        if spec.id is not None:
            out.append(spec)
            continue
        exchange, _ = Exchange.objects.get_or_create(
            venue=spec.venue,
            defaults={"name": VENUES[spec.venue].name if spec.venue in VENUES else spec.venue},
        )
        pair, base, quote = _base_quote(spec)
        instrument, _ = Instrument.objects.get_or_create(
            exchange=exchange,
            symbol=spec.symbol,
            defaults={
                "pair": pair or "UNKNOWN-UNKNOWN",
                "base": base or "UNKNOWN",
                "quote": quote or "UNKNOWN",
                "kind": spec.kind or "spot",
                "contract_size": spec.contract_size,
                "tick_size": spec.tick_size,
                "depth": spec.depth,
                "stale_after": spec.stale_after,
                "consolidate_into": spec.consolidate_into,
                "enabled": False,
            },
        )
        out.append(dataclasses.replace(spec, id=instrument.id))
    return out
