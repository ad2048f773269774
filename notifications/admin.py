"""Admin: the outbox (with failed messages), reminders, and each user's own
in-app notifications. Staff see messages and reminders of cases in their
region subtree; the views are read-only except "重新发送" / "标为已读"."""

from pathlib import Path

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from congress_portal.admin_lists import LargeTableAdminMixin, fixed_choices_filter
from proposals.models.cases import DeadlineKind
from regions.scoping import scope_queryset, sees_everything

from . import selectors
from .models import Message, MessageStatus, Notification, Reminder, ReminderKind
from .services.inapp import notifications_mark_all_read
from .services.outbox import messages_resend


def _is_staff(request) -> bool:
    return bool(request.user.is_active and request.user.is_staff)


MESSAGE_TEMPLATES = Path(__file__).resolve().parent / "templates" / "notifications" / "messages"


def message_kinds() -> list[tuple[str, str]]:
    """The kinds of message the code can write: one per message template."""
    return [(kind, kind) for kind in sorted({path.name.split(".", 1)[0] for path in MESSAGE_TEMPLATES.glob("*.txt")})]


def reminder_kinds() -> list[tuple[str, str]]:
    # "before_3", "before_1"… (working days before, per deadline policy) are one family.
    return [("before_", str(ReminderKind.BEFORE.label))] + [(k.value, str(k.label)) for k in ReminderKind if k != ReminderKind.BEFORE]


class StaffReadOnlyMixin:
    """Every active staff account may read (scoped by get_queryset); no one
    adds or edits rows by hand: they are written by the services."""

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        if not _is_staff(request):
            return False
        return obj is None or self.get_queryset(request).filter(pk=obj.pk).exists()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return bool(request.user.is_superuser)


@admin.register(Message)
class MessageAdmin(LargeTableAdminMixin, StaffReadOnlyMixin, admin.ModelAdmin):
    list_display = ["created_at", "kind", "channel", "recipient_display", "subject", "status", "attempts", "next_attempt_at", "sent_at"]
    # By date with fixed ranges (today, past 7 days…): a date hierarchy reads
    # the whole outbox for its years and months on every page.
    list_filter = [
        "status",
        "channel",
        fixed_choices_filter("kind", _("消息类型"), message_kinds),
        ("created_at", admin.DateFieldListFilter),
    ]
    search_fields = ["subject", "dedup_key", "case__tracking_code"]
    list_select_related = ["recipient", "case"]
    actions = ["resend"]
    fields = [
        "kind",
        "channel",
        "recipient",
        "recipient_display",
        "subject",
        "body",
        "url",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "case",
        "reminder",
        "dedup_key",
        "created_at",
        "sent_at",
    ]
    readonly_fields = fields

    def get_queryset(self, request):
        return selectors.messages_for_staff(request.user, super().get_queryset(request))

    @admin.display(description=_("接收方"))
    def recipient_display(self, obj):
        who = str(obj.recipient) if obj.recipient_id else (str(_("群众")) if obj.to_resident else "")
        return " ".join(part for part in (who, obj.address_display if obj.channel != "inapp" else "") if part)

    def has_resend_permission(self, request):
        return _is_staff(request)

    @admin.action(description=_("重新发送所选的失败消息"), permissions=["resend"])
    def resend(self, request, queryset):
        count = messages_resend(message_ids=queryset.filter(status=MessageStatus.FAILED).values_list("pk", flat=True))
        self.message_user(request, _("已重新放入发送队列：%(n)s 条。") % {"n": count}, messages.SUCCESS)


@admin.register(Reminder)
class ReminderAdmin(LargeTableAdminMixin, StaffReadOnlyMixin, admin.ModelAdmin):
    list_display = ["due_at", "case", "kind_label", "deadline", "deadline_kind", "status", "processed_at"]
    list_filter = [
        "status",
        fixed_choices_filter("kind", _("提醒类型"), reminder_kinds, lookup="startswith"),
        fixed_choices_filter("deadline_kind", _("时限类型"), lambda: [(k.value, str(k.label)) for k in DeadlineKind]),
    ]
    search_fields = ["case__tracking_code"]
    list_select_related = ["case"]
    readonly_fields = ["case", "kind", "deadline", "deadline_kind", "due_at", "status", "created_at", "processed_at", "note"]
    fields = readonly_fields

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if sees_everything(request.user):
            return qs
        return scope_queryset(qs, request.user, "case__region")


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """Each staff member's own in-app notifications (superusers: everyone's)."""

    list_display = ["created_at", "title", "user", "read_at"]
    list_filter = [("read_at", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    actions = ["mark_read"]
    readonly_fields = ["user", "title", "body", "url", "message", "created_at", "read_at"]
    fields = readonly_fields

    def get_queryset(self, request):
        qs = super().get_queryset(request).select_related("user")
        return qs if request.user.is_superuser else qs.filter(user=request.user)

    def has_module_permission(self, request):
        return _is_staff(request)

    def has_view_permission(self, request, obj=None):
        return _is_staff(request) and (obj is None or request.user.is_superuser or obj.user_id == request.user.pk)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_mark_read_permission(self, request):
        return _is_staff(request)

    @admin.action(description=_("标为已读"), permissions=["mark_read"])
    def mark_read(self, request, queryset):
        # Only one's own notifications, even for a superuser looking at everyone's.
        count = notifications_mark_all_read(user=request.user, ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, _("已标为已读：%(n)s 条。") % {"n": count}, messages.SUCCESS)
