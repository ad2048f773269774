"""Deputies of the people's congresses, at five (configurable) tiers.

A person (``Deputy``) may hold several mandates at once, one per congress
(``Mandate``); a congress is a tier's congress for a region and a term
(``Congress``: 太原市第十六届人民代表大会). Mixed grouping (混合编组进站) puts
deputies of every tier into the stations near them: that membership lives in
``stations.StationMembership``.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Tier(models.Model):
    """A level of people's congress. Five by default (data migration 0002);
    places with four tiers deactivate the one they lack."""

    code = models.SlugField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=20, help_text=_("如 全国、省、市、县、乡"))
    region_level = models.PositiveSmallIntegerField(_("对应区划级别"), help_text=_("0 全国，1 省，2 市，3 县，4 乡"))
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("代表层级")
        verbose_name_plural = _("代表层级")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Congress(models.Model):
    tier = models.ForeignKey(Tier, verbose_name=_("层级"), on_delete=models.PROTECT, related_name="congresses")
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("行政区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="congresses",
        help_text=_("全国人大不填"),
    )
    term = models.PositiveSmallIntegerField(_("届次"), help_text=_("如 16 表示第十六届"))
    name = models.CharField(_("名称"), max_length=100, help_text=_("如 太原市第十六届人民代表大会"))
    start_date = models.DateField(_("本届开始"), null=True, blank=True)
    end_date = models.DateField(_("本届结束"), null=True, blank=True)

    class Meta:
        verbose_name = _("人民代表大会")
        verbose_name_plural = _("人民代表大会")
        ordering = ["tier__order", "region__code", "-term"]
        constraints = [models.UniqueConstraint(fields=["tier", "region", "term"], name="congress_unique_term")]

    def __str__(self) -> str:
        return self.name


def new_public_id() -> str:
    return secrets.token_urlsafe(6).replace("-", "x").replace("_", "y")


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Deputy(models.Model):
    """A person holding one or more mandates. Public fields are published as
    the Deputies Law requires; ``phone`` and ``user`` never are."""

    name = models.CharField(_("姓名"), max_length=50, db_index=True)
    public_id = models.CharField(
        _("公开编号"), max_length=16, unique=True, default=new_public_id, help_text=_("用于“给Ta留言”二维码链接 /d/<编号>/")
    )
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(_("民族"), max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    party = models.CharField(_("政治面貌"), max_length=30, blank=True)
    occupation = models.CharField(_("工作单位及职务"), max_length=200, blank=True)
    bio = models.TextField(_("简介"), blank=True)
    photo = models.ImageField(_("照片"), upload_to="deputies/", blank=True)
    # Private: for staff to call, for SMS reminders. Never on public pages.
    phone = models.CharField(_("联系电话"), max_length=20, blank=True, help_text=_("不公开"))
    email = models.EmailField(_("电子邮箱"), blank=True, help_text=_("不公开，用于接收提醒"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登录账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="deputy",
    )
    home_region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("居住或工作地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("混合编组进站时就近安排站点"),
    )
    is_active = models.BooleanField(_("在任"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("人大代表")
        verbose_name_plural = _("人大代表")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name


class Mandate(models.Model):
    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="mandates")
    congress = models.ForeignKey(Congress, verbose_name=_("人民代表大会"), on_delete=models.PROTECT, related_name="mandates")
    constituency = models.CharField(_("选区/选举单位"), max_length=100, blank=True)
    start_date = models.DateField(_("开始"), null=True, blank=True)
    end_date = models.DateField(_("终止"), null=True, blank=True, help_text=_("任期届满或辞职、罢免时填写"))

    class Meta:
        verbose_name = _("代表资格")
        verbose_name_plural = _("代表资格")
        ordering = ["congress__tier__order"]
        constraints = [models.UniqueConstraint(fields=["deputy", "congress"], name="mandate_unique_per_congress")]

    def __str__(self) -> str:
        return f"{self.deputy} · {self.congress}"


class GroupKind(models.TextChoices):
    REGIONAL = "regional", _("代表小组")
    PROFESSIONAL = "professional", _("专业代表小组")


class DeputyGroup(models.Model):
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=16, choices=GroupKind.choices, default=GroupKind.REGIONAL)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="+")
    congress = models.ForeignKey(
        Congress, verbose_name=_("人民代表大会"), null=True, blank=True, on_delete=models.PROTECT, related_name="groups"
    )
    leader = models.ForeignKey(Deputy, verbose_name=_("组长"), null=True, blank=True, on_delete=models.SET_NULL, related_name="led_groups")
    members = models.ManyToManyField(Deputy, verbose_name=_("成员"), blank=True, related_name="groups")

    class Meta:
        verbose_name = _("代表小组")
        verbose_name_plural = _("代表小组")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class DutyKind(models.TextChoices):
    CONGRESS = "congress", _("参加人代会及常委会")
    STATION_VISIT = "station_visit", _("进站履职")
    RECEPTION = "reception", _("接待选民")
    VOTER_VISIT = "voter_visit", _("走访选民")
    INSPECTION = "inspection", _("视察调研与执法检查")
    TRAINING = "training", _("学习培训")
    GROUP_ACTIVITY = "group_activity", _("代表小组活动")
    SUGGESTION = "suggestion", _("提出建议")
    REPORT = "report", _("向选民述职")
    AWARD = "award", _("表彰奖励")
    OTHER = "other", _("其他")


class DutyActivity(models.Model):
    """One entry of a deputy's duty record (履职档案 一人一档) entered by the
    deputy or staff. Activities the portal already knows (reception days,
    cases, suggestions, feedback) are read from their own tables, not copied."""

    deputy = models.ForeignKey(Deputy, verbose_name=_("代表"), on_delete=models.CASCADE, related_name="duty_activities")
    kind = models.CharField(_("类别"), max_length=20, choices=DutyKind.choices)
    date = models.DateField(_("日期"))
    title = models.CharField(_("事项"), max_length=200)
    description = models.TextField(_("内容"), blank=True)
    station = models.ForeignKey(
        "stations.Station", verbose_name=_("站点"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("录入人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("录入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("履职记录")
        verbose_name_plural = _("履职记录")
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["deputy", "date"], name="duty_deputy_date")]

    def __str__(self) -> str:
        return f"{self.date} {self.title}"
