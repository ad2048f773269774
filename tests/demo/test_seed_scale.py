"""seed_scale: a small province from a CSV fixture, checked for the things the
benchmark relies on (counts, consistent states and history, unique tracking
codes, encrypted phones). Runs on SQLite (bulk_create) and PostgreSQL (COPY)."""

import datetime as dt
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count

from accounts import crypto
from accounts.models import User
from deputies.models import Deputy, Mandate
from proposals.models import Case, CaseAssignment, CaseEvent, CaseSigner, Feedback, Reply
from proposals.models.cases import FINAL_STATES
from proposals.tracking import ALPHABET
from proposals.workflow import EVENTS, TRANSITIONS
from regions.models import Region, RegionLevel
from stations.models import Station, StationMembership
from units.models import HandlingUnit

DIVISIONS = Path(__file__).parent / "data" / "divisions"
NOW = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC)
CASES = 240


@pytest.fixture
def seeded(db):
    call_command(
        "seed_scale",
        divisions=str(DIVISIONS),
        province="44",
        cases=CASES,
        stations=24,
        deputies=120,
        chunk=100,
        now=NOW.isoformat(),
        stdout=__import__("io").StringIO(),
    )


def test_seed_scale_loads_the_real_township_tree_from_the_given_folder(seeded):
    townships = Region.objects.filter(level=RegionLevel.TOWNSHIP, code__startswith="44")
    assert townships.count() == 8
    assert Region.objects.get(code="440114103000").full_name == "广东省广州市花都区梯面镇"
    # 东莞市 has no counties: its streets hang under the city and still get units and staff.
    dongguan = Region.objects.get(code="441900000000")
    assert HandlingUnit.objects.filter(region=dongguan).count() > 0
    assert User.objects.filter(username="scale-staff-4419", is_staff=True, region=dongguan).exists()


def test_seed_scale_creates_stations_deputies_with_mandates_and_memberships(seeded):
    assert Station.objects.count() == 24
    assert Station.objects.values("code").distinct().count() == 24
    # one central station per township
    assert Station.objects.filter(code__endswith="-00").count() == 8
    assert Deputy.objects.count() == 120
    assert not Deputy.objects.filter(mandates__isnull=True).exists()
    assert Mandate.objects.values("congress__tier__code").distinct().count() >= 4
    assert StationMembership.objects.values("deputy").distinct().count() == 120
    assert User.objects.filter(deputy__isnull=False).count() == 120
    # each handling unit has at least one member account
    assert not HandlingUnit.objects.annotate(n=Count("members")).filter(n=0).exists()


def test_seed_scale_cases_have_unique_codes_and_consistent_phones(seeded):
    cases = list(Case.objects.all())
    assert len(cases) == CASES
    codes = [c.tracking_code for c in cases]
    assert len(set(codes)) == CASES
    assert all(len(code) == 8 and set(code) <= set(ALPHABET) for code in codes)
    with_phone = [c for c in cases if c.phone_encrypted]
    assert with_phone, "residents leave phone numbers"
    for case in with_phone:
        phone = crypto.decrypt(case.phone_encrypted)
        assert crypto.is_valid_mobile(phone)
        assert case.phone_masked == crypto.mask_phone(phone)
        assert case.phone_last4 == phone[-4:]
    for case in cases:
        if not case.phone_encrypted:
            assert case.phone_masked == "" and case.phone_last4 == ""
        assert NOW - dt.timedelta(days=3 * 365 + 1) <= case.submitted_at <= NOW
        assert case.region_id == case.station.region_id


def test_seed_scale_states_agree_with_history_timestamps_and_assignments(seeded):
    cases = {c.pk: c for c in Case.objects.all()}
    events = defaultdict(list)
    for e in CaseEvent.objects.order_by("created_at", "id"):
        events[e.case_id].append(e)
    states = Counter(c.state for c in cases.values())
    # spread over three years, the cases are found in many states
    assert len(states) >= 5, states
    assert states["closed"] > CASES // 3
    active_leads = {a.case_id: a.unit_id for a in CaseAssignment.objects.filter(is_active=True, role="lead")}
    replies = Counter(Reply.objects.values_list("case_id", flat=True))
    for pk, case in cases.items():
        history = events[pk]
        assert history[0].action == "submit" and history[0].created_at == case.submitted_at
        transitions = [e for e in history if e.from_state != e.to_state or e.action in TRANSITIONS]
        for e in history:
            assert e.action in TRANSITIONS or e.action in EVENTS or e.action == "submit", e.action
            assert e.created_at <= NOW
        # each transition starts where the previous one ended, and is allowed by the table
        state = ""
        for e in transitions:
            assert e.from_state == state, (case.tracking_code, e.action, e.from_state, state)
            if e.action != "submit":
                assert e.from_state in TRANSITIONS[e.action].sources
                assert e.to_state == TRANSITIONS[e.action].target
            state = e.to_state
        assert state == case.state
        assert case.state_changed_at == transitions[-1].created_at
        actions = {e.action for e in history}
        assert (case.accepted_at is not None) == ("accept" in actions)
        assert (case.assigned_at is not None) == ("assign" in actions)
        assert (case.closed_at is not None) == (case.state == "closed")
        assert (case.replied_at is not None) == (replies[pk] > 0)
        if case.accepted_at:
            assert case.submitted_at <= case.accepted_at
        if case.assigned_at:
            assert case.accepted_at <= case.assigned_at
            assert case.lead_unit_id == active_leads[pk]
        if case.state in ("assigned", "disputed", "in_handling"):
            assert case.deadline_kind == "reply" and case.deadline >= case.assigned_at.date()
        if case.state == "rehandling":
            assert case.deadline_kind == "rereply"
        if case.state == "accepted":
            assert case.deadline_kind == "assign"
        if case.state in FINAL_STATES or case.state in ("submitted", "replied", "evaluated"):
            assert case.deadline is None
        if case.overdue_since:
            assert case.state not in FINAL_STATES and case.overdue_since > case.deadline
            assert "mark_overdue" in actions
        if case.state == "merged":
            assert case.merged_into_id in cases and cases[case.merged_into_id].submitted_at <= case.submitted_at
        if case.kind == "suggestion":
            assert CaseSigner.objects.filter(case_id=pk, role="lead", deputy_id=case.responsible_deputy_id).exists()
    # feedback belongs to a reply of the same case
    for fb in Feedback.objects.select_related("reply"):
        assert fb.reply.case_id == fb.case_id


def test_seed_scale_records_the_reminders_sent_before_each_reply_deadline(seeded):
    from notifications.models import Reminder

    reminders = list(Reminder.objects.select_related("case"))
    assert reminders, "cases that waited for their reply got reminders"
    today = NOW.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    for reminder in reminders:
        assert reminder.status == "sent" and reminder.due_at < NOW
        assert reminder.case.assigned_at is not None
        # sent only while the case was waiting for its (first) reply
        waited_until = reminder.case.replied_at.date() if reminder.case.replied_at else today
        assert reminder.due_at.date() <= waited_until
    kinds = {r.kind for r in reminders}
    assert {"before_3", "before_1", "due"} <= kinds


def test_seed_scale_refuses_a_database_that_already_holds_scale_data(seeded):
    with pytest.raises(CommandError, match="fresh database"):
        call_command("seed_scale", divisions=str(DIVISIONS), cases=5, stations=10, deputies=10, stdout=__import__("io").StringIO())


def test_seed_scale_reports_a_missing_divisions_folder(db, tmp_path):
    with pytest.raises(CommandError):
        call_command("seed_scale", divisions=str(tmp_path / "nope"), cases=5, stdout=__import__("io").StringIO())
