"""Reception days (接待日) from a station's rule.

``next_reception_date`` reads only the rule on the station (monthly day N,
clamped to the month's last day; weekly weekday N, Monday = 1). It skips
nothing: a rule day on a holiday is still the rule day (stations announce
changes as scheduled ``ReceptionDay`` rows, which ``upcoming_reception_days``
lists).
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.utils import timezone

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


def next_reception_date(station, after: dt.date | None = None) -> dt.date | None:
    """The first rule day on or after ``after`` (default: today, Asia/Shanghai).

    None when the station has no fixed rule or the rule's day is not valid
    (monthly 1-31, weekly 1-7).
    """
    start = after or timezone.localdate()
    day = station.reception_day
    if station.reception_rule == ReceptionRule.MONTHLY and day and 1 <= day <= 31:
        return _monthly(day, start)
    if station.reception_rule == ReceptionRule.WEEKLY and day and 1 <= day <= 7:
        return start + dt.timedelta(days=(day - 1 - start.weekday()) % 7)
    return None


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
