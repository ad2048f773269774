"""Public station pages: directory (with the "15-minute circle"), station page, QR codes, poster."""

from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET

from congress_portal.qr import absolute_url, qr_response, qr_svg_inline
from regions.forms import RegionCodeField
from regions.models import RegionLevel

from . import selectors
from .filters import NearForm, StationFilter
from .models import Station, StationPostPhoto
from .reception import describe_rule, next_reception_date

PAGE_SIZE = 20
POSTS_ON_PAGE = 5


def kiosk_path(code: str) -> str:
    """/kiosk/<code>/ (the INTAKE engineer's page); the literal path is the agreed interface."""
    try:
        return reverse("intake:kiosk", args=[code])
    except NoReverseMatch:
        return f"/kiosk/{code}/"


def kiosk_qr_url(code: str) -> str:
    return absolute_url(kiosk_path(code) + "?src=qr")


@require_GET
def station_list(request):
    near_form = NearForm(request.GET)
    position = radius = None
    if near_form.is_valid():
        position = selectors.Position.parse(near_form.cleaned_data.get("lat"), near_form.cleaned_data.get("lng"))
        radius = near_form.cleaned_data.get("radius") or selectors.DEFAULT_NEAR_RADIUS_KM

    region_param = request.GET.get("region") or ""
    try:
        selected_region = RegionCodeField().clean(region_param)
    except ValidationError:
        selected_region = None  # the filter form shows the error
    filterset = StationFilter(
        request.GET, queryset=selectors.public_stations(), region_choices=selectors.region_choices_for_stations(selected_region)
    )
    qs = filterset.qs
    if position is not None:
        qs = selectors.stations_near(qs, position, radius)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for station in page.object_list:
        station.distance_km = selectors.distance_km(station)
    query = request.GET.copy()
    query.pop("page", None)
    plain = query.copy()
    for key in ("lat", "lng", "radius"):
        plain.pop(key, None)
    return render(
        request,
        "stations/station_list.html",
        {
            "filterset": filterset,
            "near_form": near_form,
            "position": position,
            "radius": radius,
            "page_obj": page,
            "query": query.urlencode(),
            "query_without_position": plain.urlencode(),
            "region_param": region_param,
            "selected_region": selected_region,
            "county_level": RegionLevel.COUNTY,
        },
    )


def _get_station(code: str):
    station = selectors.station_detail(code)
    if station is None:
        raise Http404
    return station


@require_GET
def station_detail(request, code):
    station = _get_station(code)
    return render(
        request,
        "stations/station_detail.html",
        {
            "station": station,
            "ancestors": station.region.ancestors(),
            "rule_text": describe_rule(station),
            "next_reception": next_reception_date(station),
            "reception_days": selectors.upcoming_reception_days(station),
            "kiosk_path": kiosk_path(station.code),
            "kiosk_qr_url": kiosk_qr_url(station.code),
            "posts": selectors.station_posts(station, published_only=True)[:POSTS_ON_PAGE],
        },
    )


@require_GET
def post_photo(request, code, pk):
    """A photo of a published activity post (public, like the post itself)."""
    photo = (
        StationPostPhoto.objects.filter(pk=pk, post__is_published=True, post__station__code=code, post__station__is_active=True)
        .only("image")
        .first()
    )
    if photo is None or not photo.image:
        raise Http404
    try:
        handle = photo.image.open("rb")
    except (FileNotFoundError, OSError):
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def station_poster(request, code):
    station = _get_station(code)
    url = kiosk_qr_url(station.code)
    return render(
        request,
        "stations/station_poster.html",
        {
            "station": station,
            "qr_svg": qr_svg_inline(url, scale=8),
            "kiosk_qr_url": url,
            "rule_text": describe_rule(station),
            "next_reception": next_reception_date(station),
        },
    )


@require_GET
def station_qr(request, code, fmt):
    station = _public_station_code_or_404(code)
    return qr_response(kiosk_qr_url(station.code), fmt, filename=f"station-{station.code}")


def _public_station_code_or_404(code):
    station = Station.objects.filter(is_active=True, code=code).only("id", "code").first()
    if station is None:
        raise Http404
    return station
