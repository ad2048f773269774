"""Printed documents: the PDF's text (extracted with pypdf) carries the
Chinese strings, and only the people entitled to a document can print it."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from documents import render as docs
from documents.selectors import document_cases
from proposals.models import Channel, Rating
from proposals.services import actions
from tests.factories import StaffUserFactory, UserFactory
from tests.proposals.builders import case_in_state

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> tuple[int, str]:
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    # pypdf may put spaces between CJK glyphs; compare without whitespace.
    text = "".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), "".join(text.split())


def assigned(world, **kwargs):
    case = world.opinion(
        responsible_deputy=world.deputy, title="东风路人行道破损", content="东风路 12 号门前人行道砖松动，老人容易绊倒。", **kwargs
    )
    actions.case_accept(case_id=case.pk, user=world.staff)
    actions.case_assign(case_id=case.pk, user=world.staff, lead_unit_id=world.unit_a.pk, co_unit_ids=[world.unit_b.pk])
    return document_cases().get(pk=case.pk)


def test_assignment_sheet_pdf_has_the_case_units_deadline_and_boxes(world):
    case = assigned(world)
    pages, text = pdf_text(docs.assignment_sheet_pdf([case]))
    assert pages == 1
    for expected in (
        "交办单",
        "杏花岭区人大常委会",
        case.tracking_code_display,
        "东风路人行道破损",
        "鼓楼街道人大代表联络站",
        "王丽华",
        "杏花岭区住房和城乡建设局",
        "杏花岭区城市管理局",
        "个工作日",
        "签收人",
        "交办机关盖章",
    ):
        assert expected in text, expected
    assert case.deadline.strftime("%Y年%-m月%-d日") in text


def test_batch_of_a_day_is_one_pdf_with_one_page_per_case(world, client):
    cases = [assigned(world) for _ in range(3)]
    client.force_login(world.staff)
    day = timezone.localdate(cases[0].assigned_at).isoformat()
    response = client.get(reverse("documents:assignment_batch"), {"date": day, "format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pages, text = pdf_text(response.content)
    assert pages == 3
    for case in cases:
        assert case.tracking_code_display in text
    # The list page names them too; another county's staff sees none of them.
    page = client.get(reverse("documents:assignment_batch"), {"date": day})
    assert cases[0].tracking_code_display in page.content.decode()
    client.force_login(world.other_staff)
    page = client.get(reverse("documents:assignment_batch"), {"date": day})
    assert page.status_code == 200
    assert "这一天没有交办的案件" in page.content.decode()
    assert cases[0].tracking_code_display not in page.content.decode()


def test_batch_with_a_bad_date_says_so(world, client):
    client.force_login(world.staff)
    response = client.get(reverse("documents:assignment_batch"), {"date": "2026-13-45"})
    assert response.status_code == 200
    assert "日期格式不正确" in response.content.decode()


def test_receipt_pdf_has_code_and_next_steps(world):
    case = world.opinion(channel=Channel.PAPER, title="小区垃圾清运不及时")
    pages, text = pdf_text(docs.receipt_pdf(case))
    assert pages == 1
    for expected in ("回执", case.tracking_code_display, "小区垃圾清运不及时", "接下来会怎样", "个工作日内交有关单位办理", "查询码"):
        assert expected in text, expected
    assert "13812341234" not in text


def test_reply_cover_and_case_file_carry_every_record(world):
    case = case_in_state(world, "closed")
    actions.case_add_contact(
        case_id=case.pk,
        user=world.unit_a_user,
        contact_date=timezone.localdate(),
        way="phone",
        party="resident",
        summary="电话联系群众了解诉求",
    )
    case = document_cases().get(pk=case.pk)
    _pages, cover = pdf_text(docs.reply_cover_pdf(case))
    for expected in ("答复函", "杏花岭区住房和城乡建设局", "经现场查看，已安排维修", "承办单位盖章"):
        assert expected in cover, expected
    _pages, file_text = pdf_text(docs.case_file_pdf(case))
    for expected in ("全程档案", "办理过程", "电话联系群众了解诉求", "经现场查看，已安排维修", "满意", "已办结"):
        assert expected in file_text, expected


def test_html_documents_have_a_print_stylesheet(world, client):
    case = assigned(world)
    client.force_login(world.staff)
    for name in ("assignment_sheet", "receipt", "case_file"):
        response = client.get(reverse(f"documents:{name}", args=[case.pk]))
        assert response.status_code == 200
        body = response.content.decode()
        assert "@page" in body and "@media print" in body
        assert response["Cache-Control"].startswith("private")


def test_who_may_print_what(world, client):
    case = assigned(world)
    urls = {name: reverse(f"documents:{name}", args=[case.pk]) for name in ("assignment_sheet", "receipt", "case_file")}
    allowed = {
        world.staff: {"assignment_sheet", "receipt", "case_file"},
        world.unit_a_user: {"assignment_sheet"},
        world.unit_b_user: {"assignment_sheet"},
        world.unit_c_user: set(),
        world.liaison: {"receipt"},
        world.deputy_user: set(),
        world.other_staff: set(),
        UserFactory(username="nobody"): set(),
    }
    for user, names in allowed.items():
        client.force_login(user)
        for name, url in urls.items():
            status = client.get(url).status_code
            assert status == (200 if name in names else 404), (user.username, name, status)
    client.logout()
    for url in urls.values():
        assert client.get(url).status_code == 302


def test_unassigned_case_has_no_assignment_sheet_and_unreplied_no_cover(world, client):
    case = world.opinion()
    client.force_login(world.staff)
    assert client.get(reverse("documents:assignment_sheet", args=[case.pk])).status_code == 404
    assert client.get(reverse("documents:reply_cover", args=[case.pk])).status_code == 404
    assert client.get(reverse("documents:assignment_sheet", args=[999999])).status_code == 404


def test_pdf_view_serves_a_pdf(world, client):
    case = assigned(world)
    client.force_login(world.unit_a_user)
    response = client.get(reverse("documents:assignment_sheet", args=[case.pk]), {"format": "pdf"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    _pages, text = pdf_text(response.content)
    assert "交办单" in text


def test_province_staff_batch_queries_do_not_grow_with_cases(world, client, django_assert_max_num_queries):
    for _ in range(4):
        assigned(world)
    province = StaffUserFactory(username="prov", region=world.regions["taiyuan"]["province"])
    client.force_login(province)
    day = timezone.localdate().isoformat()
    with django_assert_max_num_queries(12):
        response = client.get(reverse("documents:assignment_batch"), {"date": day})
    assert response.status_code == 200


def test_rating_label_in_case_file(world):
    case = case_in_state(world, "rehandling")
    _pages, text = pdf_text(docs.case_file_pdf(document_cases().get(pk=case.pk)))
    assert "不满意" in text
    assert Rating.UNSATISFIED
