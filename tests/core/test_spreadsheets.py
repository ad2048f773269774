"""The one XLSX/CSV writer: formula injection, dates, limits, streaming."""

import datetime as dt
import io
import zoneinfo

import openpyxl
import pytest

from congress_portal.spreadsheets import Column, Sheet, csv_text, escape_formula, write_xlsx, xlsx_response

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def _read(buf):
    buf.seek(0)
    return openpyxl.load_workbook(buf)


def test_text_that_looks_like_a_formula_stays_text_with_a_quote_prefix():
    buf = io.BytesIO()
    write_xlsx(buf, [Sheet("案件", [Column("标题")], [['=HYPERLINK("http://x","点我")'], ["+1"], ["普通文本"]])])
    ws = _read(buf)["案件"]
    cell = ws["A2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")
    assert cell.quotePrefix is True
    assert ws["A3"].quotePrefix is True
    assert ws["A4"].quotePrefix is False


def test_dates_are_dates_in_local_time():
    buf = io.BytesIO()
    utc_evening = dt.datetime(2026, 3, 1, 17, 30, tzinfo=dt.UTC)  # 01:30 on 2 March in Shanghai
    write_xlsx(buf, [Sheet("s", [Column("日", "date"), Column("时", "datetime")], [[dt.date(2026, 1, 5), utc_evening]])])
    ws = _read(buf)["s"]
    assert ws["A2"].value == dt.datetime(2026, 1, 5)
    assert ws["A2"].number_format == "yyyy-mm-dd"
    assert ws["B2"].value == dt.datetime(2026, 3, 2, 1, 30)


def test_numbers_headers_and_blank_cells():
    buf = io.BytesIO()
    rows = write_xlsx(buf, [Sheet("s", [Column("件数", "int"), Column("率", "percent"), Column("备注")], [[3, 0.5, None]])])
    ws = _read(buf)["s"]
    assert rows == 1
    assert [c.value for c in ws[1]] == ["件数", "率", "备注"]
    assert ws["A2"].value == 3 and ws["B2"].value == 0.5 and ws["C2"].value is None


def test_sheet_names_are_made_valid_and_unique():
    buf = io.BytesIO()
    write_xlsx(buf, [Sheet("a/b:c", [Column("x")], []), Sheet("a/b:c", [Column("x")], [])])
    assert _read(buf).sheetnames == ["a_b_c", "a_b_c(2)"]


def test_progress_callback_counts_rows():
    seen = []
    write_xlsx(io.BytesIO(), [Sheet("s", [Column("x", "int")], ([i] for i in range(5)), on_row=seen.append)])
    assert seen == [1, 2, 3, 4, 5]


def test_csv_escapes_formulas_and_starts_with_a_bom():
    text = csv_text([Column("标题")], [["=1+1"], ["-2"], ["ok"]])
    assert text.startswith("\ufeff标题")
    assert "'=1+1" in text and "'-2" in text and "\nok" in text.replace("\r", "")
    assert escape_formula("@SUM(A1)") == "'@SUM(A1)"
    assert escape_formula("正常") == "正常"


def test_response_is_a_download_with_the_xlsx_type(db):  # closing a response ends the "request"
    response = xlsx_response("报表.xlsx", [Sheet("s", [Column("x")], [["y"]])])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content)
    assert _read(io.BytesIO(body))["s"]["A2"].value == "y"
    response.close()


@pytest.mark.parametrize("value", ["x" * 40_000])
def test_overlong_text_is_cut_to_excels_limit(value):
    buf = io.BytesIO()
    write_xlsx(buf, [Sheet("s", [Column("x")], [[value]])])
    assert len(_read(buf)["s"]["A2"].value) == 32_767
