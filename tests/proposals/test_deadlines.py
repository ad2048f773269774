"""Case deadlines from the policy, across real Chinese holidays."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from proposals.models import CaseAssignment, DeadlinePolicy, Rating, UnitRole
from proposals.models.cases import DeadlineKind
from proposals.services import actions
from workcalendar.models import WorkdayOverride

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(y, m, d, h=10):
    return dt.datetime(y, m, d, h, tzinfo=SH)


class Clock:
    """Move ``timezone.now`` (and so ``localdate``) to a fixed moment."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, moment):
        self.monkeypatch.setattr(timezone, "now", lambda: moment)


@pytest.fixture
def clock(monkeypatch):
    return Clock(monkeypatch)


def test_opinion_deadlines_across_national_day_2025(world, clock):
    clock.set(at(2025, 9, 26))  # Friday before the holiday
    case = world.opinion(now=at(2025, 9, 26, 9))
    case = actions.case_accept(case_id=case.pk, user=world.staff)
    # 5 working days after Fri Sep 26: Sun 28 (make-up), Mon 29, Tue 30, Thu Oct 9, Fri Oct 10.
    assert (case.deadline_kind, case.deadline) == (DeadlineKind.ASSIGN, dt.date(2025, 10, 10))

    clock.set(at(2025, 9, 30))
    case = actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    lead = CaseAssignment.objects.get(case=case, role=UnitRole.LEAD)
    # Dispute window: 7 working days after Tue Sep 30: Oct 9, 10, 11 (Sat make-up), 13, 14, 15, 16.
    assert lead.dispute_until == dt.date(2025, 10, 16)
    # Reply: 15 working days after Sep 30: Oct 9,10,11,13-17 (8), 20-24 (13), 27, 28 → Oct 28.
    assert (case.deadline_kind, case.deadline) == (DeadlineKind.REPLY, dt.date(2025, 10, 28))

    # The unit may still dispute on the last day of the window, not the day after.
    clock.set(at(2025, 10, 17))
    with pytest.raises(actions.WorkflowError, match="异议期已过"):
        actions.case_dispute(case_id=case.pk, user=world.unit_a_user, reason="不属本单位")
    clock.set(at(2025, 10, 16))
    case = actions.case_dispute(case_id=case.pk, user=world.unit_a_user, reason="不属本单位")
    assert case.state == "disputed"


def test_overdue_mark_is_cleared_when_a_new_deadline_is_set(world, clock):
    clock.set(at(2025, 9, 26))
    case = world.opinion(now=at(2025, 9, 26, 9))
    case = actions.case_accept(case_id=case.pk, user=world.staff)
    case.overdue_since = dt.date(2025, 10, 11)
    case.save(update_fields=["overdue_since"])
    clock.set(at(2025, 10, 13))
    assert case.is_overdue(today=dt.date(2025, 10, 13))
    case = actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    assert case.overdue_since is None and not case.is_overdue(today=dt.date(2025, 10, 13))


def test_suggestion_reply_deadline_is_three_calendar_months_and_six_when_extended(world, clock):
    clock.set(at(2025, 11, 30))
    case = world.suggestion(now=at(2025, 11, 30, 9))
    actions.case_accept(case_id=case.pk, user=world.staff)
    case = actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    # Calendar months, Spring Festival included: Nov 30 + 3 months = Feb 28 2026.
    assert case.deadline == dt.date(2026, 2, 28)
    clock.set(at(2026, 1, 10))
    case = actions.case_extend(case_id=case.pk, user=world.staff, reason="涉及面广，经批准延期")
    assert case.deadline == dt.date(2026, 5, 30)


def test_opinion_reply_deadline_across_spring_festival_2026(world, clock):
    clock.set(at(2026, 2, 12))  # Thursday
    case = world.opinion(now=at(2026, 2, 12, 9))
    actions.case_accept(case_id=case.pk, user=world.staff)
    case = actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    # 15 working days after Thu Feb 12: 13, 14 (Sat make-up), 24-27 (6), 28 (Sat make-up, 7),
    # Mar 2-6 (12), Mar 9, 10, 11 (15) → Mar 11. Mon-Fri counting would give Mar 5.
    assert case.deadline == dt.date(2026, 3, 11)


def test_rereply_deadline_is_one_month_after_unsatisfied_feedback(world, clock):
    clock.set(at(2026, 1, 5))
    case = world.opinion(now=at(2026, 1, 5, 9))
    actions.case_accept(case_id=case.pk, user=world.staff)
    actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    actions.case_start_handling(case_id=case.pk, user=world.unit_a_user)
    case = actions.case_reply(case_id=case.pk, user=world.unit_a_user, text="已处理", reply_class_code="A")
    assert case.deadline is None
    clock.set(at(2026, 1, 31))
    case = actions.case_feedback(case_id=case.pk, rating=Rating.UNSATISFIED, as_resident=True, comment="没解决")
    assert (case.deadline_kind, case.deadline) == (DeadlineKind.REREPLY, dt.date(2026, 2, 28))


def test_policy_changes_apply_to_new_deadlines(world, clock):
    policy = DeadlinePolicy.current()
    policy.assign_workdays = 7
    policy.save()
    clock.set(at(2025, 9, 26))
    case = world.opinion(now=at(2025, 9, 26, 9))
    case = actions.case_accept(case_id=case.pk, user=world.staff)
    # 7 working days: Sep 28, 29, 30, Oct 9, 10, 11, 13.
    assert case.deadline == dt.date(2025, 10, 13)


def test_deadlines_in_2027_use_the_override_table(world, clock):
    WorkdayOverride.objects.bulk_create(
        [WorkdayOverride(date=dt.date(2027, 2, d), is_workday=False, note="2027年春节") for d in range(5, 12)]
        + [WorkdayOverride(date=dt.date(2027, 2, 13), is_workday=True, note="2027年春节调休")]
    )
    clock.set(at(2027, 2, 4))  # Thursday
    case = world.opinion(now=at(2027, 2, 4, 9))
    case = actions.case_accept(case_id=case.pk, user=world.staff)
    # Feb 5-11 off, Sat Feb 13 worked: 12, 13, 15, 16, 17.
    assert case.deadline == dt.date(2027, 2, 17)


def test_closing_clears_the_deadline(world):
    case = world.opinion()
    actions.case_accept(case_id=case.pk, user=world.staff)
    case = actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
    assert case.deadline
    actions.case_start_handling(case_id=case.pk, user=world.unit_a_user)
    actions.case_reply(case_id=case.pk, user=world.unit_a_user, text="已处理", reply_class_code="A")
    case = actions.case_close(case_id=case.pk, user=world.staff)
    assert case.deadline is None and case.deadline_kind == "" and not case.is_overdue()
