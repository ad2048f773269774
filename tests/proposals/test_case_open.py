"""``CaseAssignment.case_open``: the assignments' copy of "the case is not in
a final state", which the unit workspace reads instead of the closed history.
It is kept in one place (``apply_transition``), so these tests walk every
transition of the table that crosses between open and final states, the
real services end to end, the data migration and the scale generator."""

import io
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from proposals.models import Case, CaseAssignment, CaseState, UnitRole
from proposals.models.cases import FINAL_STATES
from proposals.services import actions
from proposals.services.workflow import apply_transition, lock_case
from proposals.workflow import TRANSITIONS, Actor
from tests.proposals.builders import case_in_state

pytestmark = pytest.mark.django_db

ALL_ACTORS = {v for k, v in vars(Actor).items() if k.isupper()}
CROSSING = sorted(
    (action, source) for action, t in TRANSITIONS.items() for source in t.sources if (source in FINAL_STATES) != (t.target in FINAL_STATES)
)


def flags(case) -> set[bool]:
    return set(CaseAssignment.objects.filter(case=case).values_list("case_open", flat=True))


def with_assignments(world, state: str) -> Case:
    """A case in ``state`` with an active and an ended assignment whose flag
    agrees with the state (made directly: the table, not the services, is
    under test here)."""
    case = world.opinion()
    Case.objects.filter(pk=case.pk).update(state=state)
    is_open = state not in FINAL_STATES
    now = timezone.now()
    CaseAssignment.objects.create(case=case, unit=world.unit_a, role=UnitRole.LEAD, assigned_at=now, case_open=is_open)
    CaseAssignment.objects.create(case=case, unit=world.unit_b, role=UnitRole.CO, assigned_at=now, is_active=False, case_open=is_open)
    case.refresh_from_db()
    return case


def test_the_table_has_the_crossings_we_expect():
    actions_ = {a for a, _s in CROSSING}
    assert {"close", "return", "redirect", "merge", "reject", "answer_on_spot", "resubmit"} <= actions_


@pytest.mark.parametrize(("action", "source"), CROSSING)
def test_every_transition_into_or_out_of_a_final_state_updates_the_flag(world, action, source):
    case = with_assignments(world, source)
    target = TRANSITIONS[action].target
    with transaction.atomic():
        locked = lock_case(case.pk)
        apply_transition(case=locked, action=action, actor_kinds=ALL_ACTORS)
    assert flags(case) == {target not in FINAL_STATES}


@pytest.mark.parametrize(
    ("action", "source"),
    sorted((a, s) for a, t in TRANSITIONS.items() for s in t.sources if (s in FINAL_STATES) == (t.target in FINAL_STATES)),
)
def test_a_transition_between_open_states_leaves_the_flag_alone(world, action, source):
    case = with_assignments(world, source)
    with transaction.atomic():
        locked = lock_case(case.pk)
        with CaptureQueriesContext(connection) as ctx:
            apply_transition(case=locked, action=action, actor_kinds=ALL_ACTORS)
    assert flags(case) == {source not in FINAL_STATES}
    assert not [q for q in ctx.captured_queries if "proposals_caseassignment" in q["sql"]]  # no UPDATE to pay for


@pytest.mark.parametrize("state", list(CaseState))
def test_the_services_keep_the_flag_in_every_state(world, state):
    case = case_in_state(world, state)
    for a in CaseAssignment.objects.filter(case=case):
        assert a.case_open == (state not in FINAL_STATES), (state, a.unit_id, a.is_active)


def test_reassignment_and_closing_through_the_services(world):
    case = case_in_state(world, CaseState.DISPUTED)
    actions.case_reassign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_b.pk, co_unit_ids=[world.unit_c.pk], reason="调整")
    assert CaseAssignment.objects.filter(case=case).count() == 3
    assert flags(case) == {True}
    actions.case_start_handling(case_id=case.pk, user=world.unit_b_user)
    actions.case_reply(case_id=case.pk, user=world.unit_b_user, text="已处理完毕。", reply_class_code="A")
    actions.case_close(case_id=case.pk, user=world.staff)
    assert flags(case) == {False}  # the ended assignment of unit A too


def test_the_migration_sets_the_flag_from_the_state(world):
    open_case = case_in_state(world, CaseState.IN_HANDLING)
    closed = case_in_state(world, CaseState.CLOSED)
    CaseAssignment.objects.update(case_open=True)  # as right after AddField
    import_module("proposals.migrations.0006_bounded_workspace_lists").set_case_open(apps, None)
    assert flags(open_case) == {True}
    assert flags(closed) == {False}


def test_the_scale_generator_writes_the_flag_from_the_final_state(db):
    import datetime as dt

    call_command(
        "seed_scale",
        divisions=str(Path(__file__).parents[1] / "demo" / "data" / "divisions"),
        province="44",
        cases=160,
        stations=24,
        deputies=120,
        chunk=50,
        now=dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC).isoformat(),
        stdout=io.StringIO(),
    )
    rows = list(CaseAssignment.objects.values_list("case_open", "case__state", "is_active"))
    assert {open_ for open_, _s, _a in rows} == {True, False}
    assert not [r for r in rows if r[0] != (r[1] not in FINAL_STATES)]
    # disputed-and-reassigned cases keep their ended rows, flagged too
    assert any(not active for _o, _s, active in rows)
