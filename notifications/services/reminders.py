"""Deadline reminders derived from the database.

A case's current deadline (``Case.deadline`` / ``deadline_kind``) has stages:
``before_<n>`` for each offset of ``DeadlinePolicy.reminder_offset_list``
(working days before, on China's calendar with 调休), ``due`` on the day, and
``overdue`` + ``escalate`` the day after. A stage becomes a ``Reminder`` row,
unique per (case, kind, deadline), due at ``NOTIFICATIONS_SEND_AFTER`` on
its date.

Rows are made in two ways, both idempotent:
- ``reminders_scan``: once per day (the first sweep after the send time) for
  the deadlines whose stage fell on any day since the last scan: after an
  outage the next sweep catches up, sending the latest stage each case has
  reached (a 3-days-before reminder is not sent after the deadline passed);
- ``reminders_for_case``: when an event sets a deadline whose stage is today
  (a case assigned with one working day left).

``reminders_process`` claims due rows (SKIP LOCKED), marks overdue cases
(``mark_overdue`` event), writes the messages to the outbox and marks the
row sent, all in one transaction.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone

from proposals.models import Case, DeadlinePolicy, SupervisionLevel
from proposals.models.cases import DeadlineKind
from proposals.workflow import EVENTS, Actor
from workcalendar.workdays import add_workdays, workdays_between

from .. import conf, recipients
from ..models import Channel, Reminder, ReminderStatus, SweepState
from ..urls_for import case_url
from .outbox import outbox_add

logger = logging.getLogger(__name__)

#: States in which a deadline runs: those in which a case may be marked overdue.
RUNNING_STATES = EVENTS["mark_overdue"][1]
ONE_DAY = dt.timedelta(days=1)
SCAN = "reminders"


def deadline_running(case) -> bool:
    return bool(case.deadline and case.state in RUNNING_STATES)


def stages(deadline: dt.date, offsets: list[int], cache: dict | None = None) -> list[tuple[str, dt.date]]:
    """The reminder stages of a deadline, in date order."""
    key = (deadline, tuple(offsets))
    if cache is not None and key in cache:
        return cache[key]
    out = [(f"before_{n}", add_workdays(deadline, -n)) for n in sorted(offsets, reverse=True)]
    out += [("due", deadline), ("overdue", deadline + ONE_DAY)]
    if cache is not None:
        cache[key] = out
    return out


def latest_stage(deadline: dt.date, today: dt.date, offsets: list[int], cache: dict | None = None) -> tuple[str, dt.date] | None:
    reached = [s for s in stages(deadline, offsets, cache) if s[1] <= today]
    return reached[-1] if reached else None


def _due_at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, conf.send_after()))


def _rows(case_id: int, deadline: dt.date, deadline_kind: str, stage: tuple[str, dt.date], now) -> list[Reminder]:
    kind, day = stage
    kinds = ["overdue", "escalate"] if kind == "overdue" else [kind]
    return [
        Reminder(case_id=case_id, kind=k, deadline=deadline, deadline_kind=deadline_kind, due_at=_due_at(day), created_at=now)
        for k in kinds
    ]


def reminders_scan(*, now=None, states: dict | None = None) -> int | None:
    """Create the reminders whose stage date fell since the last scan.

    Runs at most once per day per deployment: the ``reminders`` SweepState
    row is claimed with SKIP LOCKED (a concurrent sweep skips the scan) and
    records the day scanned. Returns the rows created, None if nothing to do.
    """
    now = now or timezone.now()
    local = timezone.localtime(now)
    effective = local.date() if local.time() >= conf.send_after() else local.date() - ONE_DAY
    if states is not None and states.get(SCAN) is not None and states[SCAN] >= effective:
        return None  # the sweep read all job states in one query: today's scan is done
    with transaction.atomic():
        SweepState.objects.get_or_create(name=SCAN)
        state = SweepState.objects.select_for_update(skip_locked=True).filter(name=SCAN).first()
        if state is None:
            return None
        last = state.last_date or effective - ONE_DAY
        if last >= effective:
            return None
        offsets = DeadlinePolicy.current().reminder_offset_list
        # Deadlines whose stages may lie in (last, effective]: the overdue
        # stage of d is d+1, the earliest-dated one; before_n of d is at most
        # n working days before d. Range scan on index case_deadline.
        low = last
        high = add_workdays(effective, max(offsets, default=0))
        rows: list[Reminder] = []
        cache: dict = {}
        cases = (
            Case.objects.filter(deadline__gte=low, deadline__lte=high, state__in=RUNNING_STATES)
            .order_by()
            .values_list("id", "deadline", "deadline_kind")
        )
        for case_id, deadline, deadline_kind in cases.iterator(chunk_size=2000):
            stage = latest_stage(deadline, effective, offsets, cache)
            if stage is not None and stage[1] > last:
                rows += _rows(case_id, deadline, deadline_kind, stage, now)
        for start in range(0, len(rows), 1000):
            Reminder.objects.bulk_create(rows[start : start + 1000], ignore_conflicts=True)
        state.last_date = effective
        state.save(update_fields=["last_date", "updated_at"])
    if rows:
        logger.info("reminder scan up to %s: %s reminders", effective, len(rows))
    return len(rows)


def reminders_for_case(case, *, now=None) -> int:
    """After an event that set a deadline: the stage due today, if any (and an
    overdue stage never recorded for this deadline)."""
    now = now or timezone.now()
    if not deadline_running(case):
        return 0
    today = timezone.localdate(now)
    stage = latest_stage(case.deadline, today, DeadlinePolicy.current().reminder_offset_list)
    if stage is None or (stage[0] != "overdue" and stage[1] != today):
        return 0
    rows = _rows(case.pk, case.deadline, case.deadline_kind, stage, now)
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def reminders_process(*, now=None, limit: int = 500) -> list[str]:
    """Turn due reminders into outbox messages. Returns the messages' dedup keys."""
    keys: list[str] = []
    for _ in range(limit):
        moment = now or timezone.now()
        with transaction.atomic():
            reminder = (
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(status=ReminderStatus.PENDING, due_at__lte=moment)
                .order_by("due_at", "id")
                .first()
            )  # index reminder_pending_due
            if reminder is None:
                break
            keys += _process(reminder, moment)
    return keys


def _process(reminder: Reminder, now) -> list[str]:
    from proposals.services.workflow import lock_case, record_event

    case = lock_case(reminder.case_id)
    if not deadline_running(case) or case.deadline != reminder.deadline:
        reminder.status = ReminderStatus.CANCELLED
        reminder.processed_at = now
        reminder.note = "期限已变更或案件已不在办理中"
        reminder.save(update_fields=["status", "processed_at", "note"])
        return []
    if reminder.kind == "overdue" and case.overdue_since is None:
        case.overdue_since = reminder.deadline + ONE_DAY
        record_event(
            case=case,
            action="mark_overdue",
            actor_kinds={Actor.SYSTEM},
            actor_label="系统",
            reason="",
            data={"deadline": reminder.deadline.isoformat(), "deadline_kind": case.deadline_kind},
            extra_update_fields=["overdue_since"],
            now=now,
        )
    keys = _messages(reminder, case, now)
    reminder.status = ReminderStatus.SENT
    reminder.processed_at = now
    reminder.save(update_fields=["status", "processed_at"])
    return keys


def owners(case) -> tuple[list, str]:
    """Who owes the step: the region's staff for assignment, the lead unit for replies."""
    if case.deadline_kind == DeadlineKind.ASSIGN or case.lead_unit_id is None:
        return recipients.users(recipients.case_staff(case)), "staff"
    return recipients.unit_recipients(case.lead_unit), "unit"


def _messages(reminder: Reminder, case, now) -> list[str]:
    today = timezone.localdate(now)
    context = {
        "deadline": reminder.deadline,
        "deadline_kind": case.get_deadline_kind_display() if case.deadline_kind else "",
        "workdays_left": max(0, workdays_between(today, reminder.deadline)),
        "days_overdue": max(0, (today - reminder.deadline).days),
        "is_key": case.supervision_level == SupervisionLevel.KEY,
    }
    dedup = f"rem:{reminder.pk}"
    common = {"case": case, "reminder": reminder, "now": now, "dedup": dedup, "context": context}
    if reminder.kind == "escalate":
        keys = outbox_add(
            kind="reminder_escalate",
            recipients=recipients.users(recipients.supervising_staff(case)),
            channels_={Channel.INAPP, Channel.EMAIL},
            url=case_url(case, "staff"),
            **common,
        )
        if case.supervision_level == SupervisionLevel.KEY:
            keys += outbox_add(
                kind="reminder_escalate",
                recipients=recipients.users(recipients.case_leaders(case)),
                channels_={Channel.INAPP, Channel.EMAIL, Channel.SMS},
                url=case_url(case, "staff"),
                **common,
            )
        return keys
    to, audience = owners(case)
    if reminder.kind.startswith("before_"):
        kind, channels_ = "reminder_before", {Channel.INAPP, Channel.EMAIL}
    elif reminder.kind == "due":
        kind, channels_ = "reminder_due", {Channel.INAPP, Channel.EMAIL, Channel.SMS}
    else:
        kind, channels_ = "reminder_overdue", {Channel.INAPP, Channel.EMAIL, Channel.SMS}
    return outbox_add(kind=kind, recipients=to, channels_=channels_, url=case_url(case, audience), **common)
