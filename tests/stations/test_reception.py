import datetime as dt

import pytest
from django.utils import translation

from stations.models import ReceptionRule, Station
from stations.reception import describe_rule, next_reception_date


@pytest.fixture(autouse=True)
def _chinese():
    # describe_rule speaks the active language; an earlier test's English
    # request (LocaleMiddleware activates per thread) must not leak in here.
    with translation.override("zh-hans"):
        yield


def station(rule, day):
    return Station(code="x", name="x", reception_rule=rule, reception_day=day)


def test_monthly_rule_gives_this_months_day_or_next_months():
    s = station(ReceptionRule.MONTHLY, 10)
    assert next_reception_date(s, after=dt.date(2025, 3, 4)) == dt.date(2025, 3, 10)
    assert next_reception_date(s, after=dt.date(2025, 3, 10)) == dt.date(2025, 3, 10)  # the day itself counts
    assert next_reception_date(s, after=dt.date(2025, 3, 11)) == dt.date(2025, 4, 10)
    assert next_reception_date(s, after=dt.date(2025, 12, 11)) == dt.date(2026, 1, 10)


def test_monthly_day_past_month_end_is_clamped_to_the_last_day():
    s = station(ReceptionRule.MONTHLY, 31)
    assert next_reception_date(s, after=dt.date(2025, 2, 1)) == dt.date(2025, 2, 28)
    assert next_reception_date(s, after=dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert next_reception_date(s, after=dt.date(2025, 4, 30)) == dt.date(2025, 4, 30)
    assert next_reception_date(s, after=dt.date(2025, 3, 31)) == dt.date(2025, 3, 31)
    assert "月末" in describe_rule(s)


def test_monthly_rule_does_not_skip_holidays():
    # 2025-10-01 is National Day: the rule day stays (stations announce changes as ReceptionDay rows).
    assert next_reception_date(station(ReceptionRule.MONTHLY, 1), after=dt.date(2025, 9, 2)) == dt.date(2025, 10, 1)


def test_weekly_rule_gives_the_next_weekday():
    wednesday = station(ReceptionRule.WEEKLY, 3)
    assert next_reception_date(wednesday, after=dt.date(2025, 3, 3)) == dt.date(2025, 3, 5)  # Monday -> Wednesday
    assert next_reception_date(wednesday, after=dt.date(2025, 3, 5)) == dt.date(2025, 3, 5)
    assert next_reception_date(wednesday, after=dt.date(2025, 3, 6)) == dt.date(2025, 3, 12)
    assert next_reception_date(station(ReceptionRule.WEEKLY, 7), after=dt.date(2025, 3, 3)) == dt.date(2025, 3, 9)
    assert describe_rule(wednesday) == "每周三"


def test_no_rule_or_invalid_day_gives_none():
    assert next_reception_date(station(ReceptionRule.NONE, 10), after=dt.date(2025, 3, 3)) is None
    assert next_reception_date(station(ReceptionRule.MONTHLY, None), after=dt.date(2025, 3, 3)) is None
    assert next_reception_date(station(ReceptionRule.MONTHLY, 0), after=dt.date(2025, 3, 3)) is None
    assert next_reception_date(station(ReceptionRule.WEEKLY, 8), after=dt.date(2025, 3, 3)) is None


def test_default_start_is_today_in_shanghai(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 5, 11))
    assert next_reception_date(station(ReceptionRule.MONTHLY, 10)) == dt.date(2025, 6, 10)
