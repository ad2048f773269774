"""The province the scale data lives in: its real division tree, imported
with the project's importer (``regions.importer.import_divisions``) from the
CSV folder given on the command line. The project never depends on that
folder at run time."""

from __future__ import annotations

from dataclasses import dataclass, field

from regions.importer import DivisionImportError, import_divisions
from regions.models import Region, RegionLevel


class DivisionsError(Exception):
    pass


@dataclass
class ProvinceTree:
    province: Region
    cities: list[Region]
    counties: list[Region]
    townships: list[Region]
    #: township id -> the county-level region above it (the city itself for
    #: cities without counties, such as 东莞市 and 中山市)
    county_of: dict[int, Region] = field(default_factory=dict)

    @property
    def county_level(self) -> list[Region]:
        """Regions that have county-level bodies (a congress, departments, staff)."""
        seen = {}
        for township in self.townships:
            county = self.county_of[township.pk]
            seen[county.pk] = county
        return sorted(seen.values(), key=lambda r: r.code)


def load_province(folder, province_code: str) -> ProvinceTree:
    try:
        import_divisions(folder, province=province_code)
    except DivisionImportError as exc:
        raise DivisionsError(str(exc)) from exc
    regions = list(Region.objects.filter(code__startswith=province_code, level__lte=RegionLevel.TOWNSHIP).order_by("code"))
    by_id = {r.pk: r for r in regions}
    provinces = [r for r in regions if r.level == RegionLevel.PROVINCE]
    if not provinces:
        raise DivisionsError(f"province {province_code} not found in {folder}")
    townships = [r for r in regions if r.level == RegionLevel.TOWNSHIP]
    if not townships:
        raise DivisionsError(f"province {province_code} has no township-level units in {folder}")
    county_of = {}
    for township in townships:
        parent = by_id.get(township.parent_id)
        if parent is None:
            raise DivisionsError(f"{township.code} has no parent")
        county_of[township.pk] = parent
    return ProvinceTree(
        province=provinces[0],
        cities=[r for r in regions if r.level == RegionLevel.CITY],
        counties=[r for r in regions if r.level == RegionLevel.COUNTY],
        townships=townships,
        county_of=county_of,
    )
