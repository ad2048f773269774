"""Deadline bookkeeping for cases (办理时限).

Each open step has one current deadline on the case (``Case.deadline`` +
``deadline_kind``), read by the reminder sweep and the overdue board. The
rules come from ``DeadlinePolicy.current()`` (admin-editable); working days
follow China's official calendar with 调休 (``workcalendar.workdays``);
statutory limits in months (Deputies Law art. 51) count calendar months.

Start dates are the local date of the step (``timezone.localdate``): a case
accepted on a Saturday still gets its working days counted from there.
"""

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from workcalendar.workdays import add_months, add_workdays, span_is_known

from ..models import Case, CaseEvent, CaseKind, DeadlinePolicy
from ..models.cases import FINAL_STATES, DeadlineKind
from .workflow import announce

logger = logging.getLogger(__name__)

#: Fields a deadline change writes; actions add them to their UPDATE.
DEADLINE_FIELDS = ["deadline", "deadline_kind", "overdue_since", "deadline_from", "deadline_provisional"]
#: Steps counted in working days (the others count calendar months).
WORKDAY_KINDS = frozenset({DeadlineKind.ASSIGN})
RECOMPUTED = "deadline_recomputed"
MSG_RECOMPUTED = _("节假日安排已录入，办理时限重新计算：%(old)s → %(new)s")


def _local(value) -> dt.date:
    if value is None:
        return timezone.localdate()
    if isinstance(value, dt.datetime):
        return timezone.localdate(value)
    return value


def deadline_for(case: Case, kind: str, start=None, policy: DeadlinePolicy | None = None) -> dt.date:
    """The deadline of step ``kind`` for ``case``, counted from ``start``
    (a date or datetime; default: the step's own start recorded on the case,
    else today).

    - assign: ``assign_workdays`` working days after acceptance (or after a
      dispute, when staff must reassign);
    - reply: opinions ``opinion_reply_workdays`` working days after
      assignment; suggestions ``suggestion_reply_months`` calendar months,
      ``suggestion_extended_months`` once extended;
    - rereply: ``rereply_months`` after the unsatisfied feedback.
    """
    policy = policy or DeadlinePolicy.current()
    if kind == DeadlineKind.ASSIGN:
        return add_workdays(_local(start or case.accepted_at), policy.assign_workdays)
    if kind == DeadlineKind.REPLY:
        begin = _local(start or case.assigned_at)
        if case.kind == CaseKind.SUGGESTION:
            months = policy.suggestion_extended_months if case.reply_extended else policy.suggestion_reply_months
            return add_months(begin, months)
        return add_workdays(begin, policy.opinion_reply_workdays)
    if kind == DeadlineKind.REREPLY:
        return add_months(_local(start), policy.rereply_months)
    raise ValueError(f"unknown deadline kind: {kind!r}")


def dispute_deadline(assigned_on, policy: DeadlinePolicy | None = None) -> dt.date:
    """Last day on which the lead unit may dispute an assignment (inclusive)."""
    policy = policy or DeadlinePolicy.current()
    return add_workdays(_local(assigned_on), policy.dispute_workdays)


def _counts_workdays(case: Case, kind: str) -> bool:
    return kind == DeadlineKind.ASSIGN or (kind == DeadlineKind.REPLY and case.kind != CaseKind.SUGGESTION)


def _step_start(case: Case, kind: str, start=None) -> dt.date:
    if start is not None:
        return _local(start)
    if kind == DeadlineKind.ASSIGN:
        return _local(case.accepted_at)
    if kind == DeadlineKind.REPLY:
        return _local(case.assigned_at)
    return timezone.localdate()


def set_deadline(case: Case, kind: str, start=None, policy: DeadlinePolicy | None = None) -> list[str]:
    """Give ``case`` a new current deadline; a new deadline ends any overdue
    mark of the previous step. A deadline counted in working days over a year
    whose official holidays are unknown is marked provisional. Returns the
    fields to save."""
    begin = _step_start(case, kind, start)
    case.deadline = deadline_for(case, kind, start=begin, policy=policy)
    case.deadline_kind = kind
    case.deadline_from = begin
    case.deadline_provisional = _counts_workdays(case, kind) and not span_is_known(begin, case.deadline)
    case.overdue_since = None
    return list(DEADLINE_FIELDS)


def clear_deadline(case: Case) -> list[str]:
    """No one owes the next step by a date (replied, closed, returned…)."""
    case.deadline = None
    case.deadline_kind = ""
    case.deadline_from = None
    case.deadline_provisional = False
    case.overdue_since = None
    return list(DEADLINE_FIELDS)


def deadlines_recompute_provisional(*, now=None, limit: int = 5000) -> int:
    """Compute provisional deadlines again (after next year's official days
    were entered): each open case whose deadline was counted over unknown
    days gets its deadline from the same start on the calendar as it is now,
    and a history row when the date changes. Returns the cases changed."""
    now = now or timezone.now()
    changed = 0
    ids = list(
        Case.objects.filter(deadline_provisional=True).exclude(state__in=FINAL_STATES).order_by("id").values_list("id", flat=True)[:limit]
    )  # index case_deadline_provisional
    for case_id in ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().filter(pk=case_id, deadline_provisional=True).first()
            if case is None or not case.deadline_kind:
                continue
            old = case.deadline
            fields = set_deadline(case, case.deadline_kind, start=case.deadline_from or None)
            if case.deadline_provisional and case.deadline == old:
                continue  # still unknown, still the same date
            case.save(update_fields=fields)
            if case.deadline != old:
                event = CaseEvent.objects.create(
                    case=case,
                    action=RECOMPUTED,
                    from_state=case.state,
                    to_state=case.state,
                    actor_label=str(_("系统")),
                    reason=str(MSG_RECOMPUTED % {"old": old.isoformat() if old else "—", "new": case.deadline.isoformat()}),
                    data={"from": old.isoformat() if old else None, "to": case.deadline.isoformat()},
                    created_at=now,
                )
                changed += 1
                announce(event)
    if changed:
        logger.info("recomputed %s provisional deadlines", changed)
    return changed


def days_left(case: Case, today: dt.date | None = None) -> int | None:
    """Calendar days until the deadline (negative when overdue), None without one."""
    if not case.deadline or not case.is_open:
        return None
    return (case.deadline - (today or timezone.localdate())).days
