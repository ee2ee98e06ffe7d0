"""Declarative metric parameters: a type, a default and limits, checked with a clear message.

A parameter is validated where it enters (the admin's MetricConfig form, LiveMetrics at start), so a
metric's `compute` can trust `self.params` without checking again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

KINDS = ("int", "float", "decimal", "choice")


class ParamError(ValueError):
    """A parameter (or a set of them) a metric refuses; the message names it and says why."""


@dataclass(frozen=True)
class Param:
    name: str
    kind: str  # int, float, decimal, choice
    default: object
    help: str = ""
    unit: str = ""  # shown in messages: "seconds", "levels", "bps"
    min: float | None = None
    max: float | None = None
    min_exclusive: bool = False  # a window must be > 0, not >= 0
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"parameter {self.name}: kind must be one of {KINDS}, not {self.kind!r}")

    def _unit(self) -> str:
        return f" {self.unit}" if self.unit else ""

    def clean(self, raw: object) -> object:
        """The value as the metric uses it, or ParamError with what is wrong."""
        if self.kind == "choice":
            if raw not in self.choices:
                raise ParamError(f"{self.name} must be one of {', '.join(self.choices)}, got {raw!r}")
            return raw
        if isinstance(raw, bool):
            raise ParamError(f"{self.name} must be a number{self._unit()}, got {raw!r}")
        value = self._number(raw)
        low, high = self.min, self.max
        if low is not None and (value <= low if self.min_exclusive else value < low):
            bound = f"greater than {low:g}" if self.min_exclusive else f"at least {low:g}"
            raise ParamError(f"{self.name} must be {bound}{self._unit()}, got {raw}")
        if high is not None and value > high:
            raise ParamError(f"{self.name} must be at most {high:g}{self._unit()}, got {raw}")
        return value

    def _number(self, raw: object):
        if self.kind == "int":
            if isinstance(raw, int):
                return raw
            if isinstance(raw, float) and raw.is_integer():
                return int(raw)
            if isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
                return int(raw)
            raise ParamError(f"{self.name} must be a whole number{self._unit()}, got {raw!r}")
        if self.kind == "float":
            try:
                value = float(raw) if isinstance(raw, int | float | str) else math.nan
            except ValueError:
                value = math.nan
            if not math.isfinite(value):
                raise ParamError(f"{self.name} must be a finite number{self._unit()}, got {raw!r}")
            return value
        try:
            value = Decimal(str(raw)) if isinstance(raw, int | str | Decimal) else Decimal("NaN")
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise ParamError(f"{self.name} must be a decimal number{self._unit()}, got {raw!r}")
        return value

    def describe(self) -> str:
        limits = []
        if self.kind == "choice":
            limits.append("one of " + ", ".join(self.choices))
        if self.min is not None:
            limits.append(f"{'>' if self.min_exclusive else '>='} {self.min:g}")
        if self.max is not None:
            limits.append(f"<= {self.max:g}")
        extra = f" ({'; '.join(limits)})" if limits else ""
        return f"{self.name}: {self.kind}{self._unit()}, default {self.default}{extra}. {self.help}".strip()


def clean_params(params: tuple[Param, ...], raw: dict | None, *, metric: str) -> dict:
    """Defaults filled in, each value checked; every problem in one message."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ParamError(f"parameters of {metric} must be a JSON object, got {type(raw).__name__}")
    known = {p.name: p for p in params}
    errors = []
    unknown = sorted(set(raw) - set(known))
    if unknown:
        takes = ", ".join(known) if known else "no parameters"
        errors.append(f"unknown parameter {', '.join(map(repr, unknown))} for {metric} (it takes: {takes})")
    out = {}
    for name, param in known.items():
        try:
            out[name] = param.clean(raw[name]) if name in raw else param.default
        except ParamError as exc:
            errors.append(str(exc))
    if errors:
        raise ParamError("; ".join(errors))
    return out
