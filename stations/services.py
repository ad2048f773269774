"""Reception days (接待日): deputies sign up, and afterwards record what happened.

A deputy may sign up for a day of a station they sit in: a day staff have
scheduled (a ``ReceptionDay`` row) or a date the station's reception rule
yields (``stations.reception.next_reception_date``). After the day, a deputy
who was signed up, or the station's liaison officer, records the residents
received and a summary, and enters the opinions collected on the spot as
cases with channel "reception".
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy

from .models import ReceptionDay, Station, StationMembership
from .reception import next_reception_date

# How far ahead a deputy may sign up for a rule date.
SIGNUP_HORIZON_DAYS = 186

MSG_NOT_A_DEPUTY = _("只有人大代表可以报名接待日。")
MSG_NOT_MEMBER = _("您不是该站点的进站代表，不能报名该站点的接待日。")
MSG_PAST_DATE = _("只能报名今天及以后的接待日。")
MSG_TOO_FAR = _("只能报名半年以内的接待日。")
MSG_NOT_RECEPTION_DATE = _("%(date)s 不是该站点的接待日，请从日历中选择。")
MSG_NOT_SIGNED_UP = _("您没有报名该接待日。")
MSG_WITHDRAW_PAST = _("接待日当天及以后不能取消报名。")
MSG_NOT_YET_HELD = _("接待日尚未到来，当天或之后才能填写接待记录。")
MSG_CANNOT_RECORD = _("只有报名该接待日的代表或本站联络员可以填写接待记录。")
MSG_RESIDENTS_INVALID = _("接待群众人次应为 0 到 10000 之间的整数。")
MSG_SUMMARY_REQUIRED = _("请填写接待情况。")


class ReceptionError(Exception):
    """A refused reception action; str() is a Chinese message for the user."""


def _deputy_of(user) -> Deputy:
    deputy = getattr(user, "deputy", None) if user is not None and user.is_authenticated else None
    if deputy is None or not deputy.is_active:
        raise ReceptionError(MSG_NOT_A_DEPUTY)
    return deputy


def is_station_member(deputy: Deputy, station_id: int, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return StationMembership.objects.filter(station_id=station_id, deputy=deputy).exclude(left_on__lt=today).exists()


def is_rule_date(station: Station, date: dt.date) -> bool:
    """True when the station's reception rule yields ``date``."""
    return next_reception_date(station, after=date) == date


def reception_signup(*, user, station_id: int, date: dt.date) -> ReceptionDay:
    """Sign the user's deputy up for the station's reception day on ``date``
    (creating the day from the rule when staff have not scheduled it yet).
    Signing up twice is a no-op."""
    deputy = _deputy_of(user)
    today = timezone.localdate()
    station = Station.objects.filter(pk=station_id, is_active=True).first()
    if station is None or not is_station_member(deputy, station.pk, today):
        raise ReceptionError(MSG_NOT_MEMBER)
    if date < today:
        raise ReceptionError(MSG_PAST_DATE)
    if date > today + dt.timedelta(days=SIGNUP_HORIZON_DAYS):
        raise ReceptionError(MSG_TOO_FAR)
    with transaction.atomic():
        day = ReceptionDay.objects.select_for_update().filter(station=station, date=date).first()
        if day is None:
            if not is_rule_date(station, date):
                raise ReceptionError(MSG_NOT_RECEPTION_DATE % {"date": date.isoformat()})
            try:
                with transaction.atomic():
                    day = ReceptionDay.objects.create(station=station, date=date)
            except IntegrityError:
                # Another deputy created the same day a moment ago.
                day = ReceptionDay.objects.select_for_update().get(station=station, date=date)
        day.deputies.add(deputy)
    return day


def reception_withdraw(*, user, reception_day_id: int) -> ReceptionDay:
    """Withdraw a sign-up before the day."""
    deputy = _deputy_of(user)
    day = ReceptionDay.objects.filter(pk=reception_day_id, deputies=deputy).first()
    if day is None:
        raise ReceptionError(MSG_NOT_SIGNED_UP)
    if day.date <= timezone.localdate():
        raise ReceptionError(MSG_WITHDRAW_PAST)
    day.deputies.remove(deputy)
    return day


def can_record(user, day: ReceptionDay) -> bool:
    deputy = getattr(user, "deputy", None) if user.is_authenticated else None
    if deputy is not None and day.deputies.filter(pk=deputy.pk).exists():
        return True
    return bool(user.is_authenticated and day.station.liaison_officer_id == user.pk)


def held_day_for_recorder(user, reception_day_id: int, *, lock: bool = False) -> ReceptionDay:
    qs = ReceptionDay.objects.select_related("station")
    if lock:
        qs = qs.select_for_update(of=("self",))
    day = qs.filter(pk=reception_day_id).first()
    if day is None or not can_record(user, day):
        raise ReceptionError(MSG_CANNOT_RECORD)
    if day.date > timezone.localdate():
        raise ReceptionError(MSG_NOT_YET_HELD)
    return day


def reception_record(*, user, reception_day_id: int, residents_received: int, summary: str) -> ReceptionDay:
    """Record (or correct) what happened on a reception day."""
    summary = (summary or "").strip()
    if not isinstance(residents_received, int) or isinstance(residents_received, bool) or not 0 <= residents_received <= 10000:
        raise ReceptionError(MSG_RESIDENTS_INVALID)
    if not summary:
        raise ReceptionError(MSG_SUMMARY_REQUIRED)
    with transaction.atomic():
        day = held_day_for_recorder(user, reception_day_id, lock=True)
        day.residents_received = residents_received
        day.summary = summary
        day.recorded_by = user
        day.recorded_at = timezone.now()
        day.save(update_fields=["residents_received", "summary", "recorded_by", "recorded_at"])
    return day
