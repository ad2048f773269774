"""The liaison officer's workspace (/station/): the station's cases, paper
entry with its receipt, 当场答复, reception days, activity posts."""

import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from proposals.models import Case, CaseState, Channel, PhoneRevealLog
from stations.models import ReceptionDay, StationPost
from stations.reception import next_reception_date
from stations.services import MSG_PLAN_PAST, subscription_add
from tests.factories import DeputyFactory, MembershipFactory, make_case
from tests.intake.conftest import image_bytes, kiosk_data
from workcalendar.workdays import is_workday

pytestmark = pytest.mark.django_db


def url(name, station, *args):
    return reverse(f"station_workspace:{name}", args=[station.code, *args])


# --- cases ---------------------------------------------------------------------------------


def test_station_page_lists_the_stations_cases_in_every_state_with_masked_contacts(officer_client, station, other_station):
    mine = make_case(station=station, title="路灯不亮", resident_name="王阿姨")
    closed = make_case(station=station, title="井盖松动")
    Case.objects.filter(pk=closed.pk).update(state=CaseState.CLOSED)
    theirs = make_case(station=other_station, title="别站的案件")
    body = officer_client.get(url("station", station)).content.decode()
    assert "路灯不亮" in body and "井盖松动" in body and "别站的案件" not in body
    assert "王*" in body and "王阿姨" not in body
    assert "138****1234" in body and "13812341234" not in body
    assert mine.tracking_code_display in body and theirs.tracking_code_display not in body


def test_search_by_tracking_code_as_read_out_and_filters(officer_client, station):
    case = make_case(station=station, title="路灯不亮")
    make_case(station=station, title="噪音扰民", channel=Channel.PAPER)
    spoken = case.tracking_code_display.lower().replace("-", " ")
    cases = officer_client.get(url("station", station), {"q": spoken}).context["cases"]
    assert [c.pk for c in cases] == [case.pk]
    paper = officer_client.get(url("station", station), {"channel": Channel.PAPER}).context["cases"]
    assert [c.title for c in paper] == ["噪音扰民"]
    # Nonsense filters are ignored, never an error page.
    response = officer_client.get(url("station", station), {"state": "zzz", "category": "x", "received_from": "2026/13/40", "page": "-1"})
    assert response.status_code == 200


def test_case_page_reveal_needs_a_reason_and_is_logged(officer_client, station):
    case = make_case(station=station, resident_name="王阿姨")
    page = officer_client.get(url("case", station, case.pk)).content.decode()
    assert "13812341234" not in page and "王阿姨" not in page
    refused = officer_client.post(url("case_reveal", station, case.pk), {"reason": ""})
    assert refused.status_code == 400 and "请写明查看完整信息的事由" in refused.content.decode()
    assert not PhoneRevealLog.objects.exists()
    shown = officer_client.post(url("case_reveal", station, case.pk), {"reason": "回访群众"}).content.decode()
    assert "13812341234" in shown and "王阿姨" in shown
    log = PhoneRevealLog.objects.get()
    assert log.case_id == case.pk and log.reason == "回访群众"


def test_answer_on_the_spot_closes_the_case_and_the_resident_sees_it(officer_client, station, client):
    case = make_case(station=station)
    response = officer_client.post(url("case_answer", station, case.pk), {"text": "已联系社区，明天修好。", "expected_state": "submitted"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == CaseState.CLOSED
    assert case.replies.get().on_the_spot
    # A second tap changes nothing.
    officer_client.post(url("case_answer", station, case.pk), {"text": "已联系社区，明天修好。", "expected_state": "submitted"})
    assert case.replies.count() == 1


def test_empty_answer_keeps_the_page_with_a_message(officer_client, station):
    case = make_case(station=station)
    response = officer_client.post(url("case_answer", station, case.pk), {"text": "  "})
    assert response.status_code == 400 and "请填写答复内容" in response.content.decode()


# --- entry and receipt ---------------------------------------------------------------------


def _entry_data(client, station, **overrides):
    from tests.intake.conftest import form_key

    data = kiosk_data(form_key(client, url("entry", station)), channel=Channel.PAPER)
    data["received_on"] = timezone.localdate().isoformat()
    data.update(overrides)
    return data


def test_paper_entry_offers_the_receipt_with_code_and_qr(officer_client, station):
    response = officer_client.post(url("entry", station), _entry_data(officer_client, station))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"?created={case.pk}")
    page = officer_client.get(response["Location"]).content.decode()
    assert url("receipt", station, case.pk) in page
    receipt = officer_client.get(url("receipt", station, case.pk)).content.decode()
    assert case.tracking_code_display in receipt and "<svg" in receipt
    assert "/track/?code=" in receipt
    assert "13812341234" not in receipt  # a receipt carries no personal data


def test_second_tap_of_the_entry_form_makes_one_case(officer_client, station):
    data = _entry_data(officer_client, station)
    officer_client.post(url("entry", station), data)
    officer_client.post(url("entry", station), data)
    assert Case.objects.count() == 1


def test_entry_form_keeps_what_was_typed_with_a_chinese_message(officer_client, station):
    data = _entry_data(officer_client, station, received_on=(timezone.localdate() + dt.timedelta(days=2)).isoformat())
    response = officer_client.post(url("entry", station), data)
    body = response.content.decode()
    assert response.status_code == 200 and Case.objects.count() == 0
    assert data["content"] in body
    assert f'value="{data["received_on"]}"' in body  # the date box keeps its ISO value


def test_old_paper_bookmarks_lead_into_the_workspace(officer_client, station):
    assert officer_client.get("/paper/").status_code == 302
    response = officer_client.get(f"/paper/{station.code}/")
    assert response.status_code == 302 and response["Location"] == url("entry", station)


# --- reception days ------------------------------------------------------------------------


def test_rule_proposes_working_days_only_and_planning_twice_makes_one_day(officer_client, station):
    page = officer_client.get(url("receptions", station))
    proposed = page.context["receptions"].proposed
    assert proposed and all(is_workday(day) for day in proposed)
    date = proposed[0]
    for _ in range(2):
        response = officer_client.post(url("receptions", station), {"date": date.isoformat(), "topic": "物业管理"})
        assert response.status_code == 302
    day = ReceptionDay.objects.get(station=station)
    assert day.date == date and day.topic == "物业管理" and day.planned_by.username == "liaison-gl"
    assert date not in officer_client.get(url("receptions", station)).context["receptions"].proposed


def test_a_rule_day_on_a_sunday_moves_to_monday(station):
    station.reception_day = 10
    # 10 May 2026 is a Sunday.
    assert next_reception_date(station, after=dt.date(2026, 5, 1)) == dt.date(2026, 5, 11)
    # National Day week 2026: the 1st-7th (8th) are holidays.
    station.reception_day = 3
    assert is_workday(next_reception_date(station, after=dt.date(2026, 10, 1)))


def test_planning_in_the_past_or_backwards_times_is_refused_with_the_form_kept(officer_client, station):
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = officer_client.post(url("receptions", station), {"date": yesterday, "topic": "X"})
    assert response.status_code == 400 and str(MSG_PLAN_PAST) in response.content.decode()
    assert f'value="{yesterday}"' in response.content.decode()
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = officer_client.post(url("receptions", station), {"date": tomorrow, "start_time": "11:00", "end_time": "09:00"})
    assert response.status_code == 400 and "结束时间应晚于开始时间" in response.content.decode()
    assert not ReceptionDay.objects.exists()


def test_record_a_held_day_with_attendance_and_the_cases_of_the_day(officer_client, station):
    today = timezone.localdate()
    day = ReceptionDay.objects.create(station=station, date=today)
    deputies = [m.deputy for m in station.memberships.select_related("deputy")]
    day.deputies.add(deputies[0])
    entered = make_case(station=station, channel=Channel.RECEPTION, received_on=today, title="接待日意见")
    response = officer_client.post(
        url("reception", station, day.pk), {"residents_received": "17", "summary": "接待群众17人次", "attended": [d.pk for d in deputies]}
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert day.residents_received == 17 and day.recorded_at is not None
    assert set(day.attended.all()) == set(deputies)
    assert set(day.deputies.all()) == {deputies[0]}  # sign-ups stay as they were
    page = officer_client.get(url("reception", station, day.pk)).content.decode()
    assert entered.tracking_code_display in page


def test_record_refuses_a_deputy_of_another_station_and_bad_counts(officer_client, station):
    day = ReceptionDay.objects.create(station=station, date=timezone.localdate())
    stranger = DeputyFactory(name="外站代表")
    response = officer_client.post(
        url("reception", station, day.pk), {"residents_received": "5", "summary": "x", "attended": [stranger.pk]}
    )
    assert response.status_code == 400
    response = officer_client.post(url("reception", station, day.pk), {"residents_received": "-3", "summary": "x"})
    assert response.status_code == 400 and "接待群众人次" in response.content.decode()
    day.refresh_from_db()
    assert day.recorded_at is None


def test_cancel_only_an_empty_future_day(officer_client, station):
    future = ReceptionDay.objects.create(station=station, date=timezone.localdate() + dt.timedelta(days=9))
    signed = ReceptionDay.objects.create(station=station, date=timezone.localdate() + dt.timedelta(days=10))
    signed.deputies.add(station.memberships.first().deputy)
    officer_client.post(url("reception_cancel", station, future.pk))
    officer_client.post(url("reception_cancel", station, signed.pk))
    assert list(ReceptionDay.objects.values_list("pk", flat=True)) == [signed.pk]


# --- activity posts ------------------------------------------------------------------------


def _photo(name="p.jpg"):
    return SimpleUploadedFile(name, image_bytes(exif_gps=True), content_type="image/jpeg")


def test_post_with_photos_appears_on_the_public_station_page(officer_client, station, client):
    deputy = station.memberships.first().deputy
    key = re.search(r'name="submission_key" value="([0-9a-f]{32})"', officer_client.get(url("posts", station)).content.decode()).group(1)
    data = {
        "submission_key": key,
        "title": "民法典进社区",
        "date": timezone.localdate().isoformat(),
        "body": "宣讲民法典。",
        "deputies": [deputy.pk],
    }
    response = officer_client.post(url("posts", station), {**data, "photos": [_photo("a.jpg"), _photo("b.jpg")]})
    assert response.status_code == 302
    # A second tap with the same key makes no second post.
    officer_client.post(url("posts", station), {**data, "photos": [_photo("a.jpg")]})
    post = StationPost.objects.get()
    assert post.photos.count() == 2 and list(post.deputies.all()) == [deputy]
    photo = post.photos.first()
    with photo.image.open("rb") as fh:
        assert b"PhoneMaker" not in fh.read()  # re-encoded: no EXIF left
    public = client.get(reverse("stations:detail", args=[station.code])).content.decode()
    assert "民法典进社区" in public and deputy.name in public
    assert client.get(reverse("stations:post_photo", args=[station.code, photo.pk])).status_code == 200
    # Taken down: gone from the public page and its photos.
    officer_client.post(url("post_publish", station, post.pk), {"published": "0"})
    assert "民法典进社区" not in client.get(reverse("stations:detail", args=[station.code])).content.decode()
    assert client.get(reverse("stations:post_photo", args=[station.code, photo.pk])).status_code == 404


def test_post_refuses_ten_photos_and_a_future_date_and_keeps_the_text(officer_client, station):
    base = {"title": "活动", "date": timezone.localdate().isoformat(), "body": "内容写在这里"}
    response = officer_client.post(url("posts", station), {**base, "photos": [_photo(f"{i}.jpg") for i in range(10)]})
    assert response.status_code == 400 and "最多上传 9 张照片" in response.content.decode()
    assert "内容写在这里" in response.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = officer_client.post(url("posts", station), {**base, "date": future})
    assert response.status_code == 400 and "活动日期不能晚于今天" in response.content.decode()
    bad = officer_client.post(url("posts", station), {**base, "photos": [SimpleUploadedFile("x.jpg", b"not an image")]})
    assert bad.status_code == 400 and "不是可以识别的照片" in bad.content.decode()
    assert not StationPost.objects.exists()


def test_public_page_shows_posts_newest_first(client, station):
    for i, days in enumerate([30, 2, 10]):
        StationPost.objects.create(station=station, title=f"活动{i}", body="b", date=timezone.localdate() - dt.timedelta(days=days))
    body = client.get(reverse("stations:detail", args=[station.code])).content.decode()
    assert body.index("活动1") < body.index("活动2") < body.index("活动0")


def test_subscriber_count_is_shown_never_the_numbers(officer_client, station):
    subscription_add(station_id=station.pk, phone="13900001111")
    body = officer_client.get(url("station", station)).content.decode()
    assert "1 位群众订阅了本站接待日通知" in body and "13900001111" not in body and "139****1111" not in body


# --- access --------------------------------------------------------------------------------

PAGES = ["station", "entry", "receptions", "posts"]


def test_officer_of_another_station_gets_404_for_every_page_and_action(client, station, other_station):
    case = make_case(station=station)
    day = ReceptionDay.objects.create(station=station, date=timezone.localdate())
    post = StationPost.objects.create(station=station, title="t", body="b", date=timezone.localdate())
    client.force_login(other_station.liaison_officer)
    gets = [url(p, station) for p in PAGES] + [
        url("case", station, case.pk),
        url("receipt", station, case.pk),
        url("reception", station, day.pk),
    ]
    for target in gets:
        assert client.get(target).status_code == 404, target
    posts = [
        url("case_reveal", station, case.pk),
        url("case_answer", station, case.pk),
        url("reception_cancel", station, day.pk),
        url("post_publish", station, post.pk),
        url("entry", station),
        url("receptions", station),
        url("posts", station),
        url("reception", station, day.pk),
    ]
    for target in posts:
        assert client.post(target, {"reason": "x", "text": "x", "date": "2030-01-01", "published": "0"}).status_code == 404, target
    # And its own station's URL does not open this station's case.
    assert client.get(url("case", other_station, case.pk)).status_code == 404
    case.refresh_from_db()
    post.refresh_from_db()
    assert case.state == CaseState.SUBMITTED and post.is_published and ReceptionDay.objects.filter(pk=day.pk).exists()
    assert not PhoneRevealLog.objects.exists()


def test_anonymous_is_sent_to_login_and_a_user_without_a_station_is_told(client, station, regions):
    from tests.factories import UserFactory

    assert client.get(reverse("station_workspace:home")).status_code == 302
    assert "/accounts/login/" in client.get(url("station", station))["Location"]
    client.force_login(UserFactory(username="nobody"))
    home = client.get(reverse("station_workspace:home"))
    assert home.status_code == 200 and "您没有负责的站点" in home.content.decode()
    assert client.get(url("station", station)).status_code == 404


def test_the_head_of_a_station_runs_it(client, station):
    from tests.factories import UserFactory

    head_user = UserFactory(username="head")
    head = DeputyFactory(name="站长代表", user=head_user)
    MembershipFactory(station=station, deputy=head)
    station.head_deputy = head
    station.save(update_fields=["head_deputy"])
    client.force_login(head_user)
    assert client.get(url("station", station)).status_code == 200


# --- query counts --------------------------------------------------------------------------


def _count(django_assert_max_num_queries, client, target):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        assert client.get(target).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", PAGES)
def test_list_pages_cost_the_same_at_10_and_at_many_rows(officer_client, station, page, django_assert_max_num_queries):
    from stations.models import StationPostPhoto

    added = [0]

    def add(n):
        for i in range(added[0], added[0] + n):
            make_case(station=station, title=f"案件{i}", channel=Channel.PAPER, resident_name="李")
            post = StationPost.objects.create(station=station, title=f"活动{i}", body="b", date=timezone.localdate())
            post.deputies.add(station.memberships.first().deputy)
            StationPostPhoto.objects.create(post=post, image="station_posts/x.jpg")
            ReceptionDay.objects.create(station=station, date=timezone.localdate() - dt.timedelta(days=100 + i))
        added[0] += n

    add(10)
    officer_client.get(url(page, station))  # warm the per-process caches (calendar, choices)
    few = _count(django_assert_max_num_queries, officer_client, url(page, station))
    add(40)
    many = _count(django_assert_max_num_queries, officer_client, url(page, station))
    assert few == many
    assert many <= 16


def test_the_receipt_also_downloads_as_a_pdf_with_the_code(officer_client, station):
    import io

    from pypdf import PdfReader

    officer_client.post(url("entry", station), _entry_data(officer_client, station))
    case = Case.objects.get()
    page = officer_client.get(url("receipt", station, case.pk)).content.decode()
    pdf_url = reverse("documents:receipt", args=[case.pk]) + "?format=pdf"
    assert pdf_url in page.replace("&amp;", "&")
    response = officer_client.get(pdf_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    body = b"".join(response.streaming_content) if response.streaming else response.content
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    assert case.tracking_code_display in text
