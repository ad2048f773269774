# The portal's image: web (gunicorn), Celery worker and beat all run from it
# (docker-compose.yml picks the command). README "Deployment".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=congress_portal.settings.production \
    PORTAL_VAR_DIR=/var/lib/portal \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/var/lib/portal/media

WORKDIR /app

# WeasyPrint (the legislation app's PDF reports) needs Pango/HarfBuzz, and
# Chinese text needs a CJK font: the same list as `make system-deps`.
RUN apt-get update \
 && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
 && rm -rf /var/lib/apt/lists/*

COPY requirements.txt ./
RUN pip install -r requirements.txt

COPY . .

# collectstatic needs settings but no real secrets or services: placeholders
# only for this build step (production.py refuses to start without them).
RUN DJANGO_SECRET_KEY=build-only DJANGO_ALLOWED_HOSTS=build.invalid \
    PORTAL_FIELD_ENCRYPTION_KEY=build-only DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    REDIS_URL=redis://127.0.0.1:6379/0 \
    python manage.py collectstatic --noinput --verbosity 0 \
 && useradd --system --uid 1000 --home-dir /app portal \
 && mkdir -p /var/lib/portal/media \
 && chown -R portal /var/lib/portal

USER portal
EXPOSE 8000

CMD ["gunicorn", "-c", "gunicorn.conf.py", "congress_portal.wsgi:application"]
