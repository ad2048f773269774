"""Reads shared by the API views: what each caller may see.

Cases are scoped exactly as in admin and the workspaces, through
``proposals.access``: staff by region subtree (``cases_for_staff``), unit
members the cases of their units (``cases_for_unit``), deputies their own
cases (``cases_for_deputy``). A user who holds several of these roles sees
the union.
"""

from django.db.models import Prefetch, Q, QuerySet

from deputies.models import Deputy, Mandate
from proposals.access import cases_for_deputy, cases_for_staff, cases_for_unit, is_case_staff
from proposals.models import (
    Case,
    CaseAssignment,
    CaseEvent,
    ContactRecord,
    Feedback,
    Reply,
    SupervisionRecord,
)
from regions.models import Region
from stations.models import ReceptionDay, Station, StationMembership
from units.models import HandlingUnit

CASE_LIST_RELATED = ("category", "station", "region", "lead_unit", "responsible_deputy")


def _case_scopes(user) -> list:
    """The access functions that apply to ``user`` (cheap checks first)."""
    scopes = []
    if is_case_staff(user):
        scopes.append(cases_for_staff)
    if user.is_authenticated and HandlingUnit.objects.filter(members=user).exists():
        scopes.append(cases_for_unit)
    if user.is_authenticated and Deputy.objects.filter(user=user).exists():
        scopes.append(cases_for_deputy)
    return scopes


def cases_visible_to(user) -> QuerySet:
    scopes = _case_scopes(user)
    base = Case.objects.all()
    if not scopes:
        return base.none()
    if len(scopes) == 1:
        # Every scope filters the case table itself (staff: by region; unit
        # and deputy: a semi-join, id IN …), so the list keeps its plain
        # (-submitted_at, -id) index scan and needs no DISTINCT.
        return scopes[0](user, base)
    condition = Q()
    for scope in scopes:
        condition |= Q(pk__in=scope(user, Case.objects.all()).values("pk"))
    return base.filter(condition)


def case_list_queryset(user) -> QuerySet:
    return cases_visible_to(user).select_related(*CASE_LIST_RELATED)


def case_detail_queryset(user) -> QuerySet:
    return (
        case_list_queryset(user)
        .select_related("addressed_deputy", "reply_class", "merged_into")
        .prefetch_related(
            Prefetch("assignments", queryset=CaseAssignment.objects.select_related("unit").order_by("-assigned_at", "-id")),
            Prefetch("replies", queryset=Reply.objects.select_related("unit", "reply_class")),
            Prefetch("feedbacks", queryset=Feedback.objects.select_related("deputy")),
            Prefetch("contacts", queryset=ContactRecord.objects.select_related("unit")),
            Prefetch("supervision_records", queryset=SupervisionRecord.objects.all()),
            Prefetch("events", queryset=CaseEvent.objects.all()),
            "photos",
        )
    )


def region_in_subtree_q(field: str, code: str) -> Q:
    """``field`` (a Region FK path) lies in the subtree of the region ``code``."""
    try:
        region = Region.objects.get(code=code)
    except Region.DoesNotExist:
        return Q(pk__in=[])
    return Q(**{f"{field}__in": Region.objects.filter(code__startswith=region.prefix).values("pk")})


def region_queryset() -> QuerySet:
    return Region.objects.select_related("parent")


def station_queryset() -> QuerySet:
    return Station.objects.filter(is_active=True).select_related("region", "parent", "head_deputy")


def station_detail_queryset() -> QuerySet:
    current = StationMembership.objects.filter(left_on__isnull=True, deputy__is_active=True).select_related("deputy")
    return station_queryset().prefetch_related(Prefetch("memberships", queryset=current, to_attr="current_memberships"))


def deputy_queryset() -> QuerySet:
    mandates = Mandate.objects.filter(end_date__isnull=True).select_related("congress__tier", "congress__region")
    memberships = StationMembership.objects.filter(left_on__isnull=True, station__is_active=True).select_related("station")
    return Deputy.objects.filter(is_active=True).prefetch_related(
        Prefetch("mandates", queryset=mandates, to_attr="current_mandates"),
        Prefetch("memberships", queryset=memberships, to_attr="current_memberships"),
    )


def unit_queryset() -> QuerySet:
    return HandlingUnit.objects.select_related("region")


def reception_day_queryset() -> QuerySet:
    return ReceptionDay.objects.filter(station__is_active=True).select_related("station").prefetch_related("deputies")
