"""Fault injection: which faults, how often, and the dice that decide each message's fate.

A `FaultSpec` is plain data (probabilities). Stream faults are rolled once per outgoing stream
message of a connection; REST faults once per request. Every injected fault is counted, so a test
can tell a fault it asked for from one that happened by chance.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, fields, replace
from functools import cached_property

STREAM_FAULTS = ("gap", "disconnect", "stall", "malformed", "unknown", "shutdown")
REST_FAULTS = ("rest429", "rest418", "slow_snapshot")


@dataclass(frozen=True)
class FaultSpec:
    gap: float = 0.0
    disconnect: float = 0.0
    stall: float = 0.0
    malformed: float = 0.0
    unknown: float = 0.0
    shutdown: float = 0.0
    rest429: float = 0.0
    rest418: float = 0.0
    slow_snapshot: float = 0.0
    # Deribit's own rule, not a fault of the simulator: an unanswered test_request ends the session.
    # Kept at 1 unless a spec says otherwise, so "none" still speaks the real protocol.
    heartbeat_close: float = 1.0

    @classmethod
    def none(cls) -> FaultSpec:
        return cls()

    @classmethod
    def all(cls) -> FaultSpec:
        """A mix every connector should survive in a minute of streaming."""
        return cls(
            gap=0.01,
            disconnect=0.001,
            stall=0.0005,
            malformed=0.01,
            unknown=0.01,
            shutdown=0.0005,
            rest429=0.05,
            rest418=0.01,
            slow_snapshot=0.1,
        )

    @classmethod
    def parse(cls, text: str | None) -> FaultSpec:
        """`"gap=0.02,disconnect=0.002"`, `"all"`, `"none"` or empty; `all,gap=0.1` overrides one key."""
        spec = cls()
        known = {f.name for f in fields(cls)}
        for part in (text or "").replace(";", ",").split(","):
            part = part.strip()
            if not part or part == "none":
                continue
            if part == "all":
                spec = replace(cls.all(), heartbeat_close=spec.heartbeat_close)
                continue
            key, sep, value = part.partition("=")
            key = key.strip()
            if not sep or key not in known:
                raise ValueError(f"unknown fault {part!r}; known: all, none, {', '.join(sorted(known))}")
            try:
                p = float(value)
            except ValueError:
                raise ValueError(f"fault {key}: {value!r} is not a probability") from None
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"fault {key}: {p} is not between 0 and 1")
            spec = replace(spec, **{key: p})
        return spec

    @cached_property
    def quiet_streams(self) -> bool:
        """No stream fault can happen: every roll of one would say no."""
        return not any(getattr(self, name) for name in STREAM_FAULTS)

    def __str__(self) -> str:
        default = FaultSpec()
        parts = [
            f"{f.name}={getattr(self, f.name):g}"
            for f in fields(self)
            if getattr(self, f.name) != getattr(default, f.name)
        ]
        return ",".join(parts) or "none"


class FaultDice:
    """One random source for fault decisions, kept apart from the book walk so that turning
    faults on or off never changes the books a seed produces."""

    def __init__(self, seed: object, counts: Counter) -> None:
        self.rng = random.Random(f"faults:{seed}")
        self.counts = counts

    def roll(self, kind: str, probability: float) -> bool:
        if probability <= 0.0:
            return False
        hit = probability >= 1.0 or self.rng.random() < probability
        if hit:
            self.counts[kind] += 1
        return hit

    def choice(self, options):
        return self.rng.choice(options)
