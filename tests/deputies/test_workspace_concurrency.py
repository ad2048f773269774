"""Two deputies acting at the same moment, on PostgreSQL (real row locks;
SQLite serialises whole transactions): the same opinion cannot go into two
suggestions, and two sign-ups for a day nobody scheduled make one day."""

import threading

import pytest
from django.db import connection, connections, transaction

from proposals.models import Case, CaseKind
from proposals.services.suggestions import suggestion_create
from proposals.services.workflow import lock_case
from proposals.workflow import WorkflowError
from stations.models import ReceptionDay, StationMembership
from stations.services import reception_signup
from tests.conftest import require
from tests.deputies.test_workspace_stations import next_rule_date

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _needs_postgres():
    require(connection.vendor == "postgresql", "concurrency test needs PostgreSQL (DATABASE_URL)")


def _run(first, second):
    outcome = {}

    def wrap(name, fn):
        def run():
            try:
                outcome[name] = fn()
            except Exception as exc:
                outcome[name] = exc
            finally:
                connections.close_all()

        return run

    threads = [threading.Thread(target=wrap("first", first)), threading.Thread(target=wrap("second", second))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return outcome


def _pause():
    with connection.cursor() as cur:
        cur.execute("SELECT pg_sleep(0.5)")


def test_two_deputies_taking_the_same_opinion_at_once_one_wins(ws):
    _needs_postgres()
    opinion = ws.opinion(responsible_deputy=ws.deputy, addressed_deputy=ws.other_deputy)
    holding, second_started = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            lock_case(opinion.pk)
            holding.set()
            assert second_started.wait(10)
            _pause()  # let the second deputy's SELECT … FOR UPDATE reach the lock
            return suggestion_create(user=ws.deputy_user, title="建议甲", content="内容", category_id=None, opinion_ids=[opinion.pk])

    def second():
        assert holding.wait(10)
        second_started.set()
        return suggestion_create(user=ws.other_user, title="建议乙", content="内容", category_id=None, opinion_ids=[opinion.pk])

    outcome = _run(first, second)
    assert isinstance(outcome["first"], Case), outcome["first"]
    assert isinstance(outcome["second"], WorkflowError), outcome["second"]
    opinion.refresh_from_db()
    assert opinion.suggestion_id == outcome["first"].pk
    assert list(Case.objects.filter(kind=CaseKind.SUGGESTION).values_list("title", flat=True)) == ["建议甲"]


def test_two_deputies_signing_up_for_a_new_day_at_once_make_one_day(ws):
    _needs_postgres()
    StationMembership.objects.create(station=ws.station, deputy=ws.other_deputy)
    date = next_rule_date(ws.station)
    created, second_started = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            day = reception_signup(user=ws.deputy_user, station_id=ws.station.pk, date=date)
            created.set()
            assert second_started.wait(10)
            _pause()  # the second INSERT now waits on the unique index
            return day

    def second():
        assert created.wait(10)
        second_started.set()
        return reception_signup(user=ws.other_user, station_id=ws.station.pk, date=date)

    outcome = _run(first, second)
    assert isinstance(outcome["first"], ReceptionDay), outcome["first"]
    assert isinstance(outcome["second"], ReceptionDay), outcome["second"]
    day = ReceptionDay.objects.get(station=ws.station, date=date)
    assert set(day.deputies.values_list("pk", flat=True)) == {ws.deputy.pk, ws.other_deputy.pk}
