"""/metrics shows the web series: open browser sockets, messages sent, request latency by route."""

import re

import pytest

from tests.web.sockets import connect, next_message


def _value(text: str, series: str) -> float:
    match = re.search(rf"^{re.escape(series)} (\S+)$", text, re.M)
    assert match, f"{series} not on /metrics"
    return float(match.group(1))


@pytest.mark.django_db(transaction=True)
async def test_sockets_and_requests_show_on_metrics(seeded, layer, async_client):
    before = (await async_client.get("/metrics")).content.decode()
    clients = _value(before, 'marketagg_ws_clients{stream="status"}')
    sent = _value(before, 'marketagg_ws_messages_sent_total{stream="status"}')
    client, connected = await connect("/ws/status/")
    assert connected
    await next_message(client)
    during = (await async_client.get("/metrics")).content.decode()
    assert _value(during, 'marketagg_ws_clients{stream="status"}') == clients + 1
    assert _value(during, 'marketagg_ws_messages_sent_total{stream="status"}') >= sent + 1
    await client.disconnect()
    after = (await async_client.get("/metrics")).content.decode()
    assert _value(after, 'marketagg_ws_clients{stream="status"}') == clients
    assert re.search(
        r'^marketagg_http_request_duration_seconds_count\{method="GET",route="metrics",status="200"\} ',
        after,
        re.M,
    )
    for series in ("marketagg_ws_coalesced_drops_total", "marketagg_event_to_browser_seconds_count"):
        _value(after, series)
