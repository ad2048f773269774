"""Two staff acting on one case at the same moment, on PostgreSQL (row locks
are real there; SQLite serialises whole transactions)."""

import threading

import pytest
from django.db import connection, connections, transaction

from proposals.models import CaseAssignment, CaseEvent, CaseState
from proposals.services import actions
from proposals.services.workflow import lock_case
from proposals.workflow import WorkflowError
from tests.conftest import require


def _needs_postgres():
    require(connection.vendor == "postgresql", "concurrency test needs PostgreSQL (DATABASE_URL)")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_staff_assigning_at_once_one_wins_the_other_is_told(world):
    _needs_postgres()
    case = world.opinion()
    actions.case_accept(case_id=case.pk, user=world.staff)
    other_staff = type(world.staff).objects.create(username="staff_xhl_2", is_staff=True, region=world.staff.region)
    other_staff.groups.set(world.staff.groups.all())

    holding = threading.Event()
    second_started = threading.Event()
    outcome = {}

    def first():
        # Staff 1 takes the row lock, waits until staff 2 is blocked on it, then assigns.
        try:
            with transaction.atomic():
                lock_case(case.pk)
                holding.set()
                assert second_started.wait(10)
                # Give staff 2's SELECT … FOR UPDATE time to reach the lock.
                with connection.cursor() as cur:
                    cur.execute("SELECT pg_sleep(0.5)")
                outcome["first"] = actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk)
        except Exception as exc:  # pragma: no cover - reported below
            outcome["first"] = exc
        finally:
            connections.close_all()

    def second():
        try:
            assert holding.wait(10)
            second_started.set()
            outcome["second"] = actions.case_assign(case_id=case.pk, user=other_staff, lead_unit_id=world.unit_b.pk)
        except Exception as exc:
            outcome["second"] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)

    assert not isinstance(outcome["first"], Exception), outcome["first"]
    assert isinstance(outcome["second"], WorkflowError)
    assert "刚被他人处理" in str(outcome["second"])
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED and case.lead_unit == world.unit_a
    # Nothing half-written: one active lead assignment, one assign event.
    assert list(CaseAssignment.objects.filter(case=case).values_list("unit_id", flat=True)) == [world.unit_a.pk]
    assert CaseEvent.objects.filter(case=case, action="assign").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_accept_and_reject_leave_one_outcome(world):
    _needs_postgres()
    case = world.opinion()
    barrier = threading.Barrier(2)
    outcome = {}

    def run(name, fn):
        try:
            barrier.wait(10)
            outcome[name] = fn()
        except Exception as exc:
            outcome[name] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=run, args=("accept", lambda: actions.case_accept(case_id=case.pk, user=world.staff))),
        threading.Thread(target=run, args=("reject", lambda: actions.case_reject(case_id=case.pk, user=world.leader, reason="重复广告"))),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    errors = [v for v in outcome.values() if isinstance(v, Exception)]
    assert len(errors) == 1 and isinstance(errors[0], WorkflowError)
    case.refresh_from_db()
    assert case.state in (CaseState.ACCEPTED, CaseState.REJECTED)
    assert CaseEvent.objects.filter(case=case).exclude(action="submit").count() == 1
