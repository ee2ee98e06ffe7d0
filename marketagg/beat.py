"""Celery beat's schedule in the database (django-celery-beat), editable in the admin.

`CELERY_BEAT_SCHEDULE` in settings holds the defaults. django-celery-beat's own scheduler writes
them over the database rows at every start, which would undo an admin's edit; this one only adds
the rows that are missing (a new default appears, an edited or disabled one stays as edited).
The embedded default's in-process scheduler (marketagg.scheduler) reads the same rows.
"""

from __future__ import annotations

from django.conf import settings
from django_celery_beat.models import PeriodicTask
from django_celery_beat.schedulers import DatabaseScheduler, ModelEntry


def install_default_schedule(mapping: dict | None = None) -> list[str]:
    """Create the PeriodicTask rows of `mapping` (default: settings.CELERY_BEAT_SCHEDULE) that do not
    exist yet, by name. Returns the names created."""
    mapping = settings.CELERY_BEAT_SCHEDULE if mapping is None else mapping
    have = set(PeriodicTask.objects.filter(name__in=list(mapping)).values_list("name", flat=True))
    made = []
    for name, entry in mapping.items():
        if name not in have:
            PeriodicTask.objects.create(name=name, **ModelEntry._unpack_fields(**entry))
            made.append(name)
    return made


class SeedingDatabaseScheduler(DatabaseScheduler):
    """The database scheduler, with settings' entries as defaults only."""

    def update_from_dict(self, mapping):
        made = install_default_schedule(mapping)
        # Existing rows were read as the admin left them; only the new ones join the schedule here.
        schedule = self.schedule
        for row in PeriodicTask.objects.filter(name__in=made, enabled=True):
            schedule[row.name] = self.Entry(row, app=self.app)
