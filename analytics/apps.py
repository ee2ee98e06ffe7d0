from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The metric bar table joins the tick writer's tables in every process (runfeeds, serve,
        # workers), not only where something happened to import analytics.storage first.
        from analytics import storage  # noqa: F401
