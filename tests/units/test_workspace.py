"""The handling unit's workspace at /unit/."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from proposals.models import Case, CaseState, ContactRecord, PhoneRevealLog, Reply
from proposals.services import actions
from tests.proposals.builders import case_in_state

pytestmark = pytest.mark.django_db


def url(name, case):
    return reverse(f"unit:{name}", args=[case.pk])


@pytest.fixture
def unit_client(client, world):
    client.force_login(world.unit_a_user)
    return client


def test_anonymous_users_are_sent_to_login(client, world):
    case = case_in_state(world, CaseState.ASSIGNED)
    for target in (reverse("unit:home"), url("case", case)):
        response = client.get(target)
        assert response.status_code == 302 and reverse("login") in response.url
    response = client.post(url("start", case))
    assert response.status_code == 302 and reverse("login") in response.url
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED


def test_list_shows_only_the_units_cases_with_counts(unit_client, world):
    mine = case_in_state(world, CaseState.ASSIGNED)
    mine2 = case_in_state(world, CaseState.IN_HANDLING)
    other = case_in_state(world, CaseState.ACCEPTED)
    actions.case_assign(case_id=other.pk, user=world.staff, lead_unit_id=world.unit_b.pk)
    unassigned = world.opinion()
    response = unit_client.get(reverse("unit:home"))
    shown = {c.pk for c in response.context["page"]}
    assert shown == {mine.pk, mine2.pk}
    assert other.pk not in shown and unassigned.pk not in shown
    counts = response.context["counts"]
    assert counts["to_sign"] == 1 and counts["in_handling"] == 1 and counts["overdue"] == 0


def test_list_filters_by_state_and_overdue(unit_client, world):
    late = case_in_state(world, CaseState.IN_HANDLING)
    Case.objects.filter(pk=late.pk).update(deadline=dt.date(2024, 1, 2))
    fresh = case_in_state(world, CaseState.ASSIGNED)
    response = unit_client.get(reverse("unit:home"), {"overdue": "yes"})
    assert [c.pk for c in response.context["page"]] == [late.pk]
    assert response.context["counts"]["overdue"] == 1
    response = unit_client.get(reverse("unit:home"), {"state": "assigned"})
    assert [c.pk for c in response.context["page"]] == [fresh.pk]
    response = unit_client.get(reverse("unit:home"), {"state": "bogus"})
    assert response.status_code == 200


def test_list_query_count_is_constant(unit_client, world, django_assert_num_queries):
    for _ in range(2):
        case_in_state(world, CaseState.IN_HANDLING)
    with django_assert_num_queries(7):
        unit_client.get(reverse("unit:home"))
    for _ in range(4):
        case_in_state(world, CaseState.ASSIGNED)
    with django_assert_num_queries(7):
        response = unit_client.get(reverse("unit:home"))
    assert len(response.context["page"]) == 6


def test_case_page_query_count_is_constant(unit_client, world, django_assert_num_queries):
    # session, user, the case (related rows and actor flags), assignments,
    # timeline, records (one UNION), notification badge, reply classes (was 14).
    case = case_in_state(world, CaseState.IN_HANDLING)
    with django_assert_num_queries(8):
        unit_client.get(url("case", case))
    for i in range(3):
        actions.case_add_contact(
            case_id=case.pk, user=world.unit_a_user, contact_date=dt.date(2025, 1, 2), way="phone", party="resident", summary=f"第{i}次"
        )
    with django_assert_num_queries(8):
        response = unit_client.get(url("case", case))
    assert response.content.decode().count("第") >= 3


def test_another_units_case_is_404_for_every_page_and_action(client, world):
    case = case_in_state(world, CaseState.IN_HANDLING)  # lead unit A
    client.force_login(world.unit_b_user)
    assert client.get(url("case", case)).status_code == 404
    for name, data in (
        ("start", {}),
        ("dispute", {"reason": "x"}),
        ("contact", {"contact_date": "2025-01-02", "way": "phone", "party": "resident", "summary": "x"}),
        ("reply", {"text": "已办", "reply_class": "A"}),
        ("reveal_phone", {}),
    ):
        assert client.post(url(name, case), data).status_code == 404, name
    case.refresh_from_db()
    assert case.state == CaseState.IN_HANDLING
    assert not Reply.objects.filter(case=case).exists() and not ContactRecord.objects.exists()
    assert not PhoneRevealLog.objects.exists()


def test_sign_for_the_case_then_reply_with_a_signed_file(unit_client, world):
    case = case_in_state(world, CaseState.ASSIGNED)
    page = unit_client.get(url("case", case)).content.decode()
    assert "签收办理" in page and "提出交办异议" in page
    response = unit_client.post(url("start", case), {"expected_state": "assigned"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.IN_HANDLING
    page = unit_client.get(url("case", case)).content.decode()
    for code in ("A", "B", "C"):
        assert f'value="{code}"' in page
    scan = SimpleUploadedFile("答复.pdf", b"%PDF-1.7 signed reply", content_type="application/pdf")
    response = unit_client.post(
        url("reply", case), {"text": "已完成维修。", "reply_class": "A", "signed_file": scan, "expected_state": "in_handling"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED
    assert Reply.objects.get(case=case).signed_file


def test_reply_rejects_a_wrong_file_type_with_a_message(unit_client, world):
    case = case_in_state(world, CaseState.IN_HANDLING)
    bad = SimpleUploadedFile("reply.exe", b"MZ\x90", content_type="application/octet-stream")
    response = unit_client.post(url("reply", case), {"text": "已办", "reply_class": "A", "signed_file": bad})
    assert response.status_code == 400
    assert "PDF" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_HANDLING


def test_inactive_reply_class_is_not_offered(unit_client, world):
    from proposals.models import ReplyClass

    ReplyClass.objects.filter(code="C").update(is_active=False)
    case = case_in_state(world, CaseState.IN_HANDLING)
    page = unit_client.get(url("case", case)).content.decode()
    assert 'value="C"' not in page
    response = unit_client.post(url("reply", case), {"text": "已办", "reply_class": "C"})
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.state == CaseState.IN_HANDLING


def test_dispute_within_the_window(unit_client, world):
    case = case_in_state(world, CaseState.ASSIGNED)
    response = unit_client.post(url("dispute", case), {"reason": ""})
    assert response.status_code == 400
    response = unit_client.post(url("dispute", case), {"reason": "该路段由城管局负责"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.DISPUTED


def test_dispute_after_the_window_is_refused_with_a_message(unit_client, world):
    case = case_in_state(world, CaseState.ASSIGNED)
    case.assignments.filter(role="lead").update(dispute_until=dt.date(2024, 1, 1))
    page = unit_client.get(url("case", case)).content.decode()
    assert "提出交办异议" not in page
    response = unit_client.post(url("dispute", case), {"reason": "不归我们"}, follow=True)
    assert any("异议期已过" in str(m) for m in response.context["messages"])
    case.refresh_from_db()
    assert case.state == CaseState.ASSIGNED


def test_contact_records_three_meetings(unit_client, world):
    case = case_in_state(world, CaseState.IN_HANDLING)
    response = unit_client.post(
        url("contact", case), {"contact_date": "2025-03-04", "way": "visit", "party": "deputy", "summary": "与代表现场面商"}
    )
    assert response.status_code == 302
    record = ContactRecord.objects.get(case=case)
    assert (record.way, record.party, record.unit) == ("visit", "deputy", world.unit_a)
    future = (dt.date.today() + dt.timedelta(days=5)).isoformat()
    response = unit_client.post(url("contact", case), {"contact_date": future, "way": "visit", "party": "deputy", "summary": "x"})
    assert response.status_code == 400


def test_co_unit_sees_the_case_and_adds_contacts_but_cannot_reply(client, world):
    case = world.opinion()
    actions.case_accept(case_id=case.pk, user=world.staff)
    actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk, co_unit_ids=[world.unit_c.pk])
    actions.case_start_handling(case_id=case.pk, user=world.unit_a_user)
    client.force_login(world.unit_c_user)
    page = client.get(url("case", case)).content.decode()
    assert "提交答复" not in page and "显示完整号码" not in page
    assert "138****1234" in page and "13812341234" not in page
    response = client.post(
        url("contact", case), {"contact_date": "2025-03-04", "way": "phone", "party": "unit", "summary": "与主办单位会商"}
    )
    assert response.status_code == 302
    assert ContactRecord.objects.get(case=case).unit == world.unit_c
    response = client.post(url("reply", case), {"text": "会办意见", "reply_class": "A"})
    assert response.status_code == 400 and "无权" in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_HANDLING
    assert client.post(url("reveal_phone", case), follow=True).status_code == 200
    assert not PhoneRevealLog.objects.exists()


def test_phone_is_masked_and_reveal_is_logged(unit_client, world):
    case = case_in_state(world, CaseState.IN_HANDLING)
    page = unit_client.get(url("case", case)).content.decode()
    assert "138****1234" in page and "13812341234" not in page
    response = unit_client.post(url("reveal_phone", case))
    assert "13812341234" in response.content.decode()
    assert PhoneRevealLog.objects.get().user == world.unit_a_user


def test_a_unit_loses_the_case_when_reassigned(unit_client, world):
    case = case_in_state(world, CaseState.DISPUTED)
    actions.case_reassign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_b.pk, reason="调整")
    assert unit_client.get(url("case", case)).status_code == 404


def test_a_user_in_no_unit_sees_only_the_message_not_an_empty_workspace(client, world):
    client.force_login(world.deputy_user)
    response = client.get(reverse("unit:home"))
    assert response.status_code == 403
    page = response.content.decode()
    assert "尚未加入任何承办单位" in page
    assert "待签收" not in page and "case-table" not in page and "筛选" not in page


def test_reply_class_is_an_explicit_choice(unit_client, world):
    from proposals.forms import MSG_REPLY_CLASS
    from proposals.models import CaseState
    from tests.proposals.builders import case_in_state

    case = case_in_state(world, CaseState.IN_HANDLING)
    page = unit_client.get(f"/unit/cases/{case.pk}/").content.decode()
    select = page[page.index('name="reply_class"') : page.index("</select>", page.index('name="reply_class"'))]
    assert "selected" not in select.split("</option>", 1)[1]  # no class is preselected
    assert '<option value="" selected>' in select
    response = unit_client.post(f"/unit/cases/{case.pk}/reply/", {"text": "已处理。"})
    assert response.status_code == 400 and str(MSG_REPLY_CLASS) in response.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.IN_HANDLING
