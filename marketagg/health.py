"""`/healthz`: real checks, each named, so a load balancer's 503 says what failed.

- database: a query answers;
- channel_layer: a message sent on a fresh channel comes back (in-memory or Redis);
- feeds: every enabled instrument is live, or out of live for less than its staleness limit, as the
  feed process last reported (FeedState rows, saved every 2 s; rows older than REPORT_MAX_AGE mean
  the feed process is not reporting at all).
"""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime

from asgiref.sync import sync_to_async
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse

from exchanges.models import FeedState, Instrument

REPORT_MAX_AGE = 15.0  # seconds: the feed process saves its states every 2 s
LAYER_TIMEOUT = 2.0


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


async def check_channel_layer() -> str:
    layer = get_channel_layer()
    if layer is None:
        raise RuntimeError("no channel layer configured")
    channel = await layer.new_channel("healthz.")
    await asyncio.wait_for(layer.send(channel, {"type": "healthz.ping"}), LAYER_TIMEOUT)
    message = await asyncio.wait_for(layer.receive(channel), LAYER_TIMEOUT)
    if message.get("type") != "healthz.ping":
        raise RuntimeError(f"the layer gave back {message!r:.80}")
    return "ok"


DOWN_STATES = frozenset(("backoff", "invalid"))


def check_feeds(*, now: datetime | None = None) -> dict:
    """Raises FeedsUnhealthy with every failing instrument; returns a summary when all are fine."""
    now = now or datetime.now(UTC)
    instruments = list(
        Instrument.objects.select_related("exchange").filter(enabled=True, exchange__enabled=True)
    )
    states = {s.key: s for s in FeedState.objects.filter(key__in=[i.key for i in instruments])}
    failing = {}
    live = 0
    for instrument in instruments:
        row = states.get(instrument.key)
        if row is None:
            failing[instrument.key] = "not reported by the feed process"
            continue
        reported = (now - row.updated_at).total_seconds()
        if reported > REPORT_MAX_AGE:
            failing[instrument.key] = f"last report {reported:.0f}s ago: is the feed process running?"
            continue
        if row.state == "live":
            live += 1
            continue
        age = float(row.counters.get("age") or 0.0)
        reason = getattr(row, "reason", "") or row.counters.get("reason") or ""
        if row.state in DOWN_STATES:
            # Down now: waiting to reconnect after failures, or refused by the venue. The age
            # counter starts again at each reconnect attempt, so it cannot measure this.
            failing[instrument.key] = row.state + (f": {reason}" if reason else "")
            continue
        # A book turns stale `stale_after` seconds after its last change; it may stay out of live
        # for as long again (a resync in progress) before it counts as failing.
        if age >= 2 * instrument.stale_after:
            failing[instrument.key] = f"{row.state} for {age - instrument.stale_after:.0f}s" + (
                f": {reason}" if reason else ""
            )
    if failing:
        raise FeedsUnhealthy(failing)
    return {"instruments": len(instruments), "live": live}


class FeedsUnhealthy(Exception):
    def __init__(self, failing: dict[str, str]) -> None:
        super().__init__(f"{len(failing)} instrument(s) failing")
        self.failing = failing


async def healthz(request):
    began = time.perf_counter()
    checks: dict[str, object] = {}
    failed: list[str] = []
    for name, run in (
        ("database", sync_to_async(check_database)),
        ("channel_layer", check_channel_layer),
        ("feeds", sync_to_async(check_feeds)),
    ):
        try:
            checks[name] = await run()
        except FeedsUnhealthy as exc:
            checks[name] = {"error": str(exc), "failing": exc.failing}
            failed.append(name)
        except Exception as exc:  # a health check reports every failure, it never raises
            checks[name] = {"error": f"{type(exc).__name__}: {exc}"[:300]}
            failed.append(name)
    body = {
        "ok": not failed,
        "failing": failed,
        "checks": checks,
        "took_ms": round((time.perf_counter() - began) * 1000, 1),
    }
    return JsonResponse(body, status=503 if failed else 200)
