"""Read-only admin for the tick tables: written only by the feed process, browsed here."""

from __future__ import annotations

from django.contrib import admin

from books.models import BookDelta, BookSnapshot, Trade, TradeMinute


class ReadOnlyTickAdmin(admin.ModelAdmin):
    list_filter = ["instrument"]
    date_hierarchy = None  # a full scan of a partitioned table per page view: not worth it
    show_full_result_count = False  # count(*) over millions of rows per page view neither
    list_per_page = 100
    list_select_related = ["instrument__exchange"]
    ordering = ["-time"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Trade)
class TradeAdmin(ReadOnlyTickAdmin):
    list_display = ["time", "instrument", "trade_id", "price", "quantity", "taker_side"]


@admin.register(BookDelta)
class BookDeltaAdmin(ReadOnlyTickAdmin):
    list_display = ["time", "instrument", "sequence", "event", "changed"]
    exclude = ["bids", "asks"]
    readonly_fields = ["levels"]
    ordering = ["-time", "-event"]

    @admin.display(description="levels changed")
    def changed(self, obj) -> str:
        return f"{len(obj.bids)} bids, {len(obj.asks)} asks"

    @admin.display(description="levels (price, new quantity; 0 = removed)")
    def levels(self, obj) -> str:
        return f"bids {obj.bids}\nasks {obj.asks}"


@admin.register(BookSnapshot)
class BookSnapshotAdmin(ReadOnlyTickAdmin):
    list_display = ["time", "instrument", "sequence", "best_bid", "best_ask", "mid", "spread"]
    exclude = ["bids", "asks"]
    readonly_fields = ["levels"]
    ordering = ["-time", "-event"]

    @admin.display(description="book (best 20 a side)")
    def levels(self, obj) -> str:
        return f"bids {obj.bids[:20]}\nasks {obj.asks[:20]}"


@admin.register(TradeMinute)
class TradeMinuteAdmin(ReadOnlyTickAdmin):
    """The 1-minute rollup, written only by the rollup task."""

    list_display = ["bucket", "instrument", "open", "high", "low", "close", "volume", "count"]
    ordering = ["-bucket"]
