"""Who may print which document (each returns the case, loaded for
printing, or raises 404)."""

from django.db.models import Q, QuerySet
from django.http import Http404

from proposals.access import cases_for_staff, is_case_staff, unit_case_ids
from proposals.models import Case

from .selectors import document_cases


def _get(qs: QuerySet, pk) -> Case:
    try:
        return document_cases(qs).get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def _staff_or_unit(user) -> QuerySet:
    if not user.is_authenticated:
        return Case.objects.none()
    if is_case_staff(user):
        return cases_for_staff(user)
    return Case.objects.filter(pk__in=unit_case_ids(user))


def access_assignment_sheet(user, pk) -> Case:
    """交办单: staff of the case's region, and the units it was assigned to
    (they file the sheet they signed for). Only an assigned case has one."""
    return _get(_staff_or_unit(user).filter(assigned_at__isnull=False), pk)


def access_reply_cover(user, pk) -> Case:
    return _get(_staff_or_unit(user).filter(replies__isnull=False).distinct(), pk)


def access_receipt(user, pk) -> Case:
    """回执: staff of the region and the liaison officer of the station
    where the case was received."""
    if not user.is_authenticated:
        raise Http404
    if is_case_staff(user):
        return _get(cases_for_staff(user), pk)
    return _get(Case.objects.filter(Q(station__liaison_officer=user)), pk)


def access_case_file(user, pk) -> Case:
    """全程档案 (with every contact record): staff of the case's region only."""
    return _get(cases_for_staff(user), pk)
