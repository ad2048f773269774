"""Cases through the API: scoping, filters, cursor pagination, constant
query counts, privacy, and the workflow actions calling the services."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from proposals.models import Case, CaseEvent, CaseNote, ContactRecord, Rating
from tests.api.conftest import token_client
from tests.factories import make_case

pytestmark = pytest.mark.django_db


def ids(response):
    return {row["id"] for row in response.json()["results"]}


def test_staff_list_holds_their_subtree_only(world, staff_api, other_staff_api):
    mine = world.opinion()
    theirs = make_case(station=world.other_station)
    assert ids(staff_api.get("/api/v1/cases/")) == {mine.pk}
    assert ids(other_staff_api.get("/api/v1/cases/")) == {theirs.pk}


def test_unit_sees_only_cases_assigned_to_it(world, case_in_state):
    assigned = case_in_state(world, "assigned")
    world.opinion()  # not assigned
    assert ids(token_client(world.unit_a_user).get("/api/v1/cases/")) == {assigned.pk}
    assert ids(token_client(world.unit_b_user).get("/api/v1/cases/")) == set()


def test_deputy_sees_cases_they_are_responsible_for_or_addressed_by(world):
    responsible = world.opinion(responsible_deputy=world.deputy)
    addressed = world.opinion(addressed_deputy=world.deputy)
    world.opinion()
    assert ids(token_client(world.deputy_user).get("/api/v1/cases/")) == {responsible.pk, addressed.pk}


def test_user_with_two_roles_sees_the_union(world, case_in_state):
    assigned = case_in_state(world, "assigned")
    world.unit_a.members.add(world.deputy_user)
    responsible = world.opinion(responsible_deputy=world.deputy)
    world.opinion()
    # case_in_state makes the deputy responsible too; both are visible, once.
    results = token_client(world.deputy_user).get("/api/v1/cases/").json()["results"]
    assert sorted(r["id"] for r in results) == sorted({assigned.pk, responsible.pk})


def test_case_shows_the_masked_phone_and_never_the_full_number(world, staff_api):
    case = world.opinion(phone="13812345678", resident_name="张三")
    body = staff_api.get(f"/api/v1/cases/{case.pk}/").content.decode()
    assert "138****5678" in body
    assert "13812345678" not in body
    assert "phone_encrypted" not in body
    list_body = staff_api.get("/api/v1/cases/").content.decode()
    assert "13812345678" not in list_body and "张三" not in list_body


def test_cursor_pagination_walks_every_case_once_newest_first(world, staff_api):
    base = timezone.now() - dt.timedelta(days=1)
    created = [world.opinion(now=base + dt.timedelta(minutes=i)).pk for i in range(7)]
    seen = []
    url = "/api/v1/cases/?page_size=3"
    pages = 0
    while url:
        data = staff_api.get(url).json()
        assert "count" not in data  # nothing is counted on the million-row table
        seen += [row["id"] for row in data["results"]]
        url = data["next"]
        pages += 1
    assert pages == 3
    assert seen == list(reversed(created))


def test_cursor_pagination_keeps_order_on_equal_submission_times(world, staff_api):
    now = timezone.now()
    created = [world.opinion(now=now).pk for _ in range(5)]
    seen, url = [], "/api/v1/cases/?page_size=2"
    while url:
        data = staff_api.get(url).json()
        seen += [row["id"] for row in data["results"]]
        url = data["next"]
    assert sorted(seen) == sorted(created) and len(seen) == 5


def test_oldest_first_ordering(world, staff_api):
    base = timezone.now() - dt.timedelta(days=1)
    created = [world.opinion(now=base + dt.timedelta(minutes=i)).pk for i in range(3)]
    data = staff_api.get("/api/v1/cases/?ordering=submitted_at").json()
    assert [r["id"] for r in data["results"]] == created


def test_filters_by_state_station_category_and_tracking_code(world, staff_api, case_in_state):
    accepted = case_in_state(world, "accepted")
    submitted = world.opinion()
    assert ids(staff_api.get("/api/v1/cases/?state=accepted")) == {accepted.pk}
    assert ids(staff_api.get("/api/v1/cases/?state=accepted,submitted")) == {accepted.pk, submitted.pk}
    assert ids(staff_api.get("/api/v1/cases/?is_open=false")) == set()
    assert ids(staff_api.get(f"/api/v1/cases/?station={world.station.code}")) == {accepted.pk, submitted.pk}
    assert ids(staff_api.get("/api/v1/cases/?category=traffic")) == set()
    code = submitted.tracking_code_display.lower()
    assert ids(staff_api.get(f"/api/v1/cases/?tracking_code={code}")) == {submitted.pk}
    county = world.regions["taiyuan"]["county"].code[:6]
    assert ids(staff_api.get(f"/api/v1/cases/?region={county}")) == {accepted.pk, submitted.pk}
    assert ids(staff_api.get(f"/api/v1/cases/?region={world.regions['taiyuan']['township2'].code}")) == set()


@pytest.mark.parametrize(
    "query",
    ["state=nonsense", "region=12", "region=abc", "lead_unit=x", "lead_unit=99999999999999999999999", "submitted_after=yesterday"],
)
def test_bad_filters_are_400_with_a_message(world, staff_api, query):
    response = staff_api.get(f"/api/v1/cases/?{query}")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and body["detail"]


def test_stale_cursor_is_a_json_404(staff_api):
    response = staff_api.get("/api/v1/cases/?cursor=not-a-cursor")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_case_list_query_count_does_not_grow_with_rows(world, staff_api, case_in_state, django_assert_num_queries):
    case_in_state(world, "assigned")
    world.opinion()
    few = _queries(staff_api, "/api/v1/cases/")
    # token+user, unit role, deputy role, the staff region, the page.
    assert few == 5
    for _ in range(3):
        case_in_state(world, "assigned")
        world.opinion(responsible_deputy=world.deputy)
    # token + user region + unit/deputy role checks + the page.
    with django_assert_num_queries(few):
        response = staff_api.get("/api/v1/cases/")
    assert len(response.json()["results"]) == 8


def test_unit_case_list_query_count_is_pinned(world, case_in_state, django_assert_num_queries):
    client = token_client(world.unit_a_user)
    for _ in range(4):
        case_in_state(world, "assigned")
    with django_assert_num_queries(4):
        assert len(client.get("/api/v1/cases/").json()["results"]) == 4


def test_case_detail_query_count_is_constant(world, staff_api, case_in_state, django_assert_num_queries):
    one = case_in_state(world, "replied")
    few = _queries(staff_api, f"/api/v1/cases/{one.pk}/")
    # 5 as the list, then one per related list (assignments, replies,
    # feedback, contacts, supervision, events, photos).
    assert few == 12
    other = case_in_state(world, "closed")
    with django_assert_num_queries(few):
        staff_api.get(f"/api/v1/cases/{other.pk}/")


# --- workflow actions -----------------------------------------------------------------------


def test_full_lifecycle_through_the_api(world, staff_api):
    case = world.opinion()
    unit_api = token_client(world.unit_a_user)
    deputy_api = token_client(world.deputy_user)

    r = staff_api.post(f"/api/v1/cases/{case.pk}/accept/", {"reason": "属于受理范围"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "accepted"

    r = staff_api.post(
        f"/api/v1/cases/{case.pk}/assign/",
        {"lead_unit_id": world.unit_a.pk, "co_unit_ids": [world.unit_b.pk], "responsible_deputy": world.deputy.public_id},
        format="json",
    )
    assert r.status_code == 200, r.json()
    body = r.json()
    assert body["state"] == "assigned" and body["lead_unit"]["id"] == world.unit_a.pk
    assert body["responsible_deputy"]["public_id"] == world.deputy.public_id
    assert {a["unit"]["id"] for a in body["assignments"]} == {world.unit_a.pk, world.unit_b.pk}

    assert unit_api.post(f"/api/v1/cases/{case.pk}/start-handling/", format="json").json()["state"] == "in_handling"
    r = unit_api.post(
        f"/api/v1/cases/{case.pk}/contacts/",
        {"contact_date": timezone.localdate().isoformat(), "way": "phone", "party": "resident", "summary": "电话联系群众了解情况"},
        format="json",
    )
    assert r.status_code == 201, r.json()
    assert ContactRecord.objects.filter(case=case).count() == 1

    r = unit_api.post(f"/api/v1/cases/{case.pk}/reply/", {"text": "已修复路灯。", "reply_class_code": "A"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "replied" and r.json()["replies"][0]["text"] == "已修复路灯。"

    r = deputy_api.post(f"/api/v1/cases/{case.pk}/feedback/", {"rating": Rating.SATISFIED}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "evaluated"

    r = staff_api.post(f"/api/v1/cases/{case.pk}/close/", {}, format="json")
    assert r.json()["state"] == "closed"
    r = staff_api.post(
        f"/api/v1/cases/{case.pk}/supervise/",
        {"level": "ordinary", "kind": "notice", "date": timezone.localdate().isoformat(), "summary": "督促落实"},
        format="json",
    )
    assert r.status_code == 200, r.json()
    assert r.json()["supervision_level"] == "ordinary"
    assert staff_api.post(f"/api/v1/cases/{case.pk}/publish/", format="json").json()["is_published"] is True

    actions = list(CaseEvent.objects.filter(case=case).values_list("action", flat=True))
    assert actions == ["submit", "accept", "assign", "start_handling", "contact", "reply", "feedback", "close", "supervise", "publish"]
    # Every move is attributed to the API caller.
    assert CaseEvent.objects.get(case=case, action="assign").actor == world.staff


def test_workflow_refusal_is_400_with_the_chinese_message(world, staff_api):
    case = world.opinion()
    r = staff_api.post(f"/api/v1/cases/{case.pk}/close/", {}, format="json")
    assert r.status_code == 400
    body = r.json()
    assert body["code"] == "workflow"
    assert "不能执行" in body["detail"]
    case.refresh_from_db()
    assert case.state == "submitted"


def test_unit_cannot_take_a_staff_action_on_its_case(world, case_in_state):
    case = case_in_state(world, "assigned")
    r = token_client(world.unit_a_user).post(
        f"/api/v1/cases/{case.pk}/reassign/", {"lead_unit_id": world.unit_b.pk, "reason": "x"}, format="json"
    )
    assert r.status_code == 400
    assert "无权" in r.json()["detail"]


def test_return_requires_a_reason(world, staff_api):
    case = world.opinion()
    r = staff_api.post(f"/api/v1/cases/{case.pk}/return/", {}, format="json")
    assert r.status_code == 400
    assert r.json()["errors"]["reason"]


def test_dispute_and_reassign(world, staff_api, case_in_state):
    case = case_in_state(world, "assigned")
    r = token_client(world.unit_a_user).post(f"/api/v1/cases/{case.pk}/dispute/", {"reason": "不属于本单位职责"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "disputed"
    r = staff_api.post(f"/api/v1/cases/{case.pk}/reassign/", {"lead_unit_id": world.unit_c.pk, "reason": "调整为交通局"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["lead_unit"]["id"] == world.unit_c.pk


def test_merge_into_a_case_outside_scope_is_refused(world, staff_api):
    case = world.opinion()
    foreign = make_case(station=world.other_station)
    r = staff_api.post(f"/api/v1/cases/{case.pk}/merge/", {"into_case_id": foreign.pk}, format="json")
    assert r.status_code == 400
    assert r.json()["errors"]["into_case_id"]
    target = world.opinion()
    r = staff_api.post(f"/api/v1/cases/{case.pk}/merge/", {"into_case_id": target.pk, "reason": "重复"}, format="json")
    assert r.status_code == 200 and r.json()["merged_into"] == target.tracking_code


def test_assign_with_unknown_deputy_or_unit_is_400(world, staff_api, case_in_state):
    case = case_in_state(world, "accepted")
    r = staff_api.post(f"/api/v1/cases/{case.pk}/assign/", {"lead_unit_id": world.unit_a.pk, "responsible_deputy": "nobody"}, format="json")
    assert r.status_code == 400 and r.json()["errors"]["responsible_deputy"]
    r = staff_api.post(f"/api/v1/cases/{case.pk}/assign/", {"lead_unit_id": 987654}, format="json")
    assert r.status_code == 400 and r.json()["code"] == "workflow"


def test_notes_are_added_through_the_service(world, staff_api):
    case = world.opinion()
    r = staff_api.post(f"/api/v1/cases/{case.pk}/notes/", {"text": "已电话核实"}, format="json")
    assert r.status_code == 201
    assert CaseNote.objects.get(case=case).author == world.staff


def test_a_repeated_accept_is_a_no_op(world, staff_api):
    case = world.opinion()
    for _ in range(2):
        assert staff_api.post(f"/api/v1/cases/{case.pk}/accept/", {}, format="json").status_code == 200
    assert CaseEvent.objects.filter(case=case, action="accept").count() == 1
    assert Case.objects.get(pk=case.pk).state == "accepted"


def test_session_authentication_works_for_browsers(world, client):
    client.force_login(world.staff)
    case = world.opinion()
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 200


@pytest.mark.parametrize("value", ["3694-11-18T17:02:08+22:04", "9999-12-31T23:59:59-23:59", "2024-05-01T08:00:00+08:00"])
def test_extreme_time_offsets_in_filters_never_500(world, staff_api, value):
    from urllib.parse import quote

    response = staff_api.get(f"/api/v1/cases/?submitted_before={quote(value)}")
    assert response.status_code in (200, 400)


def test_deputy_revises_and_resubmits_a_returned_suggestion(world, staff_api):
    suggestion = world.suggestion()
    assert staff_api.post(f"/api/v1/cases/{suggestion.pk}/return/", {"reason": "请补充具体措施"}, format="json").status_code == 200
    deputy_api = token_client(world.deputy_user)
    r = deputy_api.post(f"/api/v1/cases/{suggestion.pk}/resubmit/", {"content": "补充：建议财政按每台15万元补贴。"}, format="json")
    assert r.status_code == 200, r.json()
    assert r.json()["state"] == "submitted" and r.json()["content"] == "补充：建议财政按每台15万元补贴。"
