"""Reads for the printed documents: each document loads its case with the
related rows it prints in a fixed number of queries."""

import datetime as dt

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from proposals.models import Case, CaseAssignment, CaseState
from workcalendar.workdays import workdays_between


def document_cases(qs: QuerySet | None = None) -> QuerySet:
    qs = Case.objects.all() if qs is None else qs
    return qs.select_related(
        "station", "station__region", "region", "category", "responsible_deputy", "addressed_deputy", "lead_unit", "reply_class"
    ).prefetch_related(
        Prefetch(
            "assignments",
            queryset=CaseAssignment.objects.filter(is_active=True).select_related("unit").order_by("role", "pk"),
            to_attr="active_assignments",
        )
    )


def assignments_of_day(cases: QuerySet, day: dt.date) -> QuerySet:
    """Cases (of the given, already scoped queryset) assigned on ``day``
    (local date), in the order they were assigned."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    end = start + dt.timedelta(days=1)
    return document_cases(cases.filter(assigned_at__gte=start, assigned_at__lt=end)).order_by("assigned_at", "pk")


def deadline_workdays(case: Case) -> int | None:
    """Working days from the assignment to the current deadline (China's
    official calendar), as the 交办单 states them."""
    if not case.deadline or not case.assigned_at:
        return None
    return workdays_between(timezone.localdate(case.assigned_at), case.deadline)


def case_file_records(case: Case) -> dict:
    """Everything the 全程档案 prints, oldest first."""
    return {
        "events": list(case.events.select_related("actor").order_by("created_at", "pk")),
        "assignments": list(case.assignments.select_related("unit").order_by("assigned_at", "pk")),
        "contacts": list(case.contacts.select_related("unit").order_by("contact_date", "pk")),
        "replies": list(case.replies.select_related("unit", "reply_class").order_by("created_at", "pk")),
        "feedbacks": list(case.feedbacks.select_related("deputy").order_by("created_at", "pk")),
        "supervision": list(case.supervision_records.order_by("date", "pk")),
    }


ASSIGNED_STATES = frozenset(
    {
        CaseState.ASSIGNED,
        CaseState.DISPUTED,
        CaseState.IN_HANDLING,
        CaseState.REPLIED,
        CaseState.EVALUATED,
        CaseState.REHANDLING,
        CaseState.CLOSED,
    }
)
