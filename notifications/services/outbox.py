"""The outbox: messages are rows first, then delivered exactly once.

``outbox_add`` writes messages in the caller's transaction (so they exist
if and only if their cause committed); a dedup key per message makes a
second ``outbox_add`` for the same fact a no-op. ``outbox_deliver`` claims one
due row at a time with ``SELECT … FOR UPDATE SKIP LOCKED``, sends it and
marks it sent (or records the failure) in that same transaction: two workers
or two sweeps never hold the same row, and a worker killed before the commit
leaves the row pending, not half-sent.
"""

import datetime as dt
import logging
import time
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from accounts.crypto import mask_phone

from .. import channels, conf
from ..channels.sms import scrub_phones
from ..models import Channel, Message, MessageStatus
from ..recipients import To
from ..texts import render

logger = logging.getLogger(__name__)


def outbox_add(
    *,
    kind: str,
    recipients: list[To],
    channels_: set[str] | frozenset,
    context: dict,
    dedup: str,
    case=None,
    reminder=None,
    url: str = "",
    now=None,
) -> list[str]:
    """Queue ``kind`` for each recipient on each of ``channels_`` it can be
    reached on. Returns the dedup keys (new or already present)."""
    rows = outbox_rows(
        kind=kind, recipients=recipients, channels_=channels_, context=context, dedup=dedup, case=case, reminder=reminder, url=url, now=now
    )
    if rows:
        Message.objects.bulk_create(list(rows.values()), ignore_conflicts=True)
    return list(rows)


def outbox_rows(
    *,
    kind: str,
    recipients: list[To],
    channels_: set[str] | frozenset,
    context: dict,
    dedup: str,
    case=None,
    reminder=None,
    url: str = "",
    now=None,
) -> dict[str, Message]:
    """The unsaved messages ``outbox_add`` would write, by dedup key: a batch
    (the reminder sweep) collects them and inserts them in one statement."""
    now = now or timezone.now()
    if not recipients:
        return {}
    text = render(kind, {"case": case, "url": url, **context})
    rows: dict[str, Message] = {}
    for to in recipients:
        for channel in sorted(to.channels or channels_):
            address, to_resident = _address(to, channel, case)
            if channel != Channel.INAPP and not address and not to_resident:
                continue
            if channel == Channel.INAPP and to.user is None:
                continue
            key = f"{dedup}:{channel}:{to.key()}"[:200]
            rows.setdefault(
                key,
                Message(
                    kind=kind,
                    channel=channel,
                    recipient=to.user,
                    address=address,
                    to_resident=to_resident,
                    subject=text.subject,
                    body=text.sms if channel == Channel.SMS else text.body,
                    url=url,
                    dedup_key=key,
                    case=case,
                    reminder=reminder,
                    next_attempt_at=now,
                    created_at=now,
                ),
            )
    return rows


def _address(to: To, channel: str, case) -> tuple[str, bool]:
    if channel == Channel.EMAIL:
        return (to.email or (to.user.email if to.user is not None else "")), False
    if channel == Channel.SMS:
        if to.resident:
            return "", bool(case is not None and case.phone_encrypted)
        return (to.phone or (to.user.mobile if to.user is not None else "")), False
    return "", False


@dataclass
class Delivery:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    more: bool = False  # stopped by the limit / time budget with rows left
    errors: list = field(default_factory=list)


def outbox_deliver(*, dedup_keys=None, now=None, limit: int = 1000, time_budget: float | None = None) -> Delivery:
    """Deliver due pending messages (only those of ``dedup_keys`` if given)."""
    result = Delivery()
    started = time.monotonic()
    while True:
        if result.sent + result.retried + result.failed + result.cancelled >= limit or (
            time_budget is not None and time.monotonic() - started > time_budget
        ):
            result.more = True
            break
        moment = now or timezone.now()
        with transaction.atomic():
            qs = Message.objects.select_for_update(skip_locked=True, of=("self",)).filter(
                status=MessageStatus.PENDING, next_attempt_at__lte=moment
            )
            if dedup_keys is not None:
                qs = qs.filter(dedup_key__in=list(dedup_keys))
            # Index message_pending_due (partial: pending rows only).
            message = qs.select_related("recipient", "case", "reminder").order_by("next_attempt_at", "id").first()
            if message is None:
                break
            outcome, stop = _deliver_one(message, moment)
        setattr(result, outcome, getattr(result, outcome) + 1)
        if stop:
            result.more = True
            break
    return result


# Messages whose text is a secret (a one-time code): once sent, or expired
# unsent, the row keeps neither the text nor the full number.
EPHEMERAL_KINDS = frozenset({"phone_code"})
EPHEMERAL_BODY = "（一次性验证码短信，发送后不保留内容）"


def _scrub(message) -> list[str]:
    if message.kind not in EPHEMERAL_KINDS:
        return []
    message.body = EPHEMERAL_BODY
    message.address = mask_phone(message.address)
    return ["body", "address"]


def _obsolete(message, now) -> bool:
    """A deadline reminder whose deadline has since changed or ended, or a
    one-time code that has expired before it could be sent."""
    if message.kind in EPHEMERAL_KINDS:
        return (now - message.created_at).total_seconds() > conf.phone_code("TTL_SECONDS")
    reminder = message.reminder
    if reminder is None or message.case is None:
        return False
    from .reminders import deadline_running

    return not deadline_running(message.case) or message.case.deadline != reminder.deadline


def _deliver_one(message, now) -> tuple[str, bool]:
    """Send one claimed message; returns (outcome, stop): stop when the task's
    soft time limit interrupted the send."""
    if _obsolete(message, now):
        message.status = MessageStatus.CANCELLED
        if message.kind in EPHEMERAL_KINDS:
            message.last_error = "验证码已过期，不再发送"
        else:
            message.last_error = "期限已变更或案件已不在办理中，提醒不再发送"
        message.save(update_fields=["status", "last_error", *_scrub(message)])
        return "cancelled", False
    stop = False
    try:
        # A savepoint: a channel that wrote rows (in-app) and then failed
        # leaves nothing behind.
        with transaction.atomic():
            channels.send(message)
    except SoftTimeLimitExceeded as exc:
        stop = True
        error = exc
    except Exception as exc:  # any channel failure is recorded and retried
        error = exc
    else:
        message.attempts += 1
        message.status = MessageStatus.SENT
        message.sent_at = now
        message.last_error = ""
        message.save(update_fields=["attempts", "status", "sent_at", "last_error", *_scrub(message)])
        return "sent", False
    message.attempts += 1
    # Shown to staff and written to the log: no phone number in clear.
    message.last_error = scrub_phones(f"{type(error).__name__}: {error}")[:2000]
    if message.attempts >= conf.max_attempts():
        message.status = MessageStatus.FAILED
        logger.warning("message %s failed for good after %s attempts: %s", message.pk, message.attempts, message.last_error)
        outcome = "failed"
    else:
        message.next_attempt_at = now + dt.timedelta(seconds=conf.retry_delay_seconds(message.attempts))
        logger.info(
            "message %s failed (attempt %s), retry at %s: %s", message.pk, message.attempts, message.next_attempt_at, message.last_error
        )
        outcome = "retried"
    message.save(update_fields=["attempts", "status", "next_attempt_at", "last_error"])
    return outcome, stop


def message_resend(*, message_id: int, now=None) -> bool:
    """Staff put a failed message back into the outbox (admin action)."""
    return bool(messages_resend(message_ids=[message_id], now=now))


def messages_resend(*, message_ids, now=None) -> int:
    """Put failed messages back into the outbox, in one statement; others are left alone."""
    now = now or timezone.now()
    return Message.objects.filter(pk__in=list(message_ids), status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, last_error=""
    )
