"""The outbox of reminders and notifications.

Everything the portal sends is first a row here, written in the same
transaction as the fact that causes it; a sweep (``services.sweep``) and the
tasks deliver the rows. Uniqueness constraints make each message, reminder
and event dispatch happen once, whatever retries, restarts or concurrent
sweeps do (README "Reminders and notifications").
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    EMAIL = "email", _("电子邮件")
    SMS = "sms", _("短信")
    INAPP = "inapp", _("站内通知")


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    SENT = "sent", _("已发送")
    FAILED = "failed", _("发送失败")
    CANCELLED = "cancelled", _("已取消")


class Message(models.Model):
    """One message to one recipient on one channel."""

    kind = models.CharField(_("消息类型"), max_length=40)
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="portal_messages",
    )
    # E-mail address or phone number. Empty for in-app messages and for SMS to
    # a resident, whose number stays encrypted on the case and is decrypted
    # only at the moment of sending (no clear copy in the outbox).
    address = models.CharField(_("地址"), max_length=254, blank=True)
    to_resident = models.BooleanField(_("发给群众"), default=False)
    subject = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"))
    url = models.CharField(_("链接"), max_length=300, blank=True)
    # What the message is about, e.g. "rem:<reminder>:email:<user>". A second
    # attempt to create the same message is a no-op (bulk_create ignore_conflicts).
    dedup_key = models.CharField(_("去重键"), max_length=200, unique=True)
    status = models.CharField(_("状态"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次发送时间"))
    last_error = models.TextField(_("最近错误"), blank=True)
    case = models.ForeignKey("proposals.Case", verbose_name=_("案件"), null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    reminder = models.ForeignKey(
        "notifications.Reminder", verbose_name=_("提醒"), null=True, blank=True, on_delete=models.CASCADE, related_name="messages"
    )
    created_at = models.DateTimeField(_("创建时间"))
    sent_at = models.DateTimeField(_("发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("消息")
        verbose_name_plural = _("消息发送记录")
        ordering = ["-created_at", "-id"]
        indexes = [
            # The outbox claim: pending rows by next attempt (small partial index,
            # so an idle sweep costs one index probe at any table size).
            models.Index(fields=["next_attempt_at", "id"], condition=models.Q(status="pending"), name="message_pending_due"),
            # Admin / staff list of failed messages, newest first.
            models.Index(fields=["status", "-created_at"], name="message_status_created"),
            # The admin list, newest first, unfiltered.
            models.Index(fields=["-created_at", "-id"], name="message_created_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.get_channel_display()} {self.subject}"

    @property
    def address_display(self) -> str:
        from accounts.crypto import mask_phone

        if self.to_resident:
            return self.case.phone_masked if self.case_id else ""
        if self.channel == Channel.SMS:
            return mask_phone(self.address)
        return self.address


class Notification(models.Model):
    """An in-app notification: what a user sees at /notifications/ and in the badge."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="notifications")
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    message = models.OneToOneField(
        Message, verbose_name=_("消息"), null=True, blank=True, on_delete=models.SET_NULL, related_name="notification"
    )
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("站内通知")
        verbose_name_plural = _("站内通知")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="notification_user_time"),
            # The unread badge: COUNT over this partial index.
            models.Index(fields=["user"], condition=models.Q(read_at__isnull=True), name="notification_unread"),
        ]

    def __str__(self) -> str:
        return self.title


class ReminderKind(models.TextChoices):
    BEFORE = "before", _("期限前提醒")
    DUE = "due", _("到期当日提醒")
    OVERDUE = "overdue", _("超期提醒")
    ESCALATE = "escalate", _("超期督办升级")


class ReminderStatus(models.TextChoices):
    PENDING = "pending", _("待处理")
    SENT = "sent", _("已发出")
    CANCELLED = "cancelled", _("已取消")


class Reminder(models.Model):
    """A deadline reminder. One row per (case, kind, deadline): a reminder
    cannot be produced twice, and a new deadline (extension, re-handling)
    gets its own reminders."""

    case = models.ForeignKey("proposals.Case", verbose_name=_("案件"), on_delete=models.CASCADE, related_name="reminders")
    # "before_3", "before_1", "due", "overdue", "escalate".
    kind = models.CharField(_("提醒类型"), max_length=20)
    deadline = models.DateField(_("期限"))
    deadline_kind = models.CharField(_("时限类型"), max_length=10, blank=True)
    due_at = models.DateTimeField(_("应发时间"))
    status = models.CharField(_("状态"), max_length=10, choices=ReminderStatus.choices, default=ReminderStatus.PENDING)
    created_at = models.DateTimeField(_("创建时间"))
    processed_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("期限提醒")
        verbose_name_plural = _("期限提醒")
        ordering = ["-due_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind", "deadline"], name="reminder_once_per_deadline")]
        indexes = [
            models.Index(fields=["due_at", "id"], condition=models.Q(status="pending"), name="reminder_pending_due"),
            # The admin list, latest due first.
            models.Index(fields=["-due_at", "-id"], name="reminder_due_desc"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} {self.deadline}"

    @property
    def kind_label(self) -> str:
        if self.kind.startswith("before_"):
            return str(_("提前%(n)s个工作日提醒") % {"n": self.kind.split("_", 1)[1]})
        return str(ReminderKind(self.kind).label) if self.kind in ReminderKind.values else self.kind


class EventDispatch(models.Model):
    """The marker that a case event has been turned into messages.

    Written by a post_save listener in the same transaction as the event
    (``notifications.signals``), so an event committed while Redis or the
    worker was down is still found by the sweep; ``dispatched_at`` is set in
    the transaction that creates its messages, so it is dispatched once.
    """

    event = models.OneToOneField(
        "proposals.CaseEvent", verbose_name=_("办理记录"), primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))
    dispatched_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    message_count = models.PositiveIntegerField(_("生成消息数"), default=0)

    class Meta:
        verbose_name = _("事件通知处理")
        verbose_name_plural = _("事件通知处理")
        indexes = [models.Index(fields=["event"], condition=models.Q(dispatched_at__isnull=True), name="dispatch_pending")]

    def __str__(self) -> str:
        return str(self.event_id)


class SweepState(models.Model):
    """How far a date-driven job has got (reminder scan, digest, announcements),
    so that the next sweep after an outage catches up from there."""

    name = models.CharField(_("名称"), max_length=40, primary_key=True)
    last_date = models.DateField(_("已处理至"), null=True, blank=True)
    # A job done in chunks under a time budget (the weekly digest) records how
    # far it got in the period it is working on; the next run continues there.
    cursor_period = models.DateField(_("进行中的周期"), null=True, blank=True)
    cursor_id = models.BigIntegerField(_("已处理至编号"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("定时任务进度")
        verbose_name_plural = _("定时任务进度")

    def __str__(self) -> str:
        return f"{self.name} {self.last_date}"


class PhoneCode(models.Model):
    """A one-time SMS code sent to verify a phone number (a public vote, a
    voters' rating, a reception-day subscription).

    Neither the number nor the code is stored in clear: both are keyed
    hashes (``phone_verification``). The row lives as long as its
    rate-limit windows need it (``phone_codes_purge``)."""

    phone_hash = models.CharField(_("手机号摘要"), max_length=64)
    purpose = models.CharField(_("用途"), max_length=40)
    code_hash = models.CharField(_("验证码摘要"), max_length=64)
    ip_hash = models.CharField(_("来源地址摘要"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("发送时间"))
    expires_at = models.DateTimeField(_("失效时间"))
    attempts = models.PositiveSmallIntegerField(_("错误尝试次数"), default=0)
    used_at = models.DateTimeField(_("验证时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("短信验证码")
        verbose_name_plural = _("短信验证码")
        indexes = [
            # Verify (latest live code of a number and purpose) and the per-number limits.
            models.Index(fields=["phone_hash", "-created_at"], name="phonecode_phone_time"),
            # The per-address limit.
            models.Index(fields=["ip_hash", "-created_at"], name="phonecode_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.purpose} {self.created_at:%Y-%m-%d %H:%M}"
