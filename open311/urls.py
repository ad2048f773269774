"""/open311/: Open311 GeoReport v2 under /open311/v2/, format by suffix."""

from django.urls import path, re_path

from . import views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)"

urlpatterns = [
    path("v2/", views.not_found, name="root"),
    re_path(rf"^v2/discovery{FMT}$", views.discovery, name="discovery"),
    re_path(rf"^v2/services{FMT}$", views.service_list, name="services"),
    re_path(rf"^v2/services/(?P<service_code>[-a-zA-Z0-9_]+){FMT}$", views.service_definition, name="service_definition"),
    re_path(rf"^v2/requests{FMT}$", views.requests, name="requests"),
    re_path(rf"^v2/requests/(?P<service_request_id>[^/]+?){FMT}$", views.request_detail, name="request_detail"),
    # Anything else under /open311/ answers in the error format, in XML when
    # the path asks for it, never with an HTML page.
    re_path(r"^(?P<path>[\s\S]*)\.xml$", views.not_found, {"fmt": "xml"}, name="not_found_xml"),
    re_path(r"^(?P<path>[\s\S]*)$", views.not_found, name="not_found"),
]
