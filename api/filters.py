"""Query filters of the API (django-filter). Every filter is indexed or runs
on a table small enough not to need one; names say which index serves them."""

import datetime as dt

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.fields import IsoDateTimeField
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.exceptions import ValidationError

from deputies.models import Deputy
from proposals.models import Case, CaseKind, CaseState, Channel, SupervisionLevel
from proposals.models.cases import FINAL_STATES
from proposals.tracking import normalize_tracking_code
from regions.forms import RegionCodeField
from regions.models import Region, RegionLevel
from stations.models import ReceptionDay, Station, StationKind, StationMembership
from units.models import HandlingUnit, UnitKind

MAX_ID = 2**53  # larger ids do not exist and would overflow the column type


@extend_schema_field(OpenApiTypes.STR)
class RegionSubtreeFilter(django_filters.Filter):
    """``?region=<division code>``: the region and everything below it
    (``<path>__in`` regions with code LIKE prefix%, index region_code_prefix)."""

    field_class = RegionCodeField

    def filter(self, qs, value):
        if value is None:
            return qs
        subtree = Region.objects.filter(code__startswith=value.prefix).values("pk")
        return qs.filter(**{f"{self.field_name}__in": subtree})


class UtcIsoDateTimeField(IsoDateTimeField):
    """An ISO 8601 time in UTC: PostgreSQL refuses offsets beyond ±15:59,
    which Python accepts (e.g. +22:04)."""

    def to_python(self, value):
        parsed = super().to_python(value)
        if parsed is None or parsed.tzinfo is None:
            return parsed
        try:
            return parsed.astimezone(dt.UTC)
        except OverflowError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class UtcIsoDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcIsoDateTimeField


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class MultipleCharFilter(django_filters.BaseInFilter, django_filters.CharFilter):
    """``?state=assigned,in_handling``."""


class RegionFilter(django_filters.FilterSet):
    level = django_filters.TypedChoiceFilter(choices=RegionLevel.choices, coerce=int, label=_("级别"))
    parent = django_filters.CharFilter(field_name="parent__code", max_length=12, label=_("上级区划代码（12位）"))
    within = RegionSubtreeFilter(field_name="pk", label=_("区划代码：该区域及其下级"))
    q = django_filters.CharFilter(method="search", max_length=50, label=_("名称"))

    class Meta:
        model = Region
        fields = ["level", "parent", "within", "q"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(name__icontains=value) if value else qs


class StationFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=StationKind.choices, label=_("类型"))
    region = RegionSubtreeFilter(field_name="region", label=_("区划代码：该区域及其下级"))
    q = django_filters.CharFilter(method="search", max_length=50, label=_("名称或地址"))
    # A map viewport (index station_position).
    min_lat = django_filters.NumberFilter(field_name="latitude", lookup_expr="gte", min_value=-90, max_value=90, label=_("最小纬度"))
    max_lat = django_filters.NumberFilter(field_name="latitude", lookup_expr="lte", min_value=-90, max_value=90, label=_("最大纬度"))
    min_lng = django_filters.NumberFilter(field_name="longitude", lookup_expr="gte", min_value=-180, max_value=180, label=_("最小经度"))
    max_lng = django_filters.NumberFilter(field_name="longitude", lookup_expr="lte", min_value=-180, max_value=180, label=_("最大经度"))

    class Meta:
        model = Station
        fields = ["kind", "region", "q", "min_lat", "max_lat", "min_lng", "max_lng"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(address__icontains=value)) if value else qs


class DeputyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", max_length=50, label=_("姓名"))
    station = django_filters.CharFilter(method="in_station", max_length=32, label=_("站点编码"))
    tier = django_filters.CharFilter(method="of_tier", max_length=20, label=_("层级代码，如 county"))
    region = RegionSubtreeFilter(method="in_region", label=_("区划代码：在该区域及下级站点进站的代表"))

    class Meta:
        model = Deputy
        fields = ["q", "station", "tier", "region"]

    def in_station(self, qs, name, value):
        members = StationMembership.objects.filter(station__code=value, left_on__isnull=True).values("deputy_id")
        return qs.filter(pk__in=members)

    def of_tier(self, qs, name, value):
        return qs.filter(pk__in=Deputy.objects.filter(mandates__congress__tier__code=value, mandates__end_date__isnull=True).values("pk"))

    def in_region(self, qs, name, value):
        subtree = Region.objects.filter(code__startswith=value.prefix).values("pk")
        members = StationMembership.objects.filter(station__region__in=subtree, left_on__isnull=True).values("deputy_id")
        return qs.filter(pk__in=members)


class HandlingUnitFilter(django_filters.FilterSet):
    region = RegionSubtreeFilter(field_name="region", label=_("区划代码：该区域及其下级"))
    kind = django_filters.ChoiceFilter(choices=UnitKind.choices, label=_("类型"))
    is_active = django_filters.BooleanFilter(label=_("启用"))
    q = django_filters.CharFilter(method="search", max_length=50, label=_("名称"))

    class Meta:
        model = HandlingUnit
        fields = ["region", "kind", "is_active", "q"]

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(short_name__icontains=value)) if value else qs


class ReceptionDayFilter(django_filters.FilterSet):
    station = django_filters.CharFilter(field_name="station__code", max_length=32, label=_("站点编码"))
    region = RegionSubtreeFilter(field_name="station__region", label=_("区划代码：该区域及其下级"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))
    upcoming = django_filters.BooleanFilter(method="only_upcoming", label=_("仅今后的接待日"))

    class Meta:
        model = ReceptionDay
        fields = ["station", "region", "date_from", "date_to", "upcoming"]

    def only_upcoming(self, qs, name, value):
        if value is None:
            return qs
        today = timezone.localdate()
        return qs.filter(date__gte=today) if value else qs.filter(date__lt=today)


class CaseFilter(django_filters.FilterSet):
    state = MultipleCharFilter(field_name="state", lookup_expr="in", label=_("状态，可逗号分隔多个"), method="in_states")
    is_open = django_filters.BooleanFilter(method="only_open", label=_("未办结"))
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, label=_("类型"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("来源渠道"))
    category = django_filters.CharFilter(field_name="category__code", max_length=30, label=_("类别代码"))
    station = django_filters.CharFilter(field_name="station__code", max_length=32, label=_("站点编码"))
    region = RegionSubtreeFilter(field_name="region", label=_("区划代码：该区域及其下级"))
    lead_unit = IntegerFilter(field_name="lead_unit_id", min_value=1, max_value=MAX_ID, label=_("主办单位 id"))
    responsible_deputy = django_filters.CharFilter(field_name="responsible_deputy__public_id", max_length=16, label=_("责任代表公开编号"))
    supervision_level = django_filters.ChoiceFilter(choices=[c for c in SupervisionLevel.choices if c[0]], label=_("督办级别"))
    tracking_code = django_filters.CharFilter(method="by_tracking_code", max_length=20, label=_("查询码"))
    submitted_after = UtcIsoDateTimeFilter(field_name="submitted_at", lookup_expr="gte", label=_("提出时间不早于"))
    submitted_before = UtcIsoDateTimeFilter(field_name="submitted_at", lookup_expr="lt", label=_("提出时间早于"))
    overdue = django_filters.BooleanFilter(method="only_overdue", label=_("已超期"))

    class Meta:
        model = Case
        fields = []

    def in_states(self, qs, name, value):
        states = [v for v in value if v]
        unknown = set(states) - set(CaseState.values)
        if unknown:
            raise ValidationError({"state": [_("未知状态：%(states)s") % {"states": ", ".join(sorted(unknown))}]})
        return qs.filter(state__in=states) if states else qs

    def only_open(self, qs, name, value):
        if value is None:
            return qs
        return qs.exclude(state__in=FINAL_STATES) if value else qs.filter(state__in=FINAL_STATES)

    def by_tracking_code(self, qs, name, value):
        return qs.filter(tracking_code=normalize_tracking_code(value))

    def only_overdue(self, qs, name, value):
        # Index case_deadline (deadline, state).
        if value is None:
            return qs
        overdue = Q(deadline__lt=timezone.localdate()) & ~Q(state__in=FINAL_STATES)
        return qs.filter(overdue) if value else qs.exclude(overdue)
