"""A loose listener: every new CaseEvent gets its ``EventDispatch`` marker in
the same transaction, so no committed event can be missed by the sweep."""

from django.utils import timezone

from . import hooks
from .models import EventDispatch


def case_event_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    EventDispatch.objects.create(event_id=instance.pk, created_at=timezone.now())


def case_event_committed(sender, event_id, **kwargs):
    """``proposals.signals.case_event_committed``: wake a worker."""
    hooks.case_event_committed(event_id)
