from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DeputiesConfig(AppConfig):
    name = "deputies"
    verbose_name = _("人大代表")
    default_auto_field = "django.db.models.BigAutoField"
