from django.contrib import admin

from congress_portal.pagination import EstimatedCountPaginator
from regions.admin_scoping import RegionScopedAdminMixin

from .models import HandlingUnit


@admin.register(HandlingUnit)
class HandlingUnitAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """Handling units of the staff member's subtree; members are picked by autocomplete.
    The case core adds the count of cases in hand (``proposals.admin``)."""

    region_field = "region"
    list_display = ("name", "short_name", "kind", "region", "contact_person", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("region",)
    search_fields = ("name", "short_name")
    autocomplete_fields = ("region", "members")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50
