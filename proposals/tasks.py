"""Background work of the case core."""

from celery import shared_task
from django.db import DatabaseError

from .services.deadlines import deadlines_recompute_provisional


@shared_task(bind=True, max_retries=5, soft_time_limit=300, time_limit=360, acks_late=True)
def recompute_provisional_deadlines(self):
    """After the working calendar changed: provisional deadlines again."""
    try:
        return deadlines_recompute_provisional()
    except DatabaseError as exc:
        raise self.retry(exc=exc, countdown=30) from exc
