from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save
from django.utils.translation import gettext_lazy as _


class WorkcalendarConfig(AppConfig):
    name = "workcalendar"
    verbose_name = _("工作日历")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .models import WorkdayOverride
        from .signals import clear_workday_cache

        post_save.connect(clear_workday_cache, sender=WorkdayOverride, dispatch_uid="workday_override_saved")
        post_delete.connect(clear_workday_cache, sender=WorkdayOverride, dispatch_uid="workday_override_deleted")
