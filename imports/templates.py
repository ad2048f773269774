"""Downloadable import templates: the exact columns, a filled example row
and drop-down lists (tiers, genders, the importer's regions)."""

from __future__ import annotations

import io

from congress_portal.spreadsheets import Column, Sheet, write_xlsx
from deputies.models import Gender, Tier
from regions.models import Region, RegionLevel
from regions.scoping import scope_queryset

from .resources import DEPUTY_EXAMPLE, DeputyResource

MAX_REGION_CHOICES = 3000


def deputy_template(user) -> bytes:
    regions = scope_queryset(Region.objects.filter(level__lte=RegionLevel.TOWNSHIP), user, "pk").order_by("code")
    codes = [r.code.rstrip("0").ljust(6, "0") if r.level <= RegionLevel.COUNTY else r.code[:9] for r in regions[:MAX_REGION_CHOICES]]
    choices = {
        "层级": [t.name for t in Tier.objects.filter(is_active=True).order_by("order")],
        "性别": [str(label) for _v, label in Gender.choices],
        "区划代码": sorted(set(codes)),
    }
    headers = [field.column_name for field in DeputyResource().get_import_fields()]
    columns = [Column(h, width=18 if h in ("工作单位及职务", "进站站点编码") else None, choices=choices.get(h)) for h in headers]
    example = [DEPUTY_EXAMPLE.get(h, "") for h in headers]
    buffer = io.BytesIO()
    write_xlsx(buffer, [Sheet(name="代表名册", columns=columns, rows=[example])])
    return buffer.getvalue()
