"""Scheduled messages: the deputies' weekly digest and reception-day notices.

Both are idempotent per period (dedup keys carry the ISO week / the
reception date) and remember the last period done in ``SweepState``, so that
beat's run at the scheduled time and the sweep's catch-up after an outage
produce each message once.
"""

import datetime as dt
import logging
import time

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from congress_portal.qr import absolute_url
from deputies.models import Deputy
from proposals.models import Case, CaseState
from stations.models import ReceptionDay, ReceptionRule, ReceptionSubscription, Station
from stations.reception import next_reception_date

from .. import conf, recipients
from ..models import Channel, Message, SweepState
from ..recipients import To
from .outbox import outbox_add, outbox_rows

logger = logging.getLogger(__name__)

DIGEST = "deputy_digest"
RECEPTION = "reception_announce"
DIGEST_WEEKDAY = 0  # Monday
DIGEST_TIME = dt.time(8, 30)
DIGEST_CHUNK = 500


def _claim_period(name: str, period_start: dt.date):
    """Lock the job's SweepState (SKIP LOCKED); None if another run holds it
    or the period is done already. Call inside a transaction."""
    SweepState.objects.get_or_create(name=name)
    state = SweepState.objects.select_for_update(skip_locked=True).filter(name=name).first()
    if state is None or (state.last_date is not None and state.last_date >= period_start):
        return None
    return state


def _done(states: dict | None, name: str, period_start: dt.date) -> bool:
    """True when the sweep's one-query snapshot of job states shows the period done."""
    return bool(states is not None and states.get(name) is not None and states[name] >= period_start)


def _week_start(now) -> dt.date:
    today = timezone.localdate(now)
    return today - dt.timedelta(days=today.weekday())


def digest_due(now) -> bool:
    local = timezone.localtime(now)
    monday = _week_start(now)
    return local.date() > monday or local.time() >= DIGEST_TIME


def deputy_digests_send(*, now=None, states: dict | None = None, time_budget: float | None = None, chunk: int = DIGEST_CHUNK) -> int | None:
    """This week's digest to every deputy with open cases (responsible or
    lead deputy). Returns the deputies written to, None if already done.

    Works through the deputies in id order, ``chunk`` per transaction, and
    records how far it got (``SweepState.cursor_*``): with ``time_budget``
    it stops after that many seconds and the next run continues, so a
    province's 20,000 digests never hold up the reminders behind them.
    Dedup keys make a repeated chunk a no-op."""
    now = now or timezone.now()
    if not digest_due(now):
        return None
    monday = _week_start(now)
    if _done(states, DIGEST, monday):
        return None
    started = time.monotonic()
    count = 0
    while True:
        with transaction.atomic():
            state = _claim_period(DIGEST, monday)
            if state is None:
                return count or None
            after = state.cursor_id if state.cursor_period == monday else 0
            deputies = list(Deputy.objects.filter(pk__gt=after or 0, is_active=True).select_related("user").order_by("pk")[:chunk])
            if not deputies:
                state.last_date, state.cursor_period, state.cursor_id = monday, None, None
                state.save(update_fields=["last_date", "cursor_period", "cursor_id", "updated_at"])
                logger.info("weekly digest of the week of %s done", monday)
                return count
            count += _digest_chunk(deputies, monday, now)
            state.cursor_period, state.cursor_id = monday, deputies[-1].pk
            state.save(update_fields=["cursor_period", "cursor_id", "updated_at"])
        if time_budget is not None and time.monotonic() - started >= time_budget:
            logger.info("weekly digest: %s deputies so far, continued by the next run", count)
            return count


def digest_done(now=None) -> bool:
    """Whether this week's digest has gone to every deputy."""
    monday = _week_start(now or timezone.now())
    return SweepState.objects.filter(name=DIGEST, last_date__gte=monday).exists()


def _digest_chunk(deputies: list, monday: dt.date, now) -> int:
    """The digests of some deputies: one query for their open cases (index
    case_responsible_deputy), one INSERT for the messages."""
    period = f"{monday.isocalendar().year}-W{monday.isocalendar().week:02d}"
    today = timezone.localdate(now)
    soon = today + dt.timedelta(days=7)
    rows = (
        Case.objects.open()
        .filter(responsible_deputy_id__in=[d.pk for d in deputies])
        .order_by("responsible_deputy_id", "deadline", "id")
        .values_list("responsible_deputy_id", "tracking_code", "title", "state", "deadline", "overdue_since")
    )
    by_deputy: dict[int, list] = {}
    for row in rows:
        by_deputy.setdefault(row[0], []).append(row)
    messages: dict = {}
    count = 0
    home = _deputy_home()
    for deputy in deputies:
        if deputy.pk not in by_deputy:
            continue
        cases = [
            {"code": r[1], "title": r[2], "state": CaseState(r[3]).label, "deadline": r[4], "overdue": bool(r[5])}
            for r in by_deputy[deputy.pk]
        ]
        context = {
            "deputy": deputy,
            "week": period,
            "cases": cases[:20],
            "more": max(0, len(cases) - 20),
            "total": len(cases),
            "overdue": sum(1 for c in cases if c["overdue"]),
            "due_soon": sum(1 for c in cases if c["deadline"] and today <= c["deadline"] <= soon),
        }
        rows_ = outbox_rows(
            kind="deputy_digest",
            recipients=recipients.deputy_recipients(deputy),
            channels_={Channel.INAPP, Channel.EMAIL},
            context=context,
            dedup=f"digest:{period}:d{deputy.pk}",
            url=home,
            now=now,
        )
        messages.update(rows_)
        count += bool(rows_)
    batch = list(messages.values())
    for start in range(0, len(batch), 1000):
        Message.objects.bulk_create(batch[start : start + 1000], ignore_conflicts=True)
    return count


def _deputy_home() -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("deputy_workspace:home")
    except NoReverseMatch:
        return ""


def _upcoming_receptions(today: dt.date) -> list[tuple[Station, dt.date, ReceptionDay | None]]:
    """Reception days whose announcement date (date − station's
    reception_announce_days) has come: scheduled ReceptionDay rows, and the
    stations' rule days for subscribed stations without a row that day."""
    horizon = Station.objects.filter(subscriptions__isnull=False).aggregate(m=Max("reception_announce_days"))["m"]
    if horizon is None:
        return []
    until = today + dt.timedelta(days=horizon)
    out: dict[tuple[int, dt.date], tuple] = {}
    scheduled = (
        ReceptionDay.objects.filter(date__gte=today, date__lte=until, station__subscriptions__isnull=False)
        .select_related("station")
        .prefetch_related("deputies")  # named in the message: one query for all days
        .distinct()
    )  # index reception_day_date
    for rd in scheduled:
        if rd.date - dt.timedelta(days=rd.station.reception_announce_days) <= today:
            out[(rd.station_id, rd.date)] = (rd.station, rd.date, rd)
    ruled = Station.objects.filter(
        is_active=True, reception_rule__in=[ReceptionRule.MONTHLY, ReceptionRule.WEEKLY], subscriptions__isnull=False
    ).distinct()
    for station in ruled:
        day = next_reception_date(station, after=today)
        if day and day - dt.timedelta(days=station.reception_announce_days) <= today and (station.pk, day) not in out:
            out[(station.pk, day)] = (station, day, None)
    return sorted(out.values(), key=lambda t: (t[1], t[0].pk))


def reception_announcements_send(*, now=None, states: dict | None = None) -> int | None:
    """Tell subscribers of each coming reception day, once per (station, date)."""
    now = now or timezone.now()
    local = timezone.localtime(now)
    if local.time() < conf.send_after():
        return None
    today = local.date()
    if _done(states, RECEPTION, today):
        return None
    with transaction.atomic():
        state = _claim_period(RECEPTION, today)
        if state is None:
            return None
        count = 0
        upcoming = _upcoming_receptions(today)
        # All the subscribers of the stations concerned in one query.
        by_station: dict[int, list] = {}
        subscriptions = ReceptionSubscription.objects.filter(station__in={s.pk for s, _d, _r in upcoming}).select_related("user")
        for sub in subscriptions.order_by("station_id", "id"):
            by_station.setdefault(sub.station_id, []).append(sub)
        for station, day, reception in upcoming:
            # One message per subscriber: each carries its own unsubscribe link.
            for sub in by_station.get(station.pk, []):
                phone = sub.phone
                if sub.user_id and sub.user.is_active:
                    on = {Channel.INAPP, Channel.EMAIL} | ({Channel.SMS} if phone else set())
                    to = [To(user=sub.user, email=sub.email, phone=phone, channels=frozenset(on))]
                else:
                    to = [To(email=sub.email, channels=frozenset({Channel.EMAIL}))] if sub.email else []
                    if phone:
                        to.append(To(phone=phone, channels=frozenset({Channel.SMS})))
                keys = outbox_add(
                    kind="reception_announcement",
                    recipients=to,
                    channels_={Channel.INAPP, Channel.EMAIL, Channel.SMS},
                    context={"station": station, "day": day, "reception": reception, "unsubscribe_url": _unsubscribe_url(sub)},
                    dedup=f"reception:s{station.pk}:{day.isoformat()}",
                    url=_station_url(station),
                    now=now,
                )
                count += len(keys)
        state.last_date = today
        state.save(update_fields=["last_date", "updated_at"])
    return count


def _unsubscribe_url(sub) -> str:
    return absolute_url(reverse("notifications:unsubscribe", args=[sub.token]))


def _station_url(station) -> str:
    return reverse("stations:detail", args=[station.code])
