from django.apps import AppConfig


class BooksConfig(AppConfig):
    name = "books"
    verbose_name = "Order books and ticks"
    default_auto_field = "django.db.models.BigAutoField"
