from django.contrib import admin, messages
from django.core.files.base import ContentFile
from django.http import HttpResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportMixin
from import_export.formats.base_formats import CSV, XLSX

from congress_portal.spreadsheets import XLSX_CONTENT_TYPE
from deputies.scoping import scope_deputies

from .models import DeputyRoster, ImportLog
from .resources import DeputyResource
from .templates import deputy_template


@admin.register(DeputyRoster)
class DeputyRosterAdmin(ImportMixin, admin.ModelAdmin):
    """代表名册导入: upload → a dry run listing every row (new, updated,
    unchanged, errors by row and column) → confirm → all or nothing."""

    resource_classes = [DeputyResource]
    formats = [XLSX, CSV]
    import_template_name = "admin/imports/import.html"
    list_display = ("name", "gender", "occupation", "is_active")
    search_fields = ("name",)
    show_full_result_count = False

    def get_queryset(self, request):
        return scope_deputies(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("deputies.view_deputy")

    def has_import_permission(self, request):
        return request.user.is_active and request.user.is_staff and request.user.has_perm("deputies.add_deputy")

    def get_import_resource_kwargs(self, request, **kwargs):
        return {**super().get_import_resource_kwargs(request, **kwargs), "user": request.user}

    def get_urls(self):
        return [
            path("template/", self.admin_site.admin_view(self.template_view), name="imports_deputyroster_template"),
            *super().get_urls(),
        ]

    def template_view(self, request):
        if not self.has_import_permission(request):
            return HttpResponse(status=403)
        response = HttpResponse(deputy_template(request.user), content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = "attachment; filename*=UTF-8''%E4%BB%A3%E8%A1%A8%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx"
        return response

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "template_url": reverse("admin:imports_deputyroster_template")}
        return super().changelist_view(request, extra_context)

    def get_import_context_data(self, **kwargs):
        return {**super().get_import_context_data(**kwargs), "template_url": reverse("admin:imports_deputyroster_template")}

    def process_import(self, request, **kwargs):
        # Keep the confirmed file for the import log (the library deletes its temporary copy).
        form = self.create_confirm_form(request)
        if form.is_valid():
            fmt = self.get_import_formats()[int(form.cleaned_data["format"])]()
            storage = self.get_tmp_storage_class()(
                name=form.cleaned_data["import_file_name"],
                encoding=None if fmt.is_binary() else self.from_encoding,
                read_mode=fmt.get_read_mode(),
                **self.get_tmp_storage_class_kwargs(),
            )
            try:
                data = storage.read()
            except OSError:
                data = b""
            request._import_file = (form.cleaned_data.get("original_file_name") or "import", data)
        return super().process_import(request, **kwargs)

    def process_result(self, result, request):
        name, data = getattr(request, "_import_file", ("", b""))
        log = ImportLog(
            user=request.user,
            kind=str(self.model._meta.verbose_name),
            file_name=name[:255],
            created=result.totals.get("new", 0),
            updated=result.totals.get("update", 0),
            unchanged=result.totals.get("skip", 0),
        )
        if data:
            log.file.save(name[-100:] or "import.xlsx", ContentFile(data if isinstance(data, bytes) else data.encode()), save=False)
        log.save()
        messages.info(
            request, _("导入已记录（新增 %(n)s，更新 %(u)s，未变 %(s)s）。") % {"n": log.created, "u": log.updated, "s": log.unchanged}
        )
        return super().process_result(result, request)


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = ("created_at", "user", "kind", "file_name", "created", "updated", "unchanged")
    list_select_related = ("user",)
    readonly_fields = [f.name for f in ImportLog._meta.fields]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
