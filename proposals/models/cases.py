"""The case: a resident opinion (群众意见) or a deputy suggestion (代表建议).

Both kinds go through one workflow (``proposals.workflow``). ``state`` is
changed only by ``proposals.services.workflow`` — never by forms, admin or
the API — so every move has its audit row in ``CaseEvent``.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from regions.models import Region


def _choice_label(choices, value) -> str:
    """The label of ``value`` (as ``get_FOO_display`` gives it: the value
    itself when it is not among the choices)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return "" if value is None else str(value)


class CaseKind(models.TextChoices):
    OPINION = "opinion", _("群众意见")
    SUGGESTION = "suggestion", _("代表建议")


class Channel(models.TextChoices):
    KIOSK = "kiosk", _("站点触摸屏")
    STATION_QR = "station_qr", _("站点二维码")
    ONLINE = "online", _("网上反映")
    DEPUTY_QR = "deputy_qr", _("代表二维码")
    PAPER = "paper", _("纸质意见")
    RECEPTION = "reception", _("接待日")
    OPEN311 = "open311", _("外部系统接入")
    HOTLINE = "hotline", _("12345热线")
    DEPUTY = "deputy", _("代表提出")


class CaseState(models.TextChoices):
    SUBMITTED = "submitted", _("已提出")
    ACCEPTED = "accepted", _("已受理")
    RETURNED = "returned", _("已退回")
    REDIRECTED = "redirected", _("已转其他渠道")
    MERGED = "merged", _("已并案")
    REJECTED = "rejected", _("不予受理")
    ASSIGNED = "assigned", _("已交办")
    DISPUTED = "disputed", _("交办异议")
    IN_HANDLING = "in_handling", _("办理中")
    REPLIED = "replied", _("已答复")
    EVALUATED = "evaluated", _("已测评")
    REHANDLING = "rehandling", _("重新办理")
    CLOSED = "closed", _("已办结")


# States in which a case is finished for its handlers; everything else is open.
FINAL_STATES = frozenset({CaseState.RETURNED, CaseState.REDIRECTED, CaseState.MERGED, CaseState.REJECTED, CaseState.CLOSED})
OPEN_STATES = frozenset(set(CaseState) - FINAL_STATES)


class SupervisionLevel(models.TextChoices):
    NONE = "", _("未督办")
    ORDINARY = "ordinary", _("一般督办")
    COMMITTEE = "committee", _("工委对口督办")
    KEY = "key", _("主任会议重点督办")


class FollowUpStatus(models.TextChoices):
    NONE = "", _("无需跟踪")
    FOLLOWING = "following", _("跟踪落实中")
    IMPLEMENTED = "implemented", _("已落实")


class DeadlineKind(models.TextChoices):
    ASSIGN = "assign", _("交办")
    REPLY = "reply", _("答复")
    REREPLY = "rereply", _("重新答复")


class CaseQuerySet(models.QuerySet):
    def open(self):
        return self.exclude(state__in=FINAL_STATES)

    def in_region(self, region):
        """Cases in a region subtree (uses case_region and region_code_prefix)."""

        return self.filter(region__in=Region.objects.filter(code__startswith=region.prefix).values("pk"))


class Case(models.Model):
    kind = models.CharField(_("类型"), max_length=12, choices=CaseKind.choices, default=CaseKind.OPINION)
    tracking_code = models.CharField(_("查询码"), max_length=12)
    title = models.CharField(_("标题"), max_length=120)
    content = models.TextField(_("内容"))
    category = models.ForeignKey(
        "proposals.Category",
        verbose_name=_("类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    address = models.CharField(_("地点"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    channel = models.CharField(_("来源渠道"), max_length=12, choices=Channel.choices)
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("站点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    # Denormalised from the station (or the submitting deputy's region) so that
    # staff scoping is one indexed filter on a million-row table.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
        db_index=False,
    )
    addressed_deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("群众选择的代表"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="addressed_cases",
        db_index=False,
    )
    responsible_deputy = models.ForeignKey(
        "deputies.Deputy",
        verbose_name=_("责任代表/领衔代表"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="responsible_cases",
        db_index=False,
    )
    # The resident. The phone number is stored encrypted (accounts.crypto);
    # only its masked form and last four digits are stored in clear.
    resident_name = models.CharField(_("群众姓名"), max_length=50, blank=True)
    phone_encrypted = models.TextField(_("手机号（加密）"), blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True, editable=False)
    phone_last4 = models.CharField(_("手机号后四位"), max_length=4, blank=True, editable=False)
    contact_email = models.EmailField(_("电子邮箱"), blank=True)
    consent_given = models.BooleanField(_("同意个人信息使用"), default=False)
    is_anonymous = models.BooleanField(_("匿名"), default=False)
    received_on = models.DateField(_("收到日期"), null=True, blank=True, help_text=_("纸质意见按实际收到日期"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Idempotency: a repeated POST of the same form carries the same key.
    submission_key = models.CharField(max_length=64, null=True, blank=True, editable=False)
    device_id = models.CharField(_("终端编号"), max_length=64, blank=True, editable=False)

    state = models.CharField(_("状态"), max_length=12, choices=CaseState.choices, default=CaseState.SUBMITTED, editable=False)
    state_changed_at = models.DateTimeField(_("状态变更时间"), null=True, blank=True, editable=False)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("并入案件"), null=True, blank=True, on_delete=models.PROTECT, related_name="merged_cases", editable=False
    )
    # An opinion taken up in a deputy suggestion points to that suggestion.
    suggestion = models.ForeignKey(
        "self",
        verbose_name=_("形成的代表建议"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="source_opinions",
        editable=False,
    )
    lead_unit = models.ForeignKey(
        "units.HandlingUnit",
        verbose_name=_("主办单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead_cases",
        editable=False,
        db_index=False,
    )
    supervision_level = models.CharField(
        _("督办级别"), max_length=10, choices=SupervisionLevel.choices, default=SupervisionLevel.NONE, blank=True, editable=False
    )
    deadline = models.DateField(_("当前时限"), null=True, blank=True, editable=False)
    deadline_kind = models.CharField(_("时限类型"), max_length=10, choices=DeadlineKind.choices, blank=True, editable=False)
    overdue_since = models.DateField(_("超期日期"), null=True, blank=True, editable=False)
    # The day the current step's working days are counted from, and whether
    # the deadline crosses a year whose official holidays are not known yet
    # (then it is provisional, and computed again when they are entered).
    deadline_from = models.DateField(_("时限起算日"), null=True, blank=True, editable=False)
    deadline_provisional = models.BooleanField(_("时限暂定"), default=False, db_default=False, editable=False)
    reply_extended = models.BooleanField(_("已延长答复期限"), default=False, editable=False)
    reply_class = models.ForeignKey(
        "proposals.ReplyClass",
        verbose_name=_("答复类别"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
        db_index=False,
    )
    satisfaction = models.CharField(_("满意度"), max_length=12, blank=True, editable=False)
    follow_up_status = models.CharField(
        _("跟踪落实"), max_length=12, choices=FollowUpStatus.choices, default=FollowUpStatus.NONE, blank=True, editable=False
    )
    is_published = models.BooleanField(_("答复已公开"), default=False, editable=False)

    submitted_at = models.DateTimeField(_("提出时间"))
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True, editable=False)
    assigned_at = models.DateTimeField(_("交办时间"), null=True, blank=True, editable=False)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True, editable=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True, editable=False)
    implemented_at = models.DateTimeField(_("落实时间"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("案件")
        verbose_name_plural = _("案件")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            # Constraints rather than unique=True: on PostgreSQL a unique field
            # also gets a LIKE (varchar_pattern_ops) index nobody uses here.
            models.UniqueConstraint(fields=["tracking_code"], name="case_tracking_code_unique"),
            models.UniqueConstraint(fields=["submission_key"], name="case_submission_key_unique"),
        ]
        # Single-column foreign-key indexes are switched off (db_index=False) where a
        # composite index below starts with the same column: each index costs every
        # insert (the kiosk) and every update (the reminder sweep) on a 1M-row table.
        indexes = [
            # Staff lists: region-scoped, newest first, often by state.
            models.Index(fields=["region", "state", "-submitted_at"], name="case_region_state"),
            models.Index(fields=["state", "-submitted_at"], name="case_state_submitted"),
            models.Index(fields=["-submitted_at", "-id"], name="case_submitted_id"),
            models.Index(fields=["station", "-submitted_at"], name="case_station"),
            models.Index(fields=["lead_unit", "state"], name="case_lead_unit"),
            models.Index(fields=["responsible_deputy", "state"], name="case_responsible_deputy"),
            models.Index(fields=["addressed_deputy", "state"], name="case_addressed_deputy"),
            # A deputy's cases newest first (/deputy/): each branch of the union
            # is read in order and stops after a page (deputies.selectors.DeputyCaseList),
            # and its count is an index-only scan. The (deputy, state) indexes
            # above serve the open-case counters.
            models.Index(fields=["responsible_deputy", "-submitted_at", "-id"], name="case_responsible_deputy_recent"),
            models.Index(fields=["addressed_deputy", "-submitted_at", "-id"], name="case_addressed_deputy_recent"),
            models.Index(fields=["category", "-submitted_at"], name="case_category"),
            # Reminder sweep and overdue board: open cases by deadline.
            models.Index(fields=["deadline", "state"], name="case_deadline"),
            models.Index(fields=["supervision_level", "state"], name="case_supervision"),
            # Open cases of a staff member's subtree ("全部在办" queue, overdue
            # filter, unit counts): a few percent of the table, so a county's
            # open cases are read without touching its closed ones. The list is
            # sorted so the condition (and the migration) is the same in every
            # process (a frozenset's order depends on the string hash seed).
            models.Index(fields=["region", "deadline"], name="case_open_region", condition=~models.Q(state__in=sorted(FINAL_STATES))),
            # The same open cases newest first (province-wide open / overdue lists).
            models.Index(fields=["-submitted_at", "-id"], name="case_open_submitted", condition=~models.Q(state__in=sorted(FINAL_STATES))),
            # Admin filters by kind and channel, newest first.
            models.Index(fields=["kind", "-submitted_at"], name="case_kind"),
            models.Index(fields=["channel", "-submitted_at"], name="case_channel"),
            # Follow-up filter: the few cases with a follow-up status.
            models.Index(fields=["follow_up_status", "-submitted_at"], name="case_follow_up", condition=~models.Q(follow_up_status="")),
            # The few cases whose deadline waits for next year's official days.
            models.Index(fields=["id"], name="case_deadline_provisional", condition=models.Q(deadline_provisional=True)),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_code} {self.title}"

    # Django's generated get_FOO_display rebuilds a dict of the field's
    # choices on every call; list pages call these for every row.
    def get_state_display(self) -> str:
        return _choice_label(CaseState, self.state)

    def get_kind_display(self) -> str:
        return _choice_label(CaseKind, self.kind)

    def get_deadline_kind_display(self) -> str:
        return _choice_label(DeadlineKind, self.deadline_kind)

    @property
    def is_open(self) -> bool:
        return self.state not in FINAL_STATES

    def is_overdue(self, today=None) -> bool:
        from django.utils import timezone

        if not self.deadline or not self.is_open:
            return False
        return self.deadline < (today or timezone.localdate())

    @property
    def tracking_code_display(self) -> str:
        code = self.tracking_code
        return f"{code[:4]}-{code[4:]}" if len(code) == 8 else code


class SignerRole(models.TextChoices):
    LEAD = "lead", _("领衔代表")
    COSIGNER = "cosigner", _("附议代表")


class SignerStatus(models.TextChoices):
    INVITED = "invited", _("已邀请")
    ACCEPTED = "accepted", _("已同意")
    DECLINED = "declined", _("已谢绝")


class CaseSigner(models.Model):
    """The lead deputy and co-signers of a deputy suggestion."""

    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="signers")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="signed_cases")
    role = models.CharField(_("角色"), max_length=10, choices=SignerRole.choices, default=SignerRole.COSIGNER)
    status = models.CharField(_("状态"), max_length=10, choices=SignerStatus.choices, default=SignerStatus.INVITED)
    invited_at = models.DateTimeField(_("邀请时间"), auto_now_add=True)
    responded_at = models.DateTimeField(_("回复时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("联名代表")
        verbose_name_plural = _("联名代表")
        constraints = [models.UniqueConstraint(fields=["case", "deputy"], name="signer_unique")]
        indexes = [models.Index(fields=["deputy", "status"], name="signer_deputy_status")]

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.get_role_display()}"


class CasePhoto(models.Model):
    case = models.ForeignKey(Case, verbose_name=_("案件"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="cases/%Y/%m/")
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("照片")
        verbose_name_plural = _("照片")

    def __str__(self) -> str:
        return self.image.name
