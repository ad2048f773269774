from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class UnitsConfig(AppConfig):
    name = "units"
    verbose_name = _("承办单位")
    default_auto_field = "django.db.models.BigAutoField"
