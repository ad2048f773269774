from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkspacesConfig(AppConfig):
    """The role workspaces: the deputy's (/deputy/), the handling unit's
    (/unit/) and the liaison officer's (/station/). One layout, one
    navigation, one access pattern (``workspaces.access``); each reads and
    writes cases only through the case core's selectors and services."""

    name = "workspaces"
    verbose_name = _("工作台")
    default_auto_field = "django.db.models.BigAutoField"
