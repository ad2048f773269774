from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "intake"
    verbose_name = _("群众意见征集")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import choices

        # A change saved here clears the forms' cached choice lists at once.
        for model in ("proposals.Category", "deputies.Deputy", "stations.Station", "stations.StationMembership"):
            post_save.connect(choices.clear, sender=model, dispatch_uid=f"intake-choices-save-{model}")
            post_delete.connect(choices.clear, sender=model, dispatch_uid=f"intake-choices-delete-{model}")
