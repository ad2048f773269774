"""A loose listener: every new CaseEvent gets its ``EventDispatch`` marker in
the same transaction, so no committed event can be missed by the sweep."""

from django.utils import timezone


def case_event_saved(sender, instance, created, raw=False, **kwargs):
    if not created or raw:
        return
    from .models import EventDispatch

    EventDispatch.objects.create(event_id=instance.pk, created_at=timezone.now())
