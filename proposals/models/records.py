"""What happens to a case: history, assignments, contacts, replies, feedback, supervision."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cases import Case, CaseState, SupervisionLevel


class CaseEvent(models.Model):
    """The audit record: every transition and every recorded event of a case."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=12, choices=CaseState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=CaseState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(_("操作人身份"), max_length=50, blank=True, help_text=_("如 群众、系统"))
    reason = models.TextField(_("理由/说明"), blank=True)
    data = models.JSONField(_("附加信息"), default=dict, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)

    class Meta:
        verbose_name = _("办理记录")
        verbose_name_plural = _("办理记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["case", "created_at"], name="event_case_time")]

    def __str__(self) -> str:
        states = f"{self.get_from_state_display()}→{self.get_to_state_display()}" if self.to_state else ""
        return f"{self.created_at:%Y-%m-%d %H:%M} {states}".strip() if self.created_at else states


class UnitRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("会办")


class CaseAssignment(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.HandlingUnit", verbose_name=_("承办单位"), on_delete=models.PROTECT, related_name="assignments")
    role = models.CharField(_("承办方式"), max_length=8, choices=UnitRole.choices, default=UnitRole.LEAD)
    assigned_at = models.DateTimeField(_("交办时间"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("交办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    dispute_until = models.DateField(_("异议截止"), null=True, blank=True)
    disputed_at = models.DateTimeField(_("提出异议时间"), null=True, blank=True)
    dispute_reason = models.TextField(_("异议理由"), blank=True)
    is_active = models.BooleanField(_("有效"), default=True, help_text=_("重新分办后原交办失效"))
    # Denormalised from the case's state (not in FINAL_STATES) so that a
    # unit's workspace reads its open cases without touching the closed
    # history: assignments stay active after the case closes. Kept right by
    # ``proposals.services.workflow.apply_transition``, the one place states change.
    case_open = models.BooleanField(_("案件在办"), default=True, editable=False, help_text=_("随案件状态自动更新"))

    class Meta:
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        ordering = ["-assigned_at"]
        indexes = [
            models.Index(fields=["unit", "is_active"], name="assignment_unit_active"),
            # The unit workspace (在办, the default) and its counters.
            models.Index(fields=["unit", "case"], name="assignment_unit_open", condition=models.Q(is_active=True, case_open=True)),
        ]
        constraints = [
            models.UniqueConstraint(fields=["case"], condition=models.Q(is_active=True, role="lead"), name="assignment_one_active_lead")
        ]

    def __str__(self) -> str:
        return f"{self.unit} ({self.get_role_display()})"


class ContactWay(models.TextChoices):
    PHONE = "phone", _("电话")
    VISIT = "visit", _("上门走访")
    MEETING = "meeting", _("座谈面商")
    SITE = "site", _("现场查看")
    MESSAGE = "message", _("短信/微信")
    OTHER = "other", _("其他")


class ContactParty(models.TextChoices):
    DEPUTY = "deputy", _("代表")
    RESIDENT = "resident", _("群众")
    UNIT = "unit", _("承办单位")


class ContactRecord(models.Model):
    """A "三见面" record: the unit (or deputy) in contact before, during and after handling."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="contacts")
    unit = models.ForeignKey(
        "units.HandlingUnit", verbose_name=_("承办单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    contact_date = models.DateField(_("联系日期"))
    way = models.CharField(_("方式"), max_length=10, choices=ContactWay.choices)
    party = models.CharField(_("联系对象"), max_length=10, choices=ContactParty.choices)
    summary = models.TextField(_("情况"))
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("沟通联系记录")
        verbose_name_plural = _("沟通联系记录")
        ordering = ["contact_date", "id"]

    def __str__(self) -> str:
        return f"{self.contact_date} {self.get_way_display()}"


class Reply(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="replies")
    unit = models.ForeignKey(
        "units.HandlingUnit", verbose_name=_("答复单位"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("答复人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    round = models.PositiveSmallIntegerField(_("轮次"), default=1, help_text=_("重新办理后为 2、3…"))
    text = models.TextField(_("答复内容"))
    signed_file = models.FileField(_("盖章答复件"), upload_to="replies/%Y/%m/", blank=True)
    reply_class = models.ForeignKey(
        "proposals.ReplyClass", verbose_name=_("答复类别"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    on_the_spot = models.BooleanField(_("当场答复"), default=False)
    created_at = models.DateTimeField(_("答复时间"))

    class Meta:
        verbose_name = _("答复")
        verbose_name_plural = _("答复")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} #{self.round}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class RaterKind(models.TextChoices):
    DEPUTY = "deputy", _("代表")
    RESIDENT = "resident", _("群众")


class Feedback(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="feedbacks")
    reply = models.ForeignKey(Reply, verbose_name=_("答复"), on_delete=models.CASCADE, related_name="feedbacks")
    rater = models.CharField(_("测评人"), max_length=10, choices=RaterKind.choices)
    deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("测评代表"), null=True, blank=True, on_delete=models.SET_NULL, related_name="feedbacks"
    )
    rating = models.CharField(_("总体评价"), max_length=12, choices=Rating.choices)
    attitude_rating = models.CharField(_("办理态度"), max_length=12, choices=Rating.choices, blank=True)
    result_rating = models.CharField(_("办理结果"), max_length=12, choices=Rating.choices, blank=True)
    comment = models.TextField(_("意见或不满意理由"), blank=True)
    created_at = models.DateTimeField(_("测评时间"))

    class Meta:
        verbose_name = _("满意度测评")
        verbose_name_plural = _("满意度测评")
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["reply", "rater"], name="feedback_once_per_reply")]

    def __str__(self) -> str:
        return self.get_rating_display()


class SupervisionKind(models.TextChoices):
    NOTICE = "notice", _("督办通知")
    SITE_VISIT = "site_visit", _("实地督查")
    HEARING = "hearing", _("听取汇报/面商")
    OTHER = "other", _("其他")


class SupervisionRecord(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="supervision_records")
    level = models.CharField(_("督办级别"), max_length=10, choices=SupervisionLevel.choices, blank=True)
    kind = models.CharField(_("督办方式"), max_length=12, choices=SupervisionKind.choices)
    date = models.DateField(_("日期"))
    summary = models.TextField(_("情况"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("督办人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("督办记录")
        verbose_name_plural = _("督办记录")
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()}"


class CaseNote(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    text = models.TextField(_("备注"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("备注")
        verbose_name_plural = _("备注")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.text[:30]


class PhoneRevealLog(models.Model):
    """Each time someone saw a resident's full phone number (PIPL)."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="phone_reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("查看人"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("号码查看记录")
        verbose_name_plural = _("号码查看记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
