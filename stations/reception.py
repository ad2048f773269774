"""Reception days (接待日) from a station's rule.

``next_reception_date`` reads the rule on the station (monthly day N,
clamped to the month's last day; weekly weekday N, Monday = 1) and never
proposes a non-working day: a rule day that falls on a weekend or holiday
moves to the next working day on China's official calendar (调休 included),
so "每月10日" on a Sunday is received on Monday the 11th. Stations announce
other changes as scheduled ``ReceptionDay`` rows, which
``upcoming_reception_days`` lists.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

from workcalendar.workdays import is_workday

from .models import ReceptionRule


def _monthly(day: int, start: dt.date) -> dt.date:
    year, month = start.year, start.month
    for _ in range(2):
        last = calendar.monthrange(year, month)[1]
        candidate = dt.date(year, month, min(day, last))
        if candidate >= start:
            return candidate
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    raise AssertionError("unreachable: next month always has a rule day")  # pragma: no cover


def _rule_day_on_or_after(station, start: dt.date) -> dt.date | None:
    day = station.reception_day
    if station.reception_rule == ReceptionRule.MONTHLY and day and 1 <= day <= 31:
        return _monthly(day, start)
    if station.reception_rule == ReceptionRule.WEEKLY and day and 1 <= day <= 7:
        return start + dt.timedelta(days=(day - 1 - start.weekday()) % 7)
    return None


def _to_working_day(date: dt.date) -> dt.date:
    while not is_workday(date):  # at most the Spring Festival week and a weekend
        date += dt.timedelta(days=1)
    return date


def next_reception_date(station, after: dt.date | None = None) -> dt.date | None:
    """The first reception day the rule gives on or after ``after`` (default:
    today, Asia/Shanghai), moved to the next working day when the rule day is
    not one.

    None when the station has no fixed rule or the rule's day is not valid
    (monthly 1-31, weekly 1-7).
    """
    start = after or timezone.localdate()
    # A rule day a few days back may have moved forward onto ``start`` or
    # later (the 10th on a Sunday is received on the 11th): look back a week.
    probe = start - dt.timedelta(days=7)
    while True:
        rule_day = _rule_day_on_or_after(station, probe)
        if rule_day is None:
            return None
        moved = _to_working_day(rule_day)
        if moved >= start:
            return moved
        probe = rule_day + dt.timedelta(days=1)


def reception_dates(station, start: dt.date, end: dt.date) -> list[dt.date]:
    """Every reception day the rule gives from ``start`` to ``end`` (working days only)."""
    out = []
    day = next_reception_date(station, after=start)
    while day is not None and day <= end:
        out.append(day)
        day = next_reception_date(station, after=day + dt.timedelta(days=1))
    return out


def describe_rule(station) -> str:
    """The rule in words, e.g. 每月10日 / 每周三 (for the station page)."""
    from django.utils.translation import gettext as _

    day = station.reception_day
    if station.reception_rule == ReceptionRule.MONTHLY and day and 1 <= day <= 31:
        return _("每月%(day)s日（当月无此日则为月末）") % {"day": day} if day > 28 else _("每月%(day)s日") % {"day": day}
    if station.reception_rule == ReceptionRule.WEEKLY and day and 1 <= day <= 7:
        weekday = [_("一"), _("二"), _("三"), _("四"), _("五"), _("六"), _("日")][day - 1]
        return _("每周%(weekday)s") % {"weekday": weekday}
    return _("不固定，以公告为准")
