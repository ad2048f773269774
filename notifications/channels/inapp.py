"""In-app: "sending" is writing the Notification row, inside the outbox's
transaction, so the claim, the row and the "sent" mark commit together."""

from django.utils import timezone

from ..models import Notification


def send(message) -> None:
    if not message.recipient_id:
        raise ValueError("in-app message without a recipient")
    Notification.objects.create(
        user_id=message.recipient_id,
        title=message.subject,
        body=message.body,
        url=message.url,
        message=message,
        created_at=timezone.now(),
    )
