"""Who may see what of the duty evaluation.

- a deputy: their own score, entries and annual record (``deputy_for``);
- staff (``is_staff``): the points tables, rankings and self-reports of the
  congresses whose region lies in their region subtree.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from accounts.models import Role
from deputies.models import Deputy, Mandate
from regions.scoping import region_in_scope, scope_queryset, sees_everything

from .models import ManualEntry, PointsTable, VoterReport


def deputy_for(user) -> Deputy:
    """The deputy behind a deputy account, else 403."""
    if not (user.is_authenticated and user.is_active and user.role == Role.DEPUTY):
        raise PermissionDenied
    deputy = Deputy.objects.filter(user=user).first()
    if deputy is None:
        raise PermissionDenied
    return deputy


def is_evaluation_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def tables_for_staff(user) -> QuerySet:
    qs = PointsTable.objects.select_related("congress__tier", "congress__region")
    if not is_evaluation_staff(user):
        raise PermissionDenied
    return scope_queryset(qs, user, "congress__region")


def access_table(user, pk) -> PointsTable:
    table = tables_for_staff(user).filter(pk=pk).first()
    if table is None:
        raise Http404
    return table


def access_entry(user, pk) -> ManualEntry:
    if not is_evaluation_staff(user):
        raise PermissionDenied
    entry = ManualEntry.objects.select_related("deputy", "rule__table__congress__region").filter(pk=pk).first()
    if entry is None or not region_in_scope(user, entry.rule.table.congress.region):
        raise Http404
    return entry


def access_deputy_in_table(user, table: PointsTable, deputy_pk) -> Deputy:
    """A deputy of a table the user may see."""
    if not Mandate.objects.filter(congress_id=table.congress_id, deputy_id=deputy_pk).exists():
        raise Http404
    return Deputy.objects.get(pk=deputy_pk)


def entries_for_staff(user) -> QuerySet:
    if not is_evaluation_staff(user):
        raise PermissionDenied
    qs = ManualEntry.objects.all()
    if sees_everything(user):
        return qs
    return scope_queryset(qs, user, "rule__table__congress__region")


def voter_reports_for_staff(user) -> QuerySet:
    if not is_evaluation_staff(user):
        raise PermissionDenied
    return scope_queryset(VoterReport.objects.select_related("deputy", "station"), user, "station__region")


def access_voter_report(user, pk):
    report = voter_reports_for_staff(user).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report
