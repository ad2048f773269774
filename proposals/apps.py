from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("意见建议办理")
    default_auto_field = "django.db.models.BigAutoField"
