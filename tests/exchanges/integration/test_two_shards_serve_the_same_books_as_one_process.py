"""`runfeeds --shard i/n`: two feed processes and a web process, against the machine's Redis and
PostgreSQL, serve the same /api/book as one feed process does.

The simulator runs with rate 0 (books move only when told), so both set-ups see the same books.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager

import pytest
import redis
from django.db import connection

from tests.e2e.server import free_port, wait_until
from tests.exchanges.processes import ROOT

pytestmark = [pytest.mark.django_db(transaction=True)]
PAIRS = ("BTC-USDT", "ETH-USDT")


@contextmanager
def process(env: dict, *args: str, log):
    proc = subprocess.Popen([sys.executable, *args], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _env(redis_url: str) -> dict:
    s = connection.settings_dict
    db = f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(DATABASE_URL=db, REDIS_URL=redis_url, PYTHONUNBUFFERED="1", MARKETAGG_LOG_LEVEL="WARNING")
    return env


def _book(web: str, pair: str, venue: str | None = None):
    query = f"depth=1000&venue={venue}" if venue else "depth=1000"
    try:
        with urllib.request.urlopen(f"{web}/api/book/{pair}?{query}", timeout=5) as r:
            body = json.load(r)
    except urllib.error.HTTPError:
        return None
    return body


def _served(web: str, pairs=PAIRS) -> dict:
    """Every pair's consolidated book, once every venue of it is in; None until then."""
    out = {}
    for pair in pairs:
        body = _book(web, pair)
        if not body or not body.get("bids"):
            return None
        members = body.get("members") or []
        if members and not all(m.get("included") for m in members):
            return None
        out[pair] = {"bids": body["bids"], "asks": body["asks"]}
    return out


def _run(env: dict, sim: str, shards: list[str], tmp_path, tag: str, pairs=PAIRS, then=None) -> dict:
    redis.Redis.from_url(env["REDIS_URL"]).flushdb()
    web_port = free_port()
    web = f"http://127.0.0.1:{web_port}"
    with ExitStack() as stack:
        log = stack.enter_context((tmp_path / f"{tag}.log").open("ab"))
        for shard in shards:
            args = ["manage.py", "runfeeds", "--simulator-url", sim, "--no-store"]
            stack.enter_context(process(env, *args, *(["--shard", shard] if shard else []), log=log))
        daphne = ["-m", "daphne", "-b", "127.0.0.1", "-p", str(web_port), "marketagg.asgi:application"]
        stack.enter_context(process(env, *daphne, log=log))
        # Rate 0: once every venue is in, nothing changes, so two reads a moment apart agree.
        first = wait_until(lambda: _served(web, pairs), timeout=60, what=f"{tag}: every pair served")
        steady = wait_until(
            lambda: (lambda now: now if now == first else None)(_served(web, pairs)),
            timeout=20,
            what=f"{tag}: a steady book",
        )
        # Whatever else the web process serves right after: a pair nobody holds has no book.
        steady["others"] = {p: _book(web, p) is not None for p in PAIRS if p not in pairs}
        if then is not None:
            then(web)
        return steady


def _members(web: str, pair: str) -> set[str]:
    """The venue instruments with quantity in the served consolidated book."""
    body = _book(web, pair) or {}
    return {key for side in ("bids", "asks") for _, _, venues in body.get(side, []) for key in venues}


def _one_admin_message_reaches_both_shards(web: str, redis_url: str) -> None:
    """Two spot instruments disabled (one in each shard's pair) and ONE message on the admin's
    channel, which only one shard reads: both pairs lose their spot venue, so it was passed on."""
    from asgiref.sync import async_to_sync
    from channels_redis.core import RedisChannelLayer
    from django.conf import settings

    from exchanges.models import Instrument

    assert "binance:BTCUSDT" in _members(web, "BTC-USDT") and "binance:ETHUSDT" in _members(web, "ETH-USDT")
    Instrument.objects.filter(exchange__venue="binance", symbol__in=["BTCUSDT", "ETHUSDT"]).update(
        enabled=False
    )
    layer = RedisChannelLayer(hosts=[redis_url])
    message = {"type": "feed.control", "action": "disable", "venue": "binance", "symbol": "BTCUSDT"}
    async_to_sync(layer.send)(settings.MARKETAGG["CONTROL_CHANNEL"], message)
    wait_until(
        lambda: (
            "binance:BTCUSDT" not in _members(web, "BTC-USDT")
            and "binance:ETHUSDT" not in _members(web, "ETH-USDT")
        ),
        timeout=20,
        what="both shards applied the one admin message",
    )
    Instrument.objects.filter(exchange__venue="binance").update(enabled=True)


def test_two_shards_and_a_web_process_serve_what_one_process_serves(seeded, redis_url, tmp_path):
    env = _env(redis_url)
    sim_port = free_port()
    sim = f"http://127.0.0.1:{sim_port}"
    with (
        (tmp_path / "sim.log").open("ab") as log,
        process(
            env,
            "manage.py",
            "simulate_exchanges",
            "--port",
            str(sim_port),
            "--rate",
            "0",
            "--seed",
            "7",
            log=log,
        ),
    ):
        wait_until(
            lambda: urllib.request.urlopen(f"{sim}/truth/binance/BTCUSDT", timeout=2).status == 200,
            timeout=30,
            what="simulator up",
        )
        one = _run(env, sim, [""], tmp_path, "one")
        two = _run(
            env,
            sim,
            ["1/2", "2/2"],
            tmp_path,
            "two",
            then=lambda web: _one_admin_message_reaches_both_shards(web, redis_url),
        )
        half = _run(env, sim, ["1/2"], tmp_path, "half", pairs=("BTC-USDT",))
    assert half["others"] == {"ETH-USDT": False}  # the first shard holds BTC-USDT only
    assert half["BTC-USDT"] == one["BTC-USDT"]
    assert set(one) == set(two) == {*PAIRS, "others"}
    for pair in PAIRS:
        assert two[pair] == one[pair], pair
        assert len(one[pair]["bids"]) > 50 and len(one[pair]["asks"]) > 50
