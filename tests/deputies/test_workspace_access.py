"""Who may open the deputy workspace: anonymous users are sent to login,
non-deputies get a 403 that says why, and a deputy gets 404 for every
workspace URL that carries another deputy's ids."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from deputies.models import DutyActivity, DutyKind
from proposals.models import PhoneRevealLog
from stations.models import ReceptionDay

pytestmark = pytest.mark.django_db

CASE_GET = ["deputy_workspace:case"]
CASE_POST = [
    "deputy_workspace:case_note",
    "deputy_workspace:case_contact",
    "deputy_workspace:case_supervision",
    "deputy_workspace:case_feedback",
    "deputy_workspace:case_resubmit",
    "deputy_workspace:case_cosign",
    "deputy_workspace:case_phone",
]
PLAIN_GET = [
    "deputy_workspace:home",
    "deputy_workspace:suggestion_new",
    "deputy_workspace:stations",
    "deputy_workspace:record",
    "deputy_workspace:qr",
]


@pytest.fixture
def others(ws):
    """Objects that belong to the other deputy (张建国)."""
    case = ws.opinion(station=ws.station2, responsible_deputy=ws.other_deputy)
    day = ReceptionDay.objects.create(station=ws.station2, date=timezone.localdate() - dt.timedelta(days=3))
    day.deputies.add(ws.other_deputy)
    activity = DutyActivity.objects.create(
        deputy=ws.other_deputy, kind=DutyKind.TRAINING, date=timezone.localdate(), title="代表培训", created_by=ws.other_user
    )
    return {"case": case, "day": day, "activity": activity}


def all_urls(others, ws):
    pk = others["case"].pk
    urls = [reverse(n) for n in PLAIN_GET]
    urls += [reverse(n, args=[pk]) for n in CASE_GET + CASE_POST]
    urls += [
        reverse("deputy_workspace:reception", args=[others["day"].pk]),
        reverse("deputy_workspace:reception_withdraw", args=[others["day"].pk]),
        reverse("deputy_workspace:reception_opinion", args=[others["day"].pk]),
        reverse("deputy_workspace:reception_signup", args=[ws.station2.pk]),
        reverse("deputy_workspace:activity_add"),
        reverse("deputy_workspace:activity_delete", args=[others["activity"].pk]),
    ]
    return urls


def test_anonymous_users_are_sent_to_login_from_every_workspace_url(client, ws, others):
    for url in all_urls(others, ws):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302, url
            assert response["Location"].startswith(reverse("login") + "?next="), url


def test_signed_in_non_deputy_gets_403_with_a_clear_message(client, ws, others):
    client.force_login(ws.plain_user)
    for url in all_urls(others, ws):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "代表工作台仅供人大代表使用" in response.content.decode()
    # Staff are not deputies either.
    client.force_login(ws.staff)
    assert client.get(reverse("deputy_workspace:home")).status_code == 403


def test_deputy_gets_404_for_another_deputys_case_by_url(deputy_client, others):
    response = deputy_client.get(reverse("deputy_workspace:case", args=[others["case"].pk]))
    assert response.status_code == 404


def test_deputy_gets_404_for_every_case_action_on_another_deputys_case(deputy_client, others):
    case = others["case"]
    payloads = {
        "deputy_workspace:case_note": {"text": "备注"},
        "deputy_workspace:case_contact": {"contact_date": "2024-01-01", "way": "phone", "party": "resident", "summary": "x"},
        "deputy_workspace:case_supervision": {"reason": "慢"},
        "deputy_workspace:case_feedback": {"rating": "satisfied"},
        "deputy_workspace:case_resubmit": {"title": "t", "content": "c"},
        "deputy_workspace:case_cosign": {"answer": "accept"},
        "deputy_workspace:case_phone": {},
    }
    for name, data in payloads.items():
        response = deputy_client.post(reverse(name, args=[case.pk]), data)
        assert response.status_code == 404, name
    assert not PhoneRevealLog.objects.exists()
    assert not case.notes.exists()


def test_deputy_gets_404_for_another_deputys_reception_day_station_and_duty_entry(deputy_client, ws, others):
    day, activity = others["day"], others["activity"]
    assert deputy_client.get(reverse("deputy_workspace:reception", args=[day.pk])).status_code == 404
    record = {"residents_received": 3, "summary": "x"}
    assert deputy_client.post(reverse("deputy_workspace:reception", args=[day.pk]), record).status_code == 404
    assert deputy_client.post(reverse("deputy_workspace:reception_withdraw", args=[day.pk])).status_code == 404
    opinion = {"title": "t", "content": "c"}
    assert deputy_client.post(reverse("deputy_workspace:reception_opinion", args=[day.pk]), opinion).status_code == 404
    signup = reverse("deputy_workspace:reception_signup", args=[ws.station2.pk])
    assert deputy_client.post(signup, {"date": timezone.localdate().isoformat()}).status_code == 404
    assert deputy_client.post(reverse("deputy_workspace:activity_delete", args=[activity.pk])).status_code == 404
    day.refresh_from_db()
    assert day.residents_received is None
    assert DutyActivity.objects.filter(pk=activity.pk).exists()


def test_nonexistent_ids_are_404_not_500(deputy_client):
    for name in CASE_GET:
        assert deputy_client.get(reverse(name, args=[999999])).status_code == 404
    assert deputy_client.get(reverse("deputy_workspace:reception", args=[999999])).status_code == 404


def test_other_deputys_cases_do_not_appear_in_my_list(deputy_client, ws, others):
    mine = ws.opinion(responsible_deputy=ws.deputy, title="我负责的路灯问题")
    body = deputy_client.get(reverse("deputy_workspace:home")).content.decode()
    assert mine.title in body
    assert reverse("deputy_workspace:case", args=[others["case"].pk]) not in body
