"""Who may see and act on a case. Every view, admin page and API endpoint
goes through these functions (style.md: access checks are functions too)."""

from django.db.models import Exists, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.http import Http404

from deputies.models import Deputy
from regions.scoping import region_in_scope, scope_queryset, sees_everything

from .models import Case, CaseAssignment, CaseSigner, SignerRole, SignerStatus, UnitRole
from .workflow import Actor


def is_case_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def cases_for_staff(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Case.objects.all() if qs is None else qs
    if not is_case_staff(user):
        return qs.none()
    return scope_queryset(qs, user, "region")


def unit_case_ids(user, *, case_open: bool | None = None) -> QuerySet:
    """Ids of the cases on which one of the user's units has an active
    assignment: the user's units (members table), then their active
    assignments (index ``assignment_unit_active``). ``case_open=True``: only
    open cases, read from the partial index ``assignment_unit_open`` without
    touching the closed history (assignments stay active after the case
    closes); ``False``: only cases in a final state."""
    qs = CaseAssignment.objects.filter(unit__members=user, is_active=True)
    if case_open is not None:
        qs = qs.filter(case_open=case_open)
    return qs.values("case_id")


def cases_for_unit(user, qs: QuerySet | None = None) -> QuerySet:
    """Cases on which one of the user's units has an active assignment.

    A semi-join (``id IN (…)``) rather than a join on assignments: no
    DISTINCT over whole case rows, so a list keeps its ORDER BY … LIMIT and
    a count counts ids."""
    qs = Case.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(pk__in=unit_case_ids(user))


def cases_for_deputy(user, qs: QuerySet | None = None) -> QuerySet:
    """Cases where the user's deputy is responsible, was addressed through the
    QR code, or signed (lead or accepted/invited co-signer)."""
    qs = Case.objects.all() if qs is None else qs
    deputy = getattr(user, "deputy", None) if user.is_authenticated else None
    if deputy is None:
        return qs.none()
    return qs.filter(pk__in=deputy_case_ids(deputy))


def deputy_case_ids(deputy) -> QuerySet:
    """Ids of the deputy's cases as a UNION of three index scans
    (case_responsible_deputy, case_addressed_deputy, signer_deputy_status).
    Written as ``responsible OR addressed OR id IN (signers)`` PostgreSQL can
    use none of the indexes and reads the whole case table."""
    return (
        Case.objects.filter(responsible_deputy=deputy)
        .order_by()
        .values("pk")
        .union(
            Case.objects.filter(addressed_deputy=deputy).order_by().values("pk"),
            CaseSigner.objects.filter(deputy=deputy).exclude(status=SignerStatus.DECLINED).order_by().values("case_id"),
        )
    )


def with_actor_flags(qs: QuerySet, user) -> QuerySet:
    """Annotate each case with what ``actor_kinds`` needs to know about
    ``user`` (lead-unit member? which deputy? lead signer?), so that a page
    which loads the case anyway asks nothing more to draw its buttons."""
    if not user or not user.is_authenticated:
        return qs

    return qs.annotate(
        ak_user=Value(user.pk, output_field=IntegerField()),
        ak_lead_unit=Exists(CaseAssignment.objects.filter(case=OuterRef("pk"), is_active=True, role=UnitRole.LEAD, unit__members=user)),
        ak_deputy=Subquery(Deputy.objects.filter(user=user).values("pk")[:1], output_field=IntegerField()),
        ak_lead_signer=Exists(CaseSigner.objects.filter(case=OuterRef("pk"), role=SignerRole.LEAD, deputy__user=user)),
    )


def actor_kinds(user, case: Case) -> set[str]:
    """The workflow actor kinds ``user`` holds on ``case``.

    On a case loaded through ``with_actor_flags`` for the same user this
    costs no query (pages ask several times: buttons, phone column, forms).
    The workflow services lock and load a fresh row and ask the tables."""
    kinds: set[str] = set()
    if not user or not user.is_authenticated or not user.is_active:
        return kinds
    if is_case_staff(user) and (sees_everything(user) or region_in_scope(user, case.region)):
        kinds.add(Actor.STAFF)
    flagged = getattr(case, "ak_user", None) == user.pk
    if flagged:
        is_lead_unit = case.ak_lead_unit
        deputy_id = case.ak_deputy
    else:
        is_lead_unit = case.assignments.filter(is_active=True, role=UnitRole.LEAD, unit__members=user).exists()
        deputy = getattr(user, "deputy", None)
        deputy_id = deputy.pk if deputy is not None else None
    if is_lead_unit:
        kinds.add(Actor.UNIT)
    if deputy_id is not None:
        if case.responsible_deputy_id == deputy_id:
            kinds.add(Actor.DEPUTY)
        else:
            lead_signer = case.ak_lead_signer if flagged else case.signers.filter(deputy_id=deputy_id, role=SignerRole.LEAD).exists()
            if lead_signer:
                kinds.add(Actor.DEPUTY)
    if case.station_id and case.station.liaison_officer_id == user.pk:
        kinds.add(Actor.LIAISON)
    return kinds


def access_case_for_staff(user, pk) -> Case:
    try:
        return cases_for_staff(user).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_case_for_unit(user, pk, qs: QuerySet | None = None) -> Case:
    """The case ``pk`` if one of the user's units has it, else 404. ``qs``
    (a base queryset of cases, scoped here) may add related rows or flags."""
    try:
        return cases_for_unit(user, qs).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_case_for_deputy(user, pk) -> Case:
    try:
        return cases_for_deputy(user).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def can_see_full_phone(user, case: Case) -> bool:
    """Only those who must call back: staff of the case's region, the lead
    unit's staff, the responsible deputy and the station's liaison officer."""
    return bool(actor_kinds(user, case) & {Actor.STAFF, Actor.UNIT, Actor.DEPUTY, Actor.LIAISON})
