"""Marking in-app notifications read."""

from django.http import Http404
from django.utils import timezone

from ..models import Notification


def notification_mark_read(*, user, notification_id) -> Notification:
    """Mark one of the user's own notifications read; 404 for anyone else's."""
    try:
        notification = Notification.objects.get(pk=notification_id, user=user)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, user, ids=None) -> int:
    """Mark the user's unread notifications read (only those of ``ids`` if given)."""
    qs = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs.update(read_at=timezone.now())
