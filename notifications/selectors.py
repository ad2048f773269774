"""Reads shared by the notification list, the badge and admin."""

from django.db.models import QuerySet

from regions.scoping import scope_queryset, sees_everything

from .models import Message, MessageStatus, Notification


def notifications_for(user) -> QuerySet:
    """A user's own notifications, newest first (index notification_user_time)."""
    if not user.is_authenticated:
        return Notification.objects.none()
    return Notification.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(user) -> int:
    """The badge (partial index notification_unread)."""
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def messages_for_staff(user, qs: QuerySet | None = None) -> QuerySet:
    """Messages staff may see: those about cases in their region subtree, and
    their own. Superusers see all (including digests and reception notices)."""
    qs = Message.objects.all() if qs is None else qs
    if not (user.is_authenticated and user.is_active and user.is_staff):
        return qs.none()
    if sees_everything(user):
        return qs
    return scope_queryset(qs, user, "case__region") | qs.filter(recipient=user)


def failed_messages_for_staff(user) -> QuerySet:
    # Failed for good, and those a crash left uncertain: staff check both.
    failed = Message.objects.filter(status__in=[MessageStatus.FAILED, MessageStatus.UNCERTAIN])
    return messages_for_staff(user, failed).select_related("case").order_by("-created_at", "-id")
