"""My cases and the case page: what a deputy sees, what waits for them, the
resident's contact (only for the responsible deputy, reveals logged), notes,
contact records, supervision requests and rating replies."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from proposals.models import (
    Case,
    CaseEvent,
    CaseSigner,
    CaseState,
    ContactRecord,
    Feedback,
    PhoneRevealLog,
    Rating,
    SignerRole,
    SignerStatus,
)
from proposals.services import actions
from tests.deputies.conftest import badge_query_cost
from tests.proposals.builders import case_in_state

pytestmark = pytest.mark.django_db

HOME = "deputy_workspace:home"


def case_url(case, name="case"):
    return reverse(f"deputy_workspace:{name}", args=[case.pk])


def invite(ws, suggestion, deputy, status=SignerStatus.INVITED):
    return CaseSigner.objects.create(case=suggestion, deputy=deputy, role=SignerRole.COSIGNER, status=status)


def titles(response):
    return {c.title for c in response.context["cases"]}


# --- My cases ---------------------------------------------------------------------------------


def test_my_cases_lists_responsible_addressed_led_and_cosigned_cases_but_not_declined_or_others(deputy_client, ws):
    ws.opinion(title="我是责任代表", responsible_deputy=ws.deputy)
    ws.opinion(title="扫码给我留言", addressed_deputy=ws.deputy)
    ws.suggestion(title="我领衔的建议")
    other_suggestion = ws.suggestion(title="别人领衔我附议", responsible_deputy=ws.other_deputy)
    CaseSigner.objects.filter(case=other_suggestion, deputy=ws.deputy).update(deputy=ws.other_deputy)
    invite(ws, other_suggestion, ws.deputy, SignerStatus.ACCEPTED)
    declined = ws.suggestion(title="我谢绝的建议", responsible_deputy=ws.other_deputy)
    CaseSigner.objects.filter(case=declined, deputy=ws.deputy).update(deputy=ws.other_deputy)
    invite(ws, declined, ws.deputy, SignerStatus.DECLINED)
    ws.opinion(title="别人的案件", responsible_deputy=ws.other_deputy)

    response = deputy_client.get(reverse(HOME))
    assert response.status_code == 200
    assert titles(response) == {"我是责任代表", "扫码给我留言", "我领衔的建议", "别人领衔我附议"}
    body = response.content.decode()
    assert "责任代表" in body and "给我的留言" in body and "领衔代表" in body and "附议代表" in body


def test_action_counts_show_replies_to_rate_invitations_and_new_opinions(deputy_client, ws):
    case_in_state(ws, CaseState.REPLIED)
    case_in_state(ws, CaseState.REPLIED)
    ws.opinion(addressed_deputy=ws.deputy)
    accepted_opinion = ws.opinion(addressed_deputy=ws.deputy)
    actions.case_accept(case_id=accepted_opinion.pk, user=ws.staff)  # reviewed: no longer new
    other = ws.suggestion(responsible_deputy=ws.other_deputy)
    CaseSigner.objects.filter(case=other, deputy=ws.deputy).update(deputy=ws.other_deputy)
    invite(ws, other, ws.deputy)

    counts = deputy_client.get(reverse(HOME)).context["counts"]
    assert (counts.to_rate, counts.invitations, counts.new_opinions) == (2, 1, 1)
    assert counts.total == 4

    for role, n in (("to_rate", 2), ("invited", 1), ("new", 1)):
        assert len(deputy_client.get(reverse(HOME), {"role": role}).context["cases"]) == n, role
    action_list = deputy_client.get(reverse(HOME), {"role": "action"})
    assert len(action_list.context["cases"]) == 4
    assert {c.needs_action for c in action_list.context["cases"]} == {"待测评答复", "待回复附议邀请", "新留言"}


def test_filters_by_state_station_and_overdue(deputy_client, ws):
    from stations.models import StationMembership

    StationMembership.objects.create(station=ws.station2, deputy=ws.deputy)
    assigned = case_in_state(ws, CaseState.ASSIGNED, title="已交办的")
    ws.opinion(title="另一站点的", station=ws.station2, responsible_deputy=ws.deputy)
    Case.objects.filter(pk=assigned.pk).update(deadline=timezone.localdate() - dt.timedelta(days=2))
    ws.opinion(title="未超期的", responsible_deputy=ws.deputy)

    assert titles(deputy_client.get(reverse(HOME), {"state": "assigned"})) == {"已交办的"}
    assert titles(deputy_client.get(reverse(HOME), {"station": ws.station2.pk})) == {"另一站点的"}
    overdue = deputy_client.get(reverse(HOME), {"overdue": "on"})
    assert titles(overdue) == {"已交办的"}
    assert overdue.context["counts"].overdue == 1
    assert "超期" in overdue.content.decode()
    found = deputy_client.get(reverse(HOME), {"q": assigned.tracking_code_display.lower()})
    assert titles(found) == {"已交办的"}
    assert titles(deputy_client.get(reverse(HOME), {"q": "站点"})) == {"另一站点的"}
    # Nonsense filter values are ignored, not an error page.
    assert deputy_client.get(reverse(HOME), {"state": "bogus", "station": "x", "page": "zz"}).status_code == 200


def test_my_cases_query_count_does_not_grow_with_rows(deputy_client, ws, django_assert_num_queries):
    def add_rows(n):
        for i in range(n):
            ws.opinion(title=f"路灯{i}", responsible_deputy=ws.deputy)
            ws.opinion(title=f"留言{i}", addressed_deputy=ws.deputy)
            s = ws.suggestion(title=f"建议{i}")
            invite(ws, s, ws.third_deputy)

    add_rows(2)
    deputy_client.get(reverse(HOME))  # warm the session
    extra = badge_query_cost(ws.deputy_user)
    # session, user, deputy, station choices, count, page, action counts
    with django_assert_num_queries(7 + extra):
        deputy_client.get(reverse(HOME))
    add_rows(6)
    with django_assert_num_queries(7 + extra):
        response = deputy_client.get(reverse(HOME), {"state": "open", "overdue": ""})
    assert response.context["page"].paginator.count == 24
    assert len(response.context["cases"]) == 20  # a full first page


# --- The case page -----------------------------------------------------------------------------


def test_case_page_query_count_is_fixed(deputy_client, ws, django_assert_num_queries):
    case = case_in_state(ws, CaseState.REPLIED)
    # session, user, deputy, case (with category, station, deputy), replies,
    # feedbacks, signers, timeline, contacts, notes, supervision, photos, units
    deputy_client.get(case_url(case))
    extra = badge_query_cost(ws.deputy_user)

    def measure():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert deputy_client.get(case_url(case)).status_code == 200
        return len(ctx.captured_queries)

    baseline = measure()
    for i in range(5):
        actions.case_add_note(case_id=case.pk, user=ws.deputy_user, text=f"备注{i}")
        actions.case_add_contact(
            case_id=case.pk, user=ws.unit_a_user, contact_date=timezone.localdate(), way="phone", party="resident", summary=f"电话{i}"
        )
        actions.case_supervise(case_id=case.pk, user=ws.staff, level="ordinary", kind="notice", date=timezone.localdate(), summary=f"督{i}")
    with django_assert_num_queries(baseline):
        deputy_client.get(case_url(case))
    assert baseline == 13 + extra


def test_case_page_shows_timeline_request_and_reply(deputy_client, ws):
    case = case_in_state(ws, CaseState.REPLIED, title="小区路灯坏了")
    body = deputy_client.get(case_url(case)).content.decode()
    assert "小区路灯坏了" in body
    assert "晚上出行不便" in body  # the resident's request
    assert "已交办" in body and "已答复" in body  # timeline
    assert "经现场查看，已安排维修" in body  # the reply
    assert "对答复进行满意度测评" in body


def test_contact_shown_only_to_responsible_deputy_and_masked(deputy_client, client, ws):
    case = ws.opinion(responsible_deputy=ws.deputy, addressed_deputy=ws.other_deputy, resident_name="赵大妈", phone="13812345678")
    body = deputy_client.get(case_url(case)).content.decode()
    assert "赵大妈" in body and "138****5678" in body
    assert "13812345678" not in body
    client.force_login(ws.other_user)  # addressed, but not responsible
    other_body = client.get(case_url(case)).content.decode()
    # (not a bare "5678": a timestamp's microseconds may contain it)
    assert "赵大妈" not in other_body and "138****5678" not in other_body and "13812345678" not in other_body
    assert "群众联系方式仅向责任代表显示" in other_body


def test_phone_reveal_is_a_logged_post_for_the_responsible_deputy_only(deputy_client, client, ws):
    case = ws.opinion(responsible_deputy=ws.deputy, addressed_deputy=ws.other_deputy, phone="13812345678")
    assert deputy_client.get(case_url(case, "case_phone")).status_code == 405
    response = deputy_client.post(case_url(case, "case_phone"), {"reason": "电话回访"})
    assert response.status_code == 200
    assert "13812345678" in response.content.decode()
    assert "no-cache" in response["Cache-Control"] or "no-store" in response["Cache-Control"]
    log = PhoneRevealLog.objects.get()
    assert (log.case_id, log.user_id, log.reason) == (case.pk, ws.deputy_user.pk, "电话回访")

    client.force_login(ws.other_user)
    refused = client.post(case_url(case, "case_phone"), follow=True)
    assert "只有责任代表可以查看群众的完整电话号码" in refused.content.decode()
    assert "13812345678" not in refused.content.decode()
    assert PhoneRevealLog.objects.count() == 1


def test_deputy_adds_a_note_and_empty_note_is_refused(deputy_client, ws):
    case = ws.opinion(responsible_deputy=ws.deputy)
    response = deputy_client.post(case_url(case, "case_note"), {"text": "已电话联系群众，周五现场查看。"})
    assert response.status_code == 302 and response["Location"].endswith("#notes")
    assert case.notes.get().author == ws.deputy_user
    bad = deputy_client.post(case_url(case, "case_note"), {"text": "  "})
    assert bad.status_code == 400
    assert "这个字段是必填项" in bad.content.decode() or "必填" in bad.content.decode()
    assert case.notes.count() == 1


def test_deputy_adds_a_contact_record_on_an_assigned_case(deputy_client, ws):
    case = case_in_state(ws, CaseState.IN_HANDLING)
    today = timezone.localdate().isoformat()
    data = {"contact_date": today, "way": "visit", "party": "resident", "summary": "与群众一起现场查看路灯"}
    response = deputy_client.post(case_url(case, "case_contact"), data)
    assert response.status_code == 302
    record = ContactRecord.objects.get(case=case)
    assert (record.author, record.way, record.party) == (ws.deputy_user, "visit", "resident")
    assert CaseEvent.objects.filter(case=case, action="contact").exists()


def test_contact_record_in_the_future_or_before_assignment_is_refused_with_a_message(deputy_client, ws):
    case = case_in_state(ws, CaseState.IN_HANDLING)
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad = deputy_client.post(case_url(case, "case_contact"), {"contact_date": future, "way": "phone", "party": "resident", "summary": "x"})
    assert bad.status_code == 400 and "日期不能晚于今天" in bad.content.decode()
    submitted = ws.opinion(responsible_deputy=ws.deputy)
    today = timezone.localdate().isoformat()
    refused = deputy_client.post(
        case_url(submitted, "case_contact"), {"contact_date": today, "way": "phone", "party": "resident", "summary": "x"}
    )
    assert refused.status_code == 400 and "不能执行" in refused.content.decode()
    assert not ContactRecord.objects.exists()


def test_deputy_asks_staff_for_supervision(deputy_client, ws):
    case = case_in_state(ws, CaseState.IN_HANDLING)
    response = deputy_client.post(case_url(case, "case_supervision"), {"reason": "办理进度缓慢，群众多次反映"})
    assert response.status_code == 302
    event = CaseEvent.objects.get(case=case, action="request_supervision")
    assert event.actor == ws.deputy_user and "办理进度缓慢" in event.reason


def test_deputy_rates_a_reply_satisfied(deputy_client, ws):
    case = case_in_state(ws, CaseState.REPLIED)
    response = deputy_client.post(
        case_url(case, "case_feedback"), {"rating": "satisfied", "attitude_rating": "satisfied", "result_rating": "basic"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.EVALUATED
    fb = Feedback.objects.get(case=case)
    assert (fb.rater, fb.deputy, fb.rating, fb.result_rating) == ("deputy", ws.deputy, Rating.SATISFIED, Rating.BASIC)


def test_unsatisfied_rating_needs_reasons_and_sends_case_back(deputy_client, ws):
    case = case_in_state(ws, CaseState.REPLIED)
    bad = deputy_client.post(case_url(case, "case_feedback"), {"rating": "unsatisfied", "comment": ""})
    assert bad.status_code == 400
    assert "请写明理由" in bad.content.decode()
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED
    ok = deputy_client.post(case_url(case, "case_feedback"), {"rating": "unsatisfied", "comment": "路灯仍未修好"})
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REHANDLING


def test_rating_twice_or_by_a_non_responsible_deputy_is_refused(deputy_client, client, ws):
    case = case_in_state(ws, CaseState.REPLIED, addressed_deputy=ws.other_deputy)
    deputy_client.post(case_url(case, "case_feedback"), {"rating": "satisfied"})
    again = deputy_client.post(case_url(case, "case_feedback"), {"rating": "basic"})
    assert again.status_code == 400
    client.force_login(ws.other_user)
    page = client.get(case_url(case)).content.decode()
    assert "对答复进行满意度测评" not in page
    assert Feedback.objects.count() == 1


def test_cosigner_accepts_then_decline_is_refused(client, ws):
    suggestion = ws.suggestion()
    invite(ws, suggestion, ws.other_deputy)
    client.force_login(ws.other_user)
    page = client.get(case_url(suggestion)).content.decode()
    assert "同意附议" in page
    client.post(case_url(suggestion, "case_cosign"), {"answer": "accept"})
    assert CaseSigner.objects.get(case=suggestion, deputy=ws.other_deputy).status == SignerStatus.ACCEPTED
    response = client.post(case_url(suggestion, "case_cosign"), {"answer": "decline"}, follow=True)
    assert "您已回复过该附议邀请" in response.content.decode()
    assert CaseSigner.objects.get(case=suggestion, deputy=ws.other_deputy).status == SignerStatus.ACCEPTED


def test_declining_cosigner_loses_access_to_the_suggestion(client, ws):
    suggestion = ws.suggestion()
    invite(ws, suggestion, ws.other_deputy)
    client.force_login(ws.other_user)
    response = client.post(case_url(suggestion, "case_cosign"), {"answer": "decline"})
    assert response.status_code == 302 and response["Location"] == reverse(HOME)
    assert client.get(case_url(suggestion)).status_code == 404


def test_lead_deputy_revises_and_resubmits_a_returned_suggestion(deputy_client, ws):
    suggestion = ws.suggestion(responsible_deputy=ws.deputy)
    actions.case_return(case_id=suggestion.pk, user=ws.staff, reason="请补充具体措施")
    page = deputy_client.get(case_url(suggestion)).content.decode()
    assert "修改后重新提出" in page
    response = deputy_client.post(case_url(suggestion, "case_resubmit"), {"title": "修改后的建议", "content": "补充了具体措施"})
    assert response.status_code == 302
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.title) == (CaseState.SUBMITTED, "修改后的建议")
