from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from deputies.models import Deputy


class DeputyRoster(Deputy):
    """The deputies' roster as an import target in admin (代表名册导入): a
    proxy, so the import page sits beside the deputy admin without the
    roster app knowing about imports."""

    class Meta:
        proxy = True
        verbose_name = _("代表名册导入")
        verbose_name_plural = _("代表名册导入")


class ImportLog(models.Model):
    """Every confirmed import: who, when, which file (kept), what it did."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导入人"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("名册"), max_length=30)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/", blank=True)
    file_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.file_name}"
