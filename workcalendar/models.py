from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkdayOverride(models.Model):
    """A day whose working status differs from what the holiday package says.

    Used for years the package does not know yet (the State Council publishes
    next year's holidays in November) and for local exceptions. An override
    always wins over the package.
    """

    date = models.DateField(_("日期"), unique=True)
    is_workday = models.BooleanField(_("是工作日"), help_text=_("勾选：调休上班日；不勾选：放假日"))
    note = models.CharField(_("说明"), max_length=100, blank=True, help_text=_("如 2027年春节调休"))

    class Meta:
        verbose_name = _("工作日调整")
        verbose_name_plural = _("工作日调整")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'上班' if self.is_workday else '放假'} {self.note}".strip()
