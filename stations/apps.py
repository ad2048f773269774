from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StationsConfig(AppConfig):
    name = "stations"
    verbose_name = _("家站点")
    default_auto_field = "django.db.models.BigAutoField"
