"""The roster's import formats (django-import-export resources): one row per
mandate of a deputy, Chinese column names, every value checked with a
Chinese message naming the column and the choices.

A deputy is found again by name and phone (the natural key of the sheet):
re-importing the same file changes nothing, a corrected file updates."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from deputies.models import Congress, DeputyGroup, Gender, Mandate, Tier
from regions.models import Region
from regions.scoping import region_in_scope, sees_everything
from stations.models import Station, StationMembership

from .models import DeputyRoster

MSG_BAD_CHOICE = "'%(value)s' 不是有效%(what)s，可选：%(choices)s"
MSG_REQUIRED = "不能为空"
MSG_NO_REGION = "区划代码 '%(value)s' 不存在（应为 6-12 位统计用区划代码）"
MSG_OUT_OF_SCOPE = "'%(value)s' 不在您管辖的区域内"
MSG_BAD_NUMBER = "'%(value)s' 不是有效的%(what)s"
MSG_FORMULA = "单元格含公式（%(value)s），请粘贴为数值后再导入"
MSG_NO_STATION = "站点编码 '%(value)s' 不存在"


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    if text.startswith("="):
        raise ValueError(MSG_FORMULA % {"value": text[:30]})
    return text


class TextWidget(widgets.CharWidget):
    def __init__(self, *, required=False, max_length=None, **kwargs):
        self.required, self.max_length = required, max_length
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if self.required and not text:
            raise ValueError(MSG_REQUIRED)
        if self.max_length and len(text) > self.max_length:
            raise ValueError(f"超过 {self.max_length} 个字")
        return text


class KeyTextWidget(widgets.CharWidget):
    """The natural key's columns (name, phone): read as plain text and never
    raising here, because the library looks the deputy up with them before
    the row's checks run (an exception there would be a crash, not an error
    in the preview); ``DeputyResource.import_instance`` checks them."""

    def clean(self, value, row=None, **kwargs):
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()


class GenderWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            return ""
        labels = {str(label): code for code, label in Gender.choices}
        if text in labels:
            return labels[text]
        if text in dict(Gender.choices):
            return text
        raise ValueError(MSG_BAD_CHOICE % {"value": text, "what": "性别", "choices": "/".join(labels)})

    def render(self, value, obj=None, **kwargs):
        return str(dict(Gender.choices).get(value, value or ""))


class IntWidget(widgets.Widget):
    def __init__(self, what: str, *, low: int, high: int, required=False):
        self.what, self.low, self.high, self.required = what, low, high, required
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        text = _text(value).removeprefix("第").removesuffix("届")
        if not text:
            if self.required:
                raise ValueError(MSG_REQUIRED)
            return None
        try:
            number = int(float(text))
        except ValueError:
            raise ValueError(MSG_BAD_NUMBER % {"value": text, "what": self.what}) from None
        if not self.low <= number <= self.high:
            raise ValueError(MSG_BAD_NUMBER % {"value": text, "what": self.what})
        return number


class TierWidget(widgets.Widget):
    # Caches live on the widget, which each resource instance deep-copies:
    # one import reads the tiers, regions and stations once, not per row.
    def __init__(self, **kwargs):
        self._tiers = None
        super().__init__(**kwargs)

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if self._tiers is None:
            self._tiers = list(Tier.objects.filter(is_active=True).order_by("order"))
        tiers = self._tiers
        for tier in tiers:
            if text in (tier.name, tier.code):
                return tier
        if not text:
            raise ValueError(MSG_REQUIRED)
        raise ValueError(MSG_BAD_CHOICE % {"value": text, "what": "层级", "choices": "/".join(t.name for t in tiers)})

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class RegionWidget(widgets.Widget):
    """A statistical division code (6, 9 or 12 digits), in the importer's subtree."""

    def __init__(self):
        self.user = None
        self._regions = {}
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        text = _text(value)
        if not text:
            raise ValueError(MSG_REQUIRED)
        if not text.isdigit() or len(text) > 12:
            raise ValueError(MSG_NO_REGION % {"value": text})
        code = text.ljust(12, "0")
        if code not in self._regions:
            self._regions[code] = Region.objects.filter(code=code).first()
        region = self._regions[code]
        if region is None:
            raise ValueError(MSG_NO_REGION % {"value": text})
        if self.user is not None and not sees_everything(self.user) and not region_in_scope(self.user, region):
            raise ValueError(MSG_OUT_OF_SCOPE % {"value": text})
        return region


class StationsWidget(widgets.Widget):
    """Station codes separated by commas (进站: a deputy may sit in several)."""

    def __init__(self):
        self.user = None
        self._stations = {}
        super().__init__()

    def clean(self, value, row=None, **kwargs):
        codes = [c.strip() for c in _text(value).replace("，", ",").replace("、", ",").split(",") if c.strip()]
        missing = [c for c in codes if c not in self._stations]
        if missing:
            found = {s.code: s for s in Station.objects.filter(code__in=missing).select_related("region")}
            self._stations.update({c: found.get(c) for c in missing})
        stations = self._stations
        out = []
        for code in codes:
            station = stations.get(code)
            if station is None:
                raise ValueError(MSG_NO_STATION % {"value": code})
            if self.user is not None and not sees_everything(self.user) and not region_in_scope(self.user, station.region):
                raise ValueError(MSG_OUT_OF_SCOPE % {"value": code})
            out.append(station)
        return out


class DeputyResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="姓名", widget=KeyTextWidget())
    gender = fields.Field(attribute="gender", column_name="性别", widget=GenderWidget())
    ethnicity = fields.Field(attribute="ethnicity", column_name="民族", widget=TextWidget(max_length=20))
    birth_year = fields.Field(attribute="birth_year", column_name="出生年份", widget=IntWidget("年份", low=1900, high=2100))
    party = fields.Field(attribute="party", column_name="政治面貌", widget=TextWidget(max_length=30))
    occupation = fields.Field(attribute="occupation", column_name="工作单位及职务", widget=TextWidget(max_length=200))
    phone = fields.Field(attribute="phone", column_name="联系电话", widget=KeyTextWidget())
    email = fields.Field(attribute="email", column_name="电子邮箱", widget=TextWidget(max_length=254))
    # The mandate of this row (not fields of Deputy: kept on the instance
    # until after_save_instance writes Congress, Mandate and memberships).
    tier = fields.Field(attribute="_import_tier", column_name="层级", widget=TierWidget())
    congress_region = fields.Field(attribute="_import_region", column_name="区划代码", widget=RegionWidget())
    term = fields.Field(attribute="_import_term", column_name="届次", widget=IntWidget("届次", low=1, high=99, required=True))
    constituency = fields.Field(attribute="_import_constituency", column_name="选区", widget=TextWidget(max_length=100))
    group = fields.Field(attribute="_import_group", column_name="代表小组", widget=TextWidget(max_length=100))
    stations = fields.Field(attribute="_import_stations", column_name="进站站点编码", widget=StationsWidget())

    class Meta:
        model = DeputyRoster
        import_id_fields = ("name", "phone")
        fields = (
            "name", "gender", "ethnicity", "birth_year", "party", "occupation", "phone", "email",
            "tier", "congress_region", "term", "constituency", "group", "stations",
        )  # fmt: skip
        skip_unchanged = True
        report_skipped = True
        use_transactions = True

    def __init__(self, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.fields["congress_region"].widget.user = user
        self.fields["stations"].widget.user = user

    def before_import(self, dataset, **kwargs):
        user = kwargs.get("user") or self.user
        self.user = user
        self.fields["congress_region"].widget.user = user
        self.fields["stations"].widget.user = user

    def after_init_instance(self, instance, new, row, **kwargs):
        # The mandate's values are no fields of Deputy: empty until the row sets them.
        for name in ("_import_tier", "_import_region", "_import_term", "_import_constituency", "_import_group"):
            setattr(instance, name, None if name in ("_import_tier", "_import_region", "_import_term") else "")
        instance._import_stations = []

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        # The key columns. A phone is required: without it the key is the name
        # alone and two deputies of one name would merge on re-import.
        for name, limit in (("name", 50), ("phone", 20)):
            try:
                text = TextWidget(required=True, max_length=limit).clean(getattr(instance, name, ""))
            except ValueError as exc:
                errors[name] = [str(exc)]
            else:
                setattr(instance, name, text)
        if errors:
            raise ValidationError(errors)

    # --- the mandate, group and stations of the row ---------------------------------
    def _congress(self, instance, *, create: bool):
        tier, region, term = instance._import_tier, instance._import_region, instance._import_term
        lookup = {"tier": tier, "region": region, "term": term}
        if not create:
            return Congress.objects.filter(**lookup).first()
        congress, _created = Congress.objects.get_or_create(**lookup, defaults={"name": f"{region.name}第{term}届人民代表大会"})
        return congress

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or original is None or not original.pk:
            return False
        for name in ("name", "gender", "ethnicity", "birth_year", "party", "occupation", "phone", "email"):
            if getattr(instance, name) != getattr(original, name):
                return False
        congress = self._congress(instance, create=False)
        if congress is None:
            return False
        mandate = Mandate.objects.filter(deputy=original, congress=congress).first()
        if mandate is None or mandate.constituency != instance._import_constituency:
            return False
        if instance._import_group and not DeputyGroup.objects.filter(name=instance._import_group, members=original).exists():
            return False
        have = set(StationMembership.objects.filter(deputy=original, left_on__isnull=True).values_list("station_id", flat=True))
        return {s.pk for s in instance._import_stations} <= have

    def after_save_instance(self, instance, row, **kwargs):
        congress = self._congress(instance, create=True)
        mandate, created = Mandate.objects.get_or_create(
            deputy_id=instance.pk, congress=congress, defaults={"constituency": instance._import_constituency}
        )
        if not created and mandate.constituency != instance._import_constituency:
            mandate.constituency = instance._import_constituency
            mandate.save(update_fields=["constituency"])
        if instance._import_group:
            group = DeputyGroup.objects.filter(name=instance._import_group, region=congress.region).first()
            if group is None:
                group = DeputyGroup.objects.create(name=instance._import_group, region=congress.region, congress=congress)
            group.members.add(instance.pk)
        for station in instance._import_stations:
            StationMembership.objects.get_or_create(
                station=station, deputy_id=instance.pk, left_on=None, defaults={"joined_on": dt.date.today()}
            )


DEPUTY_EXAMPLE = {
    "姓名": "王丽华",
    "性别": "女",
    "民族": "汉族",
    "出生年份": 1975,
    "政治面貌": "中共党员",
    "工作单位及职务": "杏花岭区鼓楼街道社区卫生服务中心主任",
    "联系电话": "13912345678",
    "电子邮箱": "wanglihua@example.cn",
    "层级": "县",
    "区划代码": "140107",
    "届次": 17,
    "选区": "第3选区",
    "代表小组": "鼓楼街道代表小组",
    "进站站点编码": "gl-01",
}
