from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("提醒与通知")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from proposals.models import CaseEvent
        from proposals.signals import case_event_committed

        from .signals import case_event_committed as on_committed
        from .signals import case_event_saved

        post_save.connect(case_event_saved, sender=CaseEvent, dispatch_uid="notifications_event_dispatch")
        case_event_committed.connect(on_committed, dispatch_uid="notifications_doorbell")
        # When Redis is back, dispatch what was committed during the outage now.
        from congress_portal.breaker import redis as redis_breaker

        from .hooks import ring_doorbell

        redis_breaker.on_recover(ring_doorbell)
