"""The unit workspace opens on the cases in hand (在办): a unit's closed
history (its assignments stay active after the case closes) is one choice
away (已办结 / 全部) and is never read for the default list or the counters."""

import datetime as dt

import pytest
from django.urls import reverse

from proposals.models import Case, CaseAssignment, CaseState
from tests.proposals.builders import case_in_state

pytestmark = pytest.mark.django_db

HOME = reverse("unit:home")


@pytest.fixture
def unit_client(client, world):
    client.force_login(world.unit_a_user)
    return client


@pytest.fixture
def history(world):
    """Two cases in hand (one overdue), two closed ones."""
    late = case_in_state(world, CaseState.IN_HANDLING, title="在办超期")
    Case.objects.filter(pk=late.pk).update(deadline=dt.date(2024, 1, 2))
    return {
        "late": late,
        "fresh": case_in_state(world, CaseState.ASSIGNED, title="在办待签收"),
        "closed": [case_in_state(world, CaseState.CLOSED, title=f"已办结{i}") for i in range(2)],
    }


def shown(response) -> set[int]:
    return {c.pk for c in response.context["page"]}


def test_the_default_list_shows_the_cases_in_hand_only(unit_client, history):
    response = unit_client.get(HOME)
    assert shown(response) == {history["late"].pk, history["fresh"].pk}
    body = response.content.decode()
    assert '<option value="open" selected>在办</option>' in body
    assert "已办结0" not in body
    counts = response.context["counts"]
    assert (counts["to_sign"], counts["in_handling"], counts["overdue"]) == (1, 1, 1)


def test_the_closed_and_all_scopes(unit_client, history):
    closed = {c.pk for c in history["closed"]}
    assert shown(unit_client.get(HOME, {"scope": "closed"})) == closed
    assert shown(unit_client.get(HOME, {"scope": "all"})) == closed | {history["late"].pk, history["fresh"].pk}
    # the counters are about open cases whatever the list shows
    assert unit_client.get(HOME, {"scope": "all"}).context["counts"]["to_sign"] == 1


def test_a_state_decides_the_scope_so_old_bookmarks_still_work(unit_client, history):
    closed = {c.pk for c in history["closed"]}
    assert shown(unit_client.get(HOME, {"state": "closed"})) == closed
    assert shown(unit_client.get(HOME, {"state": "closed", "scope": "open"})) == closed
    assert shown(unit_client.get(HOME, {"state": "assigned", "scope": "closed"})) == {history["fresh"].pk}
    assert shown(unit_client.get(HOME, {"overdue": "yes"})) == {history["late"].pk}
    assert shown(unit_client.get(HOME, {"overdue": "no", "scope": "all"})) == closed | {history["fresh"].pk}
    # nonsense is the default list, not an error page
    response = unit_client.get(HOME, {"scope": "bogus"})
    assert response.status_code == 200 and shown(response) == {history["late"].pk, history["fresh"].pk}


def test_the_default_list_reads_only_open_assignments(unit_client, history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        unit_client.get(HOME)
    case_queries = [q["sql"] for q in ctx.captured_queries if "proposals_caseassignment" in q["sql"]]
    assert len(case_queries) == 3  # count, page, counters
    assert all('"case_open"' in sql for sql in case_queries)


def test_the_query_count_is_the_same_with_a_long_closed_history(unit_client, world, history, django_assert_num_queries):
    # session, user, units, count, page, counters, notification badge
    with django_assert_num_queries(7):
        unit_client.get(HOME)
    for _ in range(3):
        case_in_state(world, CaseState.CLOSED)
        case_in_state(world, CaseState.REPLIED)
    for params in ({}, {"scope": "closed"}, {"scope": "all", "page": 1}, {"state": "replied"}):
        with django_assert_num_queries(7):
            assert unit_client.get(HOME, params).status_code == 200
    assert CaseAssignment.objects.filter(unit=world.unit_a, is_active=True, case_open=False).count() == 5
