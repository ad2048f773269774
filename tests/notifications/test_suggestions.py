"""Deputy-workspace events reach the people they concern: invited
co-signers, the lead deputy when a co-signer answers, and the resident whose
opinion became a suggestion."""

import pytest
from django.core import mail

from accounts.models import Role
from notifications.models import Message, Notification
from notifications.services.sweep import sweep_run
from proposals.services.suggestions import suggestion_create, suggestion_respond
from tests.factories import DeputyFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cosigners():
    with_account = DeputyFactory(name="李附议", user=UserFactory(username="cosigner", role=Role.DEPUTY, email="li@example.cn"))
    without_account = DeputyFactory(name="赵附议", email="zhao@example.cn", phone="13755556666")
    return with_account, without_account


def suggest(world, cosigners, opinions=()):
    return suggestion_create(
        user=world.deputy_user,
        title="关于加快老旧小区加装电梯的建议",
        content="多个小区居民反映上下楼困难。",
        category_id=None,
        opinion_ids=[o.pk for o in opinions],
        cosigner_ids=[d.pk for d in cosigners],
    )


def test_invited_cosigners_are_told_in_app_and_by_email_with_a_link_to_the_suggestion(world, cosigners, sms_outbox):
    suggestion = suggest(world, cosigners)
    mail.outbox.clear()
    sweep_run()
    with_account, without_account = cosigners
    [note] = Notification.objects.filter(user=with_account.user)
    assert note.title == "王代表代表邀请您联名附议代表建议：关于加快老旧小区加装电梯的建议"
    assert note.url == f"/deputy/cases/{suggestion.pk}/"
    invited = [m for m in mail.outbox if "邀请您联名附议" in m.subject]
    assert sorted(m.to[0] for m in invited) == ["li@example.cn", "zhao@example.cn"]
    assert all(f"/deputy/cases/{suggestion.pk}/" in m.body for m in invited)
    # The lead deputy is not invited to co-sign their own suggestion; no SMS for an invitation.
    assert not Notification.objects.filter(user=world.deputy_user, title__contains="邀请您").exists()
    assert sms_outbox == []


def test_lead_deputy_learns_when_a_cosigner_accepts_or_declines(world, cosigners):
    suggestion = suggest(world, cosigners)
    sweep_run()
    accepting = cosigners[0]
    declining = UserFactory(username="declining", role=Role.DEPUTY)
    declining_deputy = DeputyFactory(name="孙附议", user=declining)
    from proposals.models import CaseSigner

    CaseSigner.objects.create(case=suggestion, deputy=declining_deputy, role="cosigner", status="invited")
    suggestion_respond(case_id=suggestion.pk, user=accepting.user, accept=True)
    suggestion_respond(case_id=suggestion.pk, user=declining, accept=False)
    suggestion_respond(case_id=suggestion.pk, user=accepting.user, accept=True)  # a double tap: no second event
    sweep_run()
    titles = sorted(Notification.objects.filter(user=world.deputy_user, title__contains="附议").values_list("title", flat=True))
    assert titles == [
        "孙附议代表谢绝附议：关于加快老旧小区加装电梯的建议",
        "李附议代表已同意附议：关于加快老旧小区加装电梯的建议",
    ]
    assert not Notification.objects.filter(user=accepting.user, title__contains="同意附议").exists()


def test_resident_is_told_by_sms_that_the_opinion_became_the_deputys_suggestion(world, cosigners, sms_outbox, settings):
    settings.PORTAL_PUBLIC_BASE_URL = "https://rd.example.cn"
    opinion = world.case(title="小区没有电梯")
    without_phone = world.case(title="楼道灯坏了", phone="")
    sweep_run()
    sms_outbox.clear()
    suggest(world, [], opinions=[opinion, without_phone])
    sweep_run()
    [sms] = sms_outbox
    assert sms["phone"] == "13812341234"
    assert sms["text"] == (
        f"您反映的问题（查询码{opinion.tracking_code_display}）已被王代表代表采纳形成代表建议，"
        f"查看进度：https://rd.example.cn/track/?code={opinion.tracking_code}"
    )
    # The number stays encrypted on the case; the outbox keeps no clear copy.
    message = Message.objects.get(kind="opinion_taken_into_suggestion")
    assert message.to_resident and message.address == "" and message.case_id == opinion.pk
    assert not Message.objects.filter(kind="opinion_taken_into_suggestion", case=without_phone).exists()
