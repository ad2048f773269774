"""Working days on China's official calendar, including 调休 make-up days,
and the override table for years the package does not know."""

import datetime as dt

import pytest

from workcalendar.models import WorkdayOverride
from workcalendar.workdays import add_months, add_workdays, is_workday, workdays_between

D = dt.date
pytestmark = pytest.mark.django_db


def test_national_day_2025_holidays_and_make_up_working_days():
    # 2025: Oct 1-8 off; Sunday Sep 28 and Saturday Oct 11 are working days.
    assert is_workday(D(2025, 9, 28))  # Sunday, make-up day
    assert all(not is_workday(D(2025, 10, d)) for d in range(1, 9))
    assert is_workday(D(2025, 10, 9))
    assert is_workday(D(2025, 10, 11))  # Saturday, make-up day
    assert not is_workday(D(2025, 10, 12))


def test_add_workdays_across_national_day_2025():
    # Fri Sep 26 + 1 working day = Sun Sep 28 (make-up), not Mon Sep 29.
    assert add_workdays(D(2025, 9, 26), 1) == D(2025, 9, 28)
    # Tue Sep 30 + 1 = Thu Oct 9 (the whole holiday skipped).
    assert add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    # Oct 9, 10, 11 (Sat, make-up): 3 working days after Sep 30 end on Sat Oct 11.
    assert add_workdays(D(2025, 9, 30), 3) == D(2025, 10, 11)
    # A plain Monday-Friday count would say Oct 3.
    assert add_workdays(D(2025, 9, 30), 3) != D(2025, 10, 3)


def test_workdays_between_counts_make_up_days():
    # (Sep 26, Oct 12]: Sep 28, 29, 30, Oct 9, 10, 11 = 6 working days.
    assert workdays_between(D(2025, 9, 26), D(2025, 10, 12)) == 6
    assert workdays_between(D(2025, 10, 12), D(2025, 9, 26)) == -6
    assert workdays_between(D(2025, 10, 1), D(2025, 10, 1)) == 0


def test_spring_festival_2026():
    # 2026 Spring Festival: Feb 15-23 off; Sat Feb 14 and Sat Feb 28 are make-up working days.
    assert is_workday(D(2026, 2, 14))
    assert all(not is_workday(D(2026, 2, d)) for d in range(15, 24))
    assert is_workday(D(2026, 2, 24))
    assert is_workday(D(2026, 2, 28))
    # Fri Feb 13 + 1 = Sat Feb 14; + 2 = Tue Feb 24.
    assert add_workdays(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_workdays(D(2026, 2, 13), 2) == D(2026, 2, 24)
    # 5 working days from Fri Feb 13: 14, 24, 25, 26, 27.
    assert add_workdays(D(2026, 2, 13), 5) == D(2026, 2, 27)


def test_2027_falls_back_to_monday_friday_until_overrides_are_entered():
    # The package has no 2027 data: Mon-Fri.
    assert is_workday(D(2027, 2, 5))  # Friday
    assert not is_workday(D(2027, 2, 6))  # Saturday
    assert add_workdays(D(2027, 2, 5), 1) == D(2027, 2, 8)
    # Staff enter the 2027 schedule: a holiday Monday and a make-up Saturday.
    WorkdayOverride.objects.create(date=D(2027, 2, 8), is_workday=False, note="2027年春节")
    WorkdayOverride.objects.create(date=D(2027, 2, 6), is_workday=True, note="2027年春节调休")
    assert is_workday(D(2027, 2, 6))
    assert not is_workday(D(2027, 2, 8))
    assert add_workdays(D(2027, 2, 5), 1) == D(2027, 2, 6)
    assert add_workdays(D(2027, 2, 5), 2) == D(2027, 2, 9)
    # Deleting an override takes effect at once (the cache is cleared).
    WorkdayOverride.objects.filter(date=D(2027, 2, 8)).delete()
    assert is_workday(D(2027, 2, 8))


def test_override_wins_over_the_package():
    assert is_workday(D(2025, 10, 9))
    WorkdayOverride.objects.create(date=D(2025, 10, 9), is_workday=False, note="地方调整")
    assert not is_workday(D(2025, 10, 9))


def test_add_months_clamps_to_month_end():
    assert add_months(D(2025, 11, 30), 3) == D(2026, 2, 28)
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2023, 12, 31), 2) == D(2024, 2, 29)
    assert add_months(D(2025, 10, 9), 6) == D(2026, 4, 9)
