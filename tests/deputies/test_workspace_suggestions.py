"""Turning residents' opinions into a deputy suggestion: suggestion_create,
co-signers' answers (suggestion_respond), the workspace form, and what the
resident then sees on /track/."""

import pytest
from django.urls import reverse

from proposals.models import Case, CaseEvent, CaseKind, CaseSigner, CaseState, Channel, SignerRole, SignerStatus
from proposals.services import actions
from proposals.services.suggestions import (
    MSG_ALREADY_RESPONDED,
    MSG_NO_INVITATION,
    MSG_NOT_A_DEPUTY,
    suggestion_create,
    suggestion_respond,
)
from proposals.workflow import WorkflowError
from tests.factories import category

pytestmark = pytest.mark.django_db


def create(ws, **kwargs):
    kwargs.setdefault("title", "关于改善老旧小区照明的建议")
    kwargs.setdefault("content", "多个小区路灯损坏，建议统一排查更换。")
    kwargs.setdefault("category_id", category("urban").pk)
    return suggestion_create(user=kwargs.pop("user", ws.deputy_user), **kwargs)


def test_suggestion_from_two_opinions_links_them_and_records_events(ws):
    a = ws.opinion(addressed_deputy=ws.deputy, title="一号楼路灯坏")
    b = ws.opinion(responsible_deputy=ws.deputy, title="二号楼路灯坏")
    suggestion = create(ws, opinion_ids=[a.pk, b.pk], cosigner_ids=[ws.other_deputy.pk, ws.third_deputy.pk])

    assert (suggestion.kind, suggestion.channel, suggestion.state) == (CaseKind.SUGGESTION, Channel.DEPUTY, CaseState.SUBMITTED)
    assert suggestion.responsible_deputy == ws.deputy
    assert suggestion.region == ws.deputy.home_region
    assert suggestion.station == ws.station  # both opinions came from the same station
    assert set(suggestion.source_opinions.values_list("pk", flat=True)) == {a.pk, b.pk}
    signers = {s.deputy_id: (s.role, s.status) for s in CaseSigner.objects.filter(case=suggestion)}
    assert signers == {
        ws.deputy.pk: (SignerRole.LEAD, SignerStatus.ACCEPTED),
        ws.other_deputy.pk: (SignerRole.COSIGNER, SignerStatus.INVITED),
        ws.third_deputy.pk: (SignerRole.COSIGNER, SignerStatus.INVITED),
    }
    for opinion in (a, b):
        event = CaseEvent.objects.get(case=opinion, action="taken_into_suggestion")
        assert event.data["suggestion_id"] == suggestion.pk
        assert event.actor == ws.deputy_user
        assert event.actor_label == "王丽华（代表）"
    assert CaseEvent.objects.filter(case=suggestion, action="submit").exists()
    assert CaseEvent.objects.filter(case=suggestion, action="cosigners_invited").exists()


def test_suggestion_cannot_take_another_deputys_opinion_or_one_already_taken(ws):
    others = ws.opinion(responsible_deputy=ws.other_deputy)
    with pytest.raises(WorkflowError) as exc:
        create(ws, opinion_ids=[others.pk])
    assert str(others.pk) in str(exc.value)
    mine = ws.opinion(responsible_deputy=ws.deputy)
    create(ws, opinion_ids=[mine.pk])
    with pytest.raises(WorkflowError):
        create(ws, opinion_ids=[mine.pk])
    assert Case.objects.filter(kind=CaseKind.SUGGESTION).count() == 1


def test_rejected_opinion_cannot_become_a_suggestion(ws):
    spam = ws.opinion(responsible_deputy=ws.deputy)
    actions.case_reject(case_id=spam.pk, user=ws.staff, reason="广告")
    with pytest.raises(WorkflowError):
        create(ws, opinion_ids=[spam.pk])


def test_only_deputies_write_suggestions_and_title_and_content_are_required(ws):
    with pytest.raises(WorkflowError) as exc:
        create(ws, user=ws.plain_user)
    assert str(exc.value) == str(MSG_NOT_A_DEPUTY)
    with pytest.raises(WorkflowError):
        create(ws, title="  ")
    with pytest.raises(WorkflowError):
        create(ws, content="")
    with pytest.raises(WorkflowError):
        create(ws, cosigner_ids=[999999])
    assert not Case.objects.filter(kind=CaseKind.SUGGESTION).exists()


def test_the_same_submission_key_creates_one_suggestion(ws):
    first = create(ws, submission_key="k-1")
    second = create(ws, submission_key="k-1")
    assert first.pk == second.pk
    assert CaseSigner.objects.filter(case=first).count() == 1


def test_cosigner_accepts_once_and_repeat_is_a_noop(ws):
    suggestion = create(ws, cosigner_ids=[ws.other_deputy.pk])
    suggestion_respond(case_id=suggestion.pk, user=ws.other_user, accept=True)
    suggestion_respond(case_id=suggestion.pk, user=ws.other_user, accept=True)
    assert CaseSigner.objects.get(case=suggestion, deputy=ws.other_deputy).status == SignerStatus.ACCEPTED
    assert CaseEvent.objects.filter(case=suggestion, action="cosign_accepted").count() == 1
    with pytest.raises(WorkflowError) as exc:
        suggestion_respond(case_id=suggestion.pk, user=ws.other_user, accept=False)
    assert str(exc.value) == str(MSG_ALREADY_RESPONDED % {"status": "已同意"})


def test_uninvited_deputy_and_the_lead_cannot_respond(ws):
    suggestion = create(ws)
    for user in (ws.other_user, ws.deputy_user):
        with pytest.raises(WorkflowError) as exc:
            suggestion_respond(case_id=suggestion.pk, user=user, accept=True)
        assert str(exc.value) == str(MSG_NO_INVITATION)


def test_workspace_form_preselects_opinions_and_submits_the_suggestion(deputy_client, ws):
    a = ws.opinion(addressed_deputy=ws.deputy, title="菜市场占道经营")
    b = ws.opinion(addressed_deputy=ws.deputy, title="菜市场噪音扰民")
    url = reverse("deputy_workspace:suggestion_new")
    page = deputy_client.get(url, {"opinions": [a.pk, b.pk, "junk"]})
    assert page.status_code == 200
    assert set(page.context["form"].initial["opinions"]) == {a.pk, b.pk}
    body = page.content.decode()
    assert "菜市场占道经营" in body and ws.third_deputy.name in body  # a deputy of the same station may co-sign
    key = page.context["form"].initial["submission_key"]
    data = {
        "title": "关于规范菜市场管理的建议",
        "content": "建议划定临时摊位区域。",
        "category": category("urban").pk,
        "opinions": [a.pk, b.pk],
        "cosigners": [ws.third_deputy.pk],
        "submission_key": key,
    }
    response = deputy_client.post(url, data)
    suggestion = Case.objects.get(kind=CaseKind.SUGGESTION)
    assert response.status_code == 302 and response["Location"] == reverse("deputy_workspace:case", args=[suggestion.pk])
    assert deputy_client.post(url, data).status_code == 302  # a double submit
    assert Case.objects.filter(kind=CaseKind.SUGGESTION).count() == 1
    page = deputy_client.get(response["Location"]).content.decode()
    assert "菜市场噪音扰民" in page and ws.third_deputy.name in page


def test_workspace_form_shows_errors_without_losing_input(deputy_client, ws):
    url = reverse("deputy_workspace:suggestion_new")
    response = deputy_client.post(url, {"title": "", "content": "我写的内容", "opinions": [123456]})
    assert response.status_code == 400
    body = response.content.decode()
    assert "我写的内容" in body
    assert "errorlist" in body


def test_resident_sees_on_track_that_the_opinion_became_a_suggestion(client, ws):
    opinion = ws.opinion(addressed_deputy=ws.deputy, phone="13800001234")
    suggestion = create(ws, opinion_ids=[opinion.pk], title="关于增设夜间照明的建议")
    response = client.post(reverse("intake:track"), {"code": opinion.tracking_code, "digits": "1234"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "人大代表已把您的意见写进了代表建议" in body
    assert suggestion.title in body


def test_opinion_page_names_the_suggestion_it_became(deputy_client, client, ws):
    opinion = ws.opinion(responsible_deputy=ws.deputy, addressed_deputy=ws.other_deputy)
    suggestion = create(ws, opinion_ids=[opinion.pk], title="关于增设夜间照明的建议")
    body = deputy_client.get(reverse("deputy_workspace:case", args=[opinion.pk])).content.decode()
    assert reverse("deputy_workspace:case", args=[suggestion.pk]) in body and suggestion.title in body
    client.force_login(ws.other_user)  # sees the opinion, not the other deputy's suggestion
    other = client.get(reverse("deputy_workspace:case", args=[opinion.pk])).content.decode()
    assert suggestion.title in other
    assert reverse("deputy_workspace:case", args=[suggestion.pk]) not in other


def test_submission_key_with_a_nul_byte_is_a_form_error_not_a_server_error(deputy_client, ws):
    url = reverse("deputy_workspace:suggestion_new")
    response = deputy_client.post(url, {"title": "关于路灯的建议", "content": "我写的内容", "submission_key": "abc\x00def"})
    assert response.status_code == 400
    assert "我写的内容" in response.content.decode()
    assert not Case.objects.filter(kind=CaseKind.SUGGESTION).exists()


def test_form_offers_the_chosen_and_the_newest_opinions_not_the_whole_history(deputy_client, ws, monkeypatch):
    from workspaces.deputy.forms import SuggestionForm

    monkeypatch.setattr(SuggestionForm, "RECENT_OPINIONS", 3)
    old = ws.opinion(addressed_deputy=ws.deputy, title="很早以前的路灯问题")
    recent = [ws.opinion(addressed_deputy=ws.deputy, title=f"最近的意见{i}") for i in range(5)]
    url = reverse("deputy_workspace:suggestion_new")
    body = deputy_client.get(url).content.decode()
    assert body.count('name="opinions"') == 3 and "最近的意见4" in body and "很早以前的路灯问题" not in body
    # Chosen in "my cases", an old opinion is offered (checked) too.
    body = deputy_client.get(url, {"opinions": [old.pk]}).content.decode()
    assert body.count('name="opinions"') == 4 and "很早以前的路灯问题" in body
    # And any eligible opinion is accepted, offered or not.
    response = deputy_client.post(
        url, {"title": "关于路灯的建议", "content": "建议统一更换。", "opinions": [old.pk, recent[0].pk], "submission_key": "k1"}
    )
    assert response.status_code == 302
    suggestion = Case.objects.get(kind=CaseKind.SUGGESTION)
    assert set(Case.objects.filter(suggestion=suggestion).values_list("pk", flat=True)) == {old.pk, recent[0].pk}
