"""December, and next year's official holidays are not published yet: staff
are told from 1 November until they enter them; deadlines counted over the
unknown days are provisional and computed again (with a history row) once
the days are entered; reception rules never propose a non-working day."""

import datetime as dt

import pytest
from django.urls import reverse

from proposals.models import Case, CaseEvent
from proposals.models.cases import DeadlineKind
from proposals.services import deadlines
from stations.models import ReceptionRule, Station
from stations.reception import next_reception_date
from tests.proposals.fixtures import world  # noqa: F401
from workcalendar import context_processors
from workcalendar.models import WorkdayOverride
from workcalendar.workdays import is_workday, unknown_year_to_enter, year_is_known

pytestmark = pytest.mark.django_db


def test_a_year_is_known_from_the_package_or_from_entered_days():
    assert year_is_known(2026)
    assert not year_is_known(2027)
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    assert year_is_known(2027)


def test_staff_are_told_from_1_november_until_next_year_is_entered():
    assert unknown_year_to_enter(dt.date(2026, 10, 31)) is None
    assert unknown_year_to_enter(dt.date(2026, 11, 1)) == 2027
    assert unknown_year_to_enter(dt.date(2027, 3, 1)) == 2027  # still missing in the new year
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    assert unknown_year_to_enter(dt.date(2026, 12, 5)) is None


def test_banner_in_admin_and_workspaces_but_not_for_the_public(client, world, monkeypatch):  # noqa: F811
    monkeypatch.setattr(context_processors.timezone, "localdate", lambda *a, **k: dt.date(2026, 12, 5))
    assert "2027 年的法定节假日" not in client.get("/stations/").content.decode()
    client.force_login(world.staff)
    assert "2027 年的法定节假日" in client.get(reverse("admin:index")).content.decode()
    client.force_login(world.unit_a_user)
    assert "2027 年的法定节假日" in client.get("/unit/").content.decode()
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    assert "2027 年的法定节假日" not in client.get("/unit/").content.decode()


def test_deadline_over_unknown_days_is_provisional_and_recomputed_when_entered(world, django_capture_on_commit_callbacks):  # noqa: F811
    case = world.opinion()
    # Accepted on Monday 28 December 2026: five working days run into 2027.
    fields = deadlines.set_deadline(case, DeadlineKind.ASSIGN, start=dt.date(2026, 12, 28))
    case.save(update_fields=fields)
    assert case.deadline == dt.date(2027, 1, 4) and case.deadline_provisional  # Mon-Fri guess: 1 January counted
    untouched = world.opinion(title="年内的时限")
    untouched.save(update_fields=deadlines.set_deadline(untouched, DeadlineKind.ASSIGN, start=dt.date(2026, 12, 1)))
    assert not untouched.deadline_provisional
    assert deadlines.deadlines_recompute_provisional() == 0  # nothing entered yet: nothing changes
    with django_capture_on_commit_callbacks(execute=True):
        WorkdayOverride.objects.create(date=dt.date(2027, 1, 1), is_workday=False, note="元旦")
    case.refresh_from_db()
    assert case.deadline == dt.date(2027, 1, 5) and not case.deadline_provisional
    event = CaseEvent.objects.get(case=case, action="deadline_recomputed")
    assert event.data == {"from": "2027-01-04", "to": "2027-01-05"} and "2027-01-05" in event.reason
    assert not CaseEvent.objects.filter(case=untouched, action="deadline_recomputed").exists()
    # Running again changes nothing.
    assert deadlines.deadlines_recompute_provisional() == 0
    assert Case.objects.filter(deadline_provisional=True).count() == 0


def test_reception_rule_never_proposes_a_non_working_day_in_an_unknown_year():
    station = Station(code="x", name="x", reception_rule=ReceptionRule.MONTHLY, reception_day=10)
    # 10 January 2027 is a Sunday.
    day = next_reception_date(station, after=dt.date(2027, 1, 1))
    assert day == dt.date(2027, 1, 11) and is_workday(day)
    WorkdayOverride.objects.create(date=dt.date(2027, 1, 11), is_workday=False, note="假设的调休")
    assert next_reception_date(station, after=dt.date(2027, 1, 1)) == dt.date(2027, 1, 12)
