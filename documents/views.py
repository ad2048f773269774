"""Printed documents: an HTML page with a print stylesheet and the same
document as PDF (``?format=pdf``)."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from proposals.access import cases_for_staff, is_case_staff

from . import access
from . import render as docs
from .selectors import assignments_of_day

MAX_BATCH = 500
MSG_BAD_DATE = "日期格式不正确，请使用 年-月-日，如 2026-03-09。"
MSG_BATCH_EMPTY = "这一天没有交办的案件。"
MSG_BATCH_TOO_BIG = "这一天交办的案件超过 %(n)s 件，请按单位或分批打印。"


def _respond(request, html_fn, pdf_fn, case, filename: str):
    if request.GET.get("format") == "pdf":
        response = HttpResponse(pdf_fn(case), content_type=docs.PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'inline; filename="{filename}.pdf"'
    else:
        response = HttpResponse(html_fn(case))
    response["Cache-Control"] = "private, no-store"
    return response


@never_cache
@login_required
def assignment_sheet(request, pk):
    case = access.access_assignment_sheet(request.user, pk)
    return _respond(
        request,
        lambda c: docs.assignment_sheet_html([c]),
        lambda c: docs.assignment_sheet_pdf([c]),
        case,
        f"jiaobandan-{case.tracking_code}",
    )


@never_cache
@login_required
def receipt(request, pk):
    case = access.access_receipt(request.user, pk)
    return _respond(request, docs.receipt_html, docs.receipt_pdf, case, f"huizhi-{case.tracking_code}")


@never_cache
@login_required
def reply_cover(request, pk):
    case = access.access_reply_cover(request.user, pk)
    return _respond(request, docs.reply_cover_html, docs.reply_cover_pdf, case, f"dafuhan-{case.tracking_code}")


@never_cache
@login_required
def case_file(request, pk):
    case = access.access_case_file(request.user, pk)
    return _respond(request, docs.case_file_html, docs.case_file_pdf, case, f"dangan-{case.tracking_code}")


@never_cache
@login_required
def assignment_batch(request):
    """A day's 交办单 (the staff member's region) as one PDF."""
    if not is_case_staff(request.user):
        raise Http404
    raw = request.GET.get("date", "")
    error = ""
    day = timezone.localdate()
    if raw:
        try:
            day = dt.date.fromisoformat(raw)
        except ValueError:
            error = _(MSG_BAD_DATE)
    cases = []
    count = 0
    if not error:
        qs = assignments_of_day(cases_for_staff(request.user), day)
        count = qs.count()
        if count > MAX_BATCH:
            error = _(MSG_BATCH_TOO_BIG) % {"n": MAX_BATCH}
        elif count == 0:
            error = _(MSG_BATCH_EMPTY)
        elif request.GET.get("format") == "pdf":
            response = HttpResponse(docs.assignment_sheet_pdf(list(qs)), content_type=docs.PDF_CONTENT_TYPE)
            response["Content-Disposition"] = f'attachment; filename="jiaobandan-{day:%Y%m%d}.pdf"'
            return response
        else:
            cases = list(qs[:MAX_BATCH])
    return render(request, "documents/batch.html", {"day": day, "raw": raw, "error": error, "cases": cases, "count": count})
