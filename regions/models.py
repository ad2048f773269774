"""China's administrative division tree, in statistical division codes.

A code is stored padded to 12 digits (province 2, city 2, county 2,
township 3, village 3), e.g. 140107003000 for 太原市杏花岭区鼓楼街道. The
significant prefix of a code is fixed by its level, so a whole subtree is one
``code LIKE 'prefix%'`` query on the ``region_code_prefix`` index.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionLevel(models.IntegerChoices):
    PROVINCE = 1, _("省级")
    CITY = 2, _("地级")
    COUNTY = 3, _("县级")
    TOWNSHIP = 4, _("乡级")
    VILLAGE = 5, _("村级")


# Number of significant digits of a code at each level.
PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWNSHIP: 9,
    RegionLevel.VILLAGE: 12,
}
CODE_LENGTH = 12


def normalize_code(code: str) -> str:
    """Pad a 2/4/6/9/12-digit division code to 12 digits."""
    code = str(code).strip()
    if not code.isdigit() or len(code) not in (2, 4, 6, 9, 12):
        raise ValueError(f"not a division code: {code!r}")
    return code.ljust(CODE_LENGTH, "0")


def level_of_code(code: str) -> int:
    return {2: RegionLevel.PROVINCE, 4: RegionLevel.CITY, 6: RegionLevel.COUNTY, 9: RegionLevel.TOWNSHIP, 12: RegionLevel.VILLAGE}[
        len(str(code).strip())
    ]


class TownshipKind(models.TextChoices):
    STREET = "street", _("街道")
    TOWN = "town", _("镇")
    TOWNSHIP = "township", _("乡")
    OTHER = "other", _("其他")


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=CODE_LENGTH, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("级别"), choices=RegionLevel.choices, db_index=True)
    parent = models.ForeignKey("self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    year = models.PositiveSmallIntegerField(_("代码年份"), default=2023, help_text=_("区划代码每年调整，记录代码所属年份"))
    full_name = models.CharField(_("全称"), max_length=255, blank=True, help_text=_("如 山西省太原市杏花岭区鼓楼街道"))

    class Meta:
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")
        ordering = ["code"]
        indexes = [
            # Subtree lookups: code LIKE '1401%' (varchar_pattern_ops on PostgreSQL).
            models.Index(fields=["code"], name="region_code_prefix", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self) -> str:
        return self.full_name or self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LENGTH[self.level]]

    @property
    def township_kind(self) -> str | None:
        """Township-level units: digit 7 of the code tells street/town/township."""
        if self.level != RegionLevel.TOWNSHIP:
            return None
        digit = self.code[6]
        return {"0": TownshipKind.STREET, "1": TownshipKind.TOWN, "2": TownshipKind.TOWNSHIP, "3": TownshipKind.TOWNSHIP}.get(
            digit, TownshipKind.OTHER
        )

    def is_ancestor_of(self, other: "Region") -> bool:
        return other.level >= self.level and other.code.startswith(self.prefix)

    def ancestors(self) -> list["Region"]:
        """Ancestors from the province down, in one query (codes are derivable)."""
        codes = [normalize_code(self.code[:n]) for lvl, n in PREFIX_LENGTH.items() if lvl < self.level]
        return list(Region.objects.filter(code__in=codes).order_by("level"))
