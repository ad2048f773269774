import logging

from django.apps import AppConfig
from django.db import transaction
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)


def _calendar_changed(sender, **kwargs):
    """Next year's official days were entered (or corrected): provisional
    deadlines are computed again, in the background after the commit."""
    from .tasks import recompute_provisional_deadlines

    def enqueue():
        try:
            recompute_provisional_deadlines.apply_async(retry=False)
        except Exception as exc:  # broker down: the nightly beat entry does it
            logger.warning("could not enqueue the deadline recomputation (%s)", exc)

    transaction.on_commit(enqueue)


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = _("意见建议办理")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from workcalendar.signals import calendar_changed

        calendar_changed.connect(_calendar_changed, dispatch_uid="proposals_provisional_deadlines")
