"""Reads of the deputy's workspace (/deputy/): my cases, the case page, my
stations and their reception calendar, the duty record (履职档案).

Every function costs a fixed number of queries whatever the number of rows
(the tests pin them), so the pages stay fast for a deputy with years of cases.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connections
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy, DutyActivity, DutyKind, Mandate
from proposals.access import cases_for_deputy
from proposals.models import (
    Case,
    CaseAssignment,
    CaseKind,
    CaseSigner,
    CaseState,
    Channel,
    ContactRecord,
    Feedback,
    Reply,
    SignerRole,
    SignerStatus,
)
from proposals.models.cases import FINAL_STATES, OPEN_STATES
from proposals.selectors import case_timeline
from proposals.services.suggestions import EVENT_LABELS as SUGGESTION_EVENT_LABELS
from proposals.services.suggestions import UNUSABLE_OPINION_STATES
from proposals.tracking import LENGTH as TRACKING_CODE_LENGTH
from proposals.tracking import normalize_tracking_code
from stations.models import ReceptionDay, Station, StationMembership
from stations.reception import describe_rule, reception_dates

# --- My cases -------------------------------------------------------------------------

ROLE_CHOICES = [
    ("", _("全部")),
    ("action", _("待我处理")),
    ("to_rate", _("答复待测评")),
    ("invited", _("附议邀请待回复")),
    ("new", _("群众新留言")),
    ("responsible", _("我是责任代表")),
    ("lead", _("我领衔的建议")),
    ("cosigned", _("我附议的建议")),
    ("addressed", _("给我的留言")),
]
STATE_CHOICES = [("", _("全部状态")), ("open", _("未办结")), *CaseState.choices]


def workspace_deputy(user) -> Deputy | None:
    if not user.is_authenticated:
        return None
    return getattr(user, "deputy", None)


def _to_rate_q(deputy: Deputy) -> Q:
    return Q(responsible_deputy=deputy, state=CaseState.REPLIED)


def _signed_q(deputy: Deputy, **signer) -> Q:
    """Cases the deputy signed (not declined), narrowed by ``signer`` fields."""
    signed = CaseSigner.objects.filter(deputy=deputy, **signer).exclude(status=SignerStatus.DECLINED).values("case_id")
    return Q(pk__in=signed)


def _invited_q(deputy: Deputy) -> Q:
    return _signed_q(deputy, role=SignerRole.COSIGNER, status=SignerStatus.INVITED) & ~Q(state__in=FINAL_STATES)


def _new_opinion_q(deputy: Deputy) -> Q:
    return Q(addressed_deputy=deputy, kind=CaseKind.OPINION, state=CaseState.SUBMITTED, suggestion__isnull=True)


def _branches(deputy: Deputy, role: str) -> list[Q]:
    """The deputy's cases for ``role`` as branches of a union, each served by
    one index: responsible (``case_responsible_deputy_recent``), addressed
    (``case_addressed_deputy_recent``), signed (``signer_deputy_status``, then the
    case's primary key). Written as one ``OR`` PostgreSQL can use none of
    them and reads the whole case table. Every branch is a subset of the
    deputy's cases (``proposals.access.deputy_case_ids``), so a role narrows
    the list and never widens it."""
    # Built for the one role asked (each builds querysets: not all of them per page).
    roles = {
        "responsible": lambda: [Q(responsible_deputy=deputy) & Q(kind=CaseKind.OPINION)],
        "lead": lambda: [_signed_q(deputy, role=SignerRole.LEAD) & Q(kind=CaseKind.SUGGESTION)],
        "cosigned": lambda: [_signed_q(deputy, role=SignerRole.COSIGNER)],
        "addressed": lambda: [Q(addressed_deputy=deputy)],
        "to_rate": lambda: [_to_rate_q(deputy)],
        "invited": lambda: [_invited_q(deputy)],
        "new": lambda: [_new_opinion_q(deputy)],
        # Cases waiting for this deputy: a reply to rate, a co-sign
        # invitation, a new opinion addressed to them nobody has reviewed yet.
        "action": lambda: [_to_rate_q(deputy), _invited_q(deputy), _new_opinion_q(deputy)],
    }
    if role in roles:
        return roles[role]()
    return [Q(responsible_deputy=deputy), Q(addressed_deputy=deputy), _signed_q(deputy)]


LIST_ORDER = ("-submitted_at", "-id")


class DeputyCaseList:
    """The deputy's cases, newest first, for ``Paginator``: ``count()`` and
    slicing, each one query whose cost follows the page, not the deputy's
    whole history.

    - ``count()`` counts the union of the branches' ids (index-only scans
      when no filter needs the case row);
    - ``list[a:b]`` takes the newest ``b`` ids of each branch (an ordered
      index scan that stops after ``b`` rows), then the page among those: the
      newest ``b`` cases of the union are among the newest ``b`` of their
      own branch. SQLite cannot order and limit inside a UNION: there the
      page is taken from the whole union (the test databases are small).
    """

    ordered = True  # for Paginator's "unordered object_list" check

    def __init__(self, deputy: Deputy, branches: list[Q], where: Q):
        self.deputy = deputy
        self.branches = [b & where for b in branches]

    def count(self) -> int:
        if len(self.branches) == 1:
            return Case.objects.filter(self.branches[0]).count()
        first, *rest = [Case.objects.filter(b).order_by().values("pk") for b in self.branches]
        return first.union(*rest).count()

    def __len__(self) -> int:
        return self.count()

    def page_queryset(self, start: int, stop: int) -> QuerySet:
        if len(self.branches) == 1:
            qs = Case.objects.filter(self.branches[0])
        else:
            features = connections[Case.objects.db].features
            if features.supports_slicing_ordering_in_compound:
                parts = [Case.objects.filter(b).order_by(*LIST_ORDER).values("pk")[:stop] for b in self.branches]
            else:
                parts = [Case.objects.filter(b).order_by().values("pk") for b in self.branches]
            first, *rest = parts
            qs = Case.objects.filter(pk__in=first.union(*rest, all=True))
        mine = CaseSigner.objects.filter(case=OuterRef("pk"), deputy=self.deputy)
        return (
            qs.select_related("station", "category", "lead_unit", "responsible_deputy")
            .annotate(
                my_signer_role=Subquery(mine.values("role")[:1]),
                my_signer_status=Subquery(mine.values("status")[:1]),
            )
            .order_by(*LIST_ORDER)[start:stop]
        )

    def __getitem__(self, key):
        if isinstance(key, slice):
            if key.step is not None or (key.start or 0) < 0 or key.stop is None or key.stop < 0:
                raise ValueError("DeputyCaseList takes plain [start:stop] slices")
            return list(self.page_queryset(key.start or 0, key.stop))
        return self[key : key + 1][0]

    def __iter__(self):
        # Whole-list iteration is for small lists (tests); pages slice.
        return iter(self[0 : self.count()])


def my_cases(user, *, q: str = "", state: str = "", station_id: int | None = None, overdue: bool = False, role: str = ""):
    """The cases of the user's deputy, newest first, filtered: a
    ``DeputyCaseList`` to hand to ``Paginator`` (an empty list for a user who
    is no deputy). Rows carry ``my_signer_role`` / ``my_signer_status`` for
    the role labels. ``q`` is a tracking code (as residents read it out:
    upper or lower case, with or without the dash) or words of the title."""
    deputy = workspace_deputy(user)
    if deputy is None:
        return []
    where = Q()
    if q:
        code = normalize_tracking_code(q)
        by_code = Q(tracking_code=code) if len(code) == TRACKING_CODE_LENGTH else Q(pk__in=[])
        where &= by_code | Q(title__icontains=q)
    if state == "open":
        where &= Q(state__in=sorted(OPEN_STATES))
    elif state in CaseState.values:
        where &= Q(state=state)
    if station_id:
        where &= Q(station_id=station_id)
    if overdue:
        where &= Q(deadline__lt=timezone.localdate(), state__in=sorted(OPEN_STATES))
    return DeputyCaseList(deputy, _branches(deputy, role), where)


def decorate_cases(cases, deputy: Deputy, today: dt.date | None = None) -> list:
    """Set display attributes on listed cases (no queries): my roles, what
    waits for me, overdue."""
    today = today or timezone.localdate()
    out = []
    for case in cases:
        roles = []
        if case.kind == CaseKind.OPINION and case.responsible_deputy_id == deputy.pk:
            roles.append(_("责任代表"))
        if case.my_signer_role == SignerRole.LEAD:
            roles.append(_("领衔代表"))
        elif case.my_signer_role == SignerRole.COSIGNER:
            roles.append(_("附议代表") if case.my_signer_status == SignerStatus.ACCEPTED else _("附议邀请"))
        if case.addressed_deputy_id == deputy.pk:
            roles.append(_("给我的留言"))
        action = ""
        if case.responsible_deputy_id == deputy.pk and case.state == CaseState.REPLIED:
            action = _("待测评答复")
        elif case.my_signer_status == SignerStatus.INVITED and case.my_signer_role == SignerRole.COSIGNER and case.is_open:
            action = _("待回复附议邀请")
        elif (
            case.addressed_deputy_id == deputy.pk
            and case.kind == CaseKind.OPINION
            and case.state == CaseState.SUBMITTED
            and case.suggestion_id is None
        ):
            action = _("新留言")
        case.my_roles = roles
        case.needs_action = action
        case.overdue = case.is_overdue(today)
        out.append(case)
    return out


@dataclass
class ActionCounts:
    to_rate: int = 0
    invitations: int = 0
    new_opinions: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.to_rate + self.invitations + self.new_opinions


def action_counts(user) -> ActionCounts:
    """What needs the deputy's action, in one query over the deputy's open
    cases only (each branch through its ``(deputy, state)`` index): every
    counter is about open cases, so the closed history is never read."""
    deputy = workspace_deputy(user)
    if deputy is None:
        return ActionCounts()
    open_q = Q(state__in=sorted(OPEN_STATES))
    first, *rest = [Case.objects.filter(b & open_q).order_by().values("pk") for b in _branches(deputy, "")]
    invited = CaseSigner.objects.filter(deputy=deputy, role=SignerRole.COSIGNER, status=SignerStatus.INVITED).values("case_id")
    agg = Case.objects.filter(pk__in=first.union(*rest)).aggregate(
        to_rate=Count("pk", filter=_to_rate_q(deputy)),
        invitations=Count("pk", filter=Q(pk__in=invited)),
        new_opinions=Count("pk", filter=_new_opinion_q(deputy)),
        overdue=Count("pk", filter=Q(deadline__lt=timezone.localdate())),
    )
    return ActionCounts(**agg)


def my_station_choices(user) -> list[tuple[int, str]]:
    """Stations for the filter: those the deputy sits or sat in."""
    deputy = workspace_deputy(user)
    if deputy is None:
        return []
    ids = StationMembership.objects.filter(deputy=deputy).values("station_id")
    return list(Station.objects.filter(pk__in=ids).order_by("name").values_list("pk", "name"))


def opinions_for_suggestion(user, ids=None) -> QuerySet:
    """Residents' opinions the deputy may turn into a suggestion (see
    ``proposals.services.suggestions.UNUSABLE_OPINION_STATES``)."""
    qs = (
        cases_for_deputy(user)
        .filter(kind=CaseKind.OPINION, suggestion__isnull=True)
        .exclude(state__in=UNUSABLE_OPINION_STATES)
        .select_related("station", "category")
        .order_by("-submitted_at", "-id")
    )
    if ids is not None:
        qs = qs.filter(pk__in=ids)
    return qs


def suggestion_by_key(user, key: str) -> Case | None:
    """The suggestion the user's deputy already made from this form."""
    deputy = workspace_deputy(user)
    # Read from POST before the form is validated: a NUL byte would be a
    # database error on PostgreSQL (the form then refuses it with a message).
    if deputy is None or not key or "\x00" in key:
        return None
    return Case.objects.filter(submission_key=key[:64], kind=CaseKind.SUGGESTION, responsible_deputy=deputy).only("pk").first()


def cosigner_choices(user) -> QuerySet:
    """Deputies who may be invited to co-sign: the active deputies of the
    user's congresses, stations (mixed grouping puts the neighbours there)
    and deputy groups."""
    deputy = workspace_deputy(user)
    if deputy is None:
        return Deputy.objects.none()
    stations = StationMembership.objects.filter(deputy=deputy).values("station_id")
    neighbours = StationMembership.objects.filter(station_id__in=stations).values("deputy_id")
    group_mates = Deputy.groups.through.objects.filter(deputygroup__members=deputy).values("deputy_id")
    congresses = Mandate.objects.filter(deputy=deputy, end_date__isnull=True).values("congress_id")
    colleagues = Mandate.objects.filter(congress_id__in=congresses, end_date__isnull=True).values("deputy_id")
    return (
        Deputy.objects.filter(is_active=True)
        .filter(Q(pk__in=neighbours) | Q(pk__in=group_mates) | Q(pk__in=colleagues))
        .exclude(pk=deputy.pk)
        .order_by("name", "id")
    )


# --- The case page ---------------------------------------------------------------------


@dataclass
class CasePage:
    case: Case
    timeline: list
    replies: list
    contacts: list
    notes: list
    supervision_records: list
    signers: list
    source_opinions: list
    photos: list
    assignments: list
    my_signer: CaseSigner | None = None
    is_responsible: bool = False
    can_rate: bool = False
    latest_reply: Reply | None = None
    deputy_feedbacks: list = field(default_factory=list)


def case_for_page(user, pk) -> Case:
    """``access_case_for_deputy`` with what the page prints of the case
    itself fetched in the same query; 404 for cases that are not the user's."""
    from django.http import Http404

    qs = Case.objects.select_related("category", "station", "responsible_deputy", "suggestion")
    try:
        return cases_for_deputy(user, qs).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _timeline(case: Case) -> list:
    """The internal timeline (actors and reasons), with the labels of the
    suggestion events this workspace records."""
    entries = case_timeline(case, audience="internal")
    for entry in entries:
        if entry.action in SUGGESTION_EVENT_LABELS and entry.label == entry.action:
            entry.label = str(SUGGESTION_EVENT_LABELS[entry.action])
    return entries


def case_page(user, case: Case) -> CasePage:
    """Everything the deputy's case page shows, in a fixed number of queries."""
    deputy = workspace_deputy(user)
    replies = list(
        Reply.objects.filter(case=case)
        .select_related("unit", "reply_class")
        .prefetch_related(Prefetch("feedbacks", queryset=Feedback.objects.select_related("deputy")))
    )
    signers = list(CaseSigner.objects.filter(case=case).select_related("deputy").order_by("role", "invited_at", "pk"))
    my_signer = next((s for s in signers if deputy is not None and s.deputy_id == deputy.pk), None)
    is_lead = my_signer is not None and my_signer.role == SignerRole.LEAD
    is_responsible = deputy is not None and case.responsible_deputy_id == deputy.pk
    latest = replies[-1] if replies else None
    return CasePage(
        case=case,
        timeline=_timeline(case),
        replies=replies,
        contacts=list(ContactRecord.objects.filter(case=case).select_related("unit", "author")),
        notes=list(case.notes.select_related("author")),
        supervision_records=list(case.supervision_records.all()),
        signers=signers,
        source_opinions=list(case.source_opinions.select_related("station").order_by("submitted_at"))
        if case.kind == CaseKind.SUGGESTION
        else [],
        photos=list(case.photos.all()),
        assignments=list(CaseAssignment.objects.filter(case=case, is_active=True).select_related("unit").order_by("role")),
        my_signer=my_signer,
        is_responsible=is_responsible,
        can_rate=(is_responsible or is_lead) and case.state == CaseState.REPLIED,
        latest_reply=latest,
        deputy_feedbacks=[f for r in replies for f in r.feedbacks.all() if f.rater == "deputy"],
    )


# --- My stations and reception days -------------------------------------------------------

CALENDAR_DAYS_AHEAD = 92
CALENDAR_DAYS_BACK = 92


@dataclass
class CalendarDay:
    date: dt.date
    day: ReceptionDay | None
    signed_up: bool
    others: list
    opinions: int = 0

    @property
    def is_past(self) -> bool:
        return self.date < timezone.localdate()

    @property
    def is_today(self) -> bool:
        return self.date == timezone.localdate()

    @property
    def recorded(self) -> bool:
        return bool(self.day and self.day.recorded_at)


@dataclass
class StationCalendar:
    station: Station
    upcoming: list
    past: list
    rule: str = ""


rule_dates = reception_dates  # dates the station's rule yields in [start, end], working days only


def my_station_calendars(user, today: dt.date | None = None) -> list[StationCalendar]:
    """The stations the deputy sits in, with the coming reception days (from
    the rule and from staff's schedule) and the recent days they signed up for."""
    deputy = workspace_deputy(user)
    if deputy is None:
        return []
    today = today or timezone.localdate()
    start, end = today - dt.timedelta(days=CALENDAR_DAYS_BACK), today + dt.timedelta(days=CALENDAR_DAYS_AHEAD)
    memberships = list(
        StationMembership.objects.filter(deputy=deputy)
        .exclude(left_on__lt=today)
        .select_related("station__region")
        .order_by("station__name")
    )
    stations = [m.station for m in memberships]
    days = list(ReceptionDay.objects.filter(station__in=stations, date__range=(start, end)).prefetch_related("deputies").order_by("date"))
    opinion_counts = {
        (row["station_id"], row["received_on"]): row["n"]
        for row in Case.objects.filter(channel=Channel.RECEPTION, station__in=stations, received_on__range=(start, today))
        .values("station_id", "received_on")
        .annotate(n=Count("pk"))
    }
    by_station: dict[int, dict[dt.date, ReceptionDay]] = {}
    for d in days:
        by_station.setdefault(d.station_id, {})[d.date] = d
    calendars = []
    for station in stations:
        scheduled = by_station.get(station.pk, {})
        dates = set(rule_dates(station, today, end)) | {d for d in scheduled if d >= today}
        upcoming, past = [], []
        for date in sorted(dates):
            upcoming.append(_calendar_day(date, scheduled.get(date), deputy, opinion_counts.get((station.pk, date), 0)))
        for date, day in sorted(scheduled.items(), reverse=True):
            if date < today and any(x.pk == deputy.pk for x in day.deputies.all()):
                past.append(_calendar_day(date, day, deputy, opinion_counts.get((station.pk, date), 0)))
        calendars.append(StationCalendar(station=station, upcoming=upcoming, past=past, rule=describe_rule(station)))
    return calendars


def _calendar_day(date, day, deputy, opinions) -> CalendarDay:
    deputies = list(day.deputies.all()) if day else []
    return CalendarDay(
        date=date,
        day=day,
        signed_up=any(d.pk == deputy.pk for d in deputies),
        others=[d.name for d in deputies if d.pk != deputy.pk],
        opinions=opinions,
    )


def reception_day_for_deputy(user, pk) -> ReceptionDay:
    """A reception day the user's deputy signed up for; 404 otherwise."""
    from django.http import Http404

    deputy = workspace_deputy(user)
    try:
        return ReceptionDay.objects.select_related("station").get(pk=pk, deputies=deputy)
    except (ReceptionDay.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def reception_day_opinions(day: ReceptionDay) -> QuerySet:
    return Case.objects.filter(channel=Channel.RECEPTION, station_id=day.station_id, received_on=day.date).order_by("submitted_at", "id")


# --- The duty record (履职档案) -----------------------------------------------------------


@dataclass
class DutyRecord:
    deputy: Deputy
    year: int
    receptions: list
    manual_station_visits: int
    residents_received: int
    reception_opinions: int
    cases_handled: int
    cases_closed: int
    opinions_addressed: int
    suggestions: list
    feedbacks: list
    contacts: int
    activities: list
    activities_by_kind: list
    min_station_visits: int

    @property
    def station_visits(self) -> int:
        return len(self.receptions) + self.manual_station_visits

    @property
    def meets_minimum(self) -> bool:
        return self.station_visits >= self.min_station_visits

    @property
    def visits_missing(self) -> int:
        return max(0, self.min_station_visits - self.station_visits)


def _year_bounds(year: int):
    tz = timezone.get_current_timezone()
    start = dt.datetime(year, 1, 1, tzinfo=tz)
    return start, dt.datetime(year + 1, 1, 1, tzinfo=tz)


def duty_years(deputy: Deputy, today: dt.date | None = None) -> list[int]:
    today = today or timezone.localdate()
    first = deputy.created_at.astimezone(timezone.get_current_timezone()).year if deputy.created_at else today.year
    first = min(first, today.year - 4)
    return list(range(today.year, first - 1, -1))


def duty_record(deputy: Deputy, year: int, today: dt.date | None = None) -> DutyRecord:
    """One file per deputy (一人一档) for a year: what the portal knows
    (reception days held, cases, suggestions, feedback, contacts) plus the
    entries made by hand. A reception day counts as a station visit once it
    has been held (its date has come) with the deputy signed up."""
    today = today or timezone.localdate()
    start, end = _year_bounds(year)
    last_day = min(dt.date(year, 12, 31), today)
    receptions = list(
        ReceptionDay.objects.filter(deputies=deputy, date__gte=dt.date(year, 1, 1), date__lte=last_day)
        .select_related("station")
        .order_by("date")
    )
    activities = list(DutyActivity.objects.filter(deputy=deputy, date__year=year).select_related("station").order_by("date", "id"))
    reception_opinions = Case.objects.filter(
        channel=Channel.RECEPTION, addressed_deputy=deputy, received_on__gte=dt.date(year, 1, 1), received_on__lte=dt.date(year, 12, 31)
    ).count()
    handled = Case.objects.filter(
        responsible_deputy=deputy, kind=CaseKind.OPINION, submitted_at__gte=start, submitted_at__lt=end
    ).aggregate(total=Count("pk"), closed=Count("pk", filter=Q(state=CaseState.CLOSED)))
    addressed = Case.objects.filter(addressed_deputy=deputy, submitted_at__gte=start, submitted_at__lt=end).count()
    lead = CaseSigner.objects.filter(case=OuterRef("pk"), deputy=deputy, role=SignerRole.LEAD)
    suggestions = list(
        Case.objects.filter(
            kind=CaseKind.SUGGESTION,
            submitted_at__gte=start,
            submitted_at__lt=end,
            pk__in=CaseSigner.objects.filter(deputy=deputy, status=SignerStatus.ACCEPTED).values("case_id"),
        )
        .annotate(i_lead=Exists(lead))
        .select_related("category")
        .order_by("submitted_at")
    )
    feedbacks = list(
        Feedback.objects.filter(deputy=deputy, created_at__gte=start, created_at__lt=end).select_related("case").order_by("created_at")
    )
    contacts = 0
    if deputy.user_id:
        contacts = ContactRecord.objects.filter(author_id=deputy.user_id, contact_date__year=year).count()
    kinds = dict(DutyKind.choices)
    counts: dict[str, int] = {}
    manual_visits = 0
    for a in activities:
        counts[a.kind] = counts.get(a.kind, 0) + 1
        if a.kind == DutyKind.STATION_VISIT:
            manual_visits += 1
    return DutyRecord(
        deputy=deputy,
        year=year,
        receptions=receptions,
        manual_station_visits=manual_visits,
        residents_received=sum(r.residents_received or 0 for r in receptions),
        reception_opinions=reception_opinions,
        cases_handled=handled["total"],
        cases_closed=handled["closed"],
        opinions_addressed=addressed,
        suggestions=suggestions,
        feedbacks=feedbacks,
        contacts=contacts,
        activities=activities,
        activities_by_kind=[(kinds[k], n) for k, n in sorted(counts.items(), key=lambda kv: list(kinds).index(kv[0]))],
        min_station_visits=settings.PORTAL_MIN_STATION_VISITS,
    )


def deputy_stations(deputy: Deputy) -> list[Station]:
    current = StationMembership.objects.filter(deputy=deputy).exclude(left_on__lt=timezone.localdate()).values("station_id")
    return list(Station.objects.filter(pk__in=current).order_by("name"))


def deputy_mandates(deputy: Deputy) -> list:
    return list(deputy.mandates.select_related("congress__tier").order_by("congress__tier__order"))
