"""Shared kernel tables: the scheduler's lease and the periodic jobs' next run times."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Lease(models.Model):
    """A named lease: one holder at a time, taken over only once it has expired.

    Claimed and renewed with one conditional UPDATE, never by reading then writing.
    """

    name = models.CharField(_("name"), max_length=60, unique=True)
    holder = models.CharField(_("holder"), max_length=120, blank=True)
    expires_at = models.DateTimeField(_("expires at"))

    def __str__(self) -> str:
        return f"{self.name} ({self.holder or '-'})"


class PeriodicJobState(models.Model):
    """When a periodic job is next due; the scheduler moves it forward as it enqueues."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    next_run_at = models.DateTimeField(_("next run at"))
    last_enqueued_at = models.DateTimeField(_("last enqueued at"), null=True, blank=True)

    def __str__(self) -> str:
        return self.name
