"""The officer's and staff's side: forum and paper entry, access (an officer
sees only their own station's comments and contact details), merging,
summaries, feedback, the report (PDF/XLSX) and its forwarding, statistics,
query counts."""

import datetime as dt
import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from legislation import selectors, services
from legislation.access import Scope
from legislation.models import Adoption, Channel, Comment, ContactRevealLog, Draft, Forum, Report, ReportForward, ReportStatus
from legislation.reports import escape_cell
from tests.legislation.conftest import V1, V2, article, comment

pytestmark = pytest.mark.django_db


def test_officer_enters_a_forum_with_its_comments(client, draft, world):
    client.force_login(world["officer_a"])
    url = reverse("legislation:forum", args=[draft.pk])
    held_on = timezone.localdate() - dt.timedelta(days=1)
    response = client.post(
        url,
        {
            "held_on": held_on.isoformat(),
            "place": "鼓楼街道人大代表联络站会议室",
            "participants": "18",
            "note": "居民、物业、快递骑手代表参加",
            "comments": "第十二条：时速限制太低。\n第二十一条 罚款偏低。\n建议增加以旧换新补贴。\n",
        },
    )
    assert response.status_code == 302
    forum = Forum.objects.get()
    assert (forum.station, forum.participants, forum.held_on, forum.recorded_by) == (world["a"], 18, held_on, world["officer_a"])
    rows = list(forum.comments.order_by("pk").values_list("channel", "station", "original_label", "content"))
    assert rows == [
        (Channel.FORUM, world["a"].pk, "第十二条", "时速限制太低。"),
        (Channel.FORUM, world["a"].pk, "第二十一条", "罚款偏低。"),
        (Channel.FORUM, world["a"].pk, "", "建议增加以旧换新补贴。"),
    ]


def test_forum_with_an_unknown_article_number_is_refused_and_kept(client, draft, world):
    client.force_login(world["officer_a"])
    response = client.post(
        reverse("legislation:forum", args=[draft.pk]),
        {"held_on": timezone.localdate().isoformat(), "place": "会议室", "participants": "5", "comments": "第九十九条：没有这条"},
    )
    assert response.status_code == 200 and "第九十九条：没有这条" in response.content.decode()
    assert "不存在" in response.content.decode() and not Forum.objects.exists()


def test_officer_enters_a_paper_comment_and_gets_its_code(client, draft, world):
    client.force_login(world["officer_a"])
    a = article(draft, "第十四条")
    response = client.post(
        reverse("legislation:paper", args=[draft.pk]),
        {
            "content": "楼道充电太危险。",
            "provision": str(a.pk),
            "name": "李桂兰",
            "phone": "13800001111",
            "consent": "on",
            "submission_key": "p1",
        },
    )
    assert response.status_code == 302
    c = Comment.objects.get()
    assert (c.channel, c.station, c.provision, c.entered_by, c.phone_masked) == (
        Channel.PAPER,
        world["a"],
        a,
        world["officer_a"],
        "138****1111",
    )


def test_officer_sees_only_their_own_stations_comments_and_contacts(client, draft, world):
    mine = comment(draft, "甲站的意见", "第一条", channel=Channel.KIOSK, station=world["a"], name="张三", phone="13911112222", consent=True)
    theirs = comment(
        draft, "乙站的意见", "第一条", channel=Channel.KIOSK, station=world["b"], name="李四", phone="13933334444", consent=True
    )
    online = comment(draft, "网上的意见", "第一条", name="王五", phone="13955556666", consent=True)
    client.force_login(world["officer_a"])
    page = client.get(reverse("legislation:manage", args=[draft.pk])).content.decode()
    assert "甲站的意见" in page and "139****2222" in page
    assert "乙站的意见" not in page and "139****4444" not in page and "网上的意见" not in page and "李四" not in page
    assert client.post(reverse("legislation:reveal", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("legislation:reveal", args=[online.pk])).status_code == 404
    assert client.post(reverse("legislation:feedback", args=[theirs.pk]), {"adoption": "adopted", "reason": "x"}).status_code == 404
    # Asking for the other station by parameter does not help.
    assert client.get(reverse("legislation:manage", args=[draft.pk]) + f"?station={world['b'].code}").status_code == 404
    response = client.post(reverse("legislation:reveal", args=[mine.pk]), {"reason": "核实"})
    assert "13911112222" in response.content.decode()
    assert ContactRevealLog.objects.get().user == world["officer_a"]


def test_staff_see_every_station_masked_and_other_counties_nothing(client, draft, world):
    comment(draft, "甲站的意见", "第一条", channel=Channel.KIOSK, station=world["a"], phone="13911112222", consent=True)
    comment(draft, "乙站的意见", "第一条", channel=Channel.KIOSK, station=world["b"])
    client.force_login(world["staff"])
    page = client.get(reverse("legislation:manage", args=[draft.pk])).content.decode()
    assert "甲站的意见" in page and "乙站的意见" in page and "139****2222" in page and "13911112222" not in page
    client.force_login(world["other_staff"])
    for name in ("manage", "forum", "paper", "moderation", "stats", "extend", "version_new"):
        assert client.get(reverse(f"legislation:{name}", args=[draft.pk])).status_code == 404, name
    assert client.post(reverse("legislation:report_compile", args=[draft.pk])).status_code == 404
    # An officer of a station that does not take part, and a plain user, too.
    client.force_login(world["officer_b"])
    draft.stations.remove(world["b"])
    assert client.get(reverse("legislation:manage", args=[draft.pk])).status_code == 404


def test_anonymous_users_are_sent_to_login(client, draft):
    response = client.get(reverse("legislation:manage", args=[draft.pk]))
    assert response.status_code == 302 and "/login" in response["Location"]


def test_merge_keeps_the_count_and_tags_and_unmerge_restores(client, draft, world):
    a = comment(draft, "建议明确充电设施费用由谁承担。", "第十三条", channel=Channel.KIOSK, station=world["a"])
    b = comment(draft, "充电设施的费用由谁出要写清楚。", "第十三条", channel=Channel.KIOSK, station=world["a"])
    services.comment_tag(comment=b, tags=["费用"])
    client.force_login(world["officer_a"])
    client.post(reverse("legislation:merge", args=[draft.pk]), {"comment": [str(a.pk), str(b.pk)]})
    b.refresh_from_db()
    a.refresh_from_db()
    assert b.merged_into == a and a.tags == ["费用"]
    page = client.get(reverse("legislation:manage", args=[draft.pk])).content.decode()
    assert "合并 2 条" in page
    assert selectors.statistics(Scope(draft=draft, station=None, is_staff=True)).total == 2
    client.post(reverse("legislation:unmerge", args=[b.pk]))
    b.refresh_from_db()
    assert b.merged_into is None


def test_merge_across_articles_is_refused(draft, world):
    a = comment(draft, "甲", "第一条")
    b = comment(draft, "乙", "第二条")
    with pytest.raises(Exception, match="同一条文"):
        services.comments_merge(user=world["staff"], target=a, duplicates=[b])


def test_compiled_report_pdf_has_articles_and_summaries_and_xlsx_is_escaped(client, draft, world, django_capture_on_commit_callbacks):
    a = comment(draft, "建议明确充电设施费用由谁承担。", "第十三条", channel=Channel.KIOSK, station=world["a"])
    b = comment(draft, "充电设施费用由谁承担应写清楚。", "第十三条", channel=Channel.KIOSK, station=world["a"])
    comment(draft, '=HYPERLINK("http://evil.example","点我")', "第二十一条", channel=Channel.KIOSK, station=world["a"])
    comment(draft, "乙站的意见不进甲站的报告", "第一条", channel=Channel.KIOSK, station=world["b"])
    services.comments_merge(user=world["officer_a"], target=a, duplicates=[b])
    services.comment_feedback(comment=a, user=world["staff"], adoption=Adoption.PARTIAL, reason="已增加政府补助规定")
    client.force_login(world["officer_a"])
    client.post(
        reverse("legislation:summary", args=[draft.pk]),
        {"provision": str(article(draft, "第十三条").pk), "text": "居民关心充电设施建设费用的分担。"},
    )
    client.post(reverse("legislation:summary", args=[draft.pk]), {"provision": "", "text": "总体赞成制定本条例。"})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(reverse("legislation:report_compile", args=[draft.pk]))
    assert response.status_code == 302 and len(callbacks) == 1  # the rendering task, after commit
    report = Report.objects.get()
    assert report.status == ReportStatus.READY
    assert (report.station, report.comment_count, report.number) == (world["a"], 3, 1)

    pdf = client.get(reverse("legislation:report_file", args=[report.pk, "pdf"]))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(b"".join(pdf.streaming_content))).pages)
    compact = text.replace("\n", "").replace(" ", "")
    for needle in ("意见汇总报告", "第十三条", "第二十一条", "居民关心充电设施建设费用的分担。", "总体赞成制定本条例。", "部分采纳"):
        assert needle in compact, needle
    assert "（2条）" in compact  # the merged duplicate is counted
    assert "乙站的意见" not in compact

    xlsx = client.get(reverse("legislation:report_file", args=[report.pk, "xlsx"]))
    ws = load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = [cell.value for row in ws.iter_rows() for cell in row if cell.value is not None]
    assert '\'=HYPERLINK("http://evil.example","点我")' in values
    assert not any(isinstance(v, str) and v.startswith("=") for v in values)
    assert "第十三条" in values and 2 in values

    client.post(
        reverse("legislation:report_forward", args=[report.pk]), {"to_body": "太原市人大常委会法制工作委员会", "note": "第一次汇总"}
    )
    forward = ReportForward.objects.get()
    assert (forward.report, forward.by, forward.to_body) == (report, world["officer_a"], "太原市人大常委会法制工作委员会")
    # Another station's officer cannot fetch it.
    client.force_login(world["officer_b"])
    assert client.get(reverse("legislation:report_file", args=[report.pk, "pdf"])).status_code == 404


def test_escape_cell():
    assert escape_cell("=1+1") == "'=1+1" and escape_cell("@SUM(A1)") == "'@SUM(A1)" and escape_cell("正常") == "正常"


def test_statistics_match_plain_counts(client, draft, world):
    rows = [
        ("第一条", Channel.ONLINE, None),
        ("第一条", Channel.KIOSK, world["a"]),
        ("第二条", Channel.KIOSK, world["a"]),
        (None, Channel.PAPER, world["b"]),
    ]
    made = [
        comment(draft, f"意见{i}", label, channel=ch, station=st, entered_by=world["officer_b"] if ch == Channel.PAPER else None)
        for i, (label, ch, st) in enumerate(rows)
    ]
    comment(draft, "王八蛋")  # held: not counted
    services.comment_feedback(comment=made[0], user=world["staff"], adoption=Adoption.ADOPTED, reason="采纳")
    services.comment_feedback(comment=made[1], user=world["staff"], adoption=Adoption.NOT_ADOPTED, reason="不采纳")
    services.comment_feedback(comment=made[2], user=world["staff"], adoption=Adoption.PARTIAL, reason="部分")
    client.force_login(world["staff"])
    page = client.get(reverse("legislation:stats", args=[draft.pk])).content.decode()
    total = Comment.objects.filter(draft=draft, moderation="ok").count()
    answered = Comment.objects.filter(draft=draft, moderation="ok").exclude(adoption="").count()
    adopted = Comment.objects.filter(draft=draft, moderation="ok", adoption__in=["adopted", "partial"]).count()
    assert f"意见 {total} 条，已反馈 {answered} 条" in page
    assert f"{round(100 * adopted / answered, 1)}%" in page  # 66.7%
    client.force_login(world["officer_a"])
    page = client.get(reverse("legislation:stats", args=[draft.pk])).content.decode()
    assert "意见 2 条" in page


def _many(draft, world, n):
    for i in range(n):
        comment(
            draft,
            f"第{i}条意见，关于停放。",
            "第十三条" if i % 2 else "第一条",
            channel=Channel.KIOSK,
            station=world["a"],
            phone="13900000000",
            consent=True,
        )


@pytest.mark.parametrize("n", [4, 40])
def test_query_counts_do_not_grow_with_comments(client, draft, world, django_assert_num_queries, n):
    _many(draft, world, n)
    a, b = list(Comment.objects.filter(provision__label="第一条")[:2])
    services.comments_merge(user=world["staff"], target=a, duplicates=[b])
    services.comment_tag(comment=a, tags=["停放"])
    client.get(reverse("legislation:draft", args=[draft.pk]))  # device cookie
    with django_assert_num_queries(4):
        assert client.get(reverse("legislation:draft", args=[draft.pk])).status_code == 200
    client.force_login(world["officer_a"])
    with django_assert_num_queries(11):
        assert client.get(reverse("legislation:manage", args=[draft.pk])).status_code == 200
    with django_assert_num_queries(8):
        assert client.get(reverse("legislation:stats", args=[draft.pk])).status_code == 200


def test_staff_publish_a_draft_from_a_docx_with_an_attachment(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = docx.Document()
    for line in V1.split("\n"):
        document.add_paragraph(line)
    data = io.BytesIO()
    document.save(data)
    today = timezone.localdate()
    client.force_login(world["staff"])
    response = client.post(
        reverse("legislation:draft_new"),
        {
            "title": "太原市电动自行车安全管理条例（草案征求意见稿）",
            "issuing_body": "太原市人大常委会法制工作委员会",
            "opens_on": today.isoformat(),
            "closes_on": (today + dt.timedelta(days=35)).isoformat(),
            "stations": [str(world["a"].pk)],
            "docx": SimpleUploadedFile("草案.docx", data.getvalue()),
            "attachment": SimpleUploadedFile("起草说明.pdf", b"%PDF-1.4 test"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = Draft.objects.get()
    assert draft.current_version.provisions.filter(kind="article").count() == 22
    assert list(draft.stations.all()) == [world["a"]] and draft.region == world["county"]
    page = client.get(reverse("legislation:draft", args=[draft.pk])).content.decode()
    assert "起草说明.pdf" in page and "第二十一条" in page
    # A too-short window is refused with the typed text kept; officers cannot publish.
    response = client.post(
        reverse("legislation:draft_new"),
        {"title": "短期草案", "issuing_body": "法工委", "opens_on": today.isoformat(), "closes_on": today.isoformat(), "text": V1},
    )
    assert response.status_code == 200 and "不能少于 30 天" in response.content.decode() and "短期草案" in response.content.decode()
    client.force_login(world["officer_a"])
    assert client.get(reverse("legislation:draft_new")).status_code == 404


def test_statistics_per_article_follow_the_current_version(draft, world):
    comment(draft, "甲", "第十三条")
    comment(draft, "乙", "第十七条")
    comment(draft, "整体")
    services.draft_version_publish(draft=draft, user=world["staff"], text=V2)
    comment(draft, "丙", "第十四条")  # the old 第十三条, now 第十四条
    rows = selectors.statistics(Scope(draft=draft, station=None, is_staff=True)).by_article
    assert [(r["provision__label"], r["n"], r["removed"]) for r in rows] == [
        (None, 1, False),
        ("第十四条", 2, False),
        ("第十七条", 1, True),
    ]


def test_same_words_from_different_people_are_pointed_out_for_merging(client, draft, world):
    first = comment(draft, "建议增加充电桩。", "第十三条", channel=Channel.KIOSK, station=world["a"])
    comment(draft, "建议增加充电桩", "第十三条", channel=Channel.KIOSK, station=world["a"])
    client.force_login(world["staff"])
    page = client.get(reverse("legislation:manage", args=[draft.pk])).content.decode()
    assert f"与 {first.tracking_code_display} 内容相同" in page
    # Staff switch between the stations.
    page = client.get(reverse("legislation:manage", args=[draft.pk]) + f"?station={world['b'].code}").content.decode()
    assert "建议增加充电桩" not in page


def test_a_report_still_rendering_offers_no_file(client, draft, world):
    comment(draft, "意见", "第一条", channel=Channel.KIOSK, station=world["a"])
    client.force_login(world["officer_a"])
    client.post(reverse("legislation:report_compile", args=[draft.pk]))  # on_commit not run: still pending
    report = Report.objects.get()
    assert report.status == ReportStatus.PENDING
    page = client.get(reverse("legislation:manage", args=[draft.pk])).content.decode()
    assert "正在生成" in page and reverse("legislation:report_file", args=[report.pk, "pdf"]) not in page
    assert client.get(reverse("legislation:report_file", args=[report.pk, "pdf"])).status_code == 404
    services.report_render(report_id=report.pk)
    services.report_render(report_id=report.pk)  # a second run (retry, duplicate delivery) changes nothing
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.comment_count == 1
    assert client.get(reverse("legislation:report_file", args=[report.pk, "pdf"])).status_code == 200


def test_an_officer_of_two_stations_switches_between_them(client, draft, world):
    type(world["b"]).objects.filter(pk=world["b"].pk).update(liaison_officer=world["officer_a"])
    comment(draft, "甲站意见", "第一条", channel=Channel.KIOSK, station=world["a"])
    comment(draft, "乙站意见", "第一条", channel=Channel.KIOSK, station=world["b"])
    client.force_login(world["officer_a"])
    page = client.get(reverse("legislation:manage", args=[draft.pk])).content.decode()
    assert "甲站意见" in page and "乙站意见" not in page and f"?station={world['b'].code}" in page
    page = client.get(reverse("legislation:manage", args=[draft.pk]) + f"?station={world['b'].code}").content.decode()
    assert "乙站意见" in page and "甲站意见" not in page
