"""One sweep: everything that is due, derived from the database.

Run by beat every two minutes (``congress_portal/celery.py``), by
``manage.py send_reminders`` and by ``make run``'s beat. Each step is
idempotent and claims its rows with SKIP LOCKED, so sweeps may overlap and a
sweep after an outage catches up with all that was missed. When nothing is
due it costs a few indexed queries (pending events, the day's scan marker,
due reminders, due messages), whatever the number of cases.
"""

import logging
from dataclasses import dataclass, field

from django.utils import timezone

from ..models import SweepState
from .events import events_dispatch_pending
from .outbox import Delivery, Recovery, outbox_deliver, outbox_recover
from .periodic import deputy_digests_send, reception_announcements_send
from .reminders import reminders_process, reminders_scan

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Budgets:
    """Seconds each part of a sweep may spend before it leaves the rest to the
    next sweep, so that a backlog in one (the Monday digest, a catch-up of
    reminders after an outage) cannot starve the others. The sum stays under
    the sweep task's soft time limit (100 s; beat runs it every 120 s)."""

    events: float | None = 10
    reminders: float | None = 25
    digest: float | None = 20
    delivery: float | None = 30


#: No budgets: run every part to the end (``manage.py send_reminders``, tests).
UNLIMITED = Budgets(events=None, reminders=None, digest=None, delivery=None)


@dataclass
class SweepResult:
    events: int = 0
    reminders_created: int = 0
    reminder_messages: int = 0
    digests: int = 0
    announcements: int = 0
    delivery: Delivery = field(default_factory=Delivery)
    recovery: Recovery = field(default_factory=Recovery)

    def summary(self) -> str:
        d = self.delivery
        return (
            f"events={self.events} reminders_created={self.reminders_created} reminder_messages={self.reminder_messages} "
            f"digests={self.digests} announcements={self.announcements} "
            f"sent={d.sent} retried={d.retried} failed={d.failed} cancelled={d.cancelled} more={d.more}"
        )


def sweep_run(*, now=None, deliver: bool = True, budgets: Budgets = UNLIMITED) -> SweepResult:
    """(a) dispatch events the tasks missed, (b) create and process due
    reminders, (c) weekly digest / reception notices if their time has come
    and they have not run, (d) deliver due messages; each part within its
    own time budget."""
    result = SweepResult()
    result.events = len(events_dispatch_pending(now=now, time_budget=budgets.events))
    # One query for the date-driven jobs' progress; a job already done for its
    # period is skipped without touching its (locked) state row.
    states = dict(SweepState.objects.values_list("name", "last_date"))
    result.reminders_created = reminders_scan(now=now, states=states) or 0
    result.reminder_messages = len(reminders_process(now=now, time_budget=budgets.reminders))
    result.digests = deputy_digests_send(now=now, states=states, time_budget=budgets.digest) or 0
    result.announcements = reception_announcements_send(now=now, states=states) or 0
    if deliver:
        # Attempts a crash left "sending": ask the provider before sending anything again.
        result.recovery = outbox_recover(now=now)
        result.delivery = outbox_deliver(now=now, time_budget=budgets.delivery)
    if any((result.events, result.reminders_created, result.reminder_messages, result.delivery.sent, result.delivery.failed)):
        logger.info("sweep at %s: %s", timezone.localtime(now or timezone.now()).isoformat(), result.summary())
    return result
