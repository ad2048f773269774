from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _create_role_groups(sender, **kwargs):
    from .permissions import ensure_role_groups

    ensure_role_groups()


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("账号")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # After the last app's migrations, so every permission exists.
        post_migrate.connect(_create_role_groups, dispatch_uid="accounts_role_groups")
