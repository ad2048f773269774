"""Writing spreadsheets: one place for every XLSX/CSV the portal produces.

Every list a person downloads (admin lists, workspace lists, statistics
tables, programme tallies) goes through :func:`write_xlsx`, so each export
gets the same guarantees:

- *bounded memory*: XlsxWriter's ``constant_memory`` mode flushes each row to
  a temporary file as the next one starts, so a million rows cost the same
  memory as ten (rows must be written in order, which is how we write them);
- *no formula injection*: a text cell is always written as a string, never
  parsed as a formula or a URL, and one that starts with ``= + - @`` (or a
  tab/CR) carries Excel's quote prefix, so editing it in Excel keeps it text;
  CSV has no cell types, so :func:`escape_formula` prefixes an apostrophe;
- *dates as dates*: ``date``/``datetime`` values are real Excel dates in the
  local time zone (Asia/Shanghai), formatted ``yyyy-mm-dd [hh:mm]``;
- Chinese headers in bold, frozen, with an autofilter and sensible widths.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import io
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import xlsxwriter
import xlsxwriter.utility
from django.http import FileResponse
from django.utils import timezone

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Excel's limits: longer cells are cut (with a mark) rather than making a file Excel rejects.
MAX_CELL_CHARS = 32_767
MAX_SHEET_NAME = 31
MAX_ROWS = 1_048_576


def escape_formula(value: str) -> str:
    """Text for a CSV cell that a spreadsheet will not run as a formula."""
    if value and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass
class Column:
    header: str
    kind: str = "text"  # text | int | number | percent | date | datetime | bool
    width: float | None = None
    # A drop-down of allowed values on the column's data cells (import templates).
    choices: Sequence[str] | None = None


@dataclass
class Sheet:
    name: str
    columns: Sequence[Column]
    rows: Iterable[Sequence]
    # Called after each row with the number written so far (progress bars).
    on_row: Callable[[int], None] | None = field(default=None, repr=False)


def _local(value: dt.datetime) -> dt.datetime:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.replace(tzinfo=None)


def write_xlsx(target, sheets: Sequence[Sheet]) -> int:
    """Write ``sheets`` to ``target`` (a path or a binary file object).
    Returns the number of data rows written in all sheets."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
            "remove_timezone": True,
        },
    )
    header_fmt = workbook.add_format({"bold": True, "bg_color": "#EEEEEE", "border": 1, "text_wrap": True})
    text_fmt = workbook.add_format({})
    quoted_fmt = workbook.add_format({"quote_prefix": True})
    formats = {
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "number": workbook.add_format({"num_format": "0.0#"}),
    }
    total = 0
    used_names: set[str] = set()
    long_lists: list[Sequence[str]] = []
    for sheet in sheets:
        name = _sheet_name(sheet.name, used_names)
        ws = workbook.add_worksheet(name)
        for col, column in enumerate(sheet.columns):
            width = column.width or max(10, min(40, len(column.header) * 2 + 2))
            ws.set_column(col, col, width)
            ws.write_string(0, col, column.header, header_fmt)
            if column.choices:
                _add_choices(ws, col, column, long_lists)
        ws.freeze_panes(1, 0)
        row = 0
        for values in sheet.rows:
            row += 1
            if row >= MAX_ROWS:
                break
            for col, column in enumerate(sheet.columns):
                _write_cell(ws, row, col, values[col] if col < len(values) else None, column.kind, formats, text_fmt, quoted_fmt)
            if sheet.on_row is not None:
                sheet.on_row(row)
        if sheet.columns:
            ws.autofilter(0, 0, max(row, 1), len(sheet.columns) - 1)
        total += row
    if long_lists:
        # Lists longer than Excel's 255-character inline limit live on a hidden sheet.
        options = workbook.add_worksheet(CHOICES_SHEET)
        for col, values in enumerate(long_lists):
            for i, value in enumerate(values):
                options.write_string(i, col, str(value))
        options.hide()
    workbook.close()
    return total


CHOICES_SHEET = "选项"


def _add_choices(ws, col: int, column: Column, long_lists: list) -> None:
    values = [str(v) for v in column.choices]
    rule = {
        "validate": "list",
        "error_title": column.header,
        "error_message": "请从下拉列表中选择",
        "error_type": "warning",
    }
    if sum(len(v) + 1 for v in values) <= 250:
        rule["source"] = values
    else:
        index = len(long_lists)
        long_lists.append(values)
        letter = xlsxwriter.utility.xl_col_to_name(index)
        rule["source"] = f"='{CHOICES_SHEET}'!${letter}$1:${letter}${len(values)}"
    ws.data_validation(1, col, MAX_ROWS - 1, col, rule)


def _sheet_name(name: str, used: set[str]) -> str:
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in (name or "Sheet"))[:MAX_SHEET_NAME] or "Sheet"
    candidate, n = clean, 1
    while candidate.lower() in used:
        n += 1
        suffix = f"({n})"
        candidate = clean[: MAX_SHEET_NAME - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def _write_cell(ws, row, col, value, kind, formats, text_fmt, quoted_fmt) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None)
        return
    if isinstance(value, bool):
        ws.write_boolean(row, col, value)
        return
    if isinstance(value, dt.datetime):
        ws.write_datetime(row, col, _local(value), formats["datetime"])
        return
    if isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), formats["date"])
        return
    if isinstance(value, (int, float, decimal.Decimal)) and kind != "text":
        ws.write_number(row, col, float(value), formats.get(kind))
        return
    text = str(value)
    if len(text) > MAX_CELL_CHARS:
        text = text[: MAX_CELL_CHARS - 1] + "…"
    ws.write_string(row, col, text, quoted_fmt if text.startswith(FORMULA_TRIGGERS) else text_fmt)


def xlsx_response(filename: str, sheets: Sequence[Sheet]) -> FileResponse:
    """A download of ``sheets``, built in a temporary file (not in memory) and
    streamed from it; the file is deleted when the response is closed."""
    spool = tempfile.TemporaryFile(suffix=".xlsx")
    write_xlsx(spool, sheets)
    spool.seek(0)
    return FileResponse(spool, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def csv_text(columns: Sequence[Column], rows: Iterable[Sequence]) -> str:
    """CSV (UTF-8 with BOM, so Excel reads Chinese) with formula escaping."""
    out = io.StringIO()
    out.write("\ufeff")
    writer = csv.writer(out)
    writer.writerow([c.header for c in columns])
    for values in rows:
        writer.writerow(["" if v is None else escape_formula(str(v)) if isinstance(v, str) else v for v in values])
    return out.getvalue()
