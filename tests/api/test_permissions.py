"""Every endpoint under /api/ and /open311/ checks who asks.

The test walks the URL conf, so a new endpoint without a decision here
fails: it must be listed in PUBLIC_ENDPOINTS (anonymous callers allowed) or
refuse anonymous callers with 401/403. Out-of-scope staff get 404 on another
county's case, on the detail and on every action.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.api.conftest import token_client

# name -> methods anonymous callers may use.
PUBLIC_ENDPOINTS = {
    "api:schema": {"GET"},
    "api:docs": {"GET"},
    "api:redoc": {"GET"},
    "api:token": {"POST"},
    "api:not_found": {"GET"},
    "api:region-list": {"GET"},
    "api:region-detail": {"GET"},
    "api:station-list": {"GET"},
    "api:station-detail": {"GET"},
    "api:deputy-list": {"GET"},
    "api:deputy-detail": {"GET"},
    "api:reception-day-list": {"GET"},
    "api:reception-day-detail": {"GET"},
    "api:category-list": {"GET"},
    # Open311 GeoReport v2 is public by specification; creating a request
    # needs an API key (checked in tests/open311), reading shows no personal
    # data and the content only to the key's holder or once published.
    "open311:root": {"GET"},
    "open311:discovery": {"GET"},
    "open311:services": {"GET"},
    "open311:service_definition": {"GET"},
    "open311:requests": {"GET", "POST"},
    "open311:request_detail": {"GET"},
    "open311:not_found": {"GET"},
    "open311:not_found_xml": {"GET"},
}


def _walk(patterns, prefix_ns=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace
            yield from _walk(entry.url_patterns, f"{prefix_ns}{ns}:" if ns else prefix_ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{prefix_ns}{entry.name}", entry


def endpoints() -> dict:
    """{url name: (pattern, methods)} for every endpoint of api and open311."""
    found = {}
    for name, pattern in _walk(get_resolver().url_patterns):
        if not name.startswith(("api:", "open311:")):
            continue
        callback = pattern.callback
        if hasattr(callback, "actions"):  # a DRF viewset route (HEAD mirrors GET)
            methods = {m.upper() for m in callback.actions if m not in ("head", "options")}
        elif hasattr(callback, "view_class"):
            cls = callback.view_class
            methods = {m.upper() for m in cls.http_method_names if hasattr(cls, m) and m not in ("options", "head")}
        else:
            methods = PUBLIC_ENDPOINTS.get(name, {"GET"})
        found[name] = (pattern, methods)
    return found


def sample_kwargs(pattern, world, case) -> dict:
    values = {
        "pk": case.pk,
        "code": world.station.code,
        "public_id": world.deputy.public_id,
        "fmt": "json",
        "service_code": "urban",
        "service_request_id": case.tracking_code,
        "path": "unknown",
    }
    return {key: values[key] for key in pattern.pattern.regex.groupindex if key in values}


def url_for(name, pattern, world, case) -> str:
    kwargs = sample_kwargs(pattern, world, case)
    if name.endswith("-detail") and "pk" in kwargs and name != "api:case-detail":
        kwargs["pk"] = 1
    if name == "api:region-detail":
        kwargs = {"code": world.regions["taiyuan"]["county"].code}
    return reverse(name, kwargs=kwargs or None) if kwargs else reverse(name) if "path" not in pattern.pattern.regex.groupindex else "/"


def _call(client, method, url):
    return getattr(client, method.lower())(url, format="json") if method != "GET" else client.get(url)


@pytest.mark.django_db
def test_every_endpoint_is_public_by_decision_or_refuses_anonymous(world, anon):
    case = world.opinion()
    walked = endpoints()
    assert len(walked) > 30, "the walk found too few endpoints"
    failures = []
    for name, (pattern, methods) in sorted(walked.items()):
        if "path" in pattern.pattern.regex.groupindex:
            continue  # catch-alls, called below
        url = url_for(name, pattern, world, case)
        public = PUBLIC_ENDPOINTS.get(name, set())
        for method in sorted(methods):
            response = _call(anon, method, url)
            if method in public:
                if response.status_code in (401, 403) and not name.startswith("open311:"):
                    failures.append(f"{method} {url} ({name}): public but answered {response.status_code}")
            elif response.status_code not in (401, 403):
                failures.append(f"{method} {url} ({name}): anonymous got {response.status_code}, expected 401/403")
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
def test_public_endpoint_list_has_no_stale_names():
    walked = endpoints()
    assert set(PUBLIC_ENDPOINTS) <= set(walked), set(PUBLIC_ENDPOINTS) - set(walked)


@pytest.mark.django_db
def test_anonymous_gets_json_401_with_token_challenge(anon):
    response = anon.get("/api/v1/cases/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Token")
    assert response.json()["code"] == "not_authenticated"


@pytest.mark.django_db
def test_out_of_scope_staff_get_404_on_case_detail_and_every_action(world):
    case = world.opinion()  # a 杏花岭区 case
    client = token_client(world.other_staff)  # 沈阳市和平区 staff
    case_routes = [(n, p, m) for n, (p, m) in endpoints().items() if n.startswith("api:case-") and "pk" in p.pattern.regex.groupindex]
    assert len(case_routes) >= 20
    for name, pattern, methods in case_routes:
        url = reverse(name, kwargs={"pk": case.pk})
        for method in methods:
            response = _call(client, method, url)
            assert response.status_code == 404, (method, url, response.status_code)
    case.refresh_from_db()
    assert case.state == "submitted"
    assert list(client.get("/api/v1/cases/").json()["results"]) == []


@pytest.mark.django_db
def test_unit_and_deputy_not_on_a_case_get_404(world):
    case = world.opinion()
    for user in (world.unit_b_user, world.deputy_user, world.liaison):
        client = token_client(user)
        assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
        assert client.post(f"/api/v1/cases/{case.pk}/accept/", {}, format="json").status_code == 404


@pytest.mark.django_db
def test_staff_without_region_see_no_case(world):
    from tests.factories import StaffUserFactory

    case = world.opinion()
    client = token_client(StaffUserFactory(username="no_region"))
    assert client.get("/api/v1/cases/").json()["results"] == []
    assert client.get(f"/api/v1/cases/{case.pk}/").status_code == 404
