"""Who may see and act on a case. Every view, admin page and API endpoint
goes through these functions (style.md: access checks are functions too)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from regions.scoping import region_in_scope, scope_queryset, sees_everything

from .models import Case, CaseSigner, SignerStatus
from .workflow import Actor


def is_case_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def cases_for_staff(user, qs: QuerySet | None = None) -> QuerySet:
    qs = Case.objects.all() if qs is None else qs
    if not is_case_staff(user):
        return qs.none()
    return scope_queryset(qs, user, "region")


def cases_for_unit(user, qs: QuerySet | None = None) -> QuerySet:
    """Cases on which one of the user's units has an active assignment."""
    qs = Case.objects.all() if qs is None else qs
    if not user.is_authenticated:
        return qs.none()
    return qs.filter(assignments__unit__members=user, assignments__is_active=True).distinct()


def cases_for_deputy(user, qs: QuerySet | None = None) -> QuerySet:
    """Cases where the user's deputy is responsible, was addressed through the
    QR code, or signed (lead or accepted/invited co-signer)."""
    qs = Case.objects.all() if qs is None else qs
    deputy = getattr(user, "deputy", None) if user.is_authenticated else None
    if deputy is None:
        return qs.none()
    signed = CaseSigner.objects.filter(deputy=deputy).exclude(status=SignerStatus.DECLINED).values("case_id")
    return qs.filter(Q(responsible_deputy=deputy) | Q(addressed_deputy=deputy) | Q(pk__in=signed))


def actor_kinds(user, case: Case) -> set[str]:
    """The workflow actor kinds ``user`` holds on ``case``."""
    kinds: set[str] = set()
    if not user or not user.is_authenticated or not user.is_active:
        return kinds
    if is_case_staff(user) and (sees_everything(user) or region_in_scope(user, case.region)):
        kinds.add(Actor.STAFF)
    if case.assignments.filter(is_active=True, role="lead", unit__members=user).exists():
        kinds.add(Actor.UNIT)
    deputy = getattr(user, "deputy", None)
    if deputy is not None:
        if case.responsible_deputy_id == deputy.pk:
            kinds.add(Actor.DEPUTY)
        elif case.signers.filter(deputy=deputy, role="lead").exists():
            kinds.add(Actor.DEPUTY)
    if case.station_id and case.station.liaison_officer_id == user.pk:
        kinds.add(Actor.LIAISON)
    return kinds


def access_case_for_staff(user, pk) -> Case:
    try:
        return cases_for_staff(user).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_case_for_unit(user, pk) -> Case:
    try:
        return cases_for_unit(user).get(pk=pk)
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
