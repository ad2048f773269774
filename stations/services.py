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

from .access import can_run_station
from .models import ReceptionDay, ReceptionSubscription, Station, StationMembership, StationPost, StationPostPhoto
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
    return can_run_station(user, day.station)


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


def reception_record(
    *, user, reception_day_id: int, residents_received: int, summary: str, attended_ids: list[int] | None = None
) -> ReceptionDay:
    """Record (or correct) what happened on a reception day. ``attended_ids``
    (the liaison officer's record: which of the station's deputies received
    residents) replaces the day's attendance when given."""
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
        if attended_ids is not None:
            members = set(_member_ids(day.station_id, day.date, attended_ids))
            if members != set(attended_ids):
                raise ReceptionError(MSG_NOT_STATION_DEPUTY)
            day.attended.set(members)
    return day


def _member_ids(station_id: int, date: dt.date, deputy_ids) -> list[int]:
    """Those of ``deputy_ids`` who sat in the station on ``date``."""
    return list(
        StationMembership.objects.filter(station_id=station_id, deputy_id__in=list(deputy_ids))
        .exclude(joined_on__gt=date)
        .exclude(left_on__lt=date)
        .values_list("deputy_id", flat=True)
    )


# --- The liaison officer plans the station's reception days ---------------------------
PLAN_HORIZON_DAYS = 366
MSG_PLAN_PAST = _("接待日不能安排在今天以前。")
MSG_PLAN_TOO_FAR = _("只能安排一年以内的接待日。")
MSG_TIMES = _("结束时间应晚于开始时间。")
MSG_NOT_STATION_DEPUTY = _("只能选择本站的进站代表。")
MSG_CANNOT_CANCEL = _("已有代表报名或已有接待记录的接待日不能取消，请先联系报名的代表。")
MSG_CANNOT_RUN = _("您不负责这个站点。")


def reception_plan(
    *,
    user,
    station_id: int,
    date: dt.date,
    start_time: dt.time | None = None,
    end_time: dt.time | None = None,
    topic: str = "",
) -> tuple[ReceptionDay, bool]:
    """Schedule a reception day (or update the times and topic of the one on
    that date). Returns (day, created). A second tap finds the first one."""
    station = Station.objects.select_related("head_deputy").filter(pk=station_id, is_active=True).first()
    if station is None or not can_run_station(user, station):
        raise ReceptionError(MSG_CANNOT_RUN)
    today = timezone.localdate()
    if date < today:
        raise ReceptionError(MSG_PLAN_PAST)
    if date > today + dt.timedelta(days=PLAN_HORIZON_DAYS):
        raise ReceptionError(MSG_PLAN_TOO_FAR)
    if start_time and end_time and end_time <= start_time:
        raise ReceptionError(MSG_TIMES)
    values = {"start_time": start_time, "end_time": end_time, "topic": (topic or "").strip()[:200]}
    with transaction.atomic():
        try:
            with transaction.atomic():
                day = ReceptionDay.objects.create(station=station, date=date, planned_by=user, **values)
            return day, True
        except IntegrityError:
            day = ReceptionDay.objects.select_for_update().get(station=station, date=date)
            changed = [name for name, value in values.items() if value and getattr(day, name) != value]
            for name in changed:
                setattr(day, name, values[name])
            if changed:
                day.save(update_fields=changed)
            return day, False


def reception_cancel(*, user, reception_day_id: int) -> None:
    """Take a planned day off the schedule, while nobody has signed up for it
    and nothing has been recorded."""
    with transaction.atomic():
        day = ReceptionDay.objects.select_for_update(of=("self",)).select_related("station").filter(pk=reception_day_id).first()
        if day is None or not can_run_station(user, day.station):
            raise ReceptionError(MSG_CANNOT_RUN)
        if day.recorded_at is not None or day.deputies.exists():
            raise ReceptionError(MSG_CANNOT_CANCEL)
        day.delete()


# --- Activity posts (宣传站) --------------------------------------------------------------
MSG_POST_TITLE = _("请填写标题。")
MSG_POST_BODY = _("请填写活动内容。")
MSG_POST_DATE = _("活动日期不能晚于今天。")
MSG_POST_PHOTOS = _("最多上传 %(max)d 张照片。")


def post_create(
    *,
    user,
    station_id: int,
    title: str,
    body: str,
    date: dt.date,
    deputy_ids=(),
    photos=(),
    submission_key: str | None = None,
) -> tuple[StationPost, bool]:
    """Publish an activity post with up to nine photos (already checked and
    re-encoded by the caller: ``intake.photos.clean_photo``). Returns (post,
    created); the same ``submission_key`` again returns the first post."""
    station = Station.objects.select_related("head_deputy").filter(pk=station_id, is_active=True).first()
    if station is None or not can_run_station(user, station):
        raise ReceptionError(MSG_CANNOT_RUN)
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise ReceptionError(MSG_POST_TITLE)
    if not body:
        raise ReceptionError(MSG_POST_BODY)
    if date > timezone.localdate():
        raise ReceptionError(MSG_POST_DATE)
    photos = list(photos)
    if len(photos) > StationPost.MAX_PHOTOS:
        raise ReceptionError(MSG_POST_PHOTOS % {"max": StationPost.MAX_PHOTOS})
    deputy_ids = list(dict.fromkeys(int(pk) for pk in deputy_ids))
    if deputy_ids and len(_member_ids(station.pk, date, deputy_ids)) != len(deputy_ids):
        raise ReceptionError(MSG_NOT_STATION_DEPUTY)
    if submission_key:
        earlier = StationPost.objects.filter(submission_key=submission_key, station=station).first()
        if earlier is not None:
            return earlier, False
    try:
        with transaction.atomic():
            post = StationPost.objects.create(
                station=station, title=title[:100], body=body, date=date, author=user, submission_key=submission_key or None
            )
            post.deputies.set(deputy_ids)
            for order, photo in enumerate(photos):
                StationPostPhoto.objects.create(post=post, image=photo, order=order)
    except IntegrityError:
        # Two taps at once: the other request's post won the key.
        return StationPost.objects.get(submission_key=submission_key), False
    return post, True


def post_set_published(*, user, post_id: int, published: bool) -> StationPost:
    post = StationPost.objects.select_related("station__head_deputy").filter(pk=post_id).first()
    if post is None or not can_run_station(user, post.station):
        raise ReceptionError(MSG_CANNOT_RUN)
    if post.is_published != published:
        post.is_published = published
        post.save(update_fields=["is_published"])
    return post


# --- Reception-day subscriptions ----------------------------------------------------------
def subscription_add(*, station_id: int, phone: str = "", email: str = "", user=None, now=None) -> tuple[ReceptionSubscription, bool]:
    """Subscribe a confirmed phone number (the caller has checked the SMS
    code: ``notifications.phone_verification``), an e-mail address or a user
    to a station's reception-day announcements. Subscribing twice is a no-op
    that returns the first subscription."""
    now = now or timezone.now()
    sub = ReceptionSubscription(station_id=station_id, user=user, email=(email or "").strip(), confirmed_at=now)
    if phone:
        sub.set_phone(phone)
        existing = ReceptionSubscription.objects.filter(station_id=station_id, phone_digest=sub.phone_digest).first()
        if existing is not None:
            return existing, False
    try:
        with transaction.atomic():
            sub.save()
    except IntegrityError:  # the same number confirmed twice at once
        return ReceptionSubscription.objects.get(station_id=station_id, phone_digest=sub.phone_digest), False
    return sub, True


def subscription_by_token(token: str) -> ReceptionSubscription | None:
    if not token or len(token) > 64 or "\x00" in token:
        return None
    return ReceptionSubscription.objects.select_related("station").filter(token=token).first()


def subscription_cancel(*, token: str) -> bool:
    """Unsubscribe by the token every message carries. True if one was removed."""
    sub = subscription_by_token(token)
    if sub is None:
        return False
    sub.delete()
    return True
