"""/api/: the REST API v1, its OpenAPI schema and the interactive docs
(Swagger UI and Redoc, served from drf-spectacular-sidecar: no CDN)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from . import views
from .exceptions import not_found_view

app_name = "api"

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.include_format_suffixes = False  # one URL per resource; JSON only
router.register("regions", views.RegionViewSet, basename="region")
router.register("stations", views.StationViewSet, basename="station")
router.register("deputies", views.DeputyViewSet, basename="deputy")
router.register("reception-days", views.ReceptionDayViewSet, basename="reception-day")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("reply-classes", views.ReplyClassViewSet, basename="reply-class")
router.register("units", views.HandlingUnitViewSet, basename="unit")
router.register("cases", views.CaseViewSet, basename="case")

v1 = [
    path("auth/token/", views.TokenView.as_view(), name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("", include(router.urls)),
]

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
    path("v1/", include(v1)),
    # [\s\S], not ".": a path with an encoded newline (%0A) must land here too, not on the HTML 404.
    re_path(r"^[\s\S]*$", not_found_view, name="not_found"),
]
