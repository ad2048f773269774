"""Which deputies a staff account may see and manage.

A deputy has no single region: a county's staff see the deputies who sit in
a station of their subtree, whose home region is in it, or who hold a mandate
of a congress of it (a county congress's deputies, even before they are
placed in a station). Superusers see all.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from regions.models import Region
from regions.scoping import region_in_scope, sees_everything, user_region_prefix
from stations.models import StationMembership

from .models import Deputy, Mandate


def scope_deputies(qs: QuerySet[Deputy], user) -> QuerySet[Deputy]:
    if sees_everything(user):
        return qs
    prefix = user_region_prefix(user)
    if prefix is None:
        return qs.none()
    subtree = Region.objects.filter(code__startswith=prefix).values("pk")
    if len(prefix) <= 4:
        # A province's or a city's staff see a large share of the deputies:
        # walking the list in its order and testing each row finds a page
        # after a few rows (or a few dozen).
        in_station = StationMembership.objects.filter(deputy=OuterRef("pk"), station__region__in=subtree)
        in_congress = Mandate.objects.filter(deputy=OuterRef("pk"), congress__region__in=subtree)
        return qs.filter(Q(home_region__in=subtree) | Exists(in_station) | Exists(in_congress))
    # A county's or a township's staff see a few hundred of a province's
    # 100,000: a UNION of three id lists, each found through its own index
    # (home region; the subtree's stations' members; the subtree's
    # congresses' mandates). Tested row by row in list order, most rows
    # would fail the test before a page is found.
    ids = (
        Deputy.objects.filter(home_region__in=subtree)
        .order_by()
        .values("pk")
        .union(
            StationMembership.objects.filter(station__region__in=subtree).order_by().values("deputy_id"),
            Mandate.objects.filter(congress__region__in=subtree).order_by().values("deputy_id"),
        )
    )
    return qs.filter(pk__in=ids)


def deputy_in_scope(user, deputy: Deputy) -> bool:
    if sees_everything(user):
        return True
    if deputy.pk is None:
        return region_in_scope(user, deputy.home_region)
    return scope_deputies(Deputy.objects.filter(pk=deputy.pk), user).exists()
