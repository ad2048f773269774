"""The Celery app. Periodic tasks are declared here, in one place."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "congress_portal.settings.local")

app = Celery("congress_portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The beat schedule. Beat runs as a single instance (docker-compose `beat`,
# `make run`'s Procfile). django-celery-beat's DatabaseScheduler copies these
# entries into its tables at start-up, so staff can see them in admin.
app.conf.beat_schedule = {}
