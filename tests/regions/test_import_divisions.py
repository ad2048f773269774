import time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from regions.importer import DivisionImportError, import_divisions
from regions.models import Region, RegionLevel

DEMO_DIVISIONS = Path(__file__).resolve().parents[2] / "demo" / "data" / "divisions"


def write_fixture(path: Path, *, gulou_name: str = "鼓楼街道") -> Path:
    """A small tree in the published CSV layout: a province/city/county/streets
    chain, a municipality with its "市辖区" placeholder, and 东莞市, a city
    listed again as its own county (same padded code)."""
    (path / "provinces.csv").write_text('code,name\n14,"山西省"\n11,"北京市"\n44,"广东省"\n', encoding="utf-8")
    (path / "cities.csv").write_text('code,name,provinceCode\n1401,"太原市",14\n1101,"市辖区",11\n4419,"东莞市",44\n', encoding="utf-8")
    (path / "areas.csv").write_text(
        'code,name,cityCode,provinceCode\n140107,"杏花岭区",1401,14\n110101,"东城区",1101,11\n441900,"东莞市",4419,44\n',
        encoding="utf-8",
    )
    (path / "streets.csv").write_text(
        "code,name,areaCode,provinceCode,cityCode\n"
        f'140107003,"{gulou_name}",140107,14,1401\n'
        '140107004,"杏花岭街道",140107,14,1401\n'
        '140107100,"中涧河镇",140107,14,1401\n'
        '110101001,"东华门街道",110101,11,1101\n'
        '441900003,"东城街道",441900,44,4419\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.django_db
def test_import_builds_the_tree_with_padded_codes_parents_and_full_names(tmp_path):
    stats = import_divisions(write_fixture(tmp_path))
    assert stats.created == 13 and stats.merged == 1  # 东莞市 listed twice is one region
    gulou = Region.objects.get(code="140107003000")
    assert gulou.level == RegionLevel.TOWNSHIP
    assert gulou.parent.code == "140107000000" and gulou.parent.parent.code == "140100000000"
    assert gulou.full_name == "山西省太原市杏花岭区鼓楼街道"
    assert gulou.year == 2023
    # The municipality's "市辖区" stays in the tree but not in full names.
    assert Region.objects.get(code="110101001000").full_name == "北京市东城区东华门街道"
    assert Region.objects.get(code="110100000000").name == "市辖区"
    dongcheng = Region.objects.get(code="441900003000")
    assert dongcheng.full_name == "广东省东莞市东城街道"
    assert dongcheng.parent.code == "441900000000" and dongcheng.parent.level == RegionLevel.CITY


@pytest.mark.django_db
def test_import_twice_creates_nothing_and_a_renamed_row_is_updated(tmp_path):
    first = tmp_path / "first"
    first.mkdir()
    import_divisions(write_fixture(first))
    ids_before = dict(Region.objects.values_list("code", "pk"))

    again = import_divisions(first)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 13)
    assert Region.objects.count() == 13

    renamed = tmp_path / "renamed"
    renamed.mkdir()
    stats = import_divisions(write_fixture(renamed, gulou_name="鼓楼新街道"))
    assert (stats.created, stats.updated) == (0, 1)
    assert dict(Region.objects.values_list("code", "pk")) == ids_before  # same rows, same ids
    gulou = Region.objects.get(code="140107003000")
    assert gulou.name == "鼓楼新街道" and gulou.full_name == "山西省太原市杏花岭区鼓楼新街道"


@pytest.mark.django_db
def test_import_of_one_province_and_a_year(tmp_path):
    write_fixture(tmp_path)
    stats = import_divisions(tmp_path, province="14", year=2024)
    assert stats.created == 6
    assert set(Region.objects.values_list("code", flat=True)) == {
        "140000000000",
        "140100000000",
        "140107000000",
        "140107003000",
        "140107004000",
        "140107100000",
    }
    assert set(Region.objects.values_list("year", flat=True)) == {2024}


@pytest.mark.django_db
def test_command_reports_and_rejects_bad_input(tmp_path, capsys):
    write_fixture(tmp_path)
    call_command("import_divisions", str(tmp_path), "--province", "11")
    assert "新增 4" in capsys.readouterr().out
    with pytest.raises(CommandError, match="不是目录"):
        call_command("import_divisions", str(tmp_path / "missing"))
    with pytest.raises(CommandError, match="两位数字"):
        call_command("import_divisions", str(tmp_path), "--province", "4")


@pytest.mark.django_db
def test_bad_code_and_orphan_row_are_refused_without_partial_writes(tmp_path):
    write_fixture(tmp_path)
    (tmp_path / "streets.csv").write_text("code,name,areaCode,provinceCode,cityCode\n1401070x3,鼓楼,140107,14,1401\n", encoding="utf-8")
    with pytest.raises(DivisionImportError, match="区划代码无效"):
        import_divisions(tmp_path)
    (tmp_path / "streets.csv").write_text("code,name,areaCode,provinceCode,cityCode\n140199001,某街道,140199,14,1401\n", encoding="utf-8")
    with pytest.raises(DivisionImportError, match="找不到上级区划"):
        import_divisions(tmp_path)
    assert Region.objects.count() == 0  # one transaction: nothing half-imported


@pytest.mark.django_db
def test_demo_subset_carries_the_demo_counties():
    stats = import_divisions(DEMO_DIVISIONS)
    assert stats.created == Region.objects.count()
    names = set(Region.objects.values_list("full_name", flat=True))
    assert {
        "山西省太原市杏花岭区鼓楼街道",
        "山西省太原市杏花岭区中涧河镇",
        "辽宁省沈阳市和平区太原街街道",
        "江苏省无锡市惠山区钱桥街道",
    } <= names
    assert Region.objects.filter(code__startswith="140107", level=RegionLevel.TOWNSHIP).count() == 12


@pytest.mark.django_db
def test_import_costs_a_fixed_number_of_queries_per_level(tmp_path, django_assert_max_num_queries):
    write_fixture(tmp_path)
    started = time.monotonic()
    # 1 read + per level (create, re-read ids) + savepoints: independent of the row count.
    with django_assert_max_num_queries(12):
        import_divisions(tmp_path)
    assert time.monotonic() - started < 10
