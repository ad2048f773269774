import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from regions.forms import RegionCodeField
from regions.models import Region

from .models import StationKind
from .selectors import NEAR_RADII_KM


class RegionCodeFilter(django_filters.Filter):
    field_class = RegionCodeField

    def filter(self, qs, value):
        if value is None:
            return qs
        # Subtree: region_id IN (regions whose code starts with the prefix), on region_code_prefix.

        return qs.filter(region__in=Region.objects.filter(code__startswith=value.prefix).values("pk"))


class StationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("名称或地址"), method="search", max_length=50)
    region = RegionCodeFilter(label=_("区域"), widget=forms.Select)
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=StationKind.choices, empty_label=_("全部类型"))

    def __init__(self, *args, region_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.form.fields["region"]
        field.widget.choices = [("", _("全部区域"))] + [(r.prefix, r.full_name or r.name) for r in region_choices]

    def search(self, qs, name, value):
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(address__icontains=value))


class NearForm(forms.Form):
    """The "15-minute circle": a position from the browser and a radius."""

    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lng = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius = forms.TypedChoiceField(
        label=_("范围"),
        required=False,
        coerce=int,
        choices=[(r, _("%(km)s 公里内") % {"km": r}) for r in NEAR_RADII_KM],
        empty_value=None,
    )
