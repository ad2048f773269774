"""Deputy roster import: dry run first, Chinese errors by row and column,
all or nothing, re-import changes nothing, corrections update by natural key,
scope, hostile files, the template."""

import io

import pytest
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from deputies.models import Deputy, DeputyGroup, Mandate
from imports.models import ImportLog
from imports.resources import DEPUTY_EXAMPLE, DeputyResource
from stations.models import StationMembership

pytestmark = pytest.mark.django_db

HEADERS = list(DEPUTY_EXAMPLE)


def row(**changes):
    values = dict(DEPUTY_EXAMPLE) | changes
    return [values[h] for h in HEADERS]


def dataset(*rows):
    return tablib.Dataset(*rows, headers=HEADERS)


def xlsx(*rows, headers=HEADERS) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def five_rows():
    return [
        row(),
        row(层级="乡", 区划代码="140107004", 届次=8, 选区="第2选区", 代表小组="", 进站站点编码=""),
        row(姓名="张建国", 联系电话="13900000002", 性别="男", 进站站点编码="gl-01"),
        row(姓名="李梅", 联系电话="13900000003", 代表小组="鼓楼街道代表小组"),
        row(姓名="赵强", 联系电话="13900000004", 层级="乡", 区划代码="140107003", 届次=8, 选区="第1选区", 代表小组=""),
    ]


def totals(result):
    return {k: v for k, v in result.totals.items() if v}


def test_dry_run_writes_nothing_then_import_creates_deputies_mandates_memberships(world):
    resource = DeputyResource(user=world.staff)
    before = Deputy.objects.count()
    result = resource.import_data(dataset(*five_rows()), dry_run=True, user=world.staff)
    assert not result.has_errors() and not result.has_validation_errors(), [(r.number, r.error_dict) for r in result.invalid_rows]
    assert totals(result) == {"new": 4, "update": 1}
    assert Deputy.objects.count() == before and not Mandate.objects.exists()

    result = DeputyResource(user=world.staff).import_data(dataset(*five_rows()), dry_run=False, user=world.staff)
    assert totals(result) == {"new": 4, "update": 1}
    wang = Deputy.objects.get(name="王丽华", phone="13912345678")
    assert sorted(wang.mandates.values_list("congress__tier__name", "congress__term")) == [("乡", 8), ("县", 17)]
    assert StationMembership.objects.filter(deputy=wang, station__code="gl-01").exists()
    assert DeputyGroup.objects.get(name="鼓楼街道代表小组").members.count() == 3
    assert Deputy.objects.get(name="赵强").mandates.get().congress.region.name == "鼓楼街道"

    # The same file again: every row unchanged, nothing written.
    counts = (Deputy.objects.count(), Mandate.objects.count(), StationMembership.objects.count())
    result = DeputyResource(user=world.staff).import_data(dataset(*five_rows()), dry_run=False, user=world.staff)
    assert totals(result) == {"skip": 5}
    assert (Deputy.objects.count(), Mandate.objects.count(), StationMembership.objects.count()) == counts

    # A corrected file updates the same deputy (natural key: name + phone).
    fixed = five_rows()
    fixed[2] = row(姓名="张建国", 联系电话="13900000002", 性别="男", 进站站点编码="gl-01", 工作单位及职务="杏花岭区人民医院院长")
    result = DeputyResource(user=world.staff).import_data(dataset(*fixed), dry_run=False, user=world.staff)
    assert totals(result) == {"update": 1, "skip": 4}
    assert Deputy.objects.get(name="张建国").occupation == "杏花岭区人民医院院长"
    assert Deputy.objects.count() == counts[0]


def field_errors(result) -> dict[int, dict[str, list[str]]]:
    out = {}
    for number, error in result.invalid_rows and [(r.number, r) for r in result.invalid_rows] or []:
        out[number] = {field: [str(m) for m in msgs] for field, msgs in error.field_specific_errors.items()}
    return out


def test_a_file_with_a_mistake_in_every_column_lists_each_in_chinese(world):
    bad = row(
        姓名="",
        性别="未知",
        出生年份="一九七五",
        层级="县级",
        区划代码="999999",
        届次="第十七届",
        进站站点编码="no-such-station",
        电子邮箱='=HYPERLINK("http://x")',
    )
    result = DeputyResource(user=world.staff).import_data(dataset(row(), bad), dry_run=True, user=world.staff)
    assert result.has_validation_errors()
    errors = field_errors(result)
    assert list(errors) == [2]
    flat = {field: " ".join(msgs) for field, msgs in errors[2].items()}
    assert flat["name"] == "不能为空"
    assert "'未知' 不是有效性别，可选：男/女" in flat["gender"]
    assert "'一九七五' 不是有效的年份" in flat["birth_year"]
    assert flat["_import_tier"] == "'县级' 不是有效层级，可选：全国/省/市/县/乡"
    assert "区划代码 '999999' 不存在" in flat["_import_region"]
    assert "'十七' 不是有效的届次" in flat["_import_term"]
    assert "站点编码 'no-such-station' 不存在" in flat["_import_stations"]
    assert "单元格含公式" in flat["email"]
    assert Deputy.objects.filter(name="王丽华", phone="13912345678").count() == 0


def test_staff_import_only_into_their_subtree(world):
    result = DeputyResource(user=world.other_staff).import_data(dataset(row(进站站点编码="")), dry_run=True, user=world.other_staff)
    flat = field_errors(result)[1]
    assert "'140107' 不在您管辖的区域内" in " ".join(flat["_import_region"])
    # A county's staff cannot register mandates of the city's congress either.
    result = DeputyResource(user=world.staff).import_data(dataset(row(层级="市", 区划代码="1401")), dry_run=True, user=world.staff)
    assert "'1401' 不在您管辖的区域内" in " ".join(field_errors(result)[1]["_import_region"])
    result = DeputyResource(user=world.other_staff).import_data(
        dataset(row(区划代码="210102", 进站站点编码="gl-01")), dry_run=True, user=world.other_staff
    )
    assert "'gl-01' 不在您管辖的区域内" in " ".join(field_errors(result)[1]["_import_stations"])


def test_admin_flow_preview_confirm_log_and_file_kept(world, client):
    client.force_login(world.staff)
    url = reverse("admin:imports_deputyroster_import")
    page = client.get(url)
    assert page.status_code == 200
    assert reverse("admin:imports_deputyroster_template") in page.content.decode()
    content = xlsx(*five_rows())
    upload = SimpleUploadedFile("名册.xlsx", content)
    preview = client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
    assert preview.status_code == 200
    body = preview.content.decode()
    assert "王丽华" in body and "张建国" in body
    assert not Deputy.objects.filter(name="张建国").exists()
    confirm = preview.context["confirm_form"]
    data = {k: v for k, v in confirm.initial.items()}
    response = client.post(reverse("admin:imports_deputyroster_process_import"), data)
    assert response.status_code == 302
    assert Deputy.objects.filter(name="张建国").exists()
    log = ImportLog.objects.get()
    assert (log.user, log.created, log.updated, log.unchanged) == (world.staff, 4, 1, 0)
    assert log.file_name == "名册.xlsx"
    with log.file.open("rb") as fh:
        assert fh.read() == content


@pytest.mark.parametrize(
    "name,content",
    [
        ("not-a-sheet.xlsx", b"%PDF-1.4 this is not a spreadsheet"),
        ("empty.xlsx", b""),
        ("bomb.xlsx", b"PK\x03\x04" + b"\x00" * 200),
        ("plain.csv", '姓名,性别\n"unclosed,女\n'.encode("gbk")),
    ],
)
def test_hostile_files_get_a_message_never_a_500(world, client, name, content):
    client.force_login(world.staff)
    fmt = "1" if name.endswith(".csv") else "0"
    response = client.post(
        reverse("admin:imports_deputyroster_import"),
        {"import_file": SimpleUploadedFile(name, content), "format": fmt, "resource": "0"},
    )
    assert response.status_code == 200
    assert not Deputy.objects.filter(name="王丽华", phone="13912345678").exists()


def test_template_has_exact_columns_an_example_and_drop_downs(world, client):
    client.force_login(world.staff)
    response = client.get(reverse("admin:imports_deputyroster_template"))
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["代表名册"]
    assert [c.value for c in ws[1]] == HEADERS
    assert ws.cell(row=2, column=1).value == "王丽华"
    validations = {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}
    tier_col = HEADERS.index("层级")
    letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[tier_col]
    assert '"全国,省,市,县,乡"' == validations[f"{letter}2"].formula1
    assert any("140107" in (dv.formula1 or "") or "选项" in (dv.formula1 or "") for dv in validations.values())
    # The template imports as it is (its example row is valid for 杏花岭区).
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=2)]
    result = DeputyResource(user=world.staff).import_data(dataset(*rows), dry_run=True, user=world.staff)
    assert not result.has_validation_errors() and not result.has_errors()


def test_unit_staff_cannot_import(world, client):
    client.force_login(world.unit_a_user)
    assert client.get(reverse("admin:imports_deputyroster_import")).status_code in (302, 403)
