"""Admin: turn metrics on per pair with their parameters (checked against each metric's limits),
and browse the stored metric bars (written by the feed process, read-only here)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.html import format_html_join

from analytics.metrics import ParamError, get_metric, registry
from analytics.models import MetricBar, MetricConfig


def _metric_choices() -> list[tuple[str, str]]:
    return [(name, f"{name}: {cls.summary()}") for name, cls in sorted(registry().items())]


class MetricConfigForm(forms.ModelForm):
    # A free value behind a select: an unknown name reaches MetricConfig.clean, whose message lists
    # the metrics there are (a ChoiceField would only say "not one of the available choices").
    metric = forms.CharField(max_length=40, widget=forms.Select(choices=_metric_choices))

    class Meta:
        model = MetricConfig
        fields = ["pair", "metric", "label", "params", "enabled"]


@admin.register(MetricConfig)
class MetricConfigAdmin(admin.ModelAdmin):
    form = MetricConfigForm
    list_display = ["pair", "key", "metric", "effective_params", "enabled"]
    list_filter = ["pair", "metric", "enabled"]
    search_fields = ["pair", "label", "metric"]
    readonly_fields = ["parameters_of_each_metric"]

    @admin.display(description="parameters (with defaults)")
    def effective_params(self, obj: MetricConfig) -> str:
        try:
            return (
                ", ".join(f"{k}={v}" for k, v in get_metric(obj.metric).validate(obj.params).items()) or "-"
            )
        except ParamError as exc:
            return f"invalid: {exc}"

    @admin.display(description="what each metric takes")
    def parameters_of_each_metric(self, obj=None) -> str:
        rows = []
        for name, cls in sorted(registry().items()):
            takes = "; ".join(p.describe() for p in cls.params) or "no parameters"
            rows.append((name, takes))
        return format_html_join("", "<p><b>{}</b>: {}</p>", rows)


@admin.register(MetricBar)
class MetricBarAdmin(admin.ModelAdmin):
    list_display = ["time", "pair", "metric", "interval", "open", "high", "low", "close", "mean", "count"]
    list_filter = ["interval", "pair"]
    search_fields = ["metric"]
    ordering = ["-time"]
    show_full_result_count = False  # count(*) over a partitioned table per page view: not worth it
    list_per_page = 100

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
