"""Reads of the liaison officer's workspace. Each function costs a fixed
number of queries whatever the station's history (the tests pin them);
lists read the station's cases newest first through index ``case_station``."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from proposals.models import Case, Channel
from proposals.models.cases import FINAL_STATES
from proposals.tracking import LENGTH as TRACKING_CODE_LENGTH
from proposals.tracking import normalize_tracking_code
from stations.models import ReceptionDay, Station, StationMembership
from stations.reception import reception_dates

LIST_FIELDS = (
    "pk",
    "tracking_code",
    "title",
    "kind",
    "channel",
    "state",
    "received_on",
    "submitted_at",
    "deadline",
    "resident_name",
    "phone_masked",
    "category__name",
)
PROPOSAL_DAYS = 92
PAST_DAYS_SHOWN = 12


def recent_entries(station: Station, limit: int = 20):
    """The latest paper / reception-day entries of a station (masked phones only)."""
    return (
        Case.objects.filter(station=station, channel__in=[Channel.PAPER, Channel.RECEPTION])
        .only("pk", "tracking_code", "title", "channel", "received_on", "phone_masked", "resident_name", "state", "submitted_at")
        .order_by("-submitted_at", "-id")[:limit]
    )


def station_cases(
    station: Station,
    *,
    q: str = "",
    state: str = "",
    channel: str = "",
    category_id: int | None = None,
    received_from: dt.date | None = None,
    received_to: dt.date | None = None,
    overdue: bool = False,
    today: dt.date | None = None,
) -> QuerySet:
    """The station's cases in every state, newest first, with the filters of
    the list page. ``q`` is a tracking code as read out (ABCD-EFGH, spaces,
    lower case) or words of the title."""
    where = Q(station=station)
    if q:
        code = normalize_tracking_code(q)
        by_code = Q(tracking_code=code) if len(code) == TRACKING_CODE_LENGTH else Q(pk__in=[])
        where &= by_code | Q(title__icontains=q)
    if state == "open":
        where &= ~Q(state__in=FINAL_STATES)
    elif state:
        where &= Q(state=state)
    if channel:
        where &= Q(channel=channel)
    if category_id:
        where &= Q(category_id=category_id)
    if received_from:
        where &= Q(received_on__gte=received_from)
    if received_to:
        where &= Q(received_on__lte=received_to)
    if overdue:
        where &= ~Q(state__in=FINAL_STATES) & Q(deadline__lt=today or timezone.localdate())
    return Case.objects.filter(where).select_related("category").only(*LIST_FIELDS).order_by("-submitted_at", "-id")


@dataclass(frozen=True)
class StationCounts:
    open: int
    new: int
    overdue: int
    this_month: int
    subscribers: int


def station_counts(station: Station, today: dt.date | None = None) -> StationCounts:
    """The counters at the top of the station's page, in one query."""
    today = today or timezone.localdate()
    month_start = today.replace(day=1)
    open_q = ~Q(state__in=FINAL_STATES)
    row = Case.objects.filter(station=station).aggregate(
        open=Count("pk", filter=open_q),
        new=Count("pk", filter=Q(state="submitted")),
        overdue=Count("pk", filter=open_q & Q(deadline__lt=today)),
        this_month=Count("pk", filter=Q(received_on__gte=month_start)),
    )
    return StationCounts(
        open=row["open"],
        new=row["new"],
        overdue=row["overdue"],
        this_month=row["this_month"],
        subscribers=subscriber_count(station),
    )


def subscriber_count(station: Station) -> int:
    """How many subscribers the station's reception days have: the officer
    sees the count, never the numbers."""
    return station.subscriptions.count()


def case_for_station(station: Station, pk) -> Case:
    """One of the station's cases, or 404 (another station's case is not there)."""
    try:
        return Case.objects.select_related("category", "station", "region", "lead_unit").get(pk=int(pk), station=station)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


@dataclass
class Receptions:
    upcoming: list  # scheduled ReceptionDay rows, with sign-ups
    proposed: list[dt.date]  # rule dates (working days) not scheduled yet
    past: list  # the latest held days


def station_receptions(station: Station, today: dt.date | None = None) -> Receptions:
    """The station's reception days: the scheduled ones ahead with the
    deputies signed up, the dates its rule proposes (working days only) in
    the next three months that are not scheduled yet, and the latest held
    days with their record. Three queries."""
    today = today or timezone.localdate()
    signups = Prefetch("deputies", to_attr="signed_up")
    upcoming = list(ReceptionDay.objects.filter(station=station, date__gte=today).order_by("date").prefetch_related(signups)[:50])
    scheduled = {day.date for day in upcoming}
    proposed = [d for d in reception_dates(station, today, today + dt.timedelta(days=PROPOSAL_DAYS)) if d not in scheduled]
    past = list(
        ReceptionDay.objects.filter(station=station, date__lt=today)
        .annotate(n_attended=Count("attended", distinct=True))
        .order_by("-date")[:PAST_DAYS_SHOWN]
    )
    return Receptions(upcoming=upcoming, proposed=proposed, past=past)


def reception_day_for_station(station: Station, pk) -> ReceptionDay:
    try:
        return ReceptionDay.objects.prefetch_related("deputies", "attended").get(pk=int(pk), station=station)
    except (ReceptionDay.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reception_day_cases(day: ReceptionDay) -> QuerySet:
    """The opinions entered for the day: the station's cases received on its
    date through the reception day or on paper."""
    return (
        Case.objects.filter(station_id=day.station_id, received_on=day.date, channel__in=[Channel.RECEPTION, Channel.PAPER])
        .only("pk", "tracking_code", "title", "state", "resident_name", "phone_masked", "channel")
        .order_by("submitted_at", "id")
    )


def station_deputies(station: Station, on: dt.date | None = None) -> list:
    """The deputies sitting in the station on ``on`` (default today), by name."""
    on = on or timezone.localdate()
    memberships = (
        StationMembership.objects.filter(station=station)
        .exclude(joined_on__gt=on)
        .exclude(left_on__lt=on)
        .select_related("deputy")
        .order_by("deputy__name")
    )
    return [m.deputy for m in memberships]
