"""The handling units' admin list: each unit's open lead cases, counted from
its open assignments only, in the list query itself."""

import pytest
from django.urls import reverse

from proposals.models import CaseState
from proposals.services import actions
from tests.proposals.builders import case_in_state

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:units_handlingunit_changelist"


def shown(client):
    response = client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    return {u.name: u._active_cases for u in response.context["cl"].result_list}


def test_active_cases_counts_open_lead_assignments_and_follows_closing(client, world, django_assert_max_num_queries):
    client.force_login(world.staff)
    open_cases = [case_in_state(world, state) for state in (CaseState.ASSIGNED, CaseState.IN_HANDLING, CaseState.REPLIED)]
    closed = case_in_state(world, CaseState.CLOSED)
    assert closed.assignments.filter(unit=world.unit_a).exists()
    counts = shown(client)
    assert counts[world.unit_a.name] == 3
    assert counts[world.unit_b.name] == 0
    # The county's staff close one: the count follows (case_open kept by the workflow).
    replied = open_cases[2]
    actions.case_feedback(case_id=replied.pk, rating="satisfied", as_resident=True)
    actions.case_close(case_id=replied.pk, user=world.staff)
    assert shown(client)[world.unit_a.name] == 2
    # A reassignment moves the count to the new lead unit.
    actions.case_dispute(case_id=open_cases[0].pk, user=world.unit_a_user, reason="不属于我单位职责")
    actions.case_reassign(case_id=open_cases[0].pk, user=world.staff, lead_unit_id=world.unit_b.pk, reason="改由区城管局办理")
    counts = shown(client)
    assert (counts[world.unit_a.name], counts[world.unit_b.name]) == (1, 1)
    with django_assert_max_num_queries(12):
        shown(client)
