import datetime as dt

import pytest
from django.core import mail

from notifications.models import Message, Notification
from notifications.services.periodic import deputy_digests_send, reception_announcements_send
from notifications.services.sweep import sweep_run
from proposals.models import Case
from stations.models import ReceptionDay, ReceptionRule, ReceptionSubscription
from stations.services import subscription_add
from tests.factories import StationFactory, UserFactory

from .conftest import at, set_deadline

pytestmark = pytest.mark.django_db

MONDAY = dt.date(2024, 10, 14)


def test_weekly_digest_goes_to_each_deputy_once_per_week(world):
    case = set_deadline(world.case(title="小区停车难"), dt.date(2024, 10, 8))
    case.overdue_since = dt.date(2024, 10, 9)
    case.save(update_fields=["overdue_since"])
    world.case(title="公交站牌缺失")
    assert deputy_digests_send(now=at(MONDAY, 8, 0)) is None  # before 08:30
    assert deputy_digests_send(now=at(MONDAY, 8, 31)) == 1
    assert deputy_digests_send(now=at(MONDAY, 9, 0)) is None  # beat fired twice / the sweep's catch-up
    sweep_run(now=at(MONDAY, 9, 5))
    [digest] = Notification.objects.filter(user=world.deputy_user, title__startswith="本周在办案件")
    assert "2件" in digest.title and "1件超期" in digest.title
    assert "小区停车难" in digest.body and "公交站牌缺失" in digest.body
    assert [m.to for m in mail.outbox if m.subject.startswith("本周在办案件")] == [["deputy@example.cn"]]
    # Next week: a new digest.
    assert deputy_digests_send(now=at(MONDAY + dt.timedelta(days=7), 8, 45)) == 1


def test_digest_missed_on_monday_is_sent_by_the_next_sweep(world):
    world.case()
    sweep_run(now=at(MONDAY - dt.timedelta(days=1), 10))  # Sunday: last week's digest
    before = Message.objects.filter(kind="deputy_digest").count()
    sweep_run(now=at(MONDAY + dt.timedelta(days=1), 10))  # beat was down on Monday
    assert Message.objects.filter(kind="deputy_digest").count() > before


def test_subscribers_are_told_three_days_before_a_reception_day_once(world, sms_outbox):
    station = StationFactory(region=world.regions["township"], name="鼓楼街道代表联络站", address="鼓楼街1号")
    day = ReceptionDay.objects.create(station=station, date=dt.date(2024, 10, 17), topic="老旧小区改造")
    day.deputies.add(world.deputy)
    resident = UserFactory(username="resident", email="")
    ReceptionSubscription.objects.create(station=station, user=resident)
    ReceptionSubscription.objects.create(station=station, email="li@example.cn")
    subscription_add(station_id=station.pk, phone="13611112222")
    assert reception_announcements_send(now=at(dt.date(2024, 10, 13), 9)) == 0  # 4 days before
    assert reception_announcements_send(now=at(dt.date(2024, 10, 14), 9)) == 3
    sweep_run(now=at(dt.date(2024, 10, 14), 9, 5))
    sweep_run(now=at(dt.date(2024, 10, 15), 9))  # the next day: not again
    note = Notification.objects.get(user=resident)
    assert "鼓楼街道代表联络站" in note.title and "老旧小区改造" in note.body and world.deputy.name in note.body
    assert [m.to for m in mail.outbox if "接待日预告" in m.subject] == [["li@example.cn"]]
    assert [s["phone"] for s in sms_outbox] == ["13611112222"]


def test_rule_based_reception_day_is_announced_by_its_station_setting(world):
    station = StationFactory(
        region=world.regions["township"], reception_rule=ReceptionRule.MONTHLY, reception_day=20, reception_announce_days=5
    )
    ReceptionSubscription.objects.create(station=station, email="wang@example.cn")
    # 20 October 2024 is a Sunday: the rule's day moves to Monday the 21st.
    reception_announcements_send(now=at(dt.date(2024, 10, 15), 9))
    assert not Message.objects.filter(kind="reception_announcement").exists()
    reception_announcements_send(now=at(dt.date(2024, 10, 16), 9))  # 21st − 5 days
    assert Message.objects.filter(kind="reception_announcement", address="wang@example.cn").count() == 1


def test_digest_out_of_time_budget_continues_where_it_stopped_and_reaches_every_deputy_once(world):
    from notifications.models import SweepState
    from notifications.services.periodic import digest_done
    from tests.factories import DeputyFactory

    others = [DeputyFactory(name=f"代表{i}", email=f"d{i}@example.cn") for i in range(4)]
    world.case(title="路灯")  # the world deputy's case
    for deputy in others:
        case = world.case(title=f"{deputy.name}的案件", assigned=False)
        Case.objects.filter(pk=case.pk).update(responsible_deputy=deputy)
    idle = DeputyFactory(name="无案件代表", email="idle@example.cn")  # no open case: no digest
    now = at(MONDAY, 8, 45)
    # Two deputies per transaction, budget spent after the first chunk.
    assert deputy_digests_send(now=now, time_budget=0, chunk=2) == 2  # the world deputy and others[0]
    assert not digest_done(now)
    state = SweepState.objects.get(name="deputy_digest")
    assert state.cursor_period == MONDAY and state.cursor_id is not None
    while not digest_done(now):
        deputy_digests_send(now=now, time_budget=0, chunk=2)
    emails = Message.objects.filter(kind="deputy_digest", channel="email")
    assert sorted(emails.values_list("address", flat=True)) == sorted(["deputy@example.cn", *(d.email for d in others)])
    assert not emails.filter(address=idle.email).exists()
    # Done for the week: the sweep's snapshot and a second beat run add nothing.
    assert deputy_digests_send(now=at(MONDAY, 9)) is None
    assert emails.count() == 5


def test_sweep_budgets_fit_under_the_sweep_task_time_limit():
    from notifications.services.sweep import Budgets
    from notifications.tasks import sweep

    budgets = Budgets()
    parts = [budgets.events, budgets.reminders, budgets.digest, budgets.delivery]
    assert all(p is not None and p > 0 for p in parts)
    assert sum(parts) < sweep.soft_time_limit
