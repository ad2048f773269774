from django.contrib import admin

from .admin_scoping import RegionScopedAdminMixin, ScopedCountPaginator
from .models import Region
from .scoping import region_in_scope


@admin.register(Region)
class RegionAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """The division tree. Staff see their subtree (this is also what the
    region autocomplete of every other admin offers them)."""

    region_field = "pk"
    list_display = ("code", "name", "full_name", "level", "year")
    list_filter = ("level", "year")
    # "^code": typing 140107 lists the county and its whole subtree.
    search_fields = ("name", "full_name", "^code")
    autocomplete_fields = ("parent",)
    ordering = ("code",)
    show_full_result_count = False
    paginator = ScopedCountPaginator
    list_per_page = 50

    def _obj_in_scope(self, request, obj) -> bool:
        return region_in_scope(request.user, obj)
