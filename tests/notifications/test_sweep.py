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
    assert len(few) == len(many) <= 4
    # No query reads the case table when nothing is due (the day's scan has run);
    # each probes a small partial index (pending events, reminders, messages) or a state row.
    assert not any('FROM "proposals_case"' in sql for sql in many)


def test_send_reminders_command_runs_one_sweep(world):
    case = set_deadline(world.case(), timezone.localdate())
    out = StringIO()
    call_command("send_reminders", stdout=out)
    assert "sent=" in out.getvalue()
    assert Reminder.objects.filter(case=case, kind="due").count() == 1
    call_command("send_reminders", stdout=StringIO())
    assert Reminder.objects.filter(case=case, kind="due").count() == 1
