"""The deputy's annual record as an XLSX workbook (openpyxl).

Every text cell is formula-escaped: a value a deputy or resident typed
that starts with = + - @ (or a tab / carriage return) is written with a
leading apostrophe so that a spreadsheet shows it and never evaluates it.
"""

import io

from openpyxl import Workbook
from openpyxl.styles import Font

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value):
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def record_workbook(*, scores, entries, year: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "履职积分"
    bold = Font(bold=True)
    for score in scores:
        ws.append([cell(f"{score.deputy.name} {year}年履职积分（{score.table.congress.name}）")])
        ws.cell(row=ws.max_row, column=1).font = bold
        ws.append(["项目", "次数", "每次分值", "年度上限", "得分", "应达次数"])
        for r in score.rules:
            ws.append(
                [
                    cell(r.rule.name),
                    r.count,
                    float(r.rule.points),
                    float(r.rule.yearly_cap) if r.rule.yearly_cap is not None else None,
                    float(r.points),
                    r.rule.required_count or None,
                ]
            )
        ws.append(["合计", None, None, None, float(score.total), None])
        ws.append(["等次", cell(str(score.grade))])
        ws.append([])
    detail = wb.create_sheet("履职记录")
    detail.append(["类别", "日期", "事项", "状态"])
    for d in entries["duties"]:
        detail.append([cell(d.get_kind_display()), d.date, cell(d.title), ""])
    for r in entries["receptions"]:
        detail.append(["接待日", r.date, cell(f"{r.station.name} {r.topic}".strip()), ""])
    for s in entries["suggestions"]:
        detail.append([cell(s.get_role_display()), s.case.submitted_at.date(), cell(s.case.title), cell(s.case.get_state_display())])
    for c in entries["closed_cases"]:
        detail.append(["跟踪群众意见至办结", c.closed_at.date(), cell(c.title), ""])
    for m in entries["manual"]:
        detail.append([cell(m.rule.name), m.date, cell(m.title), cell(m.get_status_display())])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
