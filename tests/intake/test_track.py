"""/track/: a resident finds their case by tracking code (+ phone digits),
sees its progress and the reply, and rates it; nothing personal is shown."""

import pytest
from django.urls import reverse

from intake.views import MSG_TRACK_NOT_FOUND, MSG_TRACK_RATE
from proposals.models import Case, CaseState, Feedback, Rating
from tests.factories import DeputyFactory, UserFactory, make_case
from tests.intake.conftest import REPLY_TEXT, reply_to

pytestmark = pytest.mark.django_db
TRACK = "/track/"


@pytest.fixture
def case(station):
    return make_case(
        station=station,
        content="我家楼下的路灯坏了，请修理。",
        phone="13812345678",
        resident_name="李秀英",
        address="幸福里5号楼",
    )


def lookup(client, code, digits="5678", **extra):
    return client.post(TRACK, {"code": code, "digits": digits, **extra})


def test_right_code_and_digits_show_the_timeline_without_personal_data(client, case):
    response = lookup(client, case.tracking_code)
    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert case.tracking_code_display in html
    assert "已收到，等待受理" in html
    assert "已收到" in html  # first timeline step
    for private in ("李秀英", "13812345678", "138****5678", "幸福里", "路灯坏了"):
        assert private not in html


def test_code_is_accepted_as_residents_type_it(client, case):
    typed = case.tracking_code_display.lower().replace("-", " - ")
    html = lookup(client, typed).content.decode()
    assert "办理经过" in html


def test_wrong_digits_and_unknown_code_give_the_same_neutral_message(client, case):
    wrong_digits = lookup(client, case.tracking_code, "0000").content.decode()
    unknown_code = lookup(client, "ACDF3467" if case.tracking_code != "ACDF3467" else "ACDF3469").content.decode()
    assert str(MSG_TRACK_NOT_FOUND) in wrong_digits
    assert str(MSG_TRACK_NOT_FOUND) in unknown_code
    assert "办理经过" not in wrong_digits


def test_case_without_phone_is_found_by_code_alone(client, station):
    anon = make_case(station=station, phone="")
    html = lookup(client, anon.tracking_code, "").content.decode()
    assert "办理经过" in html


def test_missing_digits_for_a_case_with_phone_are_refused(client, case):
    assert str(MSG_TRACK_NOT_FOUND) in lookup(client, case.tracking_code, "").content.decode()


def test_failed_lookups_are_rate_limited_per_code(client, case, settings):
    settings.INTAKE_RATE_TRACK_FAIL_CODE = (3, 3600)
    for digits in ("0001", "0002", "0003"):
        assert str(MSG_TRACK_NOT_FOUND) in lookup(client, case.tracking_code, digits).content.decode()
    # Even the right digits are now refused for a while: guessing is pointless.
    html = lookup(client, case.tracking_code, "5678").content.decode()
    assert str(MSG_TRACK_RATE) in html and "办理经过" not in html


def test_failed_lookups_are_rate_limited_per_ip(client, case, settings):
    settings.INTAKE_RATE_TRACK_FAIL_IP = (2, 900)
    lookup(client, "AAAA3333")
    lookup(client, "AAAA4444")
    assert str(MSG_TRACK_RATE) in lookup(client, case.tracking_code).content.decode()
    # Another address is not affected.
    html = client.post(TRACK, {"code": case.tracking_code, "digits": "5678"}, REMOTE_ADDR="10.9.9.9").content.decode()
    assert "办理经过" in html


def test_tracking_link_prefills_the_code(client, case):
    html = client.get(TRACK, {"code": case.tracking_code_display}).content.decode()
    assert f'value="{case.tracking_code_display}"' in html


def test_reply_is_shown_and_resident_can_rate_it_satisfied(client, case, handling):
    reply_to(case, handling)
    html = lookup(client, case.tracking_code).content.decode()
    assert REPLY_TEXT in html
    assert "您对办理结果满意吗" in html
    assert "已交办" in html and "已答复" in html
    response = lookup(client, case.tracking_code, action="feedback", rating=Rating.SATISFIED, comment="谢谢")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.EVALUATED
    fb = Feedback.objects.get(case=case)
    assert fb.rater == "resident" and fb.rating == Rating.SATISFIED and fb.comment == "谢谢"
    follow = client.get(response["Location"]).content.decode()
    assert "谢谢您的评价" in follow
    # The resident lands on their case with the rating recorded, not on a blank form.
    assert case.tracking_code_display in follow and REPLY_TEXT in follow
    assert "满意度评价：满意" in follow and "您对办理结果满意吗" not in follow
    # The pass is signed: a forged one shows the plain lookup form.
    forged = client.get(response["Location"][:-3] + "abc").content.decode()
    assert REPLY_TEXT not in forged and 'name="code"' in forged
    html = lookup(client, case.tracking_code).content.decode()
    assert "您对办理结果满意吗" not in html  # rated once


def test_unsatisfied_needs_a_reason_and_then_sends_the_case_back(client, case, handling):
    reply_to(case, handling)
    html = lookup(client, case.tracking_code, action="feedback", rating=Rating.UNSATISFIED, comment="").content.decode()
    assert "请写一下不满意的原因" in html
    case.refresh_from_db()
    assert case.state == CaseState.REPLIED
    response = lookup(client, case.tracking_code, action="feedback", rating=Rating.UNSATISFIED, comment="路灯还是不亮")
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.REHANDLING


def test_rating_needs_the_right_digits(client, case, handling):
    reply_to(case, handling)
    html = lookup(client, case.tracking_code, "1111", action="feedback", rating=Rating.SATISFIED).content.decode()
    assert str(MSG_TRACK_NOT_FOUND) in html
    assert not Feedback.objects.exists()


def test_rating_before_a_reply_is_refused_with_a_message(client, case):
    html = lookup(client, case.tracking_code, action="feedback", rating=Rating.SATISFIED).content.decode()
    assert "您对办理结果满意吗" not in html
    assert not Feedback.objects.exists()


def test_opinion_taken_into_a_deputy_suggestion_says_so(client, station):
    from proposals.services.suggestions import suggestion_create

    deputy = DeputyFactory(name="张丽丽", user=UserFactory(username="dep-zhang"))
    opinion = make_case(station=station, phone="13812345678", addressed_deputy=deputy)
    suggestion_create(user=deputy.user, title="关于加快老旧小区路灯改造的建议", content="……", category_id=None, opinion_ids=[opinion.pk])
    html = lookup(client, opinion.tracking_code).content.decode()
    assert "写进了代表建议《关于加快老旧小区路灯改造的建议》" in html


def test_track_lookup_query_count_is_pinned(client, case, handling, django_assert_num_queries):
    # The case (with category, suggestion, lead unit and its latest reply),
    # then the timeline: two queries before the reply and after it.
    with django_assert_num_queries(2):
        response = lookup(client, case.tracking_code)
    assert response.status_code == 200 and REPLY_TEXT not in response.content.decode()
    reply_to(case, handling)
    with django_assert_num_queries(2):
        response = lookup(client, case.tracking_code)
    assert REPLY_TEXT in response.content.decode()


def test_track_get_does_no_query(client, db, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert client.get(reverse("intake:track")).status_code == 200


def test_case_count_is_untouched_by_lookups(client, case):
    lookup(client, case.tracking_code)
    assert Case.objects.count() == 1


def test_dates_are_written_the_chinese_way_in_chinese_and_the_english_way_in_english(client, case):
    from django.utils import timezone

    day = timezone.localtime(case.submitted_at)
    chinese = lookup(client, case.tracking_code).content.decode()
    assert f"{day.year}年{day.month}月{day.day}日" in chinese
    english = client.post(TRACK, {"code": case.tracking_code, "digits": "5678"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{day.year}年" not in english
    assert f"{day.day}, {day.year}" in english
