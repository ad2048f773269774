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

``reminders_process`` claims due rows in batches (SKIP LOCKED), locks their
cases, marks overdue cases (``mark_overdue`` event), writes the messages to
the outbox and marks the rows sent, all in the batch's transaction.
"""

import datetime as dt
import logging
import time

from django.db import transaction
from django.utils import timezone

from proposals.models import Case, CaseEvent, DeadlinePolicy, SupervisionLevel
from proposals.models.cases import DeadlineKind
from proposals.workflow import EVENTS, MSG_NO_PERMISSION, Actor, WorkflowError
from workcalendar.workdays import add_workdays, workdays_between

from .. import conf, recipients
from ..models import Channel, Message, Reminder, ReminderStatus, SweepState
from ..urls_for import case_url
from .outbox import outbox_rows

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


class WorkdaysLeft:
    """``workdays_between(today, deadline)`` for the many deadlines of a
    sweep, each day of the calendar looked at about once: counting a long
    range day by day (with its override look-up) per reminder cost more than
    everything else the sweep does."""

    def __init__(self, today: dt.date):
        self.today = today
        self.known = {today: 0}

    def __call__(self, deadline: dt.date) -> int:
        if deadline <= self.today:
            return 0
        if deadline not in self.known:
            base = max(d for d in self.known if d < deadline)
            self.known[deadline] = self.known[base] + workdays_between(base, deadline)
        return self.known[deadline]


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


#: Reminders claimed per transaction: large enough that a batch costs a fixed
#: handful of statements, small enough that the cases it locks are released
#: within a fraction of a second.
BATCH_SIZE = 200
#: Seconds a sweep spends on due reminders before it moves on (digest,
#: delivery); the next sweep continues. Beat runs a sweep every 2 minutes.
TIME_BUDGET = 25.0
NOTE_OBSOLETE = "期限已变更或案件已不在办理中"
NOTE_SUPERSEDED = "已到下一提醒阶段，不再发送"


def reminders_process(*, now=None, batch_size: int = BATCH_SIZE, time_budget: float | None = TIME_BUDGET) -> list[str]:
    """Turn due reminders into outbox messages, a batch per transaction, until
    none is due or ``time_budget`` seconds are spent. Returns the messages'
    dedup keys."""
    keys: list[str] = []
    started = time.monotonic()
    counters: dict[dt.date, WorkdaysLeft] = {}
    offsets = None  # read with the first batch: an idle sweep does not ask
    while True:
        moment = now or timezone.now()
        today = timezone.localdate(moment)
        workdays_left = counters.setdefault(today, WorkdaysLeft(today))
        with transaction.atomic():
            batch = list(
                Reminder.objects.select_for_update(skip_locked=True)
                .filter(status=ReminderStatus.PENDING, due_at__lte=moment)
                .order_by("due_at", "id")[:batch_size]
            )  # index reminder_pending_due
            if not batch:
                break
            if offsets is None:
                offsets = DeadlinePolicy.current().reminder_offset_list
            keys += _process_batch(batch, moment, workdays_left, offsets)
        # A short batch: nothing else is due (or another sweep holds the rest).
        if len(batch) < batch_size or (time_budget is not None and time.monotonic() - started >= time_budget):
            break
    return keys


def _process_batch(batch: list[Reminder], now, workdays_left: WorkdaysLeft, offsets: list[int]) -> list[str]:
    """Claimed reminders → overdue marks, outbox rows and the reminders'
    status, in the caller's transaction, in a fixed number of statements."""
    from .events import events_record_system

    # Lock the batch's cases in id order: two sweeps (or a sweep and a
    # workflow action, which locks one case) never wait on each other in a cycle.
    cases = {
        c.pk: c
        for c in Case.objects.select_for_update(of=("self",))
        .select_related("lead_unit", "region")
        .filter(pk__in={r.case_id for r in batch})
        .order_by("pk")
    }
    live, cancelled, superseded = [], [], []
    today = timezone.localdate(now)
    stage_cache: dict = {}
    for reminder in batch:
        case = cases.get(reminder.case_id)
        if case is None or not deadline_running(case) or case.deadline != reminder.deadline:
            cancelled.append(reminder.pk)
        elif _superseded(reminder, today, offsets, stage_cache):
            superseded.append(reminder.pk)
        else:
            live.append((reminder, case))
    cache = recipients.RecipientCache()
    cache.prefetch([case for _r, case in live])
    marks, rows = [], {}
    for reminder, case in live:
        if reminder.kind == "overdue" and case.overdue_since is None:
            case.overdue_since = reminder.deadline + ONE_DAY
            marks.append(case)
        rows.update(_message_rows(reminder, case, now, cache, workdays_left))
    if marks:
        _mark_overdue(marks, now, events_record_system)
    messages = list(rows.values())
    for start in range(0, len(messages), 1000):
        Message.objects.bulk_create(messages[start : start + 1000], ignore_conflicts=True)
    if live:
        Reminder.objects.filter(pk__in=[r.pk for r, _c in live]).update(status=ReminderStatus.SENT, processed_at=now)
    if cancelled:
        Reminder.objects.filter(pk__in=cancelled).update(status=ReminderStatus.CANCELLED, processed_at=now, note=NOTE_OBSOLETE)
    if superseded:
        Reminder.objects.filter(pk__in=superseded).update(status=ReminderStatus.CANCELLED, processed_at=now, note=NOTE_SUPERSEDED)
    return list(rows)


def _superseded(reminder: Reminder, today: dt.date, offsets: list[int], cache: dict) -> bool:
    """A reminder left pending past a later stage of its deadline (a worker
    down for days): "3 working days left" would be stale next to the later
    stage's own reminder, which the day's scan has made."""
    kinds = [kind for kind, _day in stages(reminder.deadline, offsets, cache)]
    reached = latest_stage(reminder.deadline, today, offsets, cache)
    if reminder.kind not in kinds or reached is None:
        return False
    return kinds.index(reached[0]) > kinds.index(reminder.kind)


def _mark_overdue(cases: list, now, record) -> None:
    """The cases' ``overdue_since`` and their ``mark_overdue`` history rows
    (what ``record_event`` writes for one case, for a whole batch)."""
    # The transition table's rule for mark_overdue (record_event's checks): the
    # system acts, in a running state (RUNNING_STATES, checked by
    # deadline_running() on each locked row).
    if Actor.SYSTEM not in EVENTS["mark_overdue"][2]:
        raise WorkflowError(MSG_NO_PERMISSION % {"action": EVENTS["mark_overdue"][0]})
    touched = timezone.now()
    events = []
    for case in cases:
        case.updated_at = touched
        events.append(
            CaseEvent(
                case=case,
                action="mark_overdue",
                from_state=case.state,
                to_state=case.state,
                actor_label="系统",
                data={"deadline": case.deadline.isoformat(), "deadline_kind": case.deadline_kind},
                created_at=now,
            )
        )
    Case.objects.bulk_update(cases, ["overdue_since", "updated_at"])
    record(events=events, now=now)


def owners(case, cache=None) -> tuple[list, str]:
    """Who owes the step: the region's staff for assignment, the lead unit for replies."""
    cache = cache or recipients.RecipientCache()
    if case.deadline_kind == DeadlineKind.ASSIGN or case.lead_unit_id is None:
        return recipients.users(cache.case_staff(case)), "staff"
    return cache.unit_recipients(case.lead_unit), "unit"


def _message_rows(reminder: Reminder, case, now, cache, workdays_left: WorkdaysLeft) -> dict:
    today = timezone.localdate(now)
    context = {
        "deadline": reminder.deadline,
        "deadline_kind": case.get_deadline_kind_display() if case.deadline_kind else "",
        "workdays_left": workdays_left(reminder.deadline),
        "days_overdue": max(0, (today - reminder.deadline).days),
        "is_key": case.supervision_level == SupervisionLevel.KEY,
    }
    dedup = f"rem:{reminder.pk}"
    common = {"case": case, "reminder": reminder, "now": now, "dedup": dedup, "context": context}
    if reminder.kind == "escalate":
        rows = outbox_rows(
            kind="reminder_escalate",
            recipients=recipients.users(cache.supervising_staff(case)),
            channels_={Channel.INAPP, Channel.EMAIL},
            url=case_url(case, "staff"),
            **common,
        )
        if case.supervision_level == SupervisionLevel.KEY:
            rows.update(
                outbox_rows(
                    kind="reminder_escalate",
                    recipients=recipients.users(cache.case_leaders(case)),
                    channels_={Channel.INAPP, Channel.EMAIL, Channel.SMS},
                    url=case_url(case, "staff"),
                    **common,
                )
            )
        return rows
    to, audience = owners(case, cache)
    if reminder.kind.startswith("before_"):
        kind, channels_ = "reminder_before", {Channel.INAPP, Channel.EMAIL}
    elif reminder.kind == "due":
        kind, channels_ = "reminder_due", {Channel.INAPP, Channel.EMAIL, Channel.SMS}
    else:
        kind, channels_ = "reminder_overdue", {Channel.INAPP, Channel.EMAIL, Channel.SMS}
    return outbox_rows(kind=kind, recipients=to, channels_=channels_, url=case_url(case, audience), **common)
