"""Working days on China's official calendar (法定节假日与调休).

The `chinesecalendar` package carries the State Council's schedule for the
years it knows; ``WorkdayOverride`` rows (admin-editable) take precedence and
cover years the package does not know yet. For such a year without overrides
we fall back to Monday-Friday and log a warning once, so staff know to enter
the year's schedule.
"""

import calendar
import datetime as dt
import logging

import chinese_calendar
from django.core.cache import cache

logger = logging.getLogger(__name__)

_OVERRIDES_CACHE_KEY = "workcalendar:overrides:v1"
_warned_years: set[int] = set()


def _overrides() -> dict[dt.date, bool]:
    try:
        data = cache.get(_OVERRIDES_CACHE_KEY)
    except Exception:  # noqa: BLE001 - a cache outage: read the table
        data = None
    if data is None:
        from .models import WorkdayOverride

        data = {o.date.isoformat(): o.is_workday for o in WorkdayOverride.objects.all()}
        try:
            cache.set(_OVERRIDES_CACHE_KEY, data, 300)
        except Exception:  # noqa: BLE001
            logger.debug("working-day overrides not cached", exc_info=True)
    return {dt.date.fromisoformat(k): v for k, v in data.items()}


def clear_cache() -> None:
    try:
        cache.delete(_OVERRIDES_CACHE_KEY)
    except Exception:  # noqa: BLE001 - it expires within 5 minutes by itself
        logger.warning("working-day overrides cache not cleared (cache unavailable); it expires within 5 minutes")


def is_workday(day: dt.date, overrides: dict[dt.date, bool] | None = None) -> bool:
    if overrides is None:
        overrides = _overrides()
    if day in overrides:
        return overrides[day]
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        if day.year not in _warned_years:
            _warned_years.add(day.year)
            logger.warning("No official holiday data for %s: counting Monday-Friday until overrides are entered", day.year)
        return day.weekday() < 5


def add_workdays(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days after ``start`` (start itself not counted).

    ``add_workdays(friday, 1)`` is the next working day. ``days == 0`` gives
    ``start`` itself if it is a working day, else the next working day.
    """
    overrides = _overrides()
    current = start
    if days == 0:
        while not is_workday(current, overrides):
            current += dt.timedelta(days=1)
        return current
    step = 1 if days > 0 else -1
    remaining = abs(days)
    while remaining:
        current += dt.timedelta(days=step)
        if is_workday(current, overrides):
            remaining -= 1
    return current


def workdays_between(start: dt.date, end: dt.date) -> int:
    """Working days in (start, end]; negative when end is before start."""
    if end == start:
        return 0
    overrides = _overrides()
    sign = 1 if end > start else -1
    lo, hi = (start, end) if sign > 0 else (end, start)
    count = 0
    day = lo + dt.timedelta(days=1)
    while day <= hi:
        if is_workday(day, overrides):
            count += 1
        day += dt.timedelta(days=1)
    return sign * count


def add_months(start: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's last day (31 Jan + 1 = 28/29 Feb).

    Statutory limits in months (Deputies Law art. 51) count calendar months,
    not working days.
    """
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def year_is_known(year: int, overrides: dict[dt.date, bool] | None = None) -> bool:
    """True when the year's official schedule is known: the holiday package
    has it, or staff have entered its days (工作日调整: enter the State
    Council's whole notice at once — holidays and make-up working days)."""
    try:
        chinese_calendar.is_workday(dt.date(year, 6, 1))
        return True
    except NotImplementedError:
        pass
    overrides = _overrides() if overrides is None else overrides
    return any(day.year == year for day in overrides)


def span_is_known(start: dt.date, end: dt.date) -> bool:
    """True when every year from ``start`` to ``end`` is known."""
    lo, hi = sorted((start, end))
    overrides = _overrides()
    return all(year_is_known(year, overrides) for year in range(lo.year, hi.year + 1))


# From this day of the year on, staff are told when next year's official
# days are still unknown (the State Council publishes them in November).
NOTICE_FROM = (11, 1)


def unknown_year_to_enter(today: dt.date) -> int | None:
    """The year whose official days staff should enter now: this year if it
    is unknown, or next year from 1 November. None when nothing is missing."""
    if not year_is_known(today.year):
        return today.year
    if (today.month, today.day) >= NOTICE_FROM and not year_is_known(today.year + 1):
        return today.year + 1
    return None
