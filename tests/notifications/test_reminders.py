import datetime as dt

import pytest
from django.core import mail

from notifications.models import Message, Notification, Reminder, ReminderStatus
from notifications.services.reminders import stages
from notifications.services.sweep import sweep_run
from proposals.models import CaseEvent, DeadlinePolicy, SupervisionLevel

from .conftest import at, set_deadline

pytestmark = pytest.mark.django_db

NATIONAL_DAY_DEADLINE = dt.date(2024, 10, 9)  # Wed, right after the 1-7 October holiday


def reminder_kinds(case) -> set[str]:
    return set(Reminder.objects.filter(case=case).values_list("kind", flat=True))


def test_reminder_stages_count_working_days_across_holiday_and_make_up_sunday():
    # 2024 National Day: 1-7 Oct off, Sun 29 Sep and Sat 12 Oct are working days.
    got = dict(stages(NATIONAL_DAY_DEADLINE, [3, 1]))
    assert got == {
        "before_3": dt.date(2024, 9, 29),  # the make-up Sunday, not Fri 4 Oct (a holiday)
        "before_1": dt.date(2024, 10, 8),
        "due": NATIONAL_DAY_DEADLINE,
        "overdue": dt.date(2024, 10, 10),
    }


def test_daily_sweeps_send_each_stage_on_its_working_day_across_the_holiday(world):
    case = set_deadline(world.case(), NATIONAL_DAY_DEADLINE)
    created_on = {}
    day = dt.date(2024, 9, 26)
    while day <= dt.date(2024, 10, 12):
        before = reminder_kinds(case)
        sweep_run(now=at(day, 9))
        sweep_run(now=at(day, 15))  # later sweeps the same day add nothing
        new = reminder_kinds(case) - before
        if new:
            created_on[day] = new
        day += dt.timedelta(days=1)
    assert created_on == {
        dt.date(2024, 9, 29): {"before_3"},
        dt.date(2024, 10, 8): {"before_1"},
        dt.date(2024, 10, 9): {"due"},
        dt.date(2024, 10, 10): {"overdue", "escalate"},
    }
    before_3 = Message.objects.get(reminder__case=case, reminder__kind="before_3", recipient=world.unit_users[0], channel="inapp")
    assert "还有3个工作日" in before_3.subject and before_3.status == "sent"


def test_reminders_wait_for_the_morning_send_time(world):
    case = set_deadline(world.case(), NATIONAL_DAY_DEADLINE)
    sweep_run(now=at(dt.date(2024, 10, 7), 9))
    sweep_run(now=at(dt.date(2024, 10, 8), 7, 30))
    assert reminder_kinds(case) == set()
    sweep_run(now=at(dt.date(2024, 10, 8), 8, 1))
    assert reminder_kinds(case) == {"before_1"}


def test_deadline_passed_during_outage_is_caught_by_next_sweep(world):
    case = set_deadline(world.case(), NATIONAL_DAY_DEADLINE)
    sweep_run(now=at(dt.date(2024, 10, 8), 9))
    assert reminder_kinds(case) == {"before_1"}
    mail.outbox.clear()
    # Broker / worker / beat down from the 8th to the 11th: no sweep ran.
    result = sweep_run(now=at(dt.date(2024, 10, 11), 10))
    # Only the stage the case has reached: no stale "due today" message.
    assert reminder_kinds(case) == {"before_1", "overdue", "escalate"}
    assert result.reminders_created == 2
    case.refresh_from_db()
    assert case.overdue_since == dt.date(2024, 10, 10)
    event = CaseEvent.objects.get(case=case, action="mark_overdue")
    assert event.actor_label == "系统" and event.data["deadline"] == "2024-10-09"
    # The owner (the lead unit: members and office address) is told again,
    # the supervising staff (county office and the city above) get the escalation.
    overdue_to = {m.to[0] for m in mail.outbox if "已超期" in m.subject}
    assert overdue_to == {"a@zjj.example.cn", "b@zjj.example.cn", "office@zjj.example.cn"}
    escalated_to = {m.to[0] for m in mail.outbox if "超期督办" in m.subject}
    assert escalated_to == {"staff@xhl.example.cn", "city@ty.example.cn"}
    assert "sy@example.cn" not in {m.to[0] for m in mail.outbox}  # another county's staff
    assert "leader@xhl.example.cn" not in {m.to[0] for m in mail.outbox}  # not a key case
    assert Notification.objects.filter(user=world.staff, title__contains="超期督办").count() == 1
    # Another sweep (a retried task) sends nothing more.
    count = len(mail.outbox)
    sweep_run(now=at(dt.date(2024, 10, 11), 10, 2))
    assert len(mail.outbox) == count
    assert CaseEvent.objects.filter(case=case, action="mark_overdue").count() == 1


def test_key_case_escalation_reaches_the_leaders_by_sms(world, sms_outbox):
    case = set_deadline(world.case(), NATIONAL_DAY_DEADLINE)
    case.supervision_level = SupervisionLevel.KEY
    case.save(update_fields=["supervision_level"])
    sweep_run(now=at(dt.date(2024, 10, 9), 9))
    sweep_run(now=at(dt.date(2024, 10, 10), 9))
    leader_sms = [s for s in sms_outbox if s["phone"] == world.leader.mobile]
    assert len(leader_sms) == 1 and "重点督办" in leader_sms[0]["text"]
    assert Notification.objects.filter(user=world.leader, title__contains="重点督办").exists()


def test_assign_deadline_reminds_the_region_staff(world):
    case = world.case(assigned=False)
    case = set_deadline(case, NATIONAL_DAY_DEADLINE, kind="assign", state="accepted")
    sweep_run(now=at(dt.date(2024, 10, 8), 9))
    reminder = Message.objects.get(reminder__case=case, channel="inapp")
    assert reminder.recipient == world.staff  # the nearest office owns assignment
    assert "交办期限" in reminder.body


def test_reminder_offsets_come_from_the_deadline_policy(world):
    policy = DeadlinePolicy.current()
    policy.reminder_offsets = "5, 2"
    policy.save()
    case = set_deadline(world.case(), dt.date(2024, 10, 18))  # Fri
    day = dt.date(2024, 10, 8)
    sweep_run(now=at(day, 9))
    while day < dt.date(2024, 10, 18):
        day += dt.timedelta(days=1)
        sweep_run(now=at(day, 9))
    kinds = dict(Reminder.objects.filter(case=case).values_list("kind", "due_at__date"))
    # Sat 12 Oct is a make-up working day: 5 working days before the 18th is the 12th.
    assert kinds == {"before_5": dt.date(2024, 10, 12), "before_2": dt.date(2024, 10, 16), "due": dt.date(2024, 10, 18)}


def test_reminder_is_cancelled_when_the_case_was_answered_meanwhile(world):
    case = set_deadline(world.case(), NATIONAL_DAY_DEADLINE)
    sweep_run(now=at(dt.date(2024, 10, 7), 9))
    # The scan made the "before_1" row, but the case was answered before it was processed.
    from notifications.services.reminders import reminders_scan

    reminders_scan(now=at(dt.date(2024, 10, 8), 9))
    set_deadline(case, None, kind="", state="replied")
    sweep_run(now=at(dt.date(2024, 10, 8), 9, 2))
    reminder = Reminder.objects.get(case=case, kind="before_1")
    assert reminder.status == ReminderStatus.CANCELLED
    assert not Message.objects.filter(reminder=reminder).exists()


def test_new_deadline_due_today_gets_its_reminder_from_the_event(world):
    """A case assigned with its deadline today is reminded without waiting for tomorrow's scan."""
    from notifications.services.events import events_dispatch_pending
    from notifications.services.reminders import reminders_scan

    case = set_deadline(world.case(), NATIONAL_DAY_DEADLINE)
    reminders_scan(now=at(dt.date(2024, 10, 8), 9))  # today's scan already ran
    events_dispatch_pending(now=at(dt.date(2024, 10, 8), 9))
    # A reassignment today sets a deadline whose "due" stage is today.
    set_deadline(case, dt.date(2024, 10, 8))
    event = CaseEvent.objects.create(
        case=case, action="reassign", from_state="disputed", to_state="assigned", created_at=at(dt.date(2024, 10, 8), 10)
    )
    sweep_run(now=at(dt.date(2024, 10, 8), 10, 1))
    assert "due" in reminder_kinds(case)
    assert Message.objects.filter(reminder__case=case, reminder__kind="due", status="sent").exists()
    assert Reminder.objects.get(case=case, kind="due").created_at == at(dt.date(2024, 10, 8), 10, 1)
    assert event.pk
