"""The read-only API views: parse and check the query, call one selector, shape the JSON.

Every refusal is a 400 with `{"error": reason, "param": name}`; an unknown pair is a 404.
"""

from __future__ import annotations

from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.http import JsonResponse
from django.views.decorators.http import require_safe

from books.models import Trade
from books.numbers import plain
from marketagg.api import params, selectors
from marketagg.api.levels import BadGroup, cut_book, cut_levels, parse_group

BOOK_DEPTH_DEFAULT, BOOK_DEPTH_MAX = 50, 1000
TRADES_LIMIT_DEFAULT, TRADES_LIMIT_MAX = 100, 1000
TRADES_WINDOW_DEFAULT = timedelta(hours=1)
BARS_MAX = 5000


def error(status: int, reason: str, param: str | None = None) -> JsonResponse:
    body = {"error": reason}
    if param:
        body["param"] = param
    return JsonResponse(body, status=status)


def api_view(view):
    """GET/HEAD only (the API is read-only); 401 when pages need a login; BadParam -> 400; unknown pair -> 404."""

    @require_safe
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if settings.MARKETAGG["PAGES_REQUIRE_LOGIN"] and not request.user.is_authenticated:
            return error(401, "log in first (MARKETAGG_PAGES_REQUIRE_LOGIN is on): /admin/login/")
        if "pair" in kwargs:
            info = selectors.pair(kwargs["pair"])
            if info is None:
                known = ", ".join(selectors.pairs()) or "none"
                return error(404, f"unknown pair {kwargs['pair']!r}; known pairs: {known}")
            kwargs["pair"] = info
        try:
            return view(request, *args, **kwargs)
        except params.BadParam as exc:
            return error(400, exc.reason, exc.name)

    return wrapped


def _member_rows(info: selectors.PairInfo, payload: dict | None) -> list[dict]:
    live = {m["key"]: m for m in (payload or {}).get("members", [])}
    return [
        {
            "key": i.key,
            "venue": i.exchange.venue,
            "symbol": i.symbol,
            "kind": i.kind,
            "quote": i.quote,
            "state": live.get(i.key, {}).get("state", "unknown"),
            "reason": live.get(i.key, {}).get("reason", ""),
            "included": bool(live.get(i.key, {}).get("included", False)),
        }
        for i in info.instruments
    ]


@api_view
def pairs(request):
    params.known_only(request.GET, ())
    out = []
    for name, info in selectors.pairs().items():
        payload = selectors.live_payload(name)
        book = (payload or {}).get("consolidated") or {}
        bids, asks = book.get("bids") or [], book.get("asks") or []
        out.append(
            {
                "pair": name,
                "members": _member_rows(info, payload),
                "best_bid": bids[0][0] if bids else None,
                "best_ask": asks[0][0] if asks else None,
                "ts": (payload or {}).get("ts"),
                "crossed": (payload or {}).get("crossed"),
                "book": f"/api/book/{name}",
                "page": f"/book/{name}/",
            }
        )
    return JsonResponse({"pairs": out})


@api_view
def book(request, pair: selectors.PairInfo):
    q = request.GET
    params.known_only(q, ("depth", "venue", "group"))
    depth = params.integer(q, "depth", default=BOOK_DEPTH_DEFAULT, low=1, high=BOOK_DEPTH_MAX)
    try:
        group = parse_group(q.get("group"))
    except BadGroup as exc:
        raise params.BadParam("group", str(exc)) from None
    venue = q.get("venue") or None
    if venue is not None:
        keys = pair.keys
        matches = [k for k in keys if k == venue or k.split(":", 1)[0] == venue]
        if len(matches) != 1:
            why = "is ambiguous" if matches else "is not in this pair"
            raise params.BadParam("venue", f"{venue!r:.60} {why}; give one of {', '.join(keys)}")
        if group is not None:
            raise params.BadParam(
                "group", "groups the consolidated book; a venue's book is exact (drop group or venue)"
            )
        venue = matches[0]
    payload = selectors.live_payload(pair.pair)
    if payload is None:
        response = error(503, f"no live book for {pair.pair} yet: the feed process has not published it")
        response["Retry-After"] = "1"
        return response
    head = {"pair": pair.pair, "ts": payload.get("ts"), "version": payload.get("version")}
    if venue is not None:
        exact = (payload.get("venues") or {}).get(venue) or {"bids": [], "asks": []}
        state = next((m for m in payload.get("members", []) if m["key"] == venue), {})
        return JsonResponse(
            {
                **head,
                "venue": venue,
                "state": state.get("state", "unknown"),
                "reason": state.get("reason", ""),
                "units": "the venue's own price and quantity units",
                "bids": exact.get("bids", [])[:depth],
                "asks": exact.get("asks", [])[:depth],
            }
        )
    levels = cut_book(payload.get("consolidated") or {}, depth=depth, group=group)
    return JsonResponse(
        {
            **head,
            "depth": depth,
            "group": plain(group) if group is not None else None,
            "units": "base-asset quantities",
            "members": _member_rows(pair, payload),
            "quotes": payload.get("quotes", []),
            "crossed": payload.get("crossed"),
            "metrics": payload.get("metrics", {}),
            **levels,
        }
    )


@api_view
def trades(request, pair: selectors.PairInfo):
    from django.utils import timezone

    q = request.GET
    params.known_only(q, ("start", "end", "limit"))
    limit = params.integer(q, "limit", default=TRADES_LIMIT_DEFAULT, low=1, high=TRADES_LIMIT_MAX)
    end = params.moment(q, "end", default=timezone.now())
    start = params.moment(q, "start", default=end - TRADES_WINDOW_DEFAULT)
    if start >= end:
        raise params.BadParam("start", "must be before end")
    by_id = {i.id: i for i in pair.instruments}
    rows = list(
        Trade.objects.filter(instrument_id__in=list(by_id), time__gte=start, time__lt=end)
        .order_by("time", "id")
        .values_list("time", "instrument_id", "trade_id", "price", "quantity", "taker_side")[: limit + 1]
    )
    # The next page starts at the first trade not shown (`start` is inclusive): none is missed.
    next_start = rows[limit][0].isoformat() if len(rows) > limit else None
    rows = rows[:limit]
    return JsonResponse(
        {
            "pair": pair.pair,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "limit": limit,
            "units": "each venue's own quantity unit (contracts on COIN-M, USD on Deribit inverse)",
            "trades": [
                {
                    "time": t.isoformat(),
                    "venue": by_id[iid].exchange.venue,
                    "symbol": by_id[iid].symbol,
                    "trade_id": tid,
                    "price": plain(price),
                    "quantity": plain(qty),
                    "taker_side": side,
                }
                for t, iid, tid, price, qty, side in rows
            ],
            "next_start": next_start,
        }
    )


__all__ = ["book", "pairs", "trades", "cut_levels"]
