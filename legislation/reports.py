"""The 意见汇总报告: data compiled article by article, rendered as PDF
(WeasyPrint, CJK fonts from fontconfig: Noto Sans/Serif CJK SC) and XLSX
(openpyxl; every text cell formula-escaped)."""

import io
import logging
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

# WeasyPrint logs each stylesheet it parses at INFO, its own included on
# import: quiet it before importing (its warnings still show).
logging.getLogger("weasyprint").setLevel(logging.WARNING)
from weasyprint import HTML  # noqa: E402

from .models import AnchorState, ArticleSummary, Comment, Moderation, ProvisionKind  # noqa: E402


@dataclass
class ArticleBlock:
    label: str
    text: str
    chapter: str
    summary: str = ""
    comments: list = field(default_factory=list)  # Comment with .weight (1 + duplicates)
    removed: bool = False

    @property
    def count(self) -> int:
        return sum(c.weight for c in self.comments)


@dataclass
class ReportData:
    draft: object
    version: object
    station: object
    blocks: list
    total: int
    number: int = 0
    generated_at: object = None


def compile_data(*, draft, station=None) -> ReportData:
    version = draft.current_version
    comments = (
        Comment.objects.filter(draft=draft, moderation=Moderation.PUBLISHED, merged_into__isnull=True)
        .select_related("station", "provision")
        .annotate(dups=Count("duplicates", filter=Q(duplicates__moderation=Moderation.PUBLISHED)))
        .order_by("created_at", "pk")
    )
    summaries = ArticleSummary.objects.filter(draft=draft, station=station)
    if station is not None:
        comments = comments.filter(station=station)
    summary_of = {s.provision_id: s.text for s in summaries}
    whole = ArticleBlock(label="总体意见", text="", chapter="", summary=summary_of.get(None, ""))
    blocks = {}
    for p in version.provisions.filter(kind=ProvisionKind.ARTICLE).order_by("position"):
        blocks[p.pk] = ArticleBlock(label=p.label, text=p.text, chapter=p.chapter, summary=summary_of.get(p.pk, ""))
    removed = {}
    total = 0
    for c in comments:
        c.weight = 1 + c.dups
        total += c.weight
        if c.provision_id is None:
            whole.comments.append(c)
        elif c.anchor_state == AnchorState.REMOVED or c.provision_id not in blocks:
            block = removed.setdefault(
                c.provision_id,
                ArticleBlock(label=c.provision.label, text=c.provision.text, chapter="", removed=True),
            )
            block.comments.append(c)
        else:
            blocks[c.provision_id].comments.append(c)
    ordered = [whole, *blocks.values(), *removed.values()]
    return ReportData(draft=draft, version=version, station=station, blocks=ordered, total=total, generated_at=timezone.now())


def render_pdf(data: ReportData) -> bytes:
    html = render_to_string("legislation/report_pdf.html", {"data": data})
    return HTML(string=html).write_pdf()


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def escape_cell(value):
    """Text a spreadsheet would run as a formula (CSV/XLSX injection) gets a
    leading apostrophe-like quote: stored as plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def render_xlsx(data: ReportData) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "逐条意见"
    ws.append([escape_cell(data.draft.title)])
    ws.append([f"第{data.version.number}稿", data.station.name if data.station else "全部联系点", f"意见 {data.total} 条"])
    header = ["条文", "意见内容", "条数（含合并）", "渠道", "联系点", "标签", "采纳情况", "理由", "本条摘要"]
    ws.append(header)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for block in data.blocks:
        label = block.label + ("（已删除）" if block.removed else "")
        if not block.comments:
            if block.summary:
                ws.append([escape_cell(label), "", 0, "", "", "", "", "", escape_cell(block.summary)])
            continue
        for c in block.comments:
            ws.append(
                [
                    escape_cell(label),
                    escape_cell(c.content),
                    c.weight,
                    c.get_channel_display(),
                    escape_cell(c.station.name if c.station else ""),
                    escape_cell("、".join(c.tags)),
                    c.get_adoption_display() if c.adoption else "",
                    escape_cell(c.adoption_reason),
                    escape_cell(block.summary),
                ]
            )
    for column, width in zip("ABCDEFGHI", (10, 60, 10, 10, 20, 16, 10, 30, 40), strict=True):
        ws.column_dimensions[column].width = width
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
