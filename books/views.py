"""The live pages: `/` (every pair, venue and book state) and `/book/<pair>/` (the live ladder).

Both are shells filled by their WebSocket; the server renders what it knows at once (pairs,
members, grouping choices) so the page is useful before the first message.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_safe

from books.numbers import plain
from marketagg.api import selectors

GROUP_FACTORS = (1, 10, 100, 1000, 10000)


def _login_needed(request) -> bool:
    return settings.MARKETAGG["PAGES_REQUIRE_LOGIN"] and not request.user.is_authenticated


@require_safe
def index(request):
    if _login_needed(request):
        return redirect_to_login(request.get_full_path())
    pairs = selectors.pairs()
    return render(request, "books/index.html", {"pairs": pairs})


@require_safe
def book(request, pair: str):
    if _login_needed(request):
        return redirect_to_login(request.get_full_path())
    info = selectors.pair(pair)
    if info is None:
        raise Http404(f"unknown pair {pair}")
    tick = info.smallest_tick() or Decimal("0.01")
    groups = [plain(tick * f) for f in GROUP_FACTORS]
    return render(
        request,
        "books/book.html",
        {
            "pair": info,
            "groups": groups,
            "depths": (10, 25, 50, 100, 200),
            "max_hz": settings.MARKETAGG["WS_MAX_HZ"],
        },
    )
