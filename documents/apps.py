import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "documents"
    verbose_name = _("打印文书")

    def ready(self):
        # WeasyPrint logs each rendering step at INFO (on import too): noise in every log.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
