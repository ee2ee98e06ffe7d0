"""Admin of venues and instruments. Actions call services, which tell the running feed process
once the change is committed; the Feed column shows what the feed process has applied."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db import transaction

from exchanges.models import Exchange, FeedState, Instrument, InstrumentKind, ListedSymbol
from exchanges.selectors import feed_state_text, with_feed_state
from exchanges.services import (
    ControlMessage,
    exchange_enable,
    exchange_reconnect,
    instrument_delete,
    instrument_enable,
    instrument_resync,
    instrument_save,
)

# Sent is not applied: a change waits behind the ones before it and a venue may refuse it. The
# admin says what it knows, and the Feed column (FeedState rows) says what the feed process did.
SENT = " Sent to the feed process; the Feed column and /api/status show when it is applied."
NOT_TOLD = " The feed process did not get the message (is runfeeds running?); it applies at its next start."


def _report(modeladmin, request, done: str, sent: list[ControlMessage]) -> None:
    """Say what happened to the messages once they went out, i.e. after the commit."""

    def report() -> None:
        if all(sent):
            modeladmin.message_user(request, done + SENT, messages.SUCCESS)
        else:
            modeladmin.message_user(request, done + NOT_TOLD, messages.WARNING)

    transaction.on_commit(report)


@admin.register(Exchange)
class ExchangeAdmin(admin.ModelAdmin):
    list_display = ["venue", "name", "enabled", "feed", "overrides"]
    list_filter = ["enabled"]
    actions = ["enable_venues", "disable_venues", "reconnect_venues"]

    def get_queryset(self, request):
        return with_feed_state(super().get_queryset(request))

    @admin.display(description="feed")
    def feed(self, obj: Exchange) -> str:
        return feed_state_text(obj)

    @admin.display(description="URL overrides")
    def overrides(self, obj: Exchange) -> str:
        parts = [f"ws {obj.ws_url}" if obj.ws_url else "", f"rest {obj.rest_url}" if obj.rest_url else ""]
        return "; ".join(p for p in parts if p) or "—"

    @admin.action(description="Enable selected venues")
    def enable_venues(self, request, queryset) -> None:
        sent = [exchange_enable(exchange=e, enabled=True) for e in queryset]
        _report(self, request, f"Enabled {len(sent)} venue(s).", sent)

    @admin.action(description="Disable selected venues")
    def disable_venues(self, request, queryset) -> None:
        sent = [exchange_enable(exchange=e, enabled=False) for e in queryset]
        _report(self, request, f"Disabled {len(sent)} venue(s).", sent)

    @admin.action(description="Reconnect selected venues")
    def reconnect_venues(self, request, queryset) -> None:
        sent = [exchange_reconnect(exchange=e) for e in queryset]
        _report(self, request, f"Asked {len(sent)} venue(s) to reconnect.", sent)


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

    unchecked = ""  # why the symbol could not be checked against the venue's list, said on save

    def clean(self) -> dict:
        data = super().clean()
        exchange, symbol = data.get("exchange"), data.get("symbol")
        listed = ListedSymbol.objects.filter(exchange=exchange, symbol=symbol).first() if exchange else None
        if listed is not None:
            self._fill_from(listed, data)
        elif exchange and symbol and not ListedSymbol.objects.filter(exchange=exchange).exists():
            # No list to check against (fresh or offline install): accept it, but say so.
            self.unchecked = (
                f"{symbol} could not be checked: {exchange.venue}'s instrument list is not loaded "
                f"(run `manage.py sync_instruments {exchange.venue}`). If {exchange.venue} refuses the "
                f"symbol, its feed state shows invalid with the venue's message."
            )
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
        "feed",
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

    def get_queryset(self, request):
        return with_feed_state(super().get_queryset(request))

    @admin.display(description="feed")
    def feed(self, obj: Instrument) -> str:
        return feed_state_text(obj)

    def save_model(self, request, obj, form, change) -> None:
        if form.unchecked and {"exchange", "symbol"} & set(form.changed_data):
            self.message_user(request, form.unchecked, messages.WARNING)
        _report(self, request, "Saved.", [instrument_save(instrument=obj)])

    def delete_model(self, request, obj) -> None:
        _report(self, request, "Deleted.", [instrument_delete(instrument=obj)])

    def delete_queryset(self, request, queryset) -> None:
        sent = [instrument_delete(instrument=obj) for obj in queryset.select_related("exchange")]
        _report(self, request, f"Deleted {len(sent)} instrument(s).", sent)

    @admin.action(description="Enable selected instruments")
    def enable_instruments(self, request, queryset) -> None:
        sent = [instrument_enable(instrument=i, enabled=True) for i in queryset.select_related("exchange")]
        _report(self, request, f"Enabled {len(sent)} instrument(s).", sent)

    @admin.action(description="Disable selected instruments")
    def disable_instruments(self, request, queryset) -> None:
        sent = [instrument_enable(instrument=i, enabled=False) for i in queryset.select_related("exchange")]
        _report(self, request, f"Disabled {len(sent)} instrument(s).", sent)

    @admin.action(description="Resync book of selected instruments")
    def resync_books(self, request, queryset) -> None:
        sent = [instrument_resync(instrument=i) for i in queryset.select_related("exchange")]
        _report(self, request, f"Asked for a resync of {len(sent)} book(s).", sent)


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
    list_display = ["key", "venue", "symbol", "state", "reason", "counters", "updated_at"]
    search_fields = ["key", "symbol"]
    list_filter = ["venue", "state"]
