"""B-class follow-up (跟踪落实): the lead unit reports progress on a schedule
(quarterly by default, configurable), is reminded before each report is due,
staff and the deputy see the follow-up list with the last report and the
next due date, and overdue follow-ups appear on the overdue board."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Message
from notifications.services.periodic import follow_up_reminders_send
from proposals.models import CaseEvent, CaseState, DeadlinePolicy, FollowUpReport, FollowUpStatus
from proposals.services import actions
from proposals.workflow import WorkflowError
from tests.proposals.builders import case_in_state
from workcalendar.workdays import add_months

pytestmark = pytest.mark.django_db


@pytest.fixture
def followed(world):
    case = case_in_state(world, CaseState.CLOSED, title="小区雨污分流改造")  # replied class B
    assert case.follow_up_status == FollowUpStatus.FOLLOWING
    return case


def test_closing_a_b_case_schedules_the_first_report_a_quarter_later(followed):
    assert followed.follow_up_due == add_months(timezone.localdate(), 3)


def test_the_period_is_configurable(world):
    policy = DeadlinePolicy.current()
    policy.follow_up_months = 1
    policy.save()
    case = case_in_state(world, CaseState.CLOSED)
    assert case.follow_up_due == add_months(timezone.localdate(), 1)


def test_unit_reports_progress_and_the_next_report_moves(client, world, followed):
    client.force_login(world.unit_a_user)
    page = client.get(reverse("unit:case", args=[followed.pk])).content.decode()
    assert "报告落实进展" in page
    bad = client.post(reverse("unit:follow_up_report", args=[followed.pk]), {"text": "已开工", "progress": "150"})
    assert bad.status_code == 400 and "0 到 100" in bad.content.decode()
    response = client.post(reverse("unit:follow_up_report", args=[followed.pk]), {"text": "管网已开工，完成三分之一。", "progress": "35"})
    assert response.status_code == 302
    report = FollowUpReport.objects.get(case=followed)
    assert (report.progress, report.unit) == (35, world.unit_a)
    assert CaseEvent.objects.filter(case=followed, action="follow_up_report").exists()
    followed.refresh_from_db()
    assert followed.follow_up_due == add_months(timezone.localdate(), 3)
    listing = client.get(reverse("unit:follow_ups")).content.decode()
    assert followed.tracking_code_display in listing and "35%" in listing


def test_only_the_lead_unit_or_staff_report_and_only_while_following(world, followed):
    with pytest.raises(WorkflowError):
        actions.case_follow_up_report(case_id=followed.pk, user=world.unit_b_user, text="x", progress=10)
    actions.case_mark_implemented(case_id=followed.pk, user=world.staff, note="已全部完工")
    followed.refresh_from_db()
    assert followed.follow_up_due is None
    with pytest.raises(WorkflowError):
        actions.case_follow_up_report(case_id=followed.pk, user=world.unit_a_user, text="x", progress=100)


def at(day, hour=9):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def test_reminders_before_on_the_day_and_when_overdue_each_once(world, followed):
    due = followed.follow_up_due
    policy = DeadlinePolicy.current()
    assert follow_up_reminders_send(now=at(due - dt.timedelta(days=policy.follow_up_remind_days + 1))) == 0
    soon = follow_up_reminders_send(now=at(due - dt.timedelta(days=policy.follow_up_remind_days)))
    assert soon >= 1 and Message.objects.filter(kind="follow_up_due_soon", case=followed, recipient=world.unit_a_user).exists()
    assert follow_up_reminders_send(now=at(due - dt.timedelta(days=policy.follow_up_remind_days), 15)) is None  # once a day
    follow_up_reminders_send(now=at(due))
    assert Message.objects.filter(kind="follow_up_due", case=followed).exists()
    follow_up_reminders_send(now=at(due + dt.timedelta(days=1)))
    follow_up_reminders_send(now=at(due + dt.timedelta(days=2)))
    overdue = Message.objects.filter(kind="follow_up_overdue", case=followed)
    assert overdue.filter(recipient=world.staff).count() == 1  # staff told, once
    assert overdue.filter(recipient=world.unit_a_user).count() == 1


def test_staff_board_and_the_deputy_list_show_the_follow_up(client, world, followed):
    from proposals.models import Case

    Case.objects.filter(pk=followed.pk).update(follow_up_due=timezone.localdate() - dt.timedelta(days=3))
    client.force_login(world.staff)
    board = client.get(reverse("admin:proposals_case_overdue_board")).content.decode()
    assert "落实进展报告逾期" in board and followed.tracking_code_display in board
    client.force_login(world.other_staff)
    assert followed.tracking_code_display not in client.get(reverse("admin:proposals_case_overdue_board")).content.decode()
    client.force_login(world.deputy_user)
    listing = client.get(reverse("deputy_workspace:follow_ups")).content.decode()
    assert followed.tracking_code_display in listing and world.unit_a.name in listing and "已逾期" in listing


def test_follow_up_lists_cost_the_same_at_more_rows(client, world, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    case_in_state(world, CaseState.CLOSED)
    client.force_login(world.unit_a_user)
    client.get(reverse("unit:follow_ups"))  # warm the calendar cache
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("unit:follow_ups"))
    for _ in range(4):
        case_in_state(world, CaseState.CLOSED)
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("unit:follow_ups")).context["page"].paginator.count == 5
    assert len(few.captured_queries) == len(many.captured_queries)
