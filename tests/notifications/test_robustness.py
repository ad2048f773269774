"""Defects found on review: the right person gets the right copy, one bad
event does not block the others, no stale reminder, no phone in clear in
logs or in the error column staff read."""

import datetime as dt
import logging

import pytest
from django.utils import timezone

from notifications.channels.sms import LoggingSMSBackend
from notifications.models import EventDispatch, Message, Notification, Reminder, ReminderStatus
from notifications.services.reminders import reminders_scan
from notifications.services.sweep import sweep_run
from proposals.models import CaseEvent
from proposals.services.actions import case_accept, case_assign
from tests.factories import UnitFactory, make_case

from .conftest import at, set_deadline
from .test_outbox import SECRET, aliyun_settings, answer

pytestmark = pytest.mark.django_db


def test_account_of_both_the_lead_and_a_co_unit_gets_the_lead_units_assignment(world):
    co_unit = UnitFactory(name="杏花岭区城管局", region=world.regions["county"], email="")
    co_unit.members.add(world.unit_users[0])
    case = world.case(assigned=False)
    case_accept(case_id=case.pk, user=world.staff)
    sweep_run()
    case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit.pk, co_unit_ids=[co_unit.pk])
    sweep_run()
    [note] = Notification.objects.filter(user=world.unit_users[0], title__startswith="新交办")
    assert note.title.startswith("新交办（主办）")
    assert "交办异议" in note.body


@pytest.fixture
def broken_dispute_template(settings, tmp_path):
    """A bad edit to one message template (as an operator might make)."""
    folder = tmp_path / "notifications" / "messages"
    folder.mkdir(parents=True)
    (folder / "case_disputed.txt").write_text("{% if %}交办异议", encoding="utf-8")
    engine = {**settings.TEMPLATES[0], "DIRS": [str(tmp_path), *settings.TEMPLATES[0].get("DIRS", [])]}
    settings.TEMPLATES = [engine, *settings.TEMPLATES[1:]]
    return folder


def test_an_event_that_cannot_be_turned_into_messages_does_not_hold_up_later_events(world, settings, broken_dispute_template):
    case = world.case()
    sweep_run()
    bad = CaseEvent.objects.create(case=case, action="dispute", from_state="assigned", to_state="disputed", created_at=timezone.now())
    later = make_case(station=world.station, title="井盖缺失")
    sweep_run()  # does not raise
    assert Message.objects.filter(case=later, kind="case_submitted").exists()
    assert EventDispatch.objects.get(event=bad).dispatched_at is None  # kept for the next sweep
    # The template is mended: the next sweep dispatches it.
    broken_dispute_template.joinpath("case_disputed.txt").write_text("交办异议：{{ case.title }}\n有单位提出交办异议。", encoding="utf-8")
    settings.TEMPLATES = [dict(settings.TEMPLATES[0])]
    sweep_run()
    assert EventDispatch.objects.get(event=bad).dispatched_at is not None
    assert Message.objects.filter(case=case, kind="case_disputed").exists()


def test_reminder_left_pending_past_a_later_stage_is_not_sent_stale(world):
    deadline = dt.date(2024, 10, 9)
    case = set_deadline(world.case(), deadline)
    sweep_run(now=at(deadline - dt.timedelta(days=3), 9))
    reminders_scan(now=at(dt.date(2024, 10, 8), 9))  # made "before_1"; the worker died before sending it
    sweep_run(now=at(dt.date(2024, 10, 11), 9))  # back two days after the deadline
    before_1 = Reminder.objects.get(case=case, kind="before_1")
    assert before_1.status == ReminderStatus.CANCELLED and "下一提醒阶段" in before_1.note
    assert not Message.objects.filter(reminder=before_1).exists()
    assert Message.objects.filter(reminder__case=case, kind="reminder_overdue", status="sent").exists()


def test_logging_sms_backend_never_writes_a_full_phone_number(caplog):
    with caplog.at_level(logging.INFO, logger="notifications.sms"):
        LoggingSMSBackend().send(phone="13812341234", text="如有疑问请致电 +86 13900001111。")
    assert "138****1234" in caplog.text and "139****1111" in caplog.text
    assert "13812341234" not in caplog.text and "13900001111" not in caplog.text


def test_provider_error_echoing_the_number_is_stored_and_logged_masked(world, settings, caplog):
    from .smsserver import FakeAliyun

    case = world.case(phone="13812341234")
    with FakeAliyun(SECRET, reply_code="isv.MOBILE_NUMBER_ILLEGAL", reply_message="号码{phone}格式错误") as provider:
        aliyun_settings(settings, provider.url)
        answer(world, case)
        with caplog.at_level(logging.INFO, logger="notifications"):
            sweep_run()
    sms = Message.objects.get(case=case, kind="case_answered", channel="sms")
    assert sms.status == "pending" and sms.attempts == 1
    assert "138****1234" in sms.last_error and "13812341234" not in sms.last_error
    assert "13812341234" not in caplog.text
