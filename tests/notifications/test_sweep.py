import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from notifications.models import Reminder
from notifications.services.sweep import sweep_run

from .conftest import at, set_deadline

pytestmark = pytest.mark.django_db

DAY = dt.date(2024, 10, 9)


def idle_sweep_queries(now) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        sweep_run(now=now)
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_idle_sweep_costs_the_same_few_indexed_queries_whatever_the_number_of_cases(world):
    for i in range(3):
        set_deadline(world.case(title=f"案件{i}"), DAY + dt.timedelta(days=30 + i))
    sweep_run(now=at(DAY, 9))
    few = idle_sweep_queries(at(DAY, 9, 2))
    for i in range(6):
        set_deadline(world.case(title=f"更多案件{i}"), DAY + dt.timedelta(days=40 + i))
    sweep_run(now=at(DAY, 9, 4))
    many = idle_sweep_queries(at(DAY, 9, 6))
    assert len(few) == len(many) <= 5
    # No query reads the case table when nothing is due (the day's scan has run);
    # each probes a small partial index (pending events, reminders, messages,
    # attempts left "sending" by a crash) or a state row.
    assert not any('FROM "proposals_case"' in sql for sql in many)


def test_send_reminders_command_runs_one_sweep(world):
    case = set_deadline(world.case(), timezone.localdate())
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "sent=" in out.getvalue()
    assert Reminder.objects.filter(case=case, kind="due").count() == 1
    call_command("send_reminders", stdout=StringIO())
    assert Reminder.objects.filter(case=case, kind="due").count() == 1


def process_queries(now) -> list[str]:
    from notifications.services.reminders import reminders_process

    with CaptureQueriesContext(connection) as ctx:
        reminders_process(now=now)
    return [q["sql"] for q in ctx.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def due_cases(world, count, deadline):
    from notifications.services.reminders import reminders_scan

    cases = [set_deadline(world.case(title=f"批量案件{deadline}{i}"), deadline) for i in range(count)]
    reminders_scan(now=at(deadline + dt.timedelta(days=1), 9))
    return cases


def test_due_reminders_are_processed_in_batches_at_a_cost_independent_of_their_number(world):
    from notifications.models import EventDispatch, Message, ReminderStatus
    from proposals.models import CaseEvent

    # Warm the calendar cache and the day's scan.
    sweep_run(now=at(DAY - dt.timedelta(days=30), 9))
    few = due_cases(world, 2, DAY)
    few_sql = process_queries(at(DAY + dt.timedelta(days=1), 9))
    # Five cases: 50 messages, within one INSERT even on SQLite (999 parameters).
    many = due_cases(world, 5, DAY + dt.timedelta(days=7))
    many_sql = process_queries(at(DAY + dt.timedelta(days=8), 9))
    # The reminder policy; one batch: claim, lock the cases, officials, unit
    # members, overdue marks (cases, events, dispatch markers), messages,
    # reminders marked.
    assert len(few_sql) == len(many_sql) == 10
    for case in few + many:
        case.refresh_from_db()
        assert case.overdue_since == case.deadline + dt.timedelta(days=1)
        [event] = CaseEvent.objects.filter(case=case, action="mark_overdue")
        assert event.actor_label == "系统" and event.data["deadline"] == case.deadline.isoformat()
        # Nothing to derive from the mark itself: its marker is dispatched at birth.
        assert EventDispatch.objects.get(event=event).dispatched_at is not None
        assert set(Reminder.objects.filter(case=case).values_list("kind", "status")) == {
            ("overdue", ReminderStatus.SENT),
            ("escalate", ReminderStatus.SENT),
        }
        to_unit = Message.objects.filter(reminder__case=case, kind="reminder_overdue")
        assert set(to_unit.values_list("recipient__username", flat=True)) == {"unit-a", "unit-b", None}
        assert set(
            Message.objects.filter(reminder__case=case, kind="reminder_escalate", channel="inapp").values_list("recipient", flat=True)
        ) == {
            world.staff.pk,
            world.city_staff.pk,
        }


def test_reminders_beyond_the_time_budget_wait_for_the_next_sweep(world):
    from notifications.models import ReminderStatus
    from notifications.services.reminders import reminders_process

    sweep_run(now=at(DAY - dt.timedelta(days=30), 9))
    due_cases(world, 3, DAY)  # 6 reminders: overdue + escalate each
    now = at(DAY + dt.timedelta(days=1), 9)
    reminders_process(now=now, batch_size=4, time_budget=0)
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 4
    reminders_process(now=now, batch_size=4, time_budget=0)
    assert Reminder.objects.filter(status=ReminderStatus.PENDING).count() == 0
