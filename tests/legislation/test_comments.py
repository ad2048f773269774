"""Public comments: the draft page and the station page, contact details
with consent and masking, duplicates, flood limits, moderation, tracking."""

import pytest
from django.urls import reverse

from accounts import crypto
from legislation import services
from legislation.models import Adoption, Channel, Comment, Moderation
from tests.legislation.conftest import article, comment

pytestmark = pytest.mark.django_db


def post(client, draft, station=None, **data):
    url = reverse("legislation:draft_station", args=[draft.pk, station.code]) if station else reverse("legislation:draft", args=[draft.pk])
    data.setdefault("submission_key", data.pop("key", "k-" + data.get("content", "")[:8]))
    return client.post(url, data)


def test_resident_comments_on_an_article_and_gets_a_tracking_code(client, draft):
    a3 = article(draft, "第十二条")
    response = post(client, draft, content="时速十五公里太低。", provision=str(a3.pk), name="王立新", phone="139 3456 1234", consent="on")
    assert response.status_code == 302
    c = Comment.objects.get()
    assert (c.provision, c.channel, c.station, c.original_label) == (a3, Channel.ONLINE, None, "第十二条")
    assert c.phone_masked == "139****1234" and "13934561234" not in c.phone_encrypted
    assert crypto.decrypt(c.phone_encrypted) == "13934561234"
    page = client.get(response["Location"]).content.decode()
    assert c.tracking_code_display in page and "13934561234" not in page and "王立新" not in page


def test_contact_without_consent_is_refused_and_what_was_typed_is_kept(client, draft):
    response = post(client, draft, content="我的意见很长很长", phone="13934561234")
    assert response.status_code == 400 and not Comment.objects.exists()
    page = response.content.decode()
    assert "请勾选“我同意”" in page and "我的意见很长很长" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"content": "  "}, "请填写意见内容"),
        ({"content": "意见", "phone": "12345"}, "手机号应为 11 位数字"),
        ({"content": "意见", "provision": "999999"}, "所选条文不属于"),
        ({"content": "意见", "provision": "abc"}, "所选条文不属于"),
        ({"content": "x" * 3001}, "最多 3000 个字"),
    ],
)
def test_bad_input_gets_a_chinese_message_not_a_500(client, draft, data, message):
    response = post(client, draft, **data)
    assert response.status_code == 400 or response.status_code == 200
    assert message in response.content.decode() and not Comment.objects.exists()


def test_a_passage_must_be_in_the_article(client, draft):
    a = article(draft, "第十二条")
    post(client, draft, content="不同意", provision=str(a.pk), quote="不存在的文字", key="q1")
    assert not Comment.objects.exists()
    post(client, draft, content="不同意", provision=str(a.pk), quote="最高时速不得超过十五公里", key="q2")
    assert Comment.objects.get().quote == "最高时速不得超过十五公里"


def test_a_double_submit_and_a_repeat_store_one_comment(client, draft):
    post(client, draft, content="建议增加充电桩。", key="same")
    post(client, draft, content="建议增加充电桩。", key="same")
    post(client, draft, content="建议增加充电桩！", key="other")  # same words, same device
    assert Comment.objects.count() == 1


def test_address_and_device_limits(client, draft, settings):
    settings.LEGISLATION_RATE_DEVICE = (2, 3600)
    assert post(client, draft, content="意见一").status_code == 302
    assert post(client, draft, content="意见二").status_code == 302
    response = post(client, draft, content="意见三")
    assert response.status_code == 429 and "太频繁" in response.content.decode()
    assert Comment.objects.count() == 2
    # Another device behind another address is not affected.
    other = client.__class__(REMOTE_ADDR="10.0.0.9")
    assert post(other, draft, content="意见四").status_code == 302


def test_abusive_text_waits_in_the_moderation_queue(client, draft, world):
    post(client, draft, content="写这条的人都是王八蛋")
    c = Comment.objects.get()
    assert c.moderation == Moderation.HELD
    page = client.get(reverse("legislation:draft", args=[draft.pk])).content.decode()
    assert "已收到意见 0 条" in page
    client.force_login(world["staff"])
    queue = client.get(reverse("legislation:moderation", args=[draft.pk])).content.decode()
    assert c.tracking_code_display in queue
    client.post(reverse("legislation:moderate", args=[c.pk]), {"decision": "reject"})
    c.refresh_from_db()
    assert c.moderation == Moderation.REJECTED


def test_too_many_links_are_held(draft):
    c = comment(draft, "看 http://a.example http://b.example http://c.example")
    assert c.moderation == Moderation.HELD


def test_honeypot_stores_nothing(client, draft):
    response = post(client, draft, content="广告", hp_note="bot")
    assert response.status_code == 302 and not Comment.objects.exists()


def test_station_page_records_the_station_and_channel(client, draft, world):
    entry = client.get(reverse("legislation:station", args=[world["a"].code]))
    assert entry.status_code == 302 and entry["Location"] == reverse("legislation:draft_station", args=[draft.pk, world["a"].code])
    response = post(client, draft, station=world["a"], content="在联络站提的意见")
    assert response["Location"] == reverse("legislation:done_station", args=[draft.pk, world["a"].code])
    c = Comment.objects.get()
    assert (c.channel, c.station) == (Channel.KIOSK, world["a"])
    # A station that does not take part has no such page.
    assert client.get(reverse("legislation:draft_station", args=[draft.pk, world["out"].code])).status_code == 404


def test_kiosk_page_links_to_the_stations_drafts(client, world):
    page = client.get(reverse("intake:kiosk", args=[world["a"].code])).content.decode()
    assert reverse("legislation:station", args=[world["a"].code]) in page


def test_commenter_sees_adoption_and_reason_by_code(client, draft, world):
    c = comment(draft, "罚款偏低。", "第二十一条")
    dup = comment(draft, "罚款太低了。", "第二十一条")
    services.comments_merge(user=world["staff"], target=c, duplicates=[dup])
    url = reverse("legislation:track")
    page = client.post(url, {"code": dup.tracking_code_display.lower()}).content.decode()
    assert "正在汇总整理" in page
    services.comment_feedback(comment=c, user=world["staff"], adoption=Adoption.PARTIAL, reason="修改稿已提高罚款上限。")
    page = client.post(url, {"code": dup.tracking_code}).content.decode()
    assert "部分采纳" in page and "修改稿已提高罚款上限。" in page
    assert client.post(url, {"code": "XXXX-XXXX"}).status_code == 404


def test_track_is_rate_limited(client, draft):
    url = reverse("legislation:track")
    statuses = {client.post(url, {"code": "AAAA-AAAA"}).status_code for _ in range(31)}
    assert 429 in statuses


def test_public_page_shows_counts(client, draft, world):
    c = comment(draft, "意见一", "第一条")
    comment(draft, "意见二", "第一条")
    services.comment_feedback(comment=c, user=world["staff"], adoption=Adoption.ADOPTED, reason="采纳")
    page = client.get(reverse("legislation:draft", args=[draft.pk])).content.decode()
    assert "已收到意见 2 条，已反馈 1 条" in page and "采纳 1" in page and "1 条被采纳" in page


def test_an_inactive_station_has_no_comment_page(client, draft, world):
    Station = type(world["a"])
    Station.objects.filter(pk=world["a"].pk).update(is_active=False)
    assert client.get(reverse("legislation:station", args=[world["a"].code])).status_code == 404
    assert client.get(reverse("legislation:draft_station", args=[draft.pk, world["a"].code])).status_code == 404


@pytest.mark.parametrize("n", [2, 30])
def test_tracking_lookup_costs_the_same_whatever_the_comments(client, draft, world, django_assert_num_queries, n):
    made = [comment(draft, f"意见{i}", "第一条") for i in range(n)]
    with django_assert_num_queries(1):
        response = client.post(reverse("legislation:track"), {"code": made[-1].tracking_code})
    assert response.status_code == 200
