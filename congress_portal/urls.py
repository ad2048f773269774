from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from accounts import views as accounts_views
from workspaces.station import views as station_views

from . import views

# No i18n_patterns: URLs are printed on QR codes and must not change with the
# language. The language comes from the browser or the switcher (set_language).
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("accounts/start/", accounts_views.start, name="workspace_start"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("healthz/", views.healthz, name="healthz"),
    path("", views.home, name="home"),
    path("stations/", include("stations.urls")),
    path("deputies/", include("deputies.urls")),
    # The role workspaces (workspaces/): deputy, handling unit, liaison officer.
    path("deputy/", include("workspaces.deputy.urls")),
    path("unit/", include("workspaces.unit.urls")),
    path("station/", include("workspaces.station.urls")),
    # Paper entry moved into the liaison officer's workspace; old bookmarks follow.
    path("paper/", station_views.legacy_paper, name="paper"),
    path("paper/<str:code>/", station_views.legacy_paper, name="paper_station"),
    path("api/", include("api.urls")),
    path("open311/", include("open311.urls")),
    path("notifications/", include("notifications.urls")),
    path("documents/", include("documents.urls")),
    path("exports/", include("exports.urls")),
    path("legislation/", include("legislation.urls")),
    path("evaluation/", include("evaluation.urls")),
    # Kiosk (/kiosk/<station code>/), deputy QR (/d/<public id>/), tracking (/track/).
    path("", include("intake.urls")),
]

if settings.DEBUG:
    urlpatterns += [path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})]
