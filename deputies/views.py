"""Public deputy directory and profiles. Never phone, e-mail or account."""

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from congress_portal.pagination import EstimatedCountPaginator
from regions.forms import RegionCodeField
from regions.models import RegionLevel
from stations.models import Station
from stations.selectors import region_choices_for_stations

from . import public_selectors as selectors
from .filters import DeputyFilter

PAGE_SIZE = 30


def _station_choices(region, station_code):
    """Stations offered in the filter: those of the selected county-or-lower region."""
    qs = Station.objects.filter(is_active=True).only("id", "code", "name")
    if region is not None and region.level >= RegionLevel.COUNTY:
        return list(qs.filter(region__code__startswith=region.prefix).order_by("code"))
    if station_code and "\x00" not in station_code:
        return list(qs.filter(code=station_code[:32]))
    return []


@require_GET
def deputy_list(request):
    try:
        region = RegionCodeField().clean(request.GET.get("region") or "")
    except ValidationError:
        region = None
    filterset = DeputyFilter(
        request.GET,
        queryset=selectors.public_deputies(),
        region_choices=region_choices_for_stations(region),
        station_choices=_station_choices(region, request.GET.get("station") or ""),
    )
    qs = selectors.with_public_relations(filterset.qs.order_by("name", "id"))
    # A province lists ~100,000 deputies: counted by the planner's estimate
    # when an exact count would read them all (congress_portal.pagination).
    page = EstimatedCountPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "deputies/deputy_list.html", {"filterset": filterset, "page_obj": page, "query": query.urlencode()})


@require_GET
def deputy_detail(request, public_id):
    deputy = selectors.deputy_profile(public_id)
    if deputy is None:
        raise Http404
    try:
        message_url = reverse("intake:deputy", args=[deputy.public_id])
    except NoReverseMatch:
        message_url = f"/d/{deputy.public_id}/"
    return render(request, "deputies/deputy_detail.html", {"deputy": deputy, "message_url": message_url})
