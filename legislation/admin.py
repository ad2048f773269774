from django.contrib import admin

from regions.admin_scoping import RegionScopedAdmin

from .models import Comment, Draft, DraftAttachment, Report


class DraftAttachmentInline(admin.TabularInline):
    model = DraftAttachment
    extra = 1


@admin.register(Draft)
class DraftAdmin(RegionScopedAdmin):
    inlines = [DraftAttachmentInline]
    list_display = ("title", "issuing_body", "region", "opens_on", "closes_on", "published")
    list_filter = ("published",)
    search_fields = ("title",)
    filter_horizontal = ("stations",)
    readonly_fields = ("current_version", "created_by", "created_at")
    fields = ("title", "issuing_body", "explanation", "region", "opens_on", "closes_on", "published", "stations", "current_version")


@admin.register(Comment)
class CommentAdmin(RegionScopedAdmin):
    region_field = "draft__region"
    list_display = ("tracking_code", "draft", "original_label", "channel", "station", "moderation", "adoption", "created_at")
    list_filter = ("channel", "moderation", "adoption")
    search_fields = ("tracking_code",)
    list_select_related = ("draft", "station")
    # Contact details stay out of the admin (masked form only); the
    # compilation page reveals a number with a logged reason.
    fields = (
        "draft",
        "original_label",
        "quote",
        "content",
        "channel",
        "station",
        "phone_masked",
        "moderation",
        "tags",
        "adoption",
        "adoption_reason",
    )
    readonly_fields = fields

    def has_add_permission(self, request):
        return False


@admin.register(Report)
class ReportAdmin(RegionScopedAdmin):
    region_field = "draft__region"
    list_display = ("draft", "station", "number", "status", "comment_count", "compiled_at")
    list_select_related = ("draft", "station")
    readonly_fields = (
        "draft",
        "version",
        "station",
        "number",
        "status",
        "error",
        "comment_count",
        "pdf",
        "xlsx",
        "compiled_by",
        "compiled_at",
        "rendered_at",
    )

    def has_add_permission(self, request):
        return False
