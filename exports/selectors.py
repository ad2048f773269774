"""Reads for the exports: which cases a job lists (the same filters as the
page it came from, in the same scope) and their rows, streamed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from accounts.crypto import decrypt, mask_name
from congress_portal.spreadsheets import Column
from proposals import selectors
from proposals.models import Case, CaseKind, CaseState, Channel, Rating, SupervisionLevel
from workspaces.deputy import selectors as deputy_selectors
from workspaces.deputy.forms import CaseFilterForm
from workspaces.unit.forms import UnitCaseFilterForm

from .models import ExportJob, ExportKind

# Rows read per round trip from a server-side cursor: the worker holds at
# most this many rows at a time, whatever the size of the export.
CHUNK = 2000
# The deputy's list is a union (not one queryset): its ids are read a page at a time.
ID_PAGE = 5000


class ExportFilterError(Exception):
    """The filters of the list page are not valid any more (MSG_BAD_FILTERS)."""


MSG_BAD_FILTERS = "列表的筛选条件无效，请回到列表页面重新筛选后再导出。"

CASE_COLUMNS = (
    Column("查询码", width=11),
    Column("类型", width=9),
    Column("标题", width=30),
    Column("内容", width=50),
    Column("状态", width=9),
    Column("来源渠道", width=10),
    Column("类别", width=10),
    Column("站点", width=24),
    Column("区域", width=12),
    Column("主办单位", width=24),
    Column("责任代表", width=10),
    Column("提出时间", "datetime"),
    Column("收到日期", "date"),
    Column("受理时间", "datetime"),
    Column("交办时间", "datetime"),
    Column("当前时限", "date"),
    Column("答复时间", "datetime"),
    Column("办结时间", "datetime"),
    Column("办理结果", width=8),
    Column("满意度", width=9),
    Column("督办级别", width=14),
    Column("群众姓名", width=10),
    Column("联系电话", width=14),
)

_FIELDS = (
    "tracking_code",
    "kind",
    "title",
    "content",
    "state",
    "channel",
    "category__name",
    "station__name",
    "region__name",
    "lead_unit__name",
    "responsible_deputy__name",
    "submitted_at",
    "received_on",
    "accepted_at",
    "assigned_at",
    "deadline",
    "replied_at",
    "closed_at",
    "reply_class__code",
    "satisfaction",
    "supervision_level",
    "resident_name",
    "phone_masked",
    "phone_encrypted",
    "is_anonymous",
)


@dataclass
class CaseSource:
    """What one export writes: how many rows (for the progress bar) and the rows."""

    total: int | None
    rows: Iterator[tuple]


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices}


def case_rows(values: Iterator[tuple], *, reveal: bool) -> Iterator[tuple]:
    """Spreadsheet rows (CASE_COLUMNS) from ``_FIELDS`` value tuples: codes as
    labels, names and phones masked unless ``reveal``."""
    kinds, states, channels = _labels(CaseKind.choices), _labels(CaseState.choices), _labels(Channel.choices)
    ratings, levels = _labels(Rating.choices), _labels(SupervisionLevel.choices)
    for v in values:
        code = v[0]
        name, phone_masked, phone_encrypted, anonymous = v[21], v[22], v[23], v[24]
        if anonymous:
            name = ""
        if reveal:
            phone = decrypt(phone_encrypted) or phone_masked
        else:
            name, phone = mask_name(name), phone_masked
        yield (
            f"{code[:4]}-{code[4:]}" if len(code) == 8 else code,
            kinds.get(v[1], v[1]),
            v[2],
            v[3],
            states.get(v[4], v[4]),
            channels.get(v[5], v[5]),
            v[6] or "",
            v[7] or "",
            v[8] or "",
            v[9] or "",
            v[10] or "",
            *v[11:18],
            v[18] or "",
            ratings.get(v[19], v[19]),
            levels.get(v[20], v[20]) if v[20] else "",
            name,
            phone,
        )


def _stream(qs: QuerySet) -> Iterator[tuple]:
    # iterator(): a server-side cursor on PostgreSQL, CHUNK rows per fetch.
    return qs.values_list(*_FIELDS).iterator(chunk_size=CHUNK)


def _request_for(user, query: str) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.GET = QueryDict(query)
    request.user = user
    request.META["SERVER_NAME"] = "export"
    request.META["SERVER_PORT"] = "80"
    return request


def admin_case_queryset(user, query: str) -> QuerySet:
    """The cases of the admin case list for ``user`` with the list's query
    string: built by the case admin's own ChangeList, so every filter,
    search and sort of the page (and its region scope) applies as shown."""
    model_admin = admin.site._registry[Case]
    request = _request_for(user, query)
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    try:
        changelist = model_admin.get_changelist_instance(request)
    except (IncorrectLookupParameters, SuspiciousOperation, ValueError) as exc:
        raise ExportFilterError(MSG_BAD_FILTERS) from exc
    return changelist.queryset


def unit_case_queryset(user, query: str) -> QuerySet:
    form = UnitCaseFilterForm(QueryDict(query) or None)
    return selectors.unit_case_list(user, **form.filters())


def deputy_case_ids(user, query: str) -> Iterator[int]:
    """The deputy workspace's list (same filters, same order), ids a page at a time."""
    form = CaseFilterForm(QueryDict(query) or None, station_choices=deputy_selectors.my_station_choices(user))
    cases = deputy_selectors.my_cases(user, **form.filters())
    start = 0
    while True:
        page = list(cases[start : start + ID_PAGE])
        if not page:
            return
        yield [case.pk for case in page]
        start += ID_PAGE


def _deputy_rows(user, query: str) -> Iterator[tuple]:
    for ids in deputy_case_ids(user, query):
        by_id = {}
        for values in Case.objects.filter(pk__in=ids).values_list("pk", *_FIELDS):
            by_id[values[0]] = values[1:]
        for pk in ids:
            if pk in by_id:
                yield by_id[pk]


def export_source(job: ExportJob) -> CaseSource:
    """The rows of ``job`` in its user's scope, filtered as the page was."""
    user, query = job.user, job.query
    if job.kind == ExportKind.ADMIN_CASES:
        qs = admin_case_queryset(user, query)
        return CaseSource(total=qs.order_by().count(), rows=case_rows(_stream(qs), reveal=job.reveals_personal_data))
    if job.kind == ExportKind.UNIT_CASES:
        qs = unit_case_queryset(user, query)
        return CaseSource(total=qs.order_by().count(), rows=case_rows(_stream(qs), reveal=False))
    if job.kind == ExportKind.DEPUTY_CASES:
        # A union of three lists: no cheap exact count; the bar shows rows written.
        return CaseSource(total=None, rows=case_rows(_deputy_rows(user, query), reveal=False))
    raise ExportFilterError(MSG_BAD_FILTERS)


def jobs_for(user) -> QuerySet:
    return ExportJob.objects.filter(user=user).order_by("-created_at", "-id")
