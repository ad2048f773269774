"""The printed documents of the office, as HTML (with a print stylesheet)
and as PDF (WeasyPrint, CJK fonts from the system: fonts-noto-cjk).

Each document is one plain function of the case(s) it prints, so other
apps call them directly: the liaison workspace prints a 回执 with
``receipt_pdf(case)`` right after paper entry. Access checks are the
caller's job (``documents.access``); these functions only render.
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from weasyprint import HTML

from congress_portal.qr import absolute_url, qr_svg_inline
from proposals.models import Case, DeadlinePolicy
from regions.models import Region, RegionLevel

from .selectors import case_file_records, deadline_workdays, document_cases

PDF_CONTENT_TYPE = "application/pdf"


def html_to_pdf(html: str) -> bytes:
    # base_url: relative links (none today) resolve against the public address.
    return HTML(string=html, base_url=settings.PORTAL_PUBLIC_BASE_URL).write_pdf()


def track_url(case: Case) -> str:
    return absolute_url(reverse("intake:track") + "?" + urlencode({"code": case.tracking_code_display}))


def _policy() -> DeadlinePolicy | None:
    return DeadlinePolicy.objects.order_by("pk").first()


def _common(title: str) -> dict:
    return {"doc_title": title, "printed_at": timezone.localtime()}


def office_name(region: Region | None, cache: dict | None = None) -> str:
    """The congress standing committee that issues the document: the one of
    the county the case's region lies in (a street has no congress of its
    own), e.g. 杏花岭区人大常委会; a case above county level is issued by its
    own region's committee."""
    if region is None:
        return str(settings.PORTAL_SITE_NAME)
    cache = {} if cache is None else cache
    if region.level <= RegionLevel.COUNTY:
        return f"{region.name}人大常委会"
    code = region.code[:6].ljust(12, "0")
    if code not in cache:
        county = Region.objects.filter(code=code).only("name").first()
        cache[code] = county.name if county else region.name
    return f"{cache[code]}人大常委会"


# --- 交办单 -----------------------------------------------------------------
def assignment_sheet_html(cases: Sequence[Case], *, for_print: bool = False) -> str:
    """One A4 交办单 per case (``cases`` loaded through
    ``selectors.document_cases``), page breaks between them."""
    sheets = []
    offices: dict = {}
    for case in cases:
        assignments = getattr(case, "active_assignments", None)
        if assignments is None:
            assignments = list(case.assignments.filter(is_active=True).select_related("unit").order_by("role", "pk"))
        lead = [a for a in assignments if a.role == "lead"]
        co = [a for a in assignments if a.role != "lead"]
        url = track_url(case)
        sheets.append(
            {
                "case": case,
                "office": office_name(case.region, offices),
                "lead": lead[0] if lead else None,
                "co_units": co,
                "workdays": deadline_workdays(case),
                "qr_svg": qr_svg_inline(url, scale=3),
                "track_url": url,
            }
        )
    context = _common("交办单") | {"sheets": sheets, "policy": _policy(), "for_print": for_print}
    return render_to_string("documents/assignment_sheet.html", context)


def assignment_sheet_pdf(cases: Sequence[Case]) -> bytes:
    return html_to_pdf(assignment_sheet_html(cases, for_print=True))


# --- 回执 -------------------------------------------------------------------
def receipt_html(case: Case, *, for_print: bool = False) -> str:
    """The receipt handed to a resident at paper or reception-day intake:
    tracking code, its QR and what happens next."""
    url = track_url(case)
    context = _common("回执") | {
        "case": case,
        "office": office_name(case.region),
        "track_url": url,
        "qr_svg": qr_svg_inline(url, scale=4),
        "policy": _policy(),
        "for_print": for_print,
    }
    return render_to_string("documents/receipt.html", context)


def receipt_pdf(case: Case) -> bytes:
    return html_to_pdf(receipt_html(case, for_print=True))


# --- 答复函封面 and 全程档案 ----------------------------------------------------
def reply_cover_html(case: Case, *, for_print: bool = False) -> str:
    reply = case.replies.select_related("unit", "reply_class").order_by("-round", "-created_at").first()
    context = _common("答复函") | {"case": case, "office": office_name(case.region), "reply": reply, "for_print": for_print}
    return render_to_string("documents/reply_cover.html", context)


def reply_cover_pdf(case: Case) -> bytes:
    return html_to_pdf(reply_cover_html(case, for_print=True))


def case_file_html(case: Case, *, for_print: bool = False) -> str:
    url = track_url(case)
    context = _common("全程档案") | {
        "case": case,
        "office": office_name(case.region),
        "records": case_file_records(case),
        "qr_svg": qr_svg_inline(url, scale=3),
        "for_print": for_print,
    }
    return render_to_string("documents/case_file.html", context)


def case_file_pdf(case: Case) -> bytes:
    return html_to_pdf(case_file_html(case, for_print=True))


def load_case(pk: int) -> Case:
    return document_cases().get(pk=pk)
