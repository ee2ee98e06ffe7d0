"""The Celery app of the production profile (worker + beat). Tasks stay thin: they call services."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketagg.settings")

app = Celery("marketagg")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
