"""Public reads of the deputy roster (the Deputies Law requires publication of
deputies' basic information). Phone, e-mail and the login account are never
selected for public pages: ``PUBLIC_FIELDS`` is the whole list."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone

from regions.models import Region
from stations.models import Station, StationMembership

from .models import Deputy, DeputyGroup, Mandate

PUBLIC_FIELDS = ("id", "name", "public_id", "gender", "ethnicity", "birth_year", "party", "occupation", "bio", "photo", "is_active")


def current_mandates() -> QuerySet[Mandate]:
    """Mandates not ended (end_date empty or in the future) of an active tier."""
    today = timezone.localdate()
    return Mandate.objects.exclude(end_date__lt=today).exclude(congress__tier__is_active=False)


def _active_memberships() -> QuerySet[StationMembership]:
    return StationMembership.objects.filter(station__is_active=True).exclude(left_on__lt=timezone.localdate())


def public_deputies() -> QuerySet[Deputy]:
    """Active deputies holding at least one current mandate, public fields only."""
    return Deputy.objects.filter(is_active=True).filter(Exists(current_mandates().filter(deputy=OuterRef("pk")))).only(*PUBLIC_FIELDS)


def with_public_relations(qs: QuerySet[Deputy]) -> QuerySet[Deputy]:
    """Prefetch what the directory and the profile show, in a fixed number of queries."""
    return qs.prefetch_related(
        Prefetch(
            "mandates",
            queryset=current_mandates()
            .select_related("congress__tier", "congress__region")
            .order_by("congress__tier__order", "congress__region__code"),
            to_attr="current_mandates",
        ),
        Prefetch(
            "memberships",
            queryset=_active_memberships().select_related("station__region").order_by("station__region__code", "station__code"),
            to_attr="public_memberships",
        ),
    )


def filter_by_region(qs: QuerySet[Deputy], region: Region) -> QuerySet[Deputy]:
    """Deputies who sit in a station of the region's subtree or were elected to
    a congress of it (EXISTS subqueries: no duplicates, no DISTINCT)."""
    prefix = region.prefix
    in_station = _active_memberships().filter(deputy=OuterRef("pk"), station__region__code__startswith=prefix)
    in_congress = current_mandates().filter(deputy=OuterRef("pk"), congress__region__code__startswith=prefix)
    return qs.filter(Exists(in_station) | Exists(in_congress))


def filter_by_tier(qs: QuerySet[Deputy], tier_code: str) -> QuerySet[Deputy]:
    return qs.filter(Exists(current_mandates().filter(deputy=OuterRef("pk"), congress__tier__code=tier_code)))


def filter_by_station(qs: QuerySet[Deputy], station: Station) -> QuerySet[Deputy]:
    return qs.filter(Exists(_active_memberships().filter(deputy=OuterRef("pk"), station=station)))


def deputy_profile(public_id: str) -> Deputy | None:
    if not public_id or "\x00" in public_id:  # PostgreSQL refuses NUL in a literal
        return None
    deputy = with_public_relations(public_deputies().filter(public_id=public_id)).first()
    if deputy is None:
        return None
    deputy.public_groups = list(
        DeputyGroup.objects.filter(members=deputy)
        .select_related("leader")
        .only("id", "name", "kind", "leader__id", "leader__name")
        .order_by("kind", "name")
    )
    return deputy
