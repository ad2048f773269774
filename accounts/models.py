"""Portal users: staff, leaders, liaison officers, deputies, unit staff.

What a user may see is decided by relationships, not by the role label:
staff and leaders by ``region`` (a region subtree), a deputy by
``deputies.Deputy.user``, unit staff by ``units.HandlingUnit.members``, a
liaison officer by ``stations.Station.liaison_officer``. ``role`` is the
label shown in admin and used to pick the workspace after login.
"""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STAFF = "staff", _("人大工作人员")
    LEADER = "leader", _("常委会领导")
    LIAISON = "liaison", _("站点联络员")
    DEPUTY = "deputy", _("人大代表")
    UNIT = "unit", _("承办单位")


class User(AbstractUser):
    role = models.CharField(_("角色"), max_length=16, choices=Role.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("管辖区域"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("工作人员只能看到和处理本区域（含下级）的站点、代表与案件；超级用户不受限制"),
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)
    mobile = models.CharField(_("手机号"), max_length=20, blank=True, help_text=_("用于接收提醒短信，不公开"))

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.get_full_name() or self.username
