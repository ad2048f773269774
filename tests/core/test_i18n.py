"""English (the second language): a user who chooses English sees English on
the public pages, the kiosk, /track/, the deputy and unit workspaces, the
admin and in messages; a user who chooses nothing sees Chinese. The catalog
itself is complete (no empty or fuzzy entry, placeholders kept) and the
committed .mo holds exactly what the .po says.

The "no Chinese left" checks remove the database's own text first (station,
deputy, unit, category names: data is not translated), so any Chinese that
remains is interface text that escaped translation."""

import ast
import gettext
import html as htmlmod
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import override_settings
from django.utils import translation

from deputies.models import Tier
from proposals.models import Rating
from proposals.services import actions
from proposals.workflow import WorkflowError
from stations.models import StationMembership
from tests.conftest import require
from tests.factories import CongressFactory, MandateFactory
from tests.intake.conftest import form_key, kiosk_data
from tests.proposals.fixtures import world  # noqa: F401

pytestmark = pytest.mark.django_db

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO_PATH = LOCALE_DIR / "django.po"
MO_PATH = LOCALE_DIR / "django.mo"

CJK = re.compile(r"[\u3400-\u9fff]+")
# The language switcher names each language in that language: "简体中文"
# stays Chinese on the English page, as "English" stays English on the Chinese one.
NATIVE_LANGUAGE_NAMES = {"简体中文"}
# Labels every public page or form shows; none may survive on an English page.
COMMON_LABELS = [
    "首页",
    "找站点",
    "代表名录",
    "登录",
    "退出",
    "查询办理进度",
    "查询码",
    "提交",
    "站点信息",
    "接待日",
    "开放时间",
    "地址",
    "层级",
    "全部区域",
    "问题描述",
    "满意",
    "承办单位",
    "状态",
    "跳到正文",
]
REPLY_TEXT = "经现场查看，已更换路灯，现已恢复照明。"


# --- helpers -----------------------------------------------------------------------


def database_text() -> list[str]:
    """Every Chinese text value stored in the portal's tables (names, titles,
    addresses...), longest first so that a name inside a longer one goes last."""
    found = set()
    for model in apps.get_models():
        if model._meta.app_label in {"admin", "auth", "contenttypes", "sessions"}:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if not fields:
            continue
        for row in model.objects.values_list(*fields):
            found.update(str(v) for v in row if v and CJK.search(str(v)))
    return sorted(found, key=len, reverse=True)


def without_data(html: str) -> str:
    for text in database_text():
        html = html.replace(htmlmod.escape(text), " ").replace(text, " ")
    return html


def interface_chinese(html: str) -> set[str]:
    """Chinese runs left in a page once the database's text is removed."""
    return set(CJK.findall(without_data(html))) - NATIVE_LANGUAGE_NAMES


def assert_english(response, *expected: str, status: int = 200) -> str:
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    path = response.wsgi_request.path
    assert re.search(r'<html lang="en"[ >]', html), path
    for text in expected:
        assert text in html, f"{text!r} missing from {path}"
    interface = without_data(html)
    assert [label for label in COMMON_LABELS if label in interface] == [], path
    assert set(CJK.findall(interface)) - NATIVE_LANGUAGE_NAMES == set(), path
    return html


@pytest.fixture
def en(client):
    """A browser whose user picked English with the switcher (language cookie)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def portal(world):  # noqa: F811
    """The workflow world (杏花岭区, a station, units, staff, deputy 王丽华) with the
    deputy public (a current mandate) and in the station, a resident opinion
    assigned to a unit with the deputy responsible, and a replied opinion."""
    w = world
    StationMembership.objects.create(station=w.station, deputy=w.deputy)
    county = w.regions["taiyuan"]["county"]
    MandateFactory(deputy=w.deputy, congress=CongressFactory(region=county, tier=Tier.objects.get(code="county")))
    assigned = w.opinion(title="小区门口路灯不亮", phone="13812341234")
    actions.case_accept(case_id=assigned.pk, user=w.staff)
    actions.case_assign(case_id=assigned.pk, user=w.staff, lead_unit_id=w.unit_a.pk, responsible_deputy_id=w.deputy.pk)
    replied = w.opinion(title="楼道灯坏了", phone="13812345678")
    actions.case_accept(case_id=replied.pk, user=w.staff)
    actions.case_assign(case_id=replied.pk, user=w.staff, lead_unit_id=w.unit_a.pk)
    actions.case_start_handling(case_id=replied.pk, user=w.unit_a_user)
    actions.case_reply(case_id=replied.pk, user=w.unit_a_user, text=REPLY_TEXT, reply_class_code="A")
    w.assigned, w.replied = assigned, replied
    return w


# --- public pages ----------------------------------------------------------------------


def test_home_page_speaks_english(en, portal):
    assert_english(en.get("/"), "Find a station near you", "How to report a problem", "Keep your tracking code")


def test_station_list_and_station_page_speak_english(en, portal):
    assert_english(en.get("/stations/"), "Filter stations", "All types", "Use my location")
    assert_english(en.get(f"/stations/{portal.station.code}/"), "Station information", "Scan to report a problem")


def test_deputy_directory_and_deputy_page_speak_english(en, portal):
    assert_english(en.get("/deputies/"), "Directory of deputies", "Filter deputies", "All tiers")
    assert_english(en.get(f"/deputies/{portal.deputy.public_id}/"), "Message this deputy", "Profile")


def test_kiosk_form_and_its_errors_speak_english(en, portal):
    url = f"/kiosk/{portal.station.code}/"
    assert_english(en.get(url), "Report a problem to your deputies", "What is the problem?", "Submit")
    data = kiosk_data(form_key(en, url), category="", content="", phone="123", address="North gate, Building 3")
    html = assert_english(en.post(url, data), "Almost there")
    assert "Please choose a problem category" in html
    assert "Please describe the problem you want to report." in html
    assert "Invalid mobile number" in html


def test_track_page_result_and_rating_speak_english(en, portal):
    assert_english(en.get("/track/"), "Check progress", "Last 4 digits of mobile number")
    lookup = {"code": portal.replied.tracking_code, "digits": "5678"}
    response = en.post("/track/", lookup)
    assert response.status_code == 200
    html = response.content.decode()
    for text in ("Progress", "What has been done", "Are you satisfied with the result?", "Basically satisfied", REPLY_TEXT):
        assert text in html
    assert interface_chinese(html) == set()
    rated = en.post("/track/", {**lookup, "action": "feedback", "rating": Rating.SATISFIED, "comment": "ok"})
    assert rated.status_code == 302
    assert "Thank you for your rating!" in en.get(rated["Location"]).content.decode()


def test_track_dates_follow_the_language(en, portal):
    html = en.post("/track/", {"code": portal.replied.tracking_code, "digits": "5678"}).content.decode()
    assert interface_chinese(html) == set()


def test_station_reception_dates_follow_the_language(en, portal):
    from stations.models import ReceptionRule

    portal.station.reception_rule = ReceptionRule.MONTHLY
    portal.station.reception_day = 10
    portal.station.save(update_fields=["reception_rule", "reception_day"])
    assert_english(en.get(f"/stations/{portal.station.code}/"), "Next reception day")


def test_wrong_tracking_code_message_is_english(en, portal):
    html = en.post("/track/", {"code": "ACDF3467", "digits": "0000"}).content.decode()
    assert "Nothing found. Please check the tracking code" in html


@override_settings(DEBUG=False)
def test_not_found_page_speaks_english(en, portal):
    assert_english(en.get("/no-such-page/"), "Page not found", status=404)


def test_login_page_speaks_english(en, portal):
    html = assert_english(en.get("/accounts/login/"), "Residents do not need to log in")
    assert "Log in" in html


# --- workspaces and admin -----------------------------------------------------------------


def test_deputy_workspace_speaks_english(en, portal):
    en.force_login(portal.deputy_user)
    assert_english(en.get("/deputy/"), "My cases", "Duty record", "Write a deputy suggestion")
    assert_english(en.get(f"/deputy/cases/{portal.assigned.pk}/"), "What the resident reported", "Handling history")
    assert_english(en.get("/deputy/stations/"), "My stations and reception days")
    assert_english(en.get("/deputy/record/"), "Overview", "Add a duty activity")
    assert_english(en.get("/deputy/qr/"), "Print poster")
    assert_english(en.get("/deputy/suggestions/new/"), "Suggestion title", "Invite co-signers")
    assert_english(en.get("/notifications/"), "My notifications")


def test_deputy_workspace_messages_are_english(en, portal):
    en.force_login(portal.deputy_user)
    response = en.post(f"/deputy/cases/{portal.assigned.pk}/note/", {"text": "已电话联系群众"}, follow=True)
    assert "Note saved." in response.content.decode()


def test_unit_workspace_speaks_english(en, portal):
    en.force_login(portal.unit_a_user)
    assert_english(en.get("/unit/"), "To do", "Cases handled by this unit")
    assert_english(en.get(f"/unit/cases/{portal.assigned.pk}/"), "Acknowledge", "Dispute assignment")


def test_admin_labels_speak_english(en, portal):
    en.force_login(portal.staff)
    assert_english(en.get("/admin/"), "Opinions and suggestions", "Stations")
    assert_english(en.get("/admin/proposals/case/"), "Work queue", "Awaiting review", "Overdue case board")
    assert_english(en.get(f"/admin/proposals/case/{portal.assigned.pk}/change/"), "Basic information", "Contacts")
    assert_english(en.get(f"/admin/stations/station/{portal.station.pk}/change/"), "Opening hours", "Reception day rule")
    assert_english(en.get(f"/admin/deputies/deputy/{portal.deputy.pk}/change/"), "Political affiliation", "Mandate")


def test_workflow_refusals_are_english_in_english(portal):
    with translation.override("en"), pytest.raises(WorkflowError) as refused:
        actions.case_reply(case_id=portal.assigned.pk, user=portal.unit_a_user, text="x", reply_class_code="A")
    assert not CJK.search(str(refused.value).replace(str(portal.assigned.title), ""))
    with translation.override("zh-hans"), pytest.raises(WorkflowError) as refused_zh:
        actions.case_reply(case_id=portal.assigned.pk, user=portal.unit_a_user, text="x", reply_class_code="A")
    assert CJK.search(str(refused_zh.value))


def test_api_errors_follow_accept_language(client, portal):
    bad = {"username": "nobody", "password": "wrong"}
    english = client.post("/api/v1/auth/token/", bad, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 400
    assert english.json()["detail"] == "Wrong username or password, or the account is disabled."
    chinese = client.post("/api/v1/auth/token/", bad)
    assert chinese.json()["detail"] == "用户名或密码错误，或账号已停用。"


# --- choosing the language ------------------------------------------------------------------


def test_without_a_choice_the_portal_is_chinese(client, portal):
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "找附近的站点" in html and "Find a station near you" not in html
    kiosk = client.get(f"/kiosk/{portal.station.code}/").content.decode()
    assert "向人大代表反映问题" in kiosk and "Report a problem to your deputies" not in kiosk


def test_browser_asking_for_english_gets_english(client, portal):
    html = client.get("/track/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="en">' in html and "Check progress" in html


def test_language_switcher_turns_the_portal_english_and_back(client, portal):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/stations/"})
    assert response.status_code == 302 and response["Location"] == "/stations/"
    assert "Find a station" in client.get("/stations/").content.decode()
    client.post("/i18n/setlang/", {"language": "zh-hans", "next": "/"})
    assert "找站点" in client.get("/stations/").content.decode()


# --- the catalog ------------------------------------------------------------------------------

# Format placeholders, template variables and the HTML tags some messages carry.
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%%|%[sd]|\{\{.*?\}\}|</?(?:a|abbr|b|br|em|i|span|strong)\b[^>]*>")


def _unquote(line: str) -> str:
    return ast.literal_eval(line)  # PO strings use C escapes that Python reads alike


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgid_plural, msgstr ({"msgstr": ...} or
    {"msgstr[0]": ..., "msgstr[1]": ...}) and flags; the header and obsolete
    (#~) entries are left out. Entries are separated by blank lines."""
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry = {"msgid": None, "msgid_plural": None, "msgstr": {}, "flags": set()}
        field = None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if field.startswith("msgstr"):
                    entry["msgstr"][field] += _unquote(line)
                else:
                    entry[field] += _unquote(line)
            else:
                field, _space, rest = line.partition(" ")
                if field.startswith("msgstr"):
                    entry["msgstr"][field] = _unquote(rest)
                else:
                    entry[field] = _unquote(rest)
        if entry["msgid"]:  # not the header, not an obsolete or comment-only block
            entries.append(entry)
    return entries


@pytest.fixture(scope="module")
def po_entries():
    return parse_po(PO_PATH)


def test_every_message_has_an_english_translation_and_none_is_fuzzy(po_entries):
    assert len(po_entries) > 1000
    untranslated = [e["msgid"] for e in po_entries if not all(v.strip() for v in e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in po_entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_plural_messages_have_both_english_forms(po_entries):
    plurals = [e for e in po_entries if e["msgid_plural"]]
    assert plurals
    for e in plurals:
        assert set(e["msgstr"]) == {"msgstr[0]", "msgstr[1]"}, e["msgid"]


def test_translations_keep_placeholders_and_leave_no_chinese(po_entries):
    for e in po_entries:
        source = sorted(PLACEHOLDER.findall(e["msgid"]))
        for form in e["msgstr"].values():
            assert sorted(PLACEHOLDER.findall(form)) == source, e["msgid"]
            assert not CJK.search(form), e["msgid"]


def test_po_header_declares_english_plural_rule():
    head = PO_PATH.read_text(encoding="utf-8")[:2000]
    assert '"Language: en\\n"' in head
    assert '"Plural-Forms: nplurals=2; plural=(n != 1);\\n"' in head
    assert "#, fuzzy" not in head


def test_committed_mo_matches_the_po(po_entries):
    """The .mo is committed (a machine without gettext still gets English); it
    must hold exactly the .po's translations, nothing stale."""
    with MO_PATH.open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)._catalog
    expected = {}
    for e in po_entries:
        if e["msgid_plural"]:
            for key, value in e["msgstr"].items():
                expected[(e["msgid"], int(key[7:-1]))] = value
        else:
            expected[e["msgid"]] = e["msgstr"]["msgstr"]
    compiled = {k: v for k, v in catalog.items() if k != ""}
    assert compiled == expected


def test_po_compiles_with_msgfmt_check_to_the_committed_catalog(tmp_path):
    require(shutil.which("msgfmt") is not None, "msgfmt (gettext) not installed")
    out = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(out), str(PO_PATH)], check=True, capture_output=True)
    with out.open("rb") as fresh, MO_PATH.open("rb") as committed:
        fresh_catalog = gettext.GNUTranslations(fresh)._catalog
        committed_catalog = gettext.GNUTranslations(committed)._catalog
    fresh_catalog.pop("", None)
    committed_catalog.pop("", None)
    assert fresh_catalog == committed_catalog


def test_english_catalog_is_what_django_serves(portal):
    with translation.override("en"):
        assert translation.gettext("查询码") == "Tracking code"
        assert translation.ngettext("共 %(n)s 件", "共 %(n)s 件", 1) % {"n": 1} == "1 case"
        assert translation.ngettext("共 %(n)s 件", "共 %(n)s 件", 3) % {"n": 3} == "3 cases"
