import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from regions.forms import RegionCodeField
from stations.models import Station

from . import public_selectors as selectors
from .models import Tier


class RegionFilter(django_filters.Filter):
    field_class = RegionCodeField


class DeputyFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("姓名"), method="search", max_length=50)
    tier = django_filters.ChoiceFilter(label=_("层级"), method="by_tier", empty_label=_("全部层级"))
    region = RegionFilter(label=_("区域"), method="by_region", widget=forms.Select)
    station = django_filters.CharFilter(label=_("站点"), method="by_station", widget=forms.Select, max_length=32)

    def __init__(self, *args, region_choices=(), station_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["tier"].extra["choices"] = list(Tier.objects.filter(is_active=True).values_list("code", "name"))
        self.form.fields["region"].widget.choices = [("", _("全部区域"))] + [(r.prefix, r.full_name or r.name) for r in region_choices]
        # Stations are offered once a county (or a street) is chosen: a province has
        # thousands. Before that, an empty "全部站点" list only puzzles people.
        if station_choices:
            self.form.fields["station"].widget.choices = [("", _("全部站点"))] + [(s.code, s.name) for s in station_choices]
        else:
            self.form.fields["station"].widget = forms.HiddenInput()

    def search(self, qs, name, value):
        value = value.strip()
        return qs.filter(name__icontains=value) if value else qs

    def by_tier(self, qs, name, value):
        return selectors.filter_by_tier(qs, value) if value else qs

    def by_region(self, qs, name, value):
        return selectors.filter_by_region(qs, value) if value is not None else qs

    def by_station(self, qs, name, value):
        if not value:
            return qs
        station = Station.objects.filter(code=value, is_active=True).only("id").first()
        return selectors.filter_by_station(qs, station) if station else qs.none()
