from django.contrib import admin
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from congress_portal.pagination import EstimatedCountPaginator
from proposals.models import CaseAssignment, UnitRole
from regions.admin_scoping import RegionScopedAdminMixin

from .models import HandlingUnit


@admin.register(HandlingUnit)
class HandlingUnitAdmin(RegionScopedAdminMixin, admin.ModelAdmin):
    """Handling units of the staff member's subtree; members are picked by autocomplete."""

    region_field = "region"
    list_display = ("name", "short_name", "kind", "region", "contact_person", "active_cases", "is_active")
    list_filter = ("kind", "is_active")
    list_select_related = ("region",)
    search_fields = ("name", "short_name")
    autocomplete_fields = ("region", "members")
    show_full_result_count = False
    paginator = EstimatedCountPaginator
    list_per_page = 50

    def get_queryset(self, request):
        # Open lead assignments per unit, counted in the list query itself:
        # for each listed unit, its open assignments only (index
        # assignment_unit_open), not a GROUP BY over every assignment ever made.
        open_lead = (
            CaseAssignment.objects.filter(unit=OuterRef("pk"), is_active=True, case_open=True, role=UnitRole.LEAD)
            .order_by()
            .values("unit")
            .annotate(n=Count("*"))
            .values("n")
        )
        return super().get_queryset(request).annotate(_active_cases=Coalesce(Subquery(open_lead), 0))

    @admin.display(description=_("在办案件"), ordering="_active_cases")
    def active_cases(self, obj):
        return obj._active_cases
