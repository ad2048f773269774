import datetime as dt

import pytest
from django.utils import translation

from stations.models import ReceptionRule, Station
from stations.reception import describe_rule, next_reception_date, reception_dates

# The rule reads China's official calendar (with its overrides in the database).
pytestmark = pytest.mark.django_db


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
    # 10 January 2026 is a Saturday: received on Monday the 12th.
    assert next_reception_date(s, after=dt.date(2025, 12, 11)) == dt.date(2026, 1, 12)


def test_monthly_day_past_month_end_is_clamped_to_the_last_day():
    s = station(ReceptionRule.MONTHLY, 31)
    # 31 January 2025 fell in the Spring Festival holiday (28 Jan - 4 Feb): that
    # month's reception is held on Wednesday 5 February; February's own on the 28th.
    assert next_reception_date(s, after=dt.date(2025, 2, 1)) == dt.date(2025, 2, 5)
    assert next_reception_date(s, after=dt.date(2025, 2, 6)) == dt.date(2025, 2, 28)
    assert next_reception_date(s, after=dt.date(2024, 2, 1)) == dt.date(2024, 2, 29)
    assert next_reception_date(s, after=dt.date(2025, 4, 30)) == dt.date(2025, 4, 30)
    assert next_reception_date(s, after=dt.date(2025, 3, 31)) == dt.date(2025, 3, 31)
    assert "月末" in describe_rule(s)


def test_rule_day_on_a_holiday_moves_to_the_next_working_day():
    # National Day 2025: 1-8 October are holidays; the 9th is the first working day.
    first = station(ReceptionRule.MONTHLY, 1)
    assert next_reception_date(first, after=dt.date(2025, 9, 2)) == dt.date(2025, 10, 9)
    # A moved day is still found when asked from a day between the rule day and the move.
    assert next_reception_date(first, after=dt.date(2025, 10, 5)) == dt.date(2025, 10, 9)
    assert next_reception_date(first, after=dt.date(2025, 10, 10)) == dt.date(2025, 11, 3)  # 1 Nov is a Saturday


def test_reception_dates_are_working_days_in_order():
    dates = reception_dates(station(ReceptionRule.WEEKLY, 3), dt.date(2025, 9, 1), dt.date(2025, 10, 31))
    # Wednesdays 1 and 8 October fall in the National Day holiday: both are
    # received on Thursday the 9th, once.
    assert dates == [dt.date(2025, 9, d) for d in (3, 10, 17, 24)] + [dt.date(2025, 10, d) for d in (9, 15, 22, 29)]


def test_weekly_rule_gives_the_next_weekday():
    wednesday = station(ReceptionRule.WEEKLY, 3)
    assert next_reception_date(wednesday, after=dt.date(2025, 3, 3)) == dt.date(2025, 3, 5)  # Monday -> Wednesday
    assert next_reception_date(wednesday, after=dt.date(2025, 3, 5)) == dt.date(2025, 3, 5)
    assert next_reception_date(wednesday, after=dt.date(2025, 3, 6)) == dt.date(2025, 3, 12)
    # A Sunday rule is received on Monday: the rule never proposes a non-working day.
    assert next_reception_date(station(ReceptionRule.WEEKLY, 7), after=dt.date(2025, 3, 3)) == dt.date(2025, 3, 3)
    assert next_reception_date(station(ReceptionRule.WEEKLY, 7), after=dt.date(2025, 3, 4)) == dt.date(2025, 3, 10)
    assert describe_rule(wednesday) == "每周三"


def test_no_rule_or_invalid_day_gives_none():
    assert next_reception_date(station(ReceptionRule.NONE, 10), after=dt.date(2025, 3, 3)) is None
    assert next_reception_date(station(ReceptionRule.MONTHLY, None), after=dt.date(2025, 3, 3)) is None
    assert next_reception_date(station(ReceptionRule.MONTHLY, 0), after=dt.date(2025, 3, 3)) is None
    assert next_reception_date(station(ReceptionRule.WEEKLY, 8), after=dt.date(2025, 3, 3)) is None


def test_default_start_is_today_in_shanghai(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2025, 5, 13))
    assert next_reception_date(station(ReceptionRule.MONTHLY, 10)) == dt.date(2025, 6, 10)
