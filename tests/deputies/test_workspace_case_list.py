"""My cases (/deputy/) at scale: the list is a union of three index-served
branches (responsible, addressed, signed), each read newest first and cut
after a page, so the page costs the same for a deputy with 3 cases and one
with years of them. These tests compare every page, count and counter with
a plain Python reading of the same rows."""

import datetime as dt
from itertools import cycle

import pytest
from django.core.paginator import Paginator
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from proposals.models import Case, CaseKind, CaseSigner, CaseState, SignerRole, SignerStatus
from proposals.models.cases import FINAL_STATES
from tests.deputies.conftest import badge_query_cost
from workspaces.deputy import selectors

pytestmark = pytest.mark.django_db

HOME = "deputy_workspace:home"
ROLES = ["", "action", "to_rate", "invited", "new", "responsible", "lead", "cosigned", "addressed"]
# Seven states against nine cases a round: every kind of case meets every state.
STATES = [
    CaseState.ASSIGNED,
    CaseState.SUBMITTED,
    CaseState.REPLIED,
    CaseState.CLOSED,
    CaseState.IN_HANDLING,
    CaseState.RETURNED,
    CaseState.ACCEPTED,
]


def reference(deputy, *, role="", state="", overdue=False, station_id=None) -> list[int]:
    """The deputy's cases, filtered and ordered, read row by row in Python."""
    today = timezone.localdate()
    signers = {s.case_id: s for s in CaseSigner.objects.filter(deputy=deputy)}
    out = []
    for c in Case.objects.all():
        s = signers.get(c.pk)
        signed = s is not None and s.status != SignerStatus.DECLINED
        responsible = c.responsible_deputy_id == deputy.pk
        addressed = c.addressed_deputy_id == deputy.pk
        if not (responsible or addressed or signed):
            continue
        to_rate = responsible and c.state == CaseState.REPLIED
        invited = signed and s.role == SignerRole.COSIGNER and s.status == SignerStatus.INVITED and c.is_open
        new = addressed and c.kind == CaseKind.OPINION and c.state == CaseState.SUBMITTED and c.suggestion_id is None
        keep = {
            "": True,
            "action": to_rate or invited or new,
            "to_rate": to_rate,
            "invited": invited,
            "new": new,
            "responsible": responsible and c.kind == CaseKind.OPINION,
            "lead": signed and s.role == SignerRole.LEAD and c.kind == CaseKind.SUGGESTION,
            "cosigned": signed and s.role == SignerRole.COSIGNER,
            "addressed": addressed,
        }[role]
        if state == "open":
            keep = keep and c.is_open
        elif state:
            keep = keep and c.state == state
        if overdue:
            keep = keep and c.is_open and c.deadline is not None and c.deadline < today
        if station_id:
            keep = keep and c.station_id == station_id
        if keep:
            out.append(c)
    out.sort(key=lambda c: (c.submitted_at, c.pk), reverse=True)
    return [c.pk for c in out]


def paged(user, per_page=7, **filters) -> tuple[list[int], int]:
    """Every page of my_cases, concatenated, and the paginator's count."""
    paginator = Paginator(selectors.my_cases(user, **filters), per_page)
    ids = []
    for number in paginator.page_range:
        ids += [c.pk for c in paginator.page(number).object_list]
    return ids, paginator.count


def build_history(ws, n: int):
    """``n`` rounds of overlapping cases: responsible, addressed, both,
    responsible and co-signer of the same suggestion, led, co-signed,
    invited (open and closed), declined; many share a submission time (ties
    broken by id); plus other deputies' cases."""
    d = ws.deputy
    base = timezone.now() - dt.timedelta(days=30)
    states = cycle(STATES)
    made = []
    for i in range(n):
        made += [
            ws.opinion(title=f"责任{i}", responsible_deputy=d),
            ws.opinion(title=f"留言{i}", addressed_deputy=d),
            ws.opinion(title=f"责任兼留言{i}", responsible_deputy=d, addressed_deputy=d),
            ws.opinion(title=f"别人的{i}", responsible_deputy=ws.other_deputy),
        ]
        both = ws.opinion(title=f"责任兼附议{i}", responsible_deputy=d, kind=CaseKind.SUGGESTION)
        CaseSigner.objects.create(case=both, deputy=d, role=SignerRole.COSIGNER, status=SignerStatus.ACCEPTED)
        led = ws.opinion(title=f"领衔{i}", kind=CaseKind.SUGGESTION, responsible_deputy=ws.other_deputy)
        CaseSigner.objects.create(case=led, deputy=d, role=SignerRole.LEAD, status=SignerStatus.ACCEPTED)
        for status in SignerStatus.values:
            other = ws.opinion(title=f"附议{status}{i}", kind=CaseKind.SUGGESTION, responsible_deputy=ws.other_deputy)
            CaseSigner.objects.create(case=other, deputy=d, role=SignerRole.COSIGNER, status=status)
            made.append(other)
        made += [both, led]
    for k, case in enumerate(made):
        state = next(states)
        Case.objects.filter(pk=case.pk).update(
            submitted_at=base + dt.timedelta(hours=k % 4),  # many ties
            state=state,
            deadline=timezone.localdate() + dt.timedelta(days=(k % 3) - 1) if state not in FINAL_STATES else None,
            station=ws.station2 if k % 5 == 0 else ws.station,
        )
    # An invitation left pending on a case that was closed meanwhile.
    closed = ws.opinion(title="已办结的邀请", kind=CaseKind.SUGGESTION, responsible_deputy=ws.other_deputy)
    CaseSigner.objects.create(case=closed, deputy=d, role=SignerRole.COSIGNER, status=SignerStatus.INVITED)
    Case.objects.filter(pk=closed.pk).update(state=CaseState.CLOSED, submitted_at=base)


@pytest.mark.parametrize("role", ROLES)
def test_every_page_of_every_role_is_the_plain_ordering_without_duplicates(ws, role):
    build_history(ws, 3)
    expected = reference(ws.deputy, role=role)
    ids, count = paged(ws.deputy_user, role=role)
    assert ids == expected
    assert len(set(ids)) == len(ids)
    assert count == len(expected)


def test_filters_combine_with_the_branches_on_every_page(ws):
    build_history(ws, 3)
    for filters in (
        {"state": "open"},
        {"state": CaseState.CLOSED},
        {"overdue": True},
        {"station_id": ws.station2.pk},
        {"role": "action", "state": "open"},
        {"role": "responsible", "overdue": True},
    ):
        expected = reference(ws.deputy, **filters)
        ids, count = paged(ws.deputy_user, per_page=5, **filters)
        assert (ids, count) == (expected, len(expected)), filters
    # The title search and the tracking code go through the same branches.
    case = Case.objects.get(title="责任兼附议1")
    for q in ("责任兼附议1", case.tracking_code_display.lower()):
        ids, count = paged(ws.deputy_user, q=q)
        assert (ids, count) == ([case.pk], 1), q


def test_a_page_past_the_end_and_a_single_item(ws):
    build_history(ws, 2)
    expected = reference(ws.deputy)
    cases = selectors.my_cases(ws.deputy_user)
    assert cases[len(expected) : len(expected) + 5] == []
    assert cases[3].pk == expected[3]
    assert [c.pk for c in cases] == expected


def test_action_counts_match_the_rows_and_ignore_closed_cases(ws):
    build_history(ws, 3)
    counts = selectors.action_counts(ws.deputy_user)
    today = timezone.localdate()
    mine = Case.objects.filter(pk__in=reference(ws.deputy))
    assert counts.to_rate == len(reference(ws.deputy, role="to_rate")) > 0
    assert counts.invitations == len(reference(ws.deputy, role="invited")) > 0
    assert counts.new_opinions == len(reference(ws.deputy, role="new")) > 0
    overdue = [c for c in mine if c.is_open and c.deadline and c.deadline < today]
    assert counts.overdue == len(overdue) > 0
    # A closed case with an invitation still pending is not waiting for anyone.
    invited_closed = CaseSigner.objects.filter(deputy=ws.deputy, status=SignerStatus.INVITED, case__state__in=FINAL_STATES)
    assert invited_closed.exists()


def test_the_page_costs_the_same_queries_with_3_and_40_cases(deputy_client, ws, django_assert_num_queries):
    def add(n):
        for i in range(n):
            ws.opinion(title=f"路灯{i}", responsible_deputy=ws.deputy)

    add(3)
    deputy_client.get(reverse(HOME))  # warm the session
    # session, user, deputy, station choices, count, page, action counts
    expected = 7 + badge_query_cost(ws.deputy_user)
    with django_assert_num_queries(expected):
        assert len(deputy_client.get(reverse(HOME)).context["cases"]) == 3
    add(37)
    for params in ({}, {"page": 2}, {"role": "responsible"}, {"state": "open", "station": ws.station.pk}):
        with django_assert_num_queries(expected):
            response = deputy_client.get(reverse(HOME), params)
        assert response.status_code == 200
    assert deputy_client.get(reverse(HOME), {"page": 2}).context["page"].paginator.count == 40


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite cannot LIMIT inside a UNION")
def test_on_postgresql_each_branch_stops_after_the_page(ws):
    build_history(ws, 1)
    paginator = Paginator(selectors.my_cases(ws.deputy_user), 4)
    with CaptureQueriesContext(connection) as ctx:
        list(paginator.page(2).object_list)
    sql = ctx.captured_queries[-1]["sql"]
    assert "UNION ALL" in sql
    # each of the three branches: newest first, the first two pages only
    assert sql.count('"submitted_at" DESC, U0."id" DESC LIMIT 8') + sql.count('"submitted_at" DESC, V0."id" DESC LIMIT 8') == 3
