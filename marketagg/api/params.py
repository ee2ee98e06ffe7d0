"""Query-parameter parsing: every refusal is a `BadParam` whose message becomes the 400's reason."""

from __future__ import annotations

from datetime import UTC, datetime

from django.http import QueryDict


class BadParam(ValueError):
    def __init__(self, name: str, reason: str) -> None:
        super().__init__(f"{name}: {reason}")
        self.name = name
        self.reason = reason


def known_only(query: QueryDict, allowed: tuple[str, ...]) -> None:
    """A misspelt parameter is refused rather than silently ignored (`?dept=5` is not `?depth=5`)."""
    for name in query:
        if name not in allowed:
            raise BadParam(name, f"unknown parameter; this endpoint takes {', '.join(allowed) or 'none'}")
    for name in allowed:
        if len(query.getlist(name)) > 1:
            raise BadParam(name, "given more than once")


def integer(query: QueryDict, name: str, *, default: int | None, low: int, high: int) -> int | None:
    text = query.get(name)
    if text is None or text == "":
        return default
    try:
        value = int(text)
    except ValueError:
        raise BadParam(name, f"must be an integer, got {text!r:.40}") from None
    if not low <= value <= high:
        raise BadParam(name, f"must be between {low} and {high}, got {value}")
    return value


def moment(query: QueryDict, name: str, *, default: datetime | None = None) -> datetime | None:
    """ISO 8601 (`2026-11-29T04:00:00Z`; no zone means UTC) or unix seconds (`1795000000.5`)."""
    text = query.get(name)
    if text is None or text == "":
        return default
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        if not 0 <= seconds < 32503680000:  # before the year 3000
            raise BadParam(name, f"unix time {text!r:.40} is out of range")
        return datetime.fromtimestamp(seconds, tz=UTC)
    try:
        value = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" ", "+"))
    except ValueError:
        raise BadParam(
            name, f"must be ISO 8601 (2026-11-29T04:00:00Z) or unix seconds, got {text!r:.40}"
        ) from None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def choice(query: QueryDict, name: str, *, options: list[str], default: str | None = None) -> str | None:
    text = query.get(name)
    if text is None or text == "":
        if default is None:
            raise BadParam(name, f"required; one of {', '.join(options) or '(none available)'}")
        return default
    if text not in options:
        raise BadParam(name, f"unknown value {text!r:.40}; one of {', '.join(options) or '(none available)'}")
    return text
