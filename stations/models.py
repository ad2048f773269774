"""The station registry: 人大代表之家 · 联络站 · 联系点 · 网上联络站."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts import crypto


def _new_token() -> str:
    return secrets.token_urlsafe(32)


class StationKind(models.TextChoices):
    HOME = "home", _("人大代表之家")
    STATION = "station", _("人大代表联络站")
    POINT = "point", _("人大代表联系点")
    ONLINE = "online", _("网上代表联络站")


class ReceptionRule(models.TextChoices):
    NONE = "none", _("不固定")
    MONTHLY = "monthly", _("每月固定日")
    WEEKLY = "weekly", _("每周固定日")


class Station(models.Model):
    code = models.SlugField(
        _("站点编码"), max_length=32, unique=True, help_text=_("用于二维码和意见征集页地址 /kiosk/<编码>/，只能含字母、数字、-")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=10, choices=StationKind.choices, default=StationKind.STATION)
    region = models.ForeignKey("regions.Region", verbose_name=_("所在区域"), on_delete=models.PROTECT, related_name="stations")
    parent = models.ForeignKey(
        "self", verbose_name=_("上级站点"), null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    address = models.CharField(_("地址"), max_length=200, blank=True)
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    opening_hours = models.CharField(_("开放时间"), max_length=200, blank=True, help_text=_("如 工作日 9:00-17:00"))
    reception_rule = models.CharField(_("接待日规则"), max_length=10, choices=ReceptionRule.choices, default=ReceptionRule.NONE)
    reception_day = models.PositiveSmallIntegerField(
        _("接待日"), null=True, blank=True, help_text=_("每月规则填 1-31（当月无此日取月末）；每周规则填 1-7（周一为 1）")
    )
    reception_announce_days = models.PositiveSmallIntegerField(_("提前公告天数"), default=3)
    head_deputy = models.ForeignKey(
        "deputies.Deputy", verbose_name=_("站长（代表）"), null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_stations"
    )
    head_name = models.CharField(_("站长"), max_length=50, blank=True, help_text=_("站长不是代表时填写"))
    responsible_person_1 = models.CharField(_("责任人一"), max_length=50, blank=True)
    responsible_person_2 = models.CharField(_("责任人二"), max_length=50, blank=True)
    liaison_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联络员账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_stations",
    )
    liaison_name = models.CharField(_("联络员"), max_length=50, blank=True)
    # Private: staff call it; not shown on public pages.
    liaison_phone = models.CharField(_("联络员电话"), max_length=20, blank=True, help_text=_("不公开"))
    public_phone = models.CharField(_("站点电话"), max_length=30, blank=True, help_text=_("公开的站点座机"))
    description = models.TextField(_("简介"), blank=True)
    members = models.ManyToManyField(
        "deputies.Deputy", verbose_name=_("进站代表"), through="StationMembership", blank=True, related_name="stations"
    )
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("家站点")
        verbose_name_plural = _("家站点")
        ordering = ["region__code", "code"]
        indexes = [
            models.Index(fields=["region", "kind"], name="station_region_kind"),
            models.Index(fields=["latitude", "longitude"], name="station_position"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def head_display(self) -> str:
        return self.head_deputy.name if self.head_deputy_id else self.head_name


class StationMembership(models.Model):
    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="memberships")
    deputy = models.ForeignKey("deputies.Deputy", verbose_name=_("代表"), on_delete=models.CASCADE, related_name="memberships")
    joined_on = models.DateField(_("进站日期"), null=True, blank=True)
    left_on = models.DateField(_("离站日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("进站代表")
        verbose_name_plural = _("进站代表")
        constraints = [models.UniqueConstraint(fields=["station", "deputy"], name="membership_unique")]

    def __str__(self) -> str:
        return f"{self.deputy} @ {self.station}"


class ChecklistItem(models.Model):
    """A standards item ("六有" by default: 有场所、有设施、有组织、有制度、有活动、有档案)."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("规范化建设标准")
        verbose_name_plural = _("规范化建设标准")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class StationAssessment(models.Model):
    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="assessments")
    date = models.DateField(_("评估日期"))
    assessor = models.CharField(_("评估人"), max_length=50, blank=True)
    notes = models.TextField(_("备注"), blank=True)

    class Meta:
        verbose_name = _("站点评估")
        verbose_name_plural = _("站点评估")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.station} {self.date}"


class AssessmentResult(models.Model):
    assessment = models.ForeignKey(StationAssessment, verbose_name=_("评估"), on_delete=models.CASCADE, related_name="results")
    item = models.ForeignKey(ChecklistItem, verbose_name=_("标准"), on_delete=models.PROTECT, related_name="+")
    passed = models.BooleanField(_("达标"), default=False)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("评估项")
        verbose_name_plural = _("评估项")
        constraints = [models.UniqueConstraint(fields=["assessment", "item"], name="assessment_item_unique")]

    def __str__(self) -> str:
        item = self.item if self.item_id or "item" in self._state.fields_cache else None
        return f"{item.name if item else ''}：{_('达标') if self.passed else _('未达标')}"


class ReceptionDay(models.Model):
    """A scheduled reception day (接待日) at a station, and afterwards its record."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="reception_days")
    date = models.DateField(_("日期"))
    start_time = models.TimeField(_("开始时间"), null=True, blank=True)
    end_time = models.TimeField(_("结束时间"), null=True, blank=True)
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    deputies = models.ManyToManyField("deputies.Deputy", verbose_name=_("接待代表"), blank=True, related_name="reception_days")
    # Filled in after the day.
    residents_received = models.PositiveIntegerField(_("接待群众（人次）"), null=True, blank=True)
    summary = models.TextField(_("接待情况"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), null=True, blank=True)
    # Who actually received residents (the liaison officer's record); the
    # sign-ups above stay as the deputies' own plan.
    attended = models.ManyToManyField("deputies.Deputy", verbose_name=_("实到代表"), blank=True, related_name="receptions_attended")
    planned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("安排人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("接待日")
        verbose_name_plural = _("接待日")
        ordering = ["-date"]
        constraints = [models.UniqueConstraint(fields=["station", "date"], name="reception_day_unique")]
        indexes = [models.Index(fields=["date"], name="reception_day_date")]

    def __str__(self) -> str:
        return f"{self.station} {self.date}"


class ReceptionSubscription(models.Model):
    """A resident or deputy who asked to be told of a station's reception days.

    A resident's phone number is confirmed by a one-time SMS code before the
    subscription exists, and stored encrypted (PIPL) with its masked form and
    a keyed digest (one subscription per number and station); every message
    carries the unsubscribe link made from ``token``."""

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="subscriptions")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("用户"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    email = models.EmailField(_("电子邮箱"), blank=True)
    phone_encrypted = models.TextField(_("手机号（加密）"), blank=True, editable=False)
    phone_masked = models.CharField(_("手机号"), max_length=20, blank=True, editable=False)
    phone_digest = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    token = models.CharField(_("退订码"), max_length=43, unique=True, default=_new_token, editable=False)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("订阅时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("接待日订阅")
        verbose_name_plural = _("接待日订阅")
        constraints = [
            models.UniqueConstraint(
                fields=["station", "phone_digest"], condition=~models.Q(phone_digest=""), name="subscription_one_per_phone"
            )
        ]

    def __str__(self) -> str:
        return f"{self.station_id}"

    def set_phone(self, phone: str) -> None:
        self.phone_encrypted = crypto.encrypt(phone)
        self.phone_masked = crypto.mask_phone(phone)
        self.phone_digest = crypto.phone_digest(phone)

    @property
    def phone(self) -> str:
        """The number in clear, for sending only."""
        return crypto.decrypt(self.phone_encrypted)


class StationPost(models.Model):
    """An activity post of the station (宣传站): what the station did, shown
    on its public page, newest first."""

    MAX_PHOTOS = 9

    station = models.ForeignKey(Station, verbose_name=_("站点"), on_delete=models.CASCADE, related_name="posts")
    title = models.CharField(_("标题"), max_length=100)
    body = models.TextField(_("正文"))
    date = models.DateField(_("活动日期"))
    deputies = models.ManyToManyField("deputies.Deputy", verbose_name=_("参加代表"), blank=True, related_name="station_posts")
    is_published = models.BooleanField(_("公开"), default=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("发布人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("发布时间"), auto_now_add=True)
    # The form's one-time key: a second tap (or a resent POST) finds the post
    # the first one made instead of making another.
    submission_key = models.CharField(max_length=32, unique=True, null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("站点活动")
        verbose_name_plural = _("站点活动")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["station", "-date", "-id"], name="station_post_newest")]

    def __str__(self) -> str:
        return self.title


class StationPostPhoto(models.Model):
    post = models.ForeignKey(StationPost, verbose_name=_("活动"), on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="station_posts/%Y/%m/")
    order = models.PositiveSmallIntegerField(_("排序"), default=0)

    class Meta:
        verbose_name = _("活动照片")
        verbose_name_plural = _("活动照片")
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return f"{self.post_id}#{self.order}"
