from django.apps import AppConfig


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = "Exchanges and instruments"
    default_auto_field = "django.db.models.BigAutoField"
