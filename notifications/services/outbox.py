"""The outbox: messages are rows first, then delivered exactly once.

``outbox_add`` writes messages in the caller's transaction (so they exist
if and only if their cause committed); a dedup key per message makes a
second ``outbox_add`` for the same fact a no-op.

``outbox_deliver`` claims one due row at a time with ``SELECT … FOR UPDATE
SKIP LOCKED`` (two workers or sweeps never hold the same row). In-app
messages are written and marked sent in that one transaction. E-mail and SMS
go to an outside provider, so they are sent in two phases:

1. the row is committed as *sending*, with a new attempt id and the time;
2. the provider is called outside any transaction, with the attempt id
   (SMS ``OutId``, e-mail ``Message-ID``);
3. the outcome is committed (sent, or pending again with back-off).

A worker killed between 1 and 3 leaves the row *sending*. After
``NOTIFICATIONS_SENDING_TIMEOUT`` ``outbox_recover`` asks the channel whether
that attempt was accepted: accepted → sent; confirmed not accepted → pending
again; the channel cannot tell (SMTP) → *uncertain*, shown to staff and not
sent again. Nothing is re-sent blindly.
"""

import datetime as dt
import logging
import time
import uuid
from dataclasses import dataclass, field

from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

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
            if _obsolete(message):
                outcome, stop = _cancel(message), False
            elif message.channel == Channel.INAPP:
                outcome, stop = _deliver_in_transaction(message, moment)
            else:
                _begin_attempt(message, moment)  # phase 1, committed with the claim
                outcome = None
        if outcome is None:
            outcome, stop = _deliver_outside(message, moment)
        setattr(result, outcome, getattr(result, outcome) + 1)
        if stop:
            result.more = True
            break
    return result


def _obsolete(message) -> bool:
    """A deadline reminder whose deadline has since changed or ended."""
    reminder = message.reminder
    if reminder is None or message.case is None:
        return False
    from .reminders import deadline_running

    return not deadline_running(message.case) or message.case.deadline != reminder.deadline


def _cancel(message) -> str:
    message.status = MessageStatus.CANCELLED
    message.last_error = "期限已变更或案件已不在办理中，提醒不再发送"
    message.save(update_fields=["status", "last_error"])
    return "cancelled"


def _deliver_in_transaction(message, now) -> tuple[str, bool]:
    """In-app: the channel writes rows, so sending and marking are one commit."""
    try:
        with transaction.atomic():  # a savepoint: a failed write leaves nothing behind
            channels.send(message)
    except SoftTimeLimitExceeded as exc:
        return _record_failure(message, exc, now), True
    except Exception as exc:  # noqa: BLE001 - any channel failure is recorded and retried
        return _record_failure(message, exc, now), False
    message.attempts += 1
    _mark_sent(message, now)
    return "sent", False


def _begin_attempt(message, now) -> None:
    message.status = MessageStatus.SENDING
    message.attempt_id = uuid.uuid4().hex
    message.sending_since = now
    message.attempts += 1
    message.save(update_fields=["status", "attempt_id", "sending_since", "attempts"])


def _deliver_outside(message, now) -> tuple[str, bool]:
    """Phases 2 and 3: call the provider, then commit what it said, if the
    row is still this attempt's (a recovery may have settled it meanwhile)."""
    stop, error = False, None
    try:
        channels.send(message)
    except SoftTimeLimitExceeded:
        # Interrupted inside the provider call: whether it was accepted is
        # unknown, so the row stays "sending" for ``outbox_recover`` to ask.
        return "retried", True
    except Exception as exc:  # noqa: BLE001 - any channel failure is recorded and retried
        error = exc
    with transaction.atomic():
        row = Message.objects.select_for_update().filter(pk=message.pk, status=MessageStatus.SENDING, attempt_id=message.attempt_id).first()
        if row is None:
            return ("sent" if error is None else "retried"), stop
        if error is None:
            _mark_sent(row, now)
            return "sent", stop
        return _record_failure(row, error, now, counted=True), stop


def _mark_sent(message, now) -> None:
    message.status = MessageStatus.SENT
    message.sent_at = now
    message.last_error = ""
    message.save(update_fields=["attempts", "status", "sent_at", "last_error"])


def _record_failure(message, error, now, *, counted: bool = False) -> str:
    if not counted:
        message.attempts += 1
    # Shown to staff and written to the log: no phone number in clear.
    message.last_error = scrub_phones(f"{type(error).__name__}: {error}")[:2000]
    if message.attempts >= conf.max_attempts():
        message.status = MessageStatus.FAILED
        logger.warning("message %s failed for good after %s attempts: %s", message.pk, message.attempts, message.last_error)
        outcome = "failed"
    else:
        message.status = MessageStatus.PENDING
        message.next_attempt_at = now + dt.timedelta(seconds=conf.retry_delay_seconds(message.attempts))
        logger.info(
            "message %s failed (attempt %s), retry at %s: %s", message.pk, message.attempts, message.next_attempt_at, message.last_error
        )
        outcome = "retried"
    message.save(update_fields=["attempts", "status", "next_attempt_at", "last_error"])
    return outcome


@dataclass
class Recovery:
    sent: int = 0  # the provider had accepted them
    retried: int = 0  # confirmed not accepted: pending again
    uncertain: int = 0  # the channel cannot tell: left to staff
    waiting: int = 0  # the provider did not answer the question: asked again later


def outbox_recover(*, now=None, limit: int = 200) -> Recovery:
    """Settle the attempts a crash left "sending" for longer than
    ``NOTIFICATIONS_SENDING_TIMEOUT``: ask the channel whether the provider
    accepted that attempt, and only a confirmed non-delivery is sent again."""
    now = now or timezone.now()
    result = Recovery()
    cutoff = now - dt.timedelta(seconds=conf.sending_timeout_seconds())
    ids = list(
        Message.objects.filter(status=MessageStatus.SENDING, sending_since__lt=cutoff)
        .order_by("sending_since")
        .values_list("pk", flat=True)[:limit]
    )  # index message_sending
    for pk in ids:
        with transaction.atomic():
            message = (
                Message.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("recipient", "case")
                .filter(pk=pk, status=MessageStatus.SENDING, sending_since__lt=cutoff)
                .first()
            )
            if message is None:
                continue
            try:
                accepted = channels.query(message)
            except Exception as exc:  # noqa: BLE001 - the provider did not answer: ask again next sweep
                logger.warning(
                    "message %s: could not ask the provider about attempt %s: %s", pk, message.attempt_id, scrub_phones(str(exc))
                )
                result.waiting += 1
                continue
            if accepted is True:
                _mark_sent(message, message.sending_since)
                result.sent += 1
            elif accepted is False:
                _record_failure(message, RuntimeError("服务商确认未收到（发送中断）"), now, counted=True)
                result.retried += 1
            else:
                message.status = MessageStatus.UNCERTAIN
                message.last_error = "发送中断，无法确认是否已送达，未重发：请工作人员核实"
                message.save(update_fields=["status", "last_error"])
                logger.warning("message %s: delivery of attempt %s cannot be confirmed; marked uncertain", pk, message.attempt_id)
                result.uncertain += 1
    return result


def message_resend(*, message_id: int, now=None) -> bool:
    """Staff put a failed message back into the outbox (admin action)."""
    return bool(messages_resend(message_ids=[message_id], now=now))


def messages_resend(*, message_ids, now=None) -> int:
    """Put failed messages back into the outbox, in one statement; others are left alone."""
    now = now or timezone.now()
    return Message.objects.filter(pk__in=list(message_ids), status=MessageStatus.FAILED).update(
        status=MessageStatus.PENDING, attempts=0, next_attempt_at=now, last_error=""
    )
