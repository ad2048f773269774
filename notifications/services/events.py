"""Case events → messages, once per event.

Every ``proposals.CaseEvent`` gets an ``EventDispatch`` row in its own
transaction (``notifications.signals``). After commit the hook rings the
doorbell (``hooks.ring_doorbell`` → ``tasks.dispatch_pending``); if Redis or
the worker is down, the sweep finds the row still undispatched. Either way the row is claimed with SKIP LOCKED and
marked dispatched in the transaction that writes the messages.
"""

import logging
import time
from dataclasses import dataclass, field

from django.db import DatabaseError, transaction
from django.utils import timezone

from deputies.models import Deputy
from proposals.models import CaseAssignment, CaseEvent, CaseKind
from proposals.models.records import UnitRole
from proposals.services.workflow import announce

from .. import recipients
from ..channels.email import absolute_url
from ..models import Channel, EventDispatch
from ..recipients import To
from ..urls_for import case_url, resident_track_url
from .outbox import outbox_add
from .reminders import reminders_for_case

logger = logging.getLogger(__name__)

EMAIL_INAPP = frozenset({Channel.INAPP, Channel.EMAIL})

#: Events after which the case may have a new deadline whose reminder is due today.
DEADLINE_ACTIONS = frozenset({"accept", "assign", "reassign", "dispute", "start_handling", "feedback_unsatisfied", "extend"})


def _on_assign(event, case, now):
    dedup = f"ev:{event.pk}"
    keys = []
    # The lead unit first: an account (or office address) of both the lead and
    # a co-handling unit gets the lead unit's message (its deadline, its right
    # to dispute), not a co-unit copy that the dedup key would keep instead.
    assignments = sorted(
        CaseAssignment.objects.filter(case=case, is_active=True).select_related("unit"),
        key=lambda a: (a.role != UnitRole.LEAD, a.pk),
    )
    cache = recipients.RecipientCache()
    cache.prefetch_units([a.unit for a in assignments])  # one query for all the units' members
    for assignment in assignments:
        keys += outbox_add(
            kind="case_assigned",
            recipients=cache.unit_recipients(assignment.unit),
            channels_=EMAIL_INAPP,
            case=case,
            context={"event": event, "unit": assignment.unit, "is_lead": assignment.role == UnitRole.LEAD},
            dedup=dedup,
            url=case_url(case, "unit"),
            now=now,
        )
    if case.responsible_deputy_id and case.kind == CaseKind.OPINION:
        keys += outbox_add(
            kind="deputy_case_assigned",
            recipients=recipients.deputy_recipients(case.responsible_deputy),
            channels_=EMAIL_INAPP,
            case=case,
            context={"event": event},
            dedup=dedup,
            url=case_url(case, "deputy"),
            now=now,
        )
    return keys


def _on_reply(event, case, now):
    dedup = f"ev:{event.pk}"
    keys = []
    if case.kind == CaseKind.OPINION and (case.phone_encrypted or case.contact_email):
        # The resident: SMS to the number given (decrypted only when sent), e-mail if given.
        resident = [To(resident=True, channels=frozenset({Channel.SMS}))] if case.phone_encrypted else []
        if case.contact_email:
            resident.append(To(email=case.contact_email, channels=frozenset({Channel.EMAIL})))
        keys += outbox_add(
            kind="case_answered",
            recipients=resident,
            channels_=frozenset(),
            case=case,
            context={"event": event, "track_url": case_url(case, "resident")},
            dedup=dedup,
            url=case_url(case, "resident"),
            now=now,
        )
    if case.responsible_deputy_id:
        keys += outbox_add(
            kind="deputy_case_replied",
            recipients=recipients.deputy_recipients(case.responsible_deputy),
            channels_=EMAIL_INAPP,
            case=case,
            context={"event": event},
            dedup=dedup,
            url=case_url(case, "deputy"),
            now=now,
        )
    return keys


def _to_case_staff(kind, channels_):
    """The staff of the case's region (new case to review, dispute, deputy's request)."""

    def handler(event, case, now):
        return outbox_add(
            kind=kind,
            recipients=recipients.users(recipients.case_staff(case)),
            channels_=channels_,
            case=case,
            context={"event": event},
            dedup=f"ev:{event.pk}",
            url=case_url(case, "staff"),
            now=now,
        )

    return handler


def _to_lead_unit(kind):
    def handler(event, case, now):
        return outbox_add(
            kind=kind,
            recipients=recipients.unit_recipients(case.lead_unit),
            channels_=EMAIL_INAPP,
            case=case,
            context={"event": event},
            dedup=f"ev:{event.pk}",
            url=case_url(case, "unit"),
            now=now,
        )

    return handler


def _on_cosigners_invited(event, case, now):
    """Each invited co-signer: in-app and e-mail, linking to the suggestion in
    their workspace (invited co-signers may open it)."""

    ids = [int(i) for i in (event.data or {}).get("deputy_ids", []) if str(i).isdigit()]
    invited = Deputy.objects.filter(pk__in=ids, is_active=True).select_related("user").order_by("pk")
    to = [r for deputy in invited for r in recipients.deputy_recipients(deputy)]
    lead = case.responsible_deputy
    return outbox_add(
        kind="cosign_invited",
        recipients=to,
        channels_=EMAIL_INAPP,
        case=case,
        context={"event": event, "lead_name": lead.name if lead else ""},
        dedup=f"ev:{event.pk}",
        url=case_url(case, "deputy"),
        now=now,
    )


def _to_lead_deputy(kind):
    """A co-signer answered: tell the lead deputy (the suggestion's responsible deputy)."""

    def handler(event, case, now):
        return outbox_add(
            kind=kind,
            recipients=recipients.deputy_recipients(case.responsible_deputy),
            channels_=EMAIL_INAPP,
            case=case,
            context={"event": event, "cosigner_name": (event.data or {}).get("deputy", "")},
            dedup=f"ev:{event.pk}",
            url=case_url(case, "deputy"),
            now=now,
        )

    return handler


def _on_taken_into_suggestion(event, case, now):
    """The resident whose opinion a deputy took up: SMS to the number given
    (decrypted only when sent), e-mail if given, with the tracking link."""
    if case.kind != CaseKind.OPINION or not (case.phone_encrypted or case.contact_email):
        return []
    to = [To(resident=True, channels=frozenset({Channel.SMS}))] if case.phone_encrypted else []
    if case.contact_email:
        to.append(To(email=case.contact_email, channels=frozenset({Channel.EMAIL})))
    track = resident_track_url(case)
    return outbox_add(
        kind="opinion_taken_into_suggestion",
        recipients=to,
        channels_=frozenset(),
        case=case,
        context={"event": event, "deputy_name": (event.data or {}).get("deputy", ""), "track_url": absolute_url(track)},
        dedup=f"ev:{event.pk}",
        url=track,
        now=now,
    )


HANDLERS = {
    "submit": _to_case_staff("case_submitted", {Channel.INAPP}),
    "assign": _on_assign,
    "reassign": _on_assign,
    "dispute": _to_case_staff("case_disputed", EMAIL_INAPP),
    "reply": _on_reply,
    "feedback_unsatisfied": _to_lead_unit("case_rehandle"),
    "supervise": _to_lead_unit("case_supervised"),
    "extend": _to_lead_unit("case_extended"),
    "request_supervision": _to_case_staff("supervision_requested", EMAIL_INAPP),
    "cosigners_invited": _on_cosigners_invited,
    "cosign_accepted": _to_lead_deputy("cosign_accepted"),
    "cosign_declined": _to_lead_deputy("cosign_declined"),
    "taken_into_suggestion": _on_taken_into_suggestion,
}


def event_dispatch(*, event_id: int, now=None) -> list[str] | None:
    """Turn one committed event into messages. Returns the new messages' dedup
    keys; None if the event was already dispatched (or is being dispatched by
    someone else right now)."""
    now = now or timezone.now()
    event = CaseEvent.objects.filter(pk=event_id).select_related("case").first()
    if event is None:
        return None
    # Events written without the post_save listener (bulk loads) get their marker here.
    EventDispatch.objects.get_or_create(event_id=event_id, defaults={"created_at": now})
    with transaction.atomic():
        dispatch = EventDispatch.objects.select_for_update(skip_locked=True).filter(pk=event_id, dispatched_at__isnull=True).first()
        if dispatch is None:
            return None
        return _dispatch(dispatch, event, now)


def _dispatch(dispatch: EventDispatch, event: CaseEvent, now) -> list[str]:
    case = event.case
    keys: list[str] = []
    handler = HANDLERS.get(event.action)
    if handler is not None:
        keys = handler(event, case, now)
    if event.action in DEADLINE_ACTIONS:
        case.refresh_from_db(fields=["state", "deadline", "deadline_kind"])
        reminders_for_case(case, now=now)
    dispatch.dispatched_at = now
    dispatch.message_count = len(keys)
    dispatch.save(update_fields=["dispatched_at", "message_count"])
    return keys


def events_record_system(*, events: list[CaseEvent], now) -> list[CaseEvent]:
    """Insert system events of a batch (the sweep's ``mark_overdue`` marks) in
    one statement, with their ``EventDispatch`` rows written explicitly in
    the same transaction (bulk_create bypasses the post_save listener).

    An event with nothing to derive (no handler, no deadline) is dispatched
    at birth; any other is announced after commit like a single event, and
    the sweep catches it up if the broker is down."""

    if not events:
        return []
    created = CaseEvent.objects.bulk_create(events)
    pending = [e for e in created if e.action in HANDLERS or e.action in DEADLINE_ACTIONS]
    waiting = {e.pk for e in pending}
    EventDispatch.objects.bulk_create(
        [EventDispatch(event_id=e.pk, created_at=now, dispatched_at=None if e.pk in waiting else now) for e in created]
    )
    for event in pending:
        announce(event)
    return created


@dataclass
class DispatchBatch:
    keys: list[str] = field(default_factory=list)  # dedup keys of the new messages
    events: int = 0  # events dispatched
    more: bool = False  # stopped by the limit or the time budget: pending rows may remain


def events_dispatch_batch(*, now=None, limit: int = 500, time_budget: float | None = None) -> DispatchBatch:
    """Dispatch pending events, oldest first, each claimed with SKIP LOCKED in
    its own transaction (so workers running this at once share the rows).
    Used by ``tasks.dispatch_pending`` (after commits) and by the sweep (the
    catch-up for events whose task never ran: broker down, worker killed)."""
    batch = DispatchBatch()
    started = time.monotonic()
    failed: list[int] = []
    for _ in range(limit):
        if time_budget is not None and time.monotonic() - started >= time_budget:
            batch.more = True
            break
        moment = now or timezone.now()
        event_id = None
        try:
            with transaction.atomic():
                dispatch = (
                    EventDispatch.objects.select_for_update(skip_locked=True)
                    .filter(dispatched_at__isnull=True)
                    .exclude(pk__in=failed)
                    .order_by("event_id")
                    .first()
                )  # index dispatch_pending (partial)
                if dispatch is None:
                    break
                event_id = dispatch.event_id
                event = CaseEvent.objects.select_related("case").get(pk=event_id)
                batch.keys += _dispatch(dispatch, event, moment)
                batch.events += 1
        except DatabaseError:
            raise  # the database is in trouble: the task retries
        except Exception:
            if event_id is None:
                raise
            # One event that cannot be turned into messages (a bad template, odd
            # data) must not hold up every event after it: it stays pending, is
            # logged, and is tried again by the next sweep.
            logger.exception("event %s could not be dispatched; left pending", event_id)
            failed.append(event_id)
    else:
        batch.more = True
    return batch


def events_dispatch_pending(*, now=None, limit: int = 500, time_budget: float | None = None) -> list[str]:
    """The sweep's catch-up: the new messages' dedup keys (``events_dispatch_batch``)."""
    return events_dispatch_batch(now=now, limit=limit, time_budget=time_budget).keys
