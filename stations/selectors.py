"""Reads of the station registry shared by the public pages and admin."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import ExpressionWrapper, F, FloatField, Prefetch, QuerySet, Value
from django.utils import timezone

from deputies.models import Mandate
from regions.models import PREFIX_LENGTH, Region, RegionLevel, normalize_code

from .models import ReceptionDay, Station, StationMembership, StationPost

KM_PER_DEGREE = 111.195  # mean great-circle km per degree of latitude
NEAR_RADII_KM = (2, 5, 10, 30, 100)
DEFAULT_NEAR_RADIUS_KM = 10


def public_stations() -> QuerySet[Station]:
    return Station.objects.filter(is_active=True).select_related("region")


@dataclass(frozen=True)
class Position:
    lat: float
    lng: float

    @classmethod
    def parse(cls, lat, lng) -> Position | None:
        """A position from query-string values, or None if missing/invalid."""
        try:
            lat_f, lng_f = float(lat), float(lng)
        except (TypeError, ValueError):
            return None
        if not (math.isfinite(lat_f) and math.isfinite(lng_f) and -90 <= lat_f <= 90 and -180 <= lng_f <= 180):
            return None
        return cls(lat_f, lng_f)


def stations_near(qs: QuerySet[Station], position: Position, radius_km: float) -> QuerySet[Station]:
    """Stations within ``radius_km`` of ``position``, nearest first, with ``distance_sq``.

    A bounding box on (latitude, longitude) first (the ``station_position``
    index), then ordering by the equirectangular distance, accurate to well
    under 1% at the scale of a city, computed only for rows inside the box.
    """
    dlat = radius_km / KM_PER_DEGREE
    coslat = max(math.cos(math.radians(position.lat)), 0.01)
    dlng = radius_km / (KM_PER_DEGREE * coslat)

    def dec(x: float) -> Decimal:
        return Decimal(f"{x:.6f}")

    lat_diff = ExpressionWrapper(F("latitude") - Value(position.lat), output_field=FloatField())
    lng_diff = ExpressionWrapper((F("longitude") - Value(position.lng)) * Value(coslat), output_field=FloatField())
    return (
        qs.filter(
            latitude__gte=dec(position.lat - dlat),
            latitude__lte=dec(position.lat + dlat),
            longitude__gte=dec(position.lng - dlng),
            longitude__lte=dec(position.lng + dlng),
        )
        .annotate(distance_sq=ExpressionWrapper(lat_diff * lat_diff + lng_diff * lng_diff, output_field=FloatField()))
        .order_by("distance_sq", "code")
    )


def distance_km(station) -> float | None:
    value = getattr(station, "distance_sq", None)
    if value is None:
        return None
    return math.sqrt(float(value)) * KM_PER_DEGREE


def region_choices_for_stations(selected: Region | None = None) -> list[Region]:
    """Regions worth offering in the directory's region filter: the provinces,
    cities and counties that hold active stations, and, when a county (or a
    street of it) is selected, the townships of that county with stations."""
    # A semi-join on the ~2,000 regions with stations: no DISTINCT over (and
    # sort of) every station joined to its region.
    with_stations = Station.objects.filter(is_active=True).order_by().values("region_id")
    codes = set(Region.objects.filter(pk__in=with_stations).order_by().values_list("code", flat=True))
    wanted: set[str] = set()
    county_prefix = None
    if selected is not None and selected.level >= RegionLevel.COUNTY:
        county_prefix = selected.code[: PREFIX_LENGTH[RegionLevel.COUNTY]]
    for code in codes:
        for level in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
            wanted.add(normalize_code(code[: PREFIX_LENGTH[level]]))
        if county_prefix and code.startswith(county_prefix):
            wanted.add(normalize_code(code[: PREFIX_LENGTH[RegionLevel.TOWNSHIP]]))
    if not wanted:
        return []
    return list(Region.objects.filter(code__in=wanted).order_by("code"))


def public_deputies_prefetch() -> Prefetch:
    """Active members of a station with their current mandates, for station pages."""
    today = timezone.localdate()
    return Prefetch(
        "memberships",
        queryset=StationMembership.objects.filter(deputy__is_active=True)
        .exclude(left_on__lt=today)
        .select_related("deputy")
        .prefetch_related(current_mandates_prefetch("deputy__mandates"))
        .order_by("deputy__name", "deputy__id"),
        to_attr="public_memberships",
    )


def current_mandates_prefetch(lookup: str = "mandates", to_attr: str = "current_mandates") -> Prefetch:
    today = timezone.localdate()
    return Prefetch(
        lookup,
        queryset=Mandate.objects.exclude(end_date__lt=today)
        .select_related("congress__tier", "congress__region")
        .order_by("congress__tier__order", "congress__region__code"),
        to_attr=to_attr,
    )


def station_detail(code: str) -> Station | None:
    if not code or "\x00" in code:  # the URL converter is a slug; callers may not be
        return None
    return public_stations().select_related("head_deputy").prefetch_related(public_deputies_prefetch()).filter(code=code).first()


def upcoming_reception_days(station: Station, *, limit: int = 5, today: dt.date | None = None) -> list[ReceptionDay]:
    today = today or timezone.localdate()
    return list(station.reception_days.filter(date__gte=today).prefetch_related("deputies").order_by("date")[:limit])


def station_posts(station: Station, *, published_only: bool = False) -> QuerySet:
    """The station's activity posts (宣传站), newest first, with their photos
    and deputies: three queries for a page, whatever its length (index
    ``station_post_newest``)."""
    qs = StationPost.objects.filter(station=station)
    if published_only:
        qs = qs.filter(is_published=True)
    return qs.prefetch_related("photos", "deputies").order_by("-date", "-id")
