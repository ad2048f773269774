"""Deputies' duty evaluation (履职积分): a points table per congress, its
rules, and the entries the portal cannot see by itself (self-reports with
evidence, staff deductions).

Entries from what the portal already records (reception days, duty
activities, suggestions, cases) are not copied here: the score is read
from their own tables (``selectors``), so it is always current.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PointsTable(models.Model):
    """The points table of one congress (each congress sets its own)."""

    congress = models.OneToOneField(
        "deputies.Congress", verbose_name=_("人民代表大会"), on_delete=models.CASCADE, related_name="points_table"
    )
    # Grade bands (configurable; defaults ≥80 优秀, 60–79 称职, <60 基本称职).
    excellent_from = models.DecimalField(_("优秀分数线"), max_digits=6, decimal_places=1, default=80)
    competent_from = models.DecimalField(_("称职分数线"), max_digits=6, decimal_places=1, default=60)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("履职积分表")
        verbose_name_plural = _("履职积分表")

    def __str__(self) -> str:
        return f"{self.congress}"


class Source(models.TextChoices):
    """Where a rule's entries come from."""

    STATION = "station", _("进站履职（接待日及进站活动记录）")
    DUTY = "duty", _("履职记录（按类别）")
    RECEPTION = "reception", _("接待日记录")
    SUGGESTION_LEAD = "suggestion_lead", _("领衔提出代表建议")
    SUGGESTION_COSIGN = "suggestion_cosign", _("附议代表建议")
    CASE_CLOSED = "case_closed", _("跟踪群众意见至办结")
    REPORT = "report", _("代表自报（需佐证、经审核）")
    DEDUCTION = "deduction", _("扣分（工作人员录入）")


AUTOMATIC_SOURCES = frozenset(
    {Source.STATION, Source.DUTY, Source.RECEPTION, Source.SUGGESTION_LEAD, Source.SUGGESTION_COSIGN, Source.CASE_CLOSED}
)


class PointsRule(models.Model):
    table = models.ForeignKey(PointsTable, verbose_name=_("积分表"), on_delete=models.CASCADE, related_name="rules")
    name = models.CharField(_("项目"), max_length=60)
    source = models.CharField(_("来源"), max_length=20, choices=Source.choices)
    duty_kind = models.CharField(_("履职记录类别"), max_length=20, blank=True, help_text=_("来源为履职记录时填写"))
    points = models.DecimalField(_("每次分值"), max_digits=5, decimal_places=1, help_text=_("扣分项填负数"))
    yearly_cap = models.DecimalField(
        _("年度上限"), max_digits=6, decimal_places=1, null=True, blank=True, help_text=_("空表示不设上限；扣分项为扣分上限")
    )
    required_count = models.PositiveSmallIntegerField(_("年度应达次数"), default=0, help_text=_("如进站履职每年4次；0表示不要求"))
    evidence_required = models.BooleanField(_("需上传佐证"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("积分项目")
        verbose_name_plural = _("积分项目")
        ordering = ["table", "order", "id"]

    def __str__(self) -> str:
        return self.name


class EntryStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已认定")
    RETURNED = "returned", _("已退回")


class ManualEntry(models.Model):
    """A deputy's self-report (with evidence, approved or returned by staff)
    or a staff deduction (approved when entered)."""

    rule = models.ForeignKey(PointsRule, verbose_name=_("积分项目"), on_delete=models.PROTECT, related_name="entries")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="evaluation_entries")
    year = models.PositiveSmallIntegerField(_("年度"))
    date = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    evidence = models.FileField(_("佐证材料"), upload_to="evaluation/evidence/%Y/", blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=EntryStatus.choices, default=EntryStatus.PENDING)
    return_reason = models.CharField(_("退回理由"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("自报与扣分")
        verbose_name_plural = _("自报与扣分")
        ordering = ["-date", "-id"]
        indexes = [
            models.Index(fields=["deputy", "year"], name="evalentry_deputy_year"),
            models.Index(fields=["status", "-created_at"], name="evalentry_status"),
        ]

    def __str__(self) -> str:
        return f"{self.deputy_id} {self.title}"


class Rating(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")


class ReportStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    VOTING = "voting", _("测评进行中")
    CLOSED = "closed", _("已结束")


class VoterReport(models.Model):
    """A deputy's report to voters (代表述职) at a station, its record, and
    the voters' rating."""

    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="voter_reports")
    station = models.ForeignKey("stations.Station", verbose_name=_("述职站点"), on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("述职年度"))
    scheduled_at = models.DateTimeField(_("述职时间"))
    report_text = models.TextField(_("述职报告"), blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ReportStatus.choices, default=ReportStatus.SCHEDULED)
    # The meeting record.
    held_at = models.DateTimeField(_("实际召开时间"), null=True, blank=True)
    attendance = models.PositiveIntegerField(_("参会选民（人）"), null=True, blank=True)
    minutes = models.TextField(_("会议记录"), blank=True)
    # Paper ballots, counted at the meeting and entered as totals.
    paper_satisfied = models.PositiveIntegerField(_("纸质票：满意"), default=0)
    paper_basic = models.PositiveIntegerField(_("纸质票：基本满意"), default=0)
    paper_unsatisfied = models.PositiveIntegerField(_("纸质票：不满意"), default=0)
    # Random, in the QR code shown at the meeting.
    ballot_token = models.CharField(_("测评码"), max_length=32, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("安排人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"))

    class Meta:
        verbose_name = _("代表述职")
        verbose_name_plural = _("代表述职")
        ordering = ["-scheduled_at", "-id"]
        indexes = [models.Index(fields=["deputy", "-scheduled_at"], name="voterreport_deputy")]

    def __str__(self) -> str:
        return f"{self.deputy} {self.year}"


class ReportVoter(models.Model):
    """The register of who has voted by phone: a keyed digest of the number,
    scoped to the report. Random key, no time, nothing that points to a
    ballot (README "Secret ballots")."""

    id = models.UUIDField(primary_key=True, editable=False)
    report = models.ForeignKey(VoterReport, on_delete=models.CASCADE, related_name="+")
    phone_digest = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("已测评登记")
        verbose_name_plural = _("已测评登记")
        constraints = [models.UniqueConstraint(fields=["report", "phone_digest"], name="reportvoter_once")]

    def __str__(self) -> str:
        return str(self.report_id)


class ReportTally(models.Model):
    """The ballot box: one counter per rating. Each vote updates all three
    counters of the report in one statement (adding 1 to one of them), so
    that no row's version tells which rating the latest voter chose."""

    report = models.ForeignKey(VoterReport, on_delete=models.CASCADE, related_name="tallies")
    rating = models.CharField(max_length=12, choices=Rating.choices)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("测评计票")
        verbose_name_plural = _("测评计票")
        constraints = [models.UniqueConstraint(fields=["report", "rating"], name="reporttally_once")]

    def __str__(self) -> str:
        return f"{self.report_id} {self.rating}"
