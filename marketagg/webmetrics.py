"""Prometheus series of the web side: browser WebSockets and HTTP request latency.

The web process serves them on its own `/metrics`, beside the feed counters when the feeds run in
the same process (`serve`). A separate `runfeeds` serves its feed counters on its own port
(MARKETAGG_FEEDS_METRICS_PORT); see docs/operations.md.
"""

from __future__ import annotations

import time

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from prometheus_client import Counter, Gauge, Histogram

WS_CLIENTS = Gauge("marketagg_ws_clients", "Browser WebSockets open", ["stream"])
WS_SENT = Counter("marketagg_ws_messages_sent", "Messages sent to browsers", ["stream"])
WS_COALESCED = Counter(
    "marketagg_ws_coalesced_drops",
    "Book updates replaced by a newer one before a client's next send (10/s cap)",
)
WS_CLOSED = Counter("marketagg_ws_disconnects", "Browser WebSockets closed by the server", ["reason"])
EVENT_TO_BROWSER = Histogram(
    "marketagg_event_to_browser_seconds",
    "From the book change (payload ts) to the message written to a browser's WebSocket",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5),
)
REQUEST_SECONDS = Histogram(
    "marketagg_http_request_duration_seconds",
    "HTTP request latency by route",
    ["route", "method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

for stream in ("book", "status"):  # every series is present from the first scrape
    WS_CLIENTS.labels(stream)
    WS_SENT.labels(stream)
for reason in ("garbage", "flood", "unknown_pair", "slow"):
    WS_CLOSED.labels(reason)


def _route(request) -> str:
    match = getattr(request, "resolver_match", None)
    return (match.url_name or match.route) if match else "unmatched"


class RequestLatencyMiddleware:
    """Times every HTTP request by route name (bounded label set: never the raw path)."""

    sync_capable = True
    async_capable = True

    def __init__(self, get_response) -> None:
        self.get_response = get_response
        if iscoroutinefunction(get_response):
            markcoroutinefunction(self)

    def __call__(self, request):
        if iscoroutinefunction(self):
            return self._acall(request)
        began = time.perf_counter()
        response = self.get_response(request)
        self._observe(request, response, began)
        return response

    async def _acall(self, request):
        began = time.perf_counter()
        response = await self.get_response(request)
        self._observe(request, response, began)
        return response

    @staticmethod
    def _observe(request, response, began: float) -> None:
        REQUEST_SECONDS.labels(_route(request), request.method, str(response.status_code)).observe(
            time.perf_counter() - began
        )
