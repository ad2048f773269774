"""Handling units (承办单位): departments, courts, procuratorates, township governments."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    DEPARTMENT = "department", _("政府部门")
    COURT = "court", _("法院")
    PROCURATORATE = "procuratorate", _("检察院")
    TOWNSHIP = "township", _("乡镇（街道）")
    ENTERPRISE = "enterprise", _("企事业单位")
    OTHER = "other", _("其他")


class HandlingUnit(models.Model):
    name = models.CharField(_("单位名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类型"), max_length=16, choices=UnitKind.choices, default=UnitKind.DEPARTMENT)
    region = models.ForeignKey("regions.Region", verbose_name=_("所属区域"), on_delete=models.PROTECT, related_name="units")
    contact_person = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    email = models.EmailField(_("电子邮箱"), blank=True)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("单位账号"), blank=True, related_name="handling_units")
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("承办单位")
        verbose_name_plural = _("承办单位")
        ordering = ["region__code", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="unit_unique_name_in_region")]

    def __str__(self) -> str:
        return self.short_name or self.name
