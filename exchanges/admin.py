"""Admin of venues and instruments. Actions call services, which tell the running feed process."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages

from exchanges.models import Exchange, FeedState, Instrument, InstrumentKind, ListedSymbol
from exchanges.services import (
    exchange_enable,
    exchange_reconnect,
    instrument_delete,
    instrument_enable,
    instrument_resync,
    instrument_save,
)

NOT_TOLD = " The feed process did not get the message (is runfeeds running?); it applies at its next start."


def _report(modeladmin, request, done: str, told: list[bool]) -> None:
    if all(told):
        modeladmin.message_user(request, f"{done} The feed process was told.", messages.SUCCESS)
    else:
        modeladmin.message_user(request, done + NOT_TOLD, messages.WARNING)


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["venue", "name", "enabled", "overrides"]
    list_filter = ["enabled"]
    actions = ["enable_venues", "disable_venues", "reconnect_venues"]

    @admin.display(description="URL overrides")
    def overrides(self, obj: Exchange) -> str:
        parts = [f"ws {obj.ws_url}" if obj.ws_url else "", f"rest {obj.rest_url}" if obj.rest_url else ""]
        return "; ".join(p for p in parts if p) or "—"

    @admin.action(description="Enable selected venues")
    def enable_venues(self, request, queryset) -> None:
        told = [exchange_enable(exchange=e, enabled=True) for e in queryset]
        _report(self, request, f"Enabled {len(told)} venue(s).", told)

    @admin.action(description="Disable selected venues")
    def disable_venues(self, request, queryset) -> None:
        told = [exchange_enable(exchange=e, enabled=False) for e in queryset]
        _report(self, request, f"Disabled {len(told)} venue(s).", told)

    @admin.action(description="Reconnect selected venues")
    def reconnect_venues(self, request, queryset) -> None:
        told = [exchange_reconnect(exchange=e) for e in queryset]
        _report(self, request, f"Asked {len(told)} venue(s) to reconnect.", told)


class InstrumentForm(forms.ModelForm):
    """Base, quote, pair and kind may be left blank: they come from the venue's list when it is
    known (`sync_instruments`), and a value that contradicts the list is refused."""

    class Meta:
        model = Instrument
        fields = "__all__"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("base", "quote", "pair"):
            self.fields[name].required = False
        self.fields["kind"].required = False
        self.fields["kind"].choices = [("", "(from the venue's list)"), *InstrumentKind.choices]
        if not self.instance.pk:
            self.initial["kind"] = ""

    def clean(self) -> dict:
        data = super().clean()
        exchange, symbol = data.get("exchange"), data.get("symbol")
        listed = ListedSymbol.objects.filter(exchange=exchange, symbol=symbol).first() if exchange else None
        if listed is not None:
            self._fill_from(listed, data)
        if not data.get("pair") and data.get("base") and data.get("quote"):
            data["pair"] = f"{data['base']}-{data['quote']}"
        for name in ("base", "quote", "pair"):
            if not data.get(name) and name not in self.errors:
                self.add_error(name, "Give it, or run sync_instruments so it comes from the venue's list.")
        if not data.get("kind"):
            data["kind"] = InstrumentKind.SPOT
        return data

    def _fill_from(self, listed: ListedSymbol, data: dict) -> None:
        """Blank fields take the list's value; given ones must agree with it."""
        wanted = {
            "base": listed.base,
            "quote": listed.quote,
            "pair": f"{listed.base}-{listed.quote}",
            "kind": listed.kind,
            "contract_size": listed.contract_size,
            "tick_size": listed.tick_size,
        }
        for name, value in wanted.items():
            given = data.get(name)
            if given in (None, ""):
                data[name] = value
            elif name in ("base", "quote", "kind") and given != value:
                self.add_error(
                    name, f"{listed.exchange.venue} lists {listed.symbol} with {name} {value}, not {given}."
                )


@admin.register(Instrument)
class InstrumentAdmin(admin.ModelAdmin):
    form = InstrumentForm
    list_display = [
        "venue",
        "symbol",
        "pair",
        "kind",
        "contract_size",
        "tick_size",
        "enabled",
        "depth",
        "stale_after",
    ]
    list_select_related = ["exchange"]
    search_fields = ["symbol", "pair", "base", "quote"]
    list_filter = ["exchange", "kind", "enabled", "quote"]
    actions = ["enable_instruments", "disable_instruments", "resync_books"]

    @admin.display(description="venue", ordering="exchange__venue")
    def venue(self, obj: Instrument) -> str:
        return obj.exchange.venue

    def save_model(self, request, obj, form, change) -> None:
        if not instrument_save(instrument=obj):
            self.message_user(request, "Saved." + NOT_TOLD, messages.WARNING)

    def delete_model(self, request, obj) -> None:
        instrument_delete(instrument=obj)

    def delete_queryset(self, request, queryset) -> None:
        for obj in queryset.select_related("exchange"):
            instrument_delete(instrument=obj)

    @admin.action(description="Enable selected instruments")
    def enable_instruments(self, request, queryset) -> None:
        told = [instrument_enable(instrument=i, enabled=True) for i in queryset.select_related("exchange")]
        _report(self, request, f"Enabled {len(told)} instrument(s).", told)

    @admin.action(description="Disable selected instruments")
    def disable_instruments(self, request, queryset) -> None:
        told = [instrument_enable(instrument=i, enabled=False) for i in queryset.select_related("exchange")]
        _report(self, request, f"Disabled {len(told)} instrument(s).", told)

    @admin.action(description="Resync book of selected instruments")
    def resync_books(self, request, queryset) -> None:
        told = [instrument_resync(instrument=i) for i in queryset.select_related("exchange")]
        _report(self, request, f"Asked for a resync of {len(told)} book(s).", told)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by sync_instruments or the feed process: shown, never edited here."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ListedSymbol)
class ListedSymbolAdmin(ReadOnlyAdmin):
    list_display = ["exchange", "symbol", "base", "quote", "kind", "contract_size", "tick_size", "loaded_at"]
    list_select_related = ["exchange"]
    search_fields = ["symbol", "base", "quote"]
    list_filter = ["exchange", "kind", "quote"]


@admin.register(FeedState)
class FeedStateAdmin(ReadOnlyAdmin):
    list_display = ["key", "venue", "symbol", "state", "counters", "updated_at"]
    search_fields = ["key", "symbol"]
    list_filter = ["venue", "state"]
