"""The six MARKETAGG_* feed settings the README documents reach the running connectors and act:
backoff base and cap, healthy reset, streams per connection, connection age, quarantine size.

A real feed process (as `runfeeds --simulate` starts it) runs under changed settings; each
connector's options and reconnect backoff carry them, streams spread over more connections, a
connection is renewed once it is older than the age limit, and the quarantine keeps only so many
frames."""

from __future__ import annotations

import asyncio

import pytest

from exchanges.feedprocess import FeedProcess, FeedProcessOptions
from tests.exchanges.connectors.scripted_venue import wait_for

CHANGED = {
    "BACKOFF_BASE": 0.125,
    "BACKOFF_CAP": 7.5,
    "HEALTHY_RESET": 11.0,
    "MAX_STREAMS_PER_CONNECTION": 2,
    "CONNECTION_MAX_AGE": 3.0,
    "QUARANTINE_SIZE": 3,
}


@pytest.mark.django_db(transaction=True)
async def test_feed_settings_reach_every_connector(settings, seeded):
    settings.MARKETAGG = {**settings.MARKETAGG, **CHANGED}
    process = FeedProcess(FeedProcessOptions(simulate=True, store=False))
    task = asyncio.create_task(process.run())
    try:
        await asyncio.wait_for(process.ready.wait(), 20)
        supervisor = process.supervisor
        await wait_for(lambda: len(supervisor.books()) == 8, timeout=20, what="8 books")
        assert supervisor.connectors, "no connector started"
        for venue, connector in supervisor.connectors.items():
            opts = connector.options
            got = (
                opts.backoff_base,
                opts.backoff_cap,
                opts.healthy_after,
                opts.max_streams_per_connection,
                opts.connection_max_age,
                opts.quarantine_size,
            )
            assert got == (0.125, 7.5, 11.0, 2, 3.0, 3), venue
            for group in connector.groups:  # the reconnect backoff each connection uses
                await wait_for(
                    lambda g=group: g.backoff is not None, timeout=10, what=f"{group.name} backoff"
                )
                assert (group.backoff.base, group.backoff.cap, group.backoff.healthy_after) == (
                    0.125,
                    7.5,
                    11.0,
                )

        # Two streams a socket: Binance's two symbols (depth and trades each) need two connections.
        binance = supervisor.connectors["binance"]
        assert len([g for g in binance.groups if g.books]) == 2
        # The quarantine holds at most three frames.
        assert supervisor.quarantine.frames.maxlen == 3

        # Connections older than 3 s are renewed: a new session takes over on every group.
        first = {id(g): g.active for g in binance.groups}
        await wait_for(
            lambda: all(g.active is not None and g.active is not first[id(g)] for g in binance.groups),
            timeout=20,
            what="connections renewed at the age limit",
        )
    finally:
        process.stop()
        await asyncio.wait_for(task, 20)
