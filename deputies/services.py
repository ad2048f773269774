"""Writes of the duty record (履职档案): the entries a deputy adds by hand.

The duty record (履职档案) reads what the portal already knows from its own
tables (``workspaces.deputy.selectors.duty_record``); the entries here are the
activities it cannot know: meetings, inspections, training, reports to voters.
"""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stations.models import StationMembership

from .models import Deputy, DutyActivity, DutyKind

# Kinds the portal counts by itself are still accepted by hand: a station
# visit outside a reception day, a suggestion raised at the congress session.
MANUAL_KINDS = frozenset(DutyKind.values)

MSG_NOT_A_DEPUTY = _("只有人大代表可以使用代表工作台。")
MSG_BAD_KIND = _("请选择履职类别。")
MSG_TITLE_REQUIRED = _("请填写事项。")
MSG_FUTURE_DATE = _("履职日期不能晚于今天。")
MSG_TOO_OLD = _("履职日期不能早于 %(year)s 年。")
MSG_BAD_STATION = _("请选择您所在的站点。")
MSG_CANNOT_DELETE = _("只能删除自己录入的履职记录。")

EARLIEST_YEAR = 2000


class DutyError(Exception):
    """A refused duty-record or workspace action; str() is shown to the user."""


def deputy_of(user) -> Deputy:
    deputy = getattr(user, "deputy", None) if user is not None and user.is_authenticated else None
    if deputy is None:
        raise DutyError(MSG_NOT_A_DEPUTY)
    return deputy


def duty_activity_create(
    *,
    user,
    kind: str,
    date: dt.date,
    title: str,
    description: str = "",
    station_id: int | None = None,
) -> DutyActivity:
    """The user's deputy adds an activity to their own duty record."""
    deputy = deputy_of(user)
    title = (title or "").strip()
    if kind not in MANUAL_KINDS:
        raise DutyError(MSG_BAD_KIND)
    if not title:
        raise DutyError(MSG_TITLE_REQUIRED)
    if date > timezone.localdate():
        raise DutyError(MSG_FUTURE_DATE)
    if date.year < EARLIEST_YEAR:
        raise DutyError(MSG_TOO_OLD % {"year": EARLIEST_YEAR})
    if station_id and not StationMembership.objects.filter(deputy=deputy, station_id=station_id).exists():
        raise DutyError(MSG_BAD_STATION)
    return DutyActivity.objects.create(
        deputy=deputy,
        kind=kind,
        date=date,
        title=title,
        description=(description or "").strip(),
        station_id=station_id or None,
        created_by=user,
    )


def duty_activity_delete(*, user, activity_id: int) -> None:
    """A deputy removes an entry they entered themselves (staff entries stay:
    they are corrected in admin)."""
    deputy = deputy_of(user)
    deleted, _rows = DutyActivity.objects.filter(pk=activity_id, deputy=deputy, created_by=user).delete()
    if not deleted:
        raise DutyError(MSG_CANNOT_DELETE)
