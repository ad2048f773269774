"""Configurable lists and policy: categories, reply classes, deadlines."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Category(models.Model):
    """What a case is about (one city uses 28 categories). Also the Open311 services."""

    code = models.SlugField(_("代码"), max_length=30, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("问题类别")
        verbose_name_plural = _("问题类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class ReplyClass(models.Model):
    """Result class of a reply (A 已解决或采纳 / B 正在解决或列入计划 / C 留作参考)."""

    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    requires_follow_up = models.BooleanField(_("需跟踪落实"), default=False, help_text=_("办结后继续跟踪，直到落实（如 B 类）"))
    counts_as_solved = models.BooleanField(_("计为已解决"), default=False)
    order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("答复类别")
        verbose_name_plural = _("答复类别")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class DeadlinePolicy(models.Model):
    """The deadline policy. One row (pk=1), editable in admin; defaults are the
    common rules (domain.md "The case lifecycle")."""

    assign_workdays = models.PositiveSmallIntegerField(_("受理后交办时限（工作日）"), default=5)
    dispute_workdays = models.PositiveSmallIntegerField(_("交办异议期（工作日）"), default=7)
    opinion_reply_workdays = models.PositiveSmallIntegerField(_("群众意见答复时限（工作日）"), default=15)
    suggestion_reply_months = models.PositiveSmallIntegerField(
        _("代表建议答复时限（月）"), default=3, help_text=_("代表法第五十一条：三个月")
    )
    suggestion_extended_months = models.PositiveSmallIntegerField(
        _("代表建议延长后时限（月）"), default=6, help_text=_("涉及面广、处理难度大的，经批准不超过六个月")
    )
    rereply_months = models.PositiveSmallIntegerField(_("重新办理答复时限（月）"), default=1)
    reminder_offsets = models.CharField(
        _("提前提醒（工作日）"), max_length=30, default="3,1", help_text=_("逗号分隔，如 3,1 表示提前 3 个和 1 个工作日提醒")
    )
    follow_up_months = models.PositiveSmallIntegerField(
        _("跟踪落实报告周期（月）"),
        default=3,
        help_text=_("B 类（正在解决或列入计划）办结后，承办单位每隔几个月报告一次落实进展，默认每季度"),
    )
    follow_up_remind_days = models.PositiveSmallIntegerField(_("落实进展报告提前提醒（天）"), default=7)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("办理时限设置")
        verbose_name_plural = _("办理时限设置")

    def __str__(self) -> str:
        return str(_("办理时限设置"))

    @classmethod
    def current(cls) -> "DeadlinePolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy

    @property
    def reminder_offset_list(self) -> list[int]:
        out = []
        for part in self.reminder_offsets.split(","):
            part = part.strip()
            if part.isdigit() and int(part) > 0:
                out.append(int(part))
        return sorted(set(out), reverse=True)
