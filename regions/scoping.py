"""Region scoping of staff: a user sees the region subtree of ``user.region``.

Superusers see everything. A staff account without a region sees nothing
(fail closed) until an administrator gives it one.
"""

from django.db.models import QuerySet

from .models import Region


def sees_everything(user) -> bool:
    return bool(user.is_active and user.is_superuser)


def user_region_prefix(user) -> str | None:
    """The code prefix of the user's subtree, or None when the user has none."""
    if not user.is_authenticated or not user.region_id:
        return None
    region = user.region
    return region.prefix


def scope_queryset(qs: QuerySet, user, region_field: str = "region") -> QuerySet:
    """Restrict ``qs`` to rows whose ``region_field`` lies in the user's subtree.

    The filter is ``<region_field>__in (ids of regions with code LIKE prefix%)``
    so that the large table is probed by its region index and never joined
    against the region table row by row.
    """
    if sees_everything(user):
        return qs
    prefix = user_region_prefix(user)
    if prefix is None:
        return qs.none()
    return qs.filter(**{f"{region_field}__in": Region.objects.filter(code__startswith=prefix).values("pk")})


def region_in_scope(user, region: Region | None) -> bool:
    if sees_everything(user):
        return True
    prefix = user_region_prefix(user)
    return bool(prefix is not None and region is not None and region.code.startswith(prefix))
