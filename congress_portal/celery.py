"""The Celery app. Periodic tasks are declared here, in one place."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_portal.settings.local")

app = Celery("congress_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule. Beat runs as a single instance (docker-compose `beat`,
# `make run`'s Procfile). django-celery-beat's DatabaseScheduler copies these
# entries into its tables at start-up, so staff can see them in admin.
#
# Nothing is scheduled days ahead (no ETA tasks): deadlines live in the
# database and every entry below runs an idempotent job that derives what is
# due now, so a broker, worker or beat outage only delays messages until the
# next run after recovery.
# - notifications-sweep, every 2 minutes: dispatch case events whose task
#   never ran, create and send deadline reminders (3 and 1 working days
#   before, on the day, overdue + escalation; from 08:00 local), retry failed
#   sends, and catch up the digest / reception notices if their run was
#   missed. "expires" drops sweeps queued up during an outage: one is enough.
#   Each part has its own time budget (notifications.services.sweep.Budgets:
#   events 10 s, reminders 25 s in batches of 200, digest 20 s, delivery
#   30 s), under the task's 100 s soft limit, so a backlog in one part never
#   starves the others; what is left is picked up two minutes later.
# - deputy-weekly-digest, Monday 08:30 Asia/Shanghai (CELERY_TIMEZONE), in
#   chunks of deputies with a cursor (SweepState): the sweep finishes it if
#   the task's own budget runs out.
# - reception-announcements, daily 08:00: tell subscribers of reception days
#   coming up within each station's reception_announce_days (3 by default).
# - provisional-deadlines, daily 03:15: deadlines counted over a year whose
#   official holidays were unknown are computed again (entering the days in
#   admin already triggers it at once; this catches a missed trigger).
app.conf.beat_schedule = {
    "notifications-sweep": {
        "task": "notifications.tasks.sweep",
        "schedule": 120.0,
        "options": {"expires": 110},
    },
    "deputy-weekly-digest": {
        "task": "notifications.tasks.send_deputy_digests",
        "schedule": crontab(minute=30, hour=8, day_of_week=1),
        "options": {"expires": 6 * 3600},
    },
    "provisional-deadlines": {
        "task": "proposals.tasks.recompute_provisional_deadlines",
        "schedule": crontab(minute=15, hour=3),
        "options": {"expires": 6 * 3600},
    },
    "reception-announcements": {
        "task": "notifications.tasks.send_reception_announcements",
        "schedule": crontab(minute=0, hour=8),
        "options": {"expires": 6 * 3600},
    },
}
