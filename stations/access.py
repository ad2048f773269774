"""Who runs a station (its pages in the liaison officer's workspace, paper
entry, the kiosk device set-up): the station's liaison officer (联络员), its
head (站长) when the head is a deputy with an account, and staff whose region
subtree holds the station. Everyone else gets 404, never a hint that the
station exists behind the door."""

from django.db.models import Q, QuerySet
from django.http import Http404

from regions.models import Region
from regions.scoping import region_in_scope, sees_everything, user_region_prefix

from .models import Station


def _is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def _officer_q(user) -> Q:
    return Q(liaison_officer=user) | Q(head_deputy__user=user)


def stations_run_by(user) -> QuerySet:
    """The active stations ``user`` may run."""
    if not user.is_authenticated or not user.is_active:
        return Station.objects.none()
    condition = _officer_q(user)
    if _is_staff(user):
        if sees_everything(user):
            condition = Q()
        else:
            prefix = user_region_prefix(user)
            if prefix is not None:
                condition |= Q(region__in=Region.objects.filter(code__startswith=prefix).values("pk"))
    return Station.objects.filter(condition, is_active=True)


def officer_stations(user) -> QuerySet:
    """Only the stations the user is attached to as officer or head (not the
    ones staff reach through their region): the workspace's own list."""
    if not user.is_authenticated or not user.is_active:
        return Station.objects.none()
    return Station.objects.filter(_officer_q(user), is_active=True)


def can_run_station(user, station: Station) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if station.liaison_officer_id == user.pk:
        return True
    head = station.head_deputy
    if head is not None and head.user_id == user.pk:
        return True
    return _is_staff(user) and region_in_scope(user, station.region)


def access_station(user, code: str) -> Station:
    """The active station ``code`` if ``user`` runs it, else 404."""
    if not code or "\x00" in code:  # PostgreSQL refuses NUL in a literal
        raise Http404
    station = Station.objects.filter(code=code, is_active=True).select_related("region", "head_deputy").first()
    if station is None or not can_run_station(user, station):
        raise Http404
    return station
