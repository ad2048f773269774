"""Import the statistical division tree from CSV files.

Layout (as published by the "Administrative-divisions-of-China" project):
``provinces.csv`` (code,name), ``cities.csv`` (code,name,provinceCode),
``areas.csv`` (code,name,cityCode,provinceCode) and ``streets.csv``
(code,name,areaCode,provinceCode,cityCode); codes have 2/4/6/9 digits and are
padded to 12 in ``Region.code``.

The import is idempotent (a second run creates nothing and updates only rows
whose name, parent, level, year or full name changed) and fast: one SELECT of
the existing codes, then ``bulk_create`` / ``bulk_update`` in batches, level
by level, so that parents are resolved by code from the rows already written.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from .models import PREFIX_LENGTH, Region, RegionLevel, normalize_code

FILES = (
    ("provinces.csv", RegionLevel.PROVINCE, None),
    ("cities.csv", RegionLevel.CITY, "provinceCode"),
    ("areas.csv", RegionLevel.COUNTY, "cityCode"),
    ("streets.csv", RegionLevel.TOWNSHIP, "areaCode"),
)
# Placeholder units that group counties without being a real city (直辖市's
# "市辖区", 省直辖县级行政区划…): kept in the tree, left out of full names, so
# that 北京市东城区 reads as people write it.
PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
DEFAULT_YEAR = 2023
BATCH_SIZE = 2000
UPDATE_FIELDS = ["name", "level", "parent", "year", "full_name"]


class DivisionImportError(Exception):
    """Bad input: missing file, a code that is not a division code, an orphan row."""


@dataclass
class ImportStats:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    #: rows whose padded code repeats a higher level's (a city listed as its own county)
    merged: int = 0
    by_level: dict[int, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    @property
    def rows_read(self) -> int:
        return self.total + self.merged

    def __str__(self) -> str:
        text = f"读取 {self.rows_read} 行：新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}"
        if self.merged:
            text += f"，与上级同码合并 {self.merged}"
        return text


@dataclass
class Row:
    code: str  # 12 digits
    name: str
    level: int
    parent_code: str | None
    full_name: str = ""


def _read_rows(path: Path, province: str | None) -> tuple[list[Row], int]:
    rows: list[Row] = []
    names: dict[str, str] = {}
    merged = 0
    for filename, level, parent_column in FILES:
        file = path / filename
        if not file.exists():
            if level == RegionLevel.PROVINCE:
                raise DivisionImportError(f"找不到 {file}")
            continue
        with file.open(encoding="utf-8-sig", newline="") as handle:
            for line_no, record in enumerate(csv.DictReader(handle), start=2):
                raw = (record.get("code") or "").strip()
                if province and not raw.startswith(province):
                    continue
                try:
                    code = normalize_code(raw)
                except ValueError:
                    raise DivisionImportError(f"{filename} 第 {line_no} 行：区划代码无效 {raw!r}")
                name = (record.get("name") or "").strip()
                if not name:
                    raise DivisionImportError(f"{filename} 第 {line_no} 行：名称为空")
                parent_code = normalize_code(record[parent_column].strip()) if parent_column else None
                if code in names:
                    # A city without counties (东莞市 4419, 中山市, 儋州市) is listed
                    # again as its own county 441900: the same 12-digit code, so
                    # one Region; its streets hang directly under the city.
                    merged += 1
                    continue
                names[code] = name
                rows.append(Row(code=code, name=name, level=level, parent_code=parent_code))
    for row in rows:
        row.full_name = _full_name(row, names)
    return rows, merged


def _full_name(row: Row, names: dict[str, str]) -> str:
    """山西省太原市杏花岭区鼓楼街道: the names of the row and its ancestors."""
    parts = []
    seen = set()
    for level, length in PREFIX_LENGTH.items():
        if level >= row.level:
            break
        code = normalize_code(row.code[:length])
        name = names.get(code, "")
        if name and name not in PLACEHOLDER_NAMES and code not in seen:
            parts.append(name)
        seen.add(code)
    parts.append(row.name)
    return "".join(parts)


def _batched(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def import_divisions(path, *, province: str | None = None, year: int | None = None, batch_size: int = BATCH_SIZE) -> ImportStats:
    """Create or update the regions found in the CSV folder ``path``.

    ``province``: a 2-digit code to load one province only. ``year``: the code
    year stored on every row (default 2023, the data set's year).
    """
    path = Path(path)
    if not path.is_dir():
        raise DivisionImportError(f"不是目录：{path}")
    if province is not None and not (len(province) == 2 and province.isdigit()):
        raise DivisionImportError(f"省级代码应为两位数字：{province!r}")
    year = year or DEFAULT_YEAR
    rows, merged = _read_rows(path, province)
    stats = ImportStats(merged=merged)

    with transaction.atomic():
        existing_qs = Region.objects.all()
        if province:
            existing_qs = existing_qs.filter(code__startswith=province)
        # One read of what is there; code -> (id, name, level, parent_id, year, full_name).
        existing = {r[0]: r[1:] for r in existing_qs.values_list("code", "pk", "name", "level", "parent_id", "year", "full_name")}
        ids = {code: values[0] for code, values in existing.items()}
        for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
            level_rows = [row for row in rows if row.level == level]
            to_create: list[Region] = []
            to_update: list[Region] = []
            for row in level_rows:
                parent_id = None
                if row.parent_code is not None:
                    parent_id = ids.get(row.parent_code)
                    if parent_id is None:
                        raise DivisionImportError(f"{row.code} {row.name}：找不到上级区划 {row.parent_code}")
                current = existing.get(row.code)
                if current is None:
                    to_create.append(
                        Region(code=row.code, name=row.name, level=level, parent_id=parent_id, year=year, full_name=row.full_name)
                    )
                elif current[1:] != (row.name, level, parent_id, year, row.full_name):
                    to_update.append(
                        Region(
                            pk=current[0],
                            code=row.code,
                            name=row.name,
                            level=level,
                            parent_id=parent_id,
                            year=year,
                            full_name=row.full_name,
                        )
                    )
                else:
                    stats.unchanged += 1
            for batch in _batched(to_create, batch_size):
                Region.objects.bulk_create(batch, batch_size=batch_size)
            if to_create:
                # Resolve the new ids by code for the next level's parents (one
                # query per level; works whether or not the backend returns ids).
                created_codes = Region.objects.filter(level=level)
                if province:
                    created_codes = created_codes.filter(code__startswith=province)
                ids.update(dict(created_codes.values_list("code", "pk")))
            for batch in _batched(to_update, batch_size):
                Region.objects.bulk_update(batch, UPDATE_FIELDS, batch_size=batch_size)
            stats.created += len(to_create)
            stats.updated += len(to_update)
            stats.by_level[int(level)] = len(level_rows)
    return stats
