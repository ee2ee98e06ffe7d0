"""The URL map: every venue below its id, as `Simulator.endpoints()` announces it."""

from __future__ import annotations

from aiohttp import web

from exchanges.simulator import binance_rest, binance_ws, control, deribit_rest, deribit_ws

BINANCE_VENUES = ("binance", "binance-usdm", "binance-coinm")
REST_PREFIX = {"binance": "/api/v3", "binance-usdm": "/fapi/v1", "binance-coinm": "/dapi/v1"}


def add_routes(app: web.Application) -> None:
    r = app.router
    for venue in BINANCE_VENUES:
        # The venue is a route variable so handlers read it from match_info like any other part.
        # USD-M also serves the 2026 split: /public (book data) and /market (the rest); any stream
        # is served on either.
        prefixes = [f"/{{venue:{venue}}}"]
        if venue == "binance-usdm":
            prefixes.append(f"/{{venue:{venue}}}/{{split:public|market}}")
        for prefix in prefixes:
            r.add_get(prefix + "/{kind:stream}", binance_ws.handle)
            r.add_get(prefix + "/{kind:ws}", binance_ws.handle)
            r.add_get(prefix + "/{kind:ws}/{tail:.+}", binance_ws.handle)
        rest = f"/{{venue:{venue}}}{REST_PREFIX[venue]}"
        r.add_get(rest + "/depth", binance_rest.depth)
        r.add_get(rest + "/exchangeInfo", binance_rest.exchange_info)
    r.add_get("/deribit/ws/api/v2", deribit_ws.handle)
    r.add_get("/deribit/api/v2/public/{method}", deribit_rest.public)
    r.add_get("/truth/{venue}/{symbol}", control.truth)
    r.add_post("/control/pause", control.pause)
    r.add_post("/control/stall", control.stall)
    r.add_post("/control/resume", control.resume)
    r.add_route("*", "/control/faults", control.faults)
    r.add_get("/control/stats", control.stats)
