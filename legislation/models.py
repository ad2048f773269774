"""Drafts of laws and regulations opened for comment through the stations
(基层立法联系点).

A draft has versions; each version is parsed into provisions (章/节/条, the
article's 款 are its lines). Comments anchor to an article of the version
they were made on and are carried to the matching article of every later
version (``CommentAnchorMove`` records each carry), which is what Consul's
annotations and Decidim's collaborative texts do not do.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Draft(models.Model):
    title = models.CharField(_("草案名称"), max_length=200)
    issuing_body = models.CharField(_("起草/征求意见机关"), max_length=200)
    explanation = models.TextField(_("起草说明"), blank=True)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="legislation_drafts")
    opens_on = models.DateField(_("征求意见开始日期"))
    closes_on = models.DateField(_("征求意见截止日期"))
    stations = models.ManyToManyField("stations.Station", verbose_name=_("参与的联系点"), related_name="legislation_drafts", blank=True)
    current_version = models.ForeignKey(
        "DraftVersion", verbose_name=_("当前稿"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published = models.BooleanField(_("已公布"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)

    class Meta:
        verbose_name = _("法规草案")
        verbose_name_plural = _("法规草案")
        ordering = ["-opens_on", "-pk"]
        indexes = [models.Index(fields=["region", "-opens_on"], name="lg_draft_region_opens")]

    def __str__(self) -> str:
        return self.title

    def is_open(self, today=None) -> bool:
        today = today or timezone.localdate()
        return self.published and self.opens_on <= today <= self.closes_on


class DraftAttachment(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(_("名称"), max_length=200)
    file = models.FileField(_("文件"), upload_to="legislation/attachments/%Y/%m/")

    class Meta:
        verbose_name = _("草案附件")
        verbose_name_plural = _("草案附件")

    def __str__(self) -> str:
        return self.name


class DraftVersion(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("第几稿"))
    source_text = models.TextField(_("全文"))
    preamble = models.TextField(_("题注"), blank=True)
    note = models.CharField(_("修改说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("草案版本")
        verbose_name_plural = _("草案版本")
        ordering = ["draft", "number"]
        constraints = [models.UniqueConstraint(fields=["draft", "number"], name="lg_version_unique")]

    def __str__(self) -> str:
        return f"{self.draft} · {self.number}"


class ProvisionKind(models.TextChoices):
    CHAPTER = "chapter", _("章")
    SECTION = "section", _("节")
    ARTICLE = "article", _("条")


class Provision(models.Model):
    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="provisions")
    kind = models.CharField(_("类别"), max_length=8, choices=ProvisionKind.choices)
    number = models.PositiveIntegerField(_("序号"))
    label = models.CharField(_("编号"), max_length=20)  # 第二十一条
    title = models.CharField(_("标题"), max_length=300, blank=True)  # chapters and sections
    text = models.TextField(_("条文"), blank=True)  # articles: one 款 per line
    chapter = models.CharField(_("所在章"), max_length=300, blank=True)
    position = models.PositiveIntegerField(_("顺序"))

    class Meta:
        verbose_name = _("条文")
        verbose_name_plural = _("条文")
        ordering = ["version", "position"]
        constraints = [models.UniqueConstraint(fields=["version", "position"], name="lg_provision_position")]

    def __str__(self) -> str:
        return self.label

    @property
    def paragraphs(self) -> list[str]:
        return [line for line in self.text.split("\n") if line]


class ChangeKind(models.TextChoices):
    UNCHANGED = "unchanged", _("未修改")
    MODIFIED = "modified", _("修改")
    RENUMBERED = "renumbered", _("序号调整")
    ADDED = "added", _("新增")
    REMOVED = "removed", _("删除")


class ArticleChange(models.Model):
    """One article's fate from one version to the next (the diff)."""

    version = models.ForeignKey(DraftVersion, on_delete=models.CASCADE, related_name="changes")
    old = models.ForeignKey(Provision, on_delete=models.CASCADE, null=True, related_name="+")
    new = models.ForeignKey(Provision, on_delete=models.CASCADE, null=True, related_name="+")
    kind = models.CharField(_("变化"), max_length=12, choices=ChangeKind.choices)
    similarity = models.FloatField(_("相似度"), default=0)
    diff_html = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("条文变化")
        verbose_name_plural = _("条文变化")
        ordering = ["version", "position"]

    def __str__(self) -> str:
        return f"{self.version} {self.get_kind_display()}"


class WindowExtension(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="extensions")
    old_closes_on = models.DateField(_("原截止日期"))
    new_closes_on = models.DateField(_("新截止日期"))
    reason = models.CharField(_("延长理由"), max_length=500)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("征求意见期延长")
        verbose_name_plural = _("征求意见期延长")
        ordering = ["draft", "at"]

    def __str__(self) -> str:
        return f"{self.old_closes_on} → {self.new_closes_on}"


class Forum(models.Model):
    """A 座谈会 held at a station; its comments are Comment rows with channel forum."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="forums")
    station = models.ForeignKey("stations.Station", on_delete=models.PROTECT, related_name="legislation_forums")
    held_on = models.DateField(_("日期"))
    place = models.CharField(_("地点"), max_length=200)
    participants = models.PositiveIntegerField(_("参加人数"))
    note = models.TextField(_("情况说明"), blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("座谈会")
        verbose_name_plural = _("座谈会")
        ordering = ["-held_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.held_on} {self.place}"


class Channel(models.TextChoices):
    ONLINE = "online", _("网上")
    KIOSK = "kiosk", _("联系点现场")
    FORUM = "forum", _("座谈会")
    PAPER = "paper", _("书面")


class Moderation(models.TextChoices):
    PUBLISHED = "ok", _("正常")
    HELD = "held", _("待审核")
    REJECTED = "rejected", _("已屏蔽")


class Adoption(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    PARTIAL = "partial", _("部分采纳")
    NOT_ADOPTED = "not_adopted", _("未采纳")
    EXISTING = "existing", _("已有规定")


class AnchorState(models.TextChoices):
    CURRENT = "current", _("原条文")
    CARRIED = "carried", _("已随新稿转到对应条文")
    REMOVED = "removed", _("该条已在新稿中删除")


class Comment(models.Model):
    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="comments")
    version = models.ForeignKey(DraftVersion, verbose_name=_("针对的稿次"), on_delete=models.RESTRICT, related_name="+")
    # The article in the newest version it is about (carried forward); null =
    # the whole draft.
    provision = models.ForeignKey(
        Provision, verbose_name=_("条文"), on_delete=models.RESTRICT, null=True, blank=True, related_name="comments"
    )
    original_label = models.CharField(_("原条文编号"), max_length=20, blank=True)
    quote = models.CharField(_("所选文字"), max_length=500, blank=True)
    quote_found = models.BooleanField(_("所选文字仍在条文中"), default=True)
    anchor_state = models.CharField(max_length=10, choices=AnchorState.choices, default=AnchorState.CURRENT)
    content = models.TextField(_("意见内容"))
    content_key = models.CharField(max_length=64, db_index=True)  # normalised text hash, duplicates
    channel = models.CharField(_("渠道"), max_length=8, choices=Channel.choices)
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("联系点"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    forum = models.ForeignKey(Forum, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    name = models.CharField(_("姓名"), max_length=50, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True)
    consent_given = models.BooleanField(default=False)
    tracking_code = models.CharField(_("查询码"), max_length=16, unique=True)
    moderation = models.CharField(_("审核"), max_length=8, choices=Moderation.choices, default=Moderation.PUBLISHED)
    moderation_reason = models.CharField(max_length=200, blank=True)
    merged_into = models.ForeignKey(
        "self", verbose_name=_("合并到"), on_delete=models.SET_NULL, null=True, blank=True, related_name="duplicates"
    )
    tags = models.JSONField(_("标签"), default=list, blank=True)
    adoption = models.CharField(_("采纳情况"), max_length=12, choices=Adoption.choices, blank=True)
    adoption_reason = models.TextField(_("理由"), blank=True)
    adoption_at = models.DateTimeField(null=True, blank=True)
    adoption_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    client_key = models.CharField(max_length=64, blank=True)  # hashed address/device, for duplicates
    submission_key = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("提交时间"), default=timezone.now)

    class Meta:
        verbose_name = _("立法意见")
        verbose_name_plural = _("立法意见")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["draft", "provision"], name="lg_comment_draft_prov"),
            models.Index(fields=["draft", "station"], name="lg_comment_draft_station"),
            models.Index(fields=["draft", "moderation"], name="lg_comment_draft_mod"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["draft", "submission_key"], condition=~models.Q(submission_key=""), name="lg_comment_submission_once"
            )
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def tracking_code_display(self) -> str:
        return f"{self.tracking_code[:4]}-{self.tracking_code[4:]}"


class CommentAnchorMove(models.Model):
    """A comment carried from an article of one version to the next."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="moves")
    change = models.ForeignKey(ArticleChange, on_delete=models.CASCADE, related_name="moves")
    from_label = models.CharField(max_length=20)
    to_label = models.CharField(max_length=20, blank=True)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("意见随稿转移记录")
        verbose_name_plural = _("意见随稿转移记录")
        ordering = ["comment", "at"]

    def __str__(self) -> str:
        return f"{self.from_label} → {self.to_label or '-'}"


class ArticleSummary(models.Model):
    """Per-article summary written while compiling; station null = the
    legislature's own compilation over every station."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="summaries")
    provision = models.ForeignKey(Provision, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    station = models.ForeignKey("stations.Station", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    text = models.TextField(_("意见摘要"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("逐条意见摘要")
        verbose_name_plural = _("逐条意见摘要")
        # One per (draft, article or none, station or none): summary_set
        # writes under the draft's row lock (NULLs defeat a plain unique
        # constraint on every database but PostgreSQL 15+).

    def __str__(self) -> str:
        return self.text[:30]


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("正在生成")
    READY = "ready", _("已生成")
    FAILED = "failed", _("生成失败")


class Report(models.Model):
    """意见汇总报告: a compiled snapshot, its files, and where it was sent.
    The files are rendered by a Celery task (a large draft's PDF takes
    tens of seconds): ``status`` says whether they are there yet."""

    draft = models.ForeignKey(Draft, on_delete=models.CASCADE, related_name="reports")
    version = models.ForeignKey(DraftVersion, on_delete=models.RESTRICT, related_name="+")
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("联系点"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    number = models.PositiveIntegerField(_("第几次汇总"))
    comment_count = models.PositiveIntegerField(_("意见条数"), default=0)
    status = models.CharField(_("状态"), max_length=8, choices=ReportStatus.choices, default=ReportStatus.PENDING)
    error = models.CharField(max_length=300, blank=True)
    pdf = models.FileField(upload_to="legislation/reports/%Y/%m/", blank=True)
    xlsx = models.FileField(upload_to="legislation/reports/%Y/%m/", blank=True)
    compiled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    compiled_at = models.DateTimeField(_("汇总时间"), default=timezone.now)
    rendered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("意见汇总报告")
        verbose_name_plural = _("意见汇总报告")
        ordering = ["-compiled_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.draft} · {self.number}"


class ReportForward(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="forwards")
    to_body = models.CharField(_("报送机关"), max_length=200)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(_("报送时间"), default=timezone.now)

    class Meta:
        verbose_name = _("报送记录")
        verbose_name_plural = _("报送记录")
        ordering = ["report", "at"]

    def __str__(self) -> str:
        return f"{self.report} → {self.to_body}"


class ContactRevealLog(models.Model):
    """Each time someone saw a commenter's full phone number (PIPL)."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reveals")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("号码查看记录")
        verbose_name_plural = _("号码查看记录")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.user_id} {self.created_at:%Y-%m-%d %H:%M}"
