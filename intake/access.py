"""Who may enter paper submissions for a station: its liaison officer, and
staff whose region subtree holds the station. Everyone else gets 404."""

from django.db.models import Q, QuerySet
from django.http import Http404

from proposals.access import is_case_staff
from regions.models import Region
from regions.scoping import region_in_scope, sees_everything, user_region_prefix
from stations.models import Station


def stations_for_paper(user) -> QuerySet:
    if not user.is_authenticated or not user.is_active:
        return Station.objects.none()
    condition = Q(liaison_officer=user)
    if is_case_staff(user):
        if sees_everything(user):
            condition = Q()
        else:
            prefix = user_region_prefix(user)
            if prefix is not None:
                condition |= Q(region__in=Region.objects.filter(code__startswith=prefix).values("pk"))
    return Station.objects.filter(condition, is_active=True)


def can_enter_paper(user, station: Station) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    if station.liaison_officer_id == user.pk:
        return True
    return is_case_staff(user) and region_in_scope(user, station.region)


def access_station_for_paper(user, code: str) -> Station:
    if not code or "\x00" in code:  # PostgreSQL refuses NUL in a literal
        raise Http404
    station = Station.objects.filter(code=code, is_active=True).select_related("region").first()
    if station is None or not can_enter_paper(user, station):
        raise Http404
    return station
