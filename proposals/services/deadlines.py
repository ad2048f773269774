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

from django.utils import timezone

from workcalendar.workdays import add_months, add_workdays

from ..models import Case, CaseKind, DeadlinePolicy
from ..models.cases import DeadlineKind

#: Fields a deadline change writes; actions add them to their UPDATE.
DEADLINE_FIELDS = ["deadline", "deadline_kind", "overdue_since"]


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


def set_deadline(case: Case, kind: str, start=None, policy: DeadlinePolicy | None = None) -> list[str]:
    """Give ``case`` a new current deadline; a new deadline ends any overdue
    mark of the previous step. Returns the fields to save."""
    case.deadline = deadline_for(case, kind, start=start, policy=policy)
    case.deadline_kind = kind
    case.overdue_since = None
    return list(DEADLINE_FIELDS)


def clear_deadline(case: Case) -> list[str]:
    """No one owes the next step by a date (replied, closed, returned…)."""
    case.deadline = None
    case.deadline_kind = ""
    case.overdue_since = None
    return list(DEADLINE_FIELDS)


def days_left(case: Case, today: dt.date | None = None) -> int | None:
    """Calendar days until the deadline (negative when overdue), None without one."""
    if not case.deadline or not case.is_open:
        return None
    return (case.deadline - (today or timezone.localdate())).days
