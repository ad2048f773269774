from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportKind(models.TextChoices):
    ADMIN_CASES = "admin_cases", _("案件列表（后台）")
    UNIT_CASES = "unit_cases", _("承办单位案件")
    DEPUTY_CASES = "deputy_cases", _("代表案件")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("正在生成")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(models.Model):
    """One requested download: the list and its filters (the query string of
    the page it was asked from), its progress and the finished file.

    Also the record of who took which personal data out of the portal: an
    export with full contact details (``reveals_personal_data``) carries the
    reason given, as a PhoneRevealLog does for one number."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("导出人"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("列表"), max_length=20, choices=ExportKind.choices)
    query = models.TextField(_("筛选条件"), blank=True, help_text=_("列表页面的查询参数"))
    reveals_personal_data = models.BooleanField(_("含完整联系方式"), default=False)
    reason = models.CharField(_("事由"), max_length=200, blank=True)
    status = models.CharField(_("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    rows_total = models.PositiveIntegerField(_("总行数"), null=True, blank=True)
    rows_done = models.PositiveIntegerField(_("已写行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    error = models.CharField(_("错误"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("申请时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出记录")
        verbose_name_plural = _("导出记录")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_recent")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.rows_total:
            return 0
        return min(99, int(self.rows_done * 100 / self.rows_total))
