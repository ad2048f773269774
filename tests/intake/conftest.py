import io
import re

import pytest
from django.urls import reverse
from PIL import Image

from accounts.models import Role
from tests.factories import DeputyFactory, MembershipFactory, StationFactory, UserFactory, category


@pytest.fixture(autouse=True)
def _fresh_choice_lists():
    """Each test starts without the forms' cached choice lists (a rolled-back
    test's rows never send the signals that would clear them)."""
    from intake import choices

    choices.clear()
    yield
    choices.clear()


@pytest.fixture
def station(regions):
    station = StationFactory(code="gl-001", name="鼓楼街道人大代表联络站", region=regions["taiyuan"]["township"])
    for name in ("张丽", "王强"):
        MembershipFactory(station=station, deputy=DeputyFactory(name=name))
    return station


@pytest.fixture
def officer(station):
    user = UserFactory(username="liaison-gl", role=Role.LIAISON)
    station.liaison_officer = user
    station.save(update_fields=["liaison_officer"])
    return user


def image_bytes(fmt="JPEG", size=(64, 48), exif_gps=False) -> bytes:
    img = Image.new("RGB", size, (200, 30, 30))
    out = io.BytesIO()
    if exif_gps:
        exif = Image.Exif()
        exif[0x010F] = "PhoneMaker"  # Make
        exif[0x8825] = {1: "N", 2: (37.0, 52.0, 12.0)}  # GPSInfo
        img.save(out, format=fmt, exif=exif)
    else:
        img.save(out, format=fmt)
    return out.getvalue()


KEY_RE = re.compile(r'name="submission_key" value="([0-9a-f]{32})"')


def form_key(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return KEY_RE.search(response.content.decode()).group(1)


def kiosk_data(key, **overrides) -> dict:
    data = {
        "submission_key": key,
        "category": category().pk,
        "content": "小区门口的路灯坏了一个多月，晚上出门很不方便。",
        "address": "鼓楼街道某某小区北门",
        "resident_name": "",
        "phone": "",
        "consent": "",
        "hp_note": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def kiosk_url(station, qr=False) -> str:
    url = reverse("intake:kiosk", args=[station.code])
    return url + "?src=qr" if qr else url


@pytest.fixture
def handling(regions):
    """County staff and a handling unit with one member, to take a case to 'replied'."""
    from tests.factories import StaffUserFactory, UnitFactory

    staff = StaffUserFactory(username="county-staff", region=regions["taiyuan"]["county"])
    unit = UnitFactory(name="杏花岭区城市管理局", region=regions["taiyuan"]["county"])
    unit_user = UserFactory(username="unit-user", role=Role.UNIT)
    unit.members.add(unit_user)
    return {"staff": staff, "unit": unit, "unit_user": unit_user}


REPLY_TEXT = "经现场查看，已更换路灯，现已恢复照明。"


def reply_to(case, handling, text=REPLY_TEXT):
    from proposals.services import actions

    actions.case_accept(case_id=case.pk, user=handling["staff"])
    actions.case_assign(case_id=case.pk, user=handling["staff"], lead_unit_id=handling["unit"].pk)
    actions.case_start_handling(case_id=case.pk, user=handling["unit_user"])
    actions.case_reply(case_id=case.pk, user=handling["unit_user"], text=text, reply_class_code="A")
    case.refresh_from_db()
    return case
