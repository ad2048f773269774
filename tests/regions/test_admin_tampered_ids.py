"""Admin add/change forms posted with tampered ids in their autocomplete
fields (and every other field): the form comes back with errors, never a 500.
Django 5.2's autocomplete widget looked such ids up in the database when
re-rendering the form (``regions.admin_scoping.SafeAutocompleteMixin``)."""

import re

import pytest
from django.contrib import admin

from tests.factories import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db

OUR_APPS = {"regions", "stations", "deputies", "accounts", "units"}
GARBAGE = ("abc", "<script>", "2025-13-45", "-1", "x" * 3000)
FIELD_RE = re.compile(r'name="([A-Za-z_0-9\-]+)"')


def autocomplete_admins():
    for model, model_admin in admin.site._registry.items():
        inline_fields = [f for inline in model_admin.inlines for f in (inline.autocomplete_fields or ())]
        if model._meta.app_label in OUR_APPS and (model_admin.autocomplete_fields or inline_fields):
            yield model, model_admin


def fuzz(client, url):
    html = client.get(url).content.decode()
    names = set(FIELD_RE.findall(html)) - {"csrfmiddlewaretoken", "language", "next", "_addanother", "_continue"}
    failures = []
    for value in GARBAGE:
        data = {name: value for name in names}
        # Keep the inline management forms sane, so the fields themselves are checked.
        for name in names:
            if name.endswith("-TOTAL_FORMS"):
                data[name] = "1"
            elif name.endswith(("-INITIAL_FORMS", "-MIN_NUM_FORMS")):
                data[name] = "0"
            elif name.endswith("-MAX_NUM_FORMS"):
                data[name] = "1000"
        status = client.post(url, data).status_code
        if status >= 500:
            failures.append(f"{url} {value[:12]!r} -> {status}")
    return failures


def test_every_autocomplete_admin_of_ours_survives_tampered_ids(client, regions):
    assert len(list(autocomplete_admins())) >= 8
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    failures = []
    for model, _admin in autocomplete_admins():
        opts = model._meta
        failures += fuzz(client, f"/admin/{opts.app_label}/{opts.model_name}/add/")
    assert not failures, failures


def test_county_staff_station_form_with_tampered_ids_is_a_form_error(client, regions):
    client.force_login(StaffUserFactory(username="stf", region=regions["taiyuan"]["county"]))
    data = {"code": "zz", "name": "x", "kind": "station", "region": "abc", "parent": "\x01", "head_deputy": "<b>"}
    for prefix in ("memberships",):
        data.update({f"{prefix}-TOTAL_FORMS": "1", f"{prefix}-INITIAL_FORMS": "0", f"{prefix}-0-deputy": "abc"})
    response = client.post("/admin/stations/station/add/", data)
    assert response.status_code == 200
    assert "errornote" in response.content.decode()
