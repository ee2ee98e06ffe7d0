"""The admin lists ticks filtered by instrument and refuses to add, change or delete them."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from books.models import BookDelta, BookSnapshot, Trade

pytestmark = [pytest.mark.backends, pytest.mark.django_db]


def test_ticks_are_listed_by_instrument_and_read_only(admin_client, instrument):
    at = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    trade = Trade.objects.create(
        time=at,
        instrument=instrument,
        trade_id="T-77",
        price=Decimal("1.5"),
        quantity=Decimal("2"),
        taker_side="buy",
    )
    snap = BookSnapshot.objects.create(time=at, instrument=instrument, event=1, bids=[["1", "2"]], asks=[])
    page = admin_client.get(f"/admin/books/trade/?instrument__id__exact={instrument.id}")
    assert page.status_code == 200 and "T-77" in page.content.decode()
    assert (
        admin_client.get("/admin/books/trade/?instrument__id__exact=999999").content.decode().count("T-77")
        == 0
    )
    assert admin_client.get("/admin/books/trade/add/").status_code == 403
    assert admin_client.post(f"/admin/books/trade/{trade.pk}/delete/", {"post": "yes"}).status_code == 403
    detail = admin_client.get(f"/admin/books/booksnapshot/{snap.pk}/change/")
    assert detail.status_code == 200 and "[&#x27;1&#x27;, &#x27;2&#x27;]" in detail.content.decode()
    assert Trade.objects.filter(pk=trade.pk).exists()
    change = BookDelta.objects.create(
        time=at, instrument=instrument, event=2, bids=[["1.5", "0"]], asks=[["2", "3"], ["2.5", "1"]]
    )
    listed = admin_client.get(f"/admin/books/bookdelta/?instrument__id__exact={instrument.id}")
    assert listed.status_code == 200 and "1 bids, 2 asks" in listed.content.decode()
    detail = admin_client.get(f"/admin/books/bookdelta/{change.pk}/change/").content.decode()
    assert "[&#x27;2.5&#x27;, &#x27;1&#x27;]" in detail
    assert (
        admin_client.post(f"/admin/books/bookdelta/{change.pk}/delete/", {"post": "yes"}).status_code == 403
    )
