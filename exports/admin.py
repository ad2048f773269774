from django.contrib import admin

from .models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """导出记录: who took which list out, when, with or without full contact
    details (and why). Read only; a superuser sees everyone's, staff their own."""

    list_display = ("created_at", "user", "kind", "status", "rows_done", "reveals_personal_data", "reason")
    list_filter = ("kind", "status", "reveals_personal_data")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in ExportJob._meta.fields]
    show_full_result_count = False

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
