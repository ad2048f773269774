"""Admin lists of the big tables (outbox, reminders, case history) find their
filter choices in the code, not with SELECT DISTINCT over the table, and the
filters work."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.models import Message, Reminder
from notifications.services.sweep import sweep_run
from proposals.models import CaseEvent

from .conftest import at, set_deadline

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, world):
    client.force_login(world.staff)
    return client


def _get(client, name, **params):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), params)
    assert response.status_code == 200
    scans = [q["sql"] for q in ctx.captured_queries if "DISTINCT" in q["sql"].upper()]
    assert scans == [], "a filter read the table for its choices"
    return response


def test_big_lists_offer_their_filters_without_scanning(staff_client, world):
    day = dt.date(2024, 10, 9)
    case = set_deadline(world.case(title="楼道灯坏了"), day + dt.timedelta(days=1))
    sweep_run(now=at(day, 9))  # a "1 working day before" reminder and its messages
    assert Reminder.objects.filter(case=case, kind__startswith="before_").exists()

    page = _get(staff_client, "admin:notifications_reminder_changelist")
    body = page.content.decode()
    assert "?kind=before_" in body and "?deadline_kind=reply" in body
    before = _get(staff_client, "admin:notifications_reminder_changelist", kind="before_").context["cl"].result_list
    assert before and {r.kind[:7] for r in before} == {"before_"}
    assert not _get(staff_client, "admin:notifications_reminder_changelist", kind="escalate").context["cl"].result_list

    page = _get(staff_client, "admin:notifications_message_changelist")
    assert "?kind=case_assigned" in page.content.decode()
    kinds = {m.kind for m in _get(staff_client, "admin:notifications_message_changelist", kind="case_assigned").context["cl"].result_list}
    assert kinds == {"case_assigned"} and Message.objects.filter(kind="case_assigned").exists()

    page = _get(staff_client, "admin:proposals_caseevent_changelist")
    assert "?action=assign" in page.content.decode()
    events = _get(staff_client, "admin:proposals_caseevent_changelist", action="assign").context["cl"].result_list
    assert {e.action for e in events} == {"assign"} and CaseEvent.objects.filter(case=case, action="assign").exists()
