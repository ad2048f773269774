"""Celery tasks: thin wrappers that take ids and call a service.

All are ``bind=True`` with bounded retries and soft/hard time limits. They
are safe to run twice or concurrently: the services claim rows with SKIP
LOCKED and dedup keys make each message once.
"""

import logging

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import DatabaseError

from congress_portal.breaker import CONNECTION_ERRORS
from congress_portal.breaker import redis as breaker

from . import hooks
from .services.events import event_dispatch, events_dispatch_batch
from .services.outbox import outbox_deliver
from .services.periodic import deputy_digests_send, reception_announcements_send
from .services.sweep import Budgets, sweep_run

logger = logging.getLogger(__name__)

RETRY_COUNTDOWN = 30


@shared_task(bind=True, max_retries=3, soft_time_limit=100, time_limit=120, acks_late=True)
def sweep(self):
    """The periodic sweep (beat: every 2 minutes). Each part has its own
    budget (``sweep.Budgets``, 85 s in all, under the soft limit); a delivery
    backlog goes to ``deliver_outbox``, the rest to the next sweep."""
    try:
        result = sweep_run(budgets=Budgets())
    except SoftTimeLimitExceeded:
        logger.warning("sweep stopped by its time limit; the next sweep continues")
        return None
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=RETRY_COUNTDOWN)
    if result.delivery.more:
        enqueue(deliver_outbox)
    return result.summary()


@shared_task(bind=True, max_retries=3, soft_time_limit=60, time_limit=90, acks_late=True)
def dispatch_pending(self):
    """Rung after commits (``hooks.ring_doorbell``): every event not yet
    dispatched becomes its messages, delivered at once. The bell is silenced
    first, so an event committed from now on publishes the next run."""
    hooks.silence_doorbell()
    try:
        batch = events_dispatch_batch(limit=1000, time_budget=30)
        if batch.keys:
            outbox_deliver(dedup_keys=batch.keys, time_budget=20)
    except SoftTimeLimitExceeded:
        return None
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=RETRY_COUNTDOWN)
    if batch.more:
        hooks.ring_doorbell()  # a backlog: another run (maybe on another worker) continues
    return batch.events


@shared_task(bind=True, max_retries=3, soft_time_limit=60, time_limit=90, acks_late=True)
def dispatch_event(self, event_id: int):
    """One event's messages, delivered at once (the per-event task of earlier
    releases: kept so that messages queued before an upgrade still run)."""
    try:
        keys = event_dispatch(event_id=event_id)
        if keys:
            outbox_deliver(dedup_keys=keys, time_budget=40)
    except SoftTimeLimitExceeded:
        return None
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=RETRY_COUNTDOWN)
    return len(keys or [])


@shared_task(bind=True, max_retries=3, soft_time_limit=60, time_limit=90, acks_late=True)
def deliver_messages(self, dedup_keys: list):
    """Deliver the given messages now (a one-time SMS code must not wait
    for the sweep); whatever fails stays in the outbox for the sweep."""
    try:
        result = outbox_deliver(dedup_keys=list(dedup_keys), time_budget=40)
    except SoftTimeLimitExceeded:
        return None
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=RETRY_COUNTDOWN)
    return result.sent


@shared_task(bind=True, max_retries=3, soft_time_limit=100, time_limit=120, acks_late=True)
def deliver_outbox(self):
    """Drain a backlog (digest day): parallel workers share it via SKIP LOCKED."""
    try:
        result = outbox_deliver(time_budget=80)
    except SoftTimeLimitExceeded:
        return None
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=RETRY_COUNTDOWN)
    if result.more:
        enqueue(deliver_outbox)
    return result.sent


@shared_task(bind=True, max_retries=3, soft_time_limit=300, time_limit=360, acks_late=True)
def send_deputy_digests(self):
    """Monday 08:30: the weekly digest, in chunks of deputies. 240 s cover a
    province (≈20,000 digests in ≈30 s); whatever is left when the budget runs
    out, the sweep continues from the recorded cursor (20 s per sweep)."""
    try:
        count = deputy_digests_send(time_budget=240)
    except SoftTimeLimitExceeded:
        return None
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=RETRY_COUNTDOWN)
    enqueue(deliver_outbox)
    return count


@shared_task(bind=True, max_retries=3, soft_time_limit=100, time_limit=120, acks_late=True)
def send_reception_announcements(self):
    try:
        count = reception_announcements_send()
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=RETRY_COUNTDOWN)
    enqueue(deliver_outbox)
    return count


def enqueue(task, *args) -> bool:
    """Publish without blocking and without raising: when the broker is down
    the sweep does the work later (README "Reminders and notifications").
    Behind the Redis circuit breaker (the broker is the portal's Redis): while
    it is open nothing waits for a publish that cannot succeed."""
    redis_broker = str(getattr(settings, "CELERY_BROKER_URL", "")).startswith(("redis://", "rediss://"))
    if redis_broker and not breaker.allow():
        return False
    try:
        task.apply_async(args=args, retry=False)
    except Exception as exc:  # kombu OperationalError, socket errors, eager-mode failures
        if redis_broker and isinstance(exc, CONNECTION_ERRORS):
            breaker.failure(exc)
        logger.debug("could not enqueue %s%r (%s); the sweep will pick it up", task.name, args, exc)
        return False
    if redis_broker:
        breaker.success()
    return True
