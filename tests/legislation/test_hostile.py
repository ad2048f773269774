"""Every legislation URL, as the public, an officer and staff, with junk
input: a clear answer (2xx/3xx/4xx), never a 500."""

import pytest
from django.urls import get_resolver, reverse

from legislation import services
from tests.legislation.conftest import comment

pytestmark = pytest.mark.django_db

JUNK = [
    {},
    {"content": "x" * 5000, "provision": "-1", "quote": "没有", "phone": "abc", "consent": "maybe", "submission_key": "k" * 100},
    {"comment": ["a", "999999", "-3"], "station": "nope", "text": "摘要", "provision": "1e9"},
    {"held_on": "2026-13-45", "place": "", "participants": "-5", "comments": "第九十九条：x", "forum_station": "zz"},
    {"adoption": "maybe", "reason": "", "tags": "a," * 100, "decision": "publish", "to_body": "", "new_closes_on": "tomorrow"},
    {"title": "", "opens_on": "x", "closes_on": "y", "text": "没有条文", "code": "\u202e1234"},
]


def urls(draft, c, report):
    """Every route of the app, with real objects for its parameters."""
    args = {"pk": draft.pk, "code": "gulou-lx", "number": 1, "comment_pk": c.pk, "report_pk": report.pk, "fmt": "pdf"}
    app = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "legislation")
    for route in app.url_patterns:
        yield reverse(f"legislation:{route.name}", kwargs={k: args[k] for k in route.pattern.converters})


def test_no_500_anywhere(client, draft, world):
    c = comment(draft, "意见", "第一条", channel="kiosk", station=world["a"], phone="13900001111", consent=True)
    report = services.report_compile(draft=draft, station=world["a"], user=world["officer_a"])
    services.report_render(report_id=report.pk)
    all_urls = list(urls(draft, c, report))
    assert len(all_urls) >= 25
    for user in (None, world["officer_a"], world["officer_b"], world["staff"], world["other_staff"]):
        client.logout()
        if user is not None:
            client.force_login(user)
        for url in all_urls:
            assert client.get(url).status_code < 500, url
            for data in JUNK:
                response = client.post(url, data)
                assert response.status_code < 500, (user, url, data)
