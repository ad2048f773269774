"""No page shows a person a raw value: walk every admin change list and change
page, and every workspace page, of the demo county (seed_demo) and fail on a
``True``/``False``/``None`` or an untranslated choice value ("满意度: basic",
an assessment row labelled "1 True")."""

import html as htmlmod
import re

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from accounts.models import User

pytestmark = pytest.mark.django_db

BOOL_NONE = re.compile(r"(?<![\w.])(True|False|None)(?![\w.])")
TAGS = re.compile(r"<(script|style|textarea|select|code|pre)\b.*?</\1>|<[^>]+>", re.S | re.I)


def visible_text(page: str) -> str:
    return htmlmod.unescape(TAGS.sub(" ", page))


def raw_choice_values() -> set[str]:
    """Choice values a person must never see as such: lowercase codes that
    differ from their label (in_handling, basic, station_qr…)."""
    values = set()
    for model in apps.get_models():
        if model._meta.app_label in {"auth", "contenttypes", "sessions", "admin", "django_celery_beat"}:
            continue
        for field in model._meta.get_fields():
            for value, label in getattr(field, "choices", None) or []:
                if isinstance(value, str) and re.fullmatch(r"[a-z][a-z_]{3,}", value) and str(label) != value:
                    values.add(value)
    return values


# A code standing alone (not part of an identifier, a path or quoted data).
WORD = re.compile(r"(?<![\w\-/.\"'=])([a-z][a-z_]{3,})(?![\w\-/.\"'])")


def data_identifiers() -> set[str]:
    """Codes that are data, shown as such on purpose: usernames, tier and
    category codes (the "代码" columns of their admin lists)."""
    from deputies.models import Tier
    from proposals.models import Category

    return (
        set(User.objects.values_list("username", flat=True))
        | set(Tier.objects.values_list("code", flat=True))
        | set(Category.objects.values_list("code", flat=True))
    )


def problems(page: str, raw_values: set[str]) -> list[str]:
    text = visible_text(page)
    found = [m.group(0) for m in BOOL_NONE.finditer(text)]
    words = set(WORD.findall(text))
    found += sorted(words & raw_values)
    return found


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def admin_pages():
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        try:
            changelist = reverse(f"admin:{info[0]}_{info[1]}_changelist")
        except NoReverseMatch:
            continue
        yield changelist
        objects = list(model._default_manager.order_by("pk")[:3])
        if model._meta.label == "proposals.Case":
            # One case in every state, and one with each satisfaction rating.
            for field in ("state", "satisfaction"):
                for value in model._default_manager.exclude(**{field: ""}).values_list(field, flat=True).distinct():
                    objects.append(model._default_manager.filter(**{field: value}).order_by("pk").first())
        for obj in objects:
            yield reverse(f"admin:{info[0]}_{info[1]}_change", args=[obj.pk])


def test_admin_pages_show_no_raw_values(client, demo):
    client.force_login(User.objects.get(username="admin"))
    raw = raw_choice_values() - data_identifiers()
    bad = {}
    for url in admin_pages():
        response = client.get(url)
        if response.status_code != 200:
            continue
        found = problems(response.content.decode(), raw)
        if found:
            bad[url] = found
    assert not bad, bad


def workspace_pages():
    from proposals.models import Case
    from stations.models import ReceptionDay, Station

    station = Station.objects.get(code="xhl-gulou")
    station_case = Case.objects.filter(station=station).order_by("pk").first()
    day = ReceptionDay.objects.filter(station=station).order_by("date").first()
    yield (
        "liaison",
        [
            f"/station/{station.code}/",
            f"/station/{station.code}/entry/",
            f"/station/{station.code}/receptions/",
            f"/station/{station.code}/receptions/{day.pk}/",
            f"/station/{station.code}/posts/",
            f"/station/{station.code}/cases/{station_case.pk}/",
            f"/station/{station.code}/cases/{station_case.pk}/receipt/",
        ],
    )
    deputy_user = User.objects.get(username="deputy")
    deputy_cases = Case.objects.filter(responsible_deputy__user=deputy_user).order_by("pk")[:5]
    yield (
        "deputy",
        ["/deputy/", "/deputy/stations/", "/deputy/record/", "/deputy/qr/", "/deputy/suggestions/new/"]
        + [f"/deputy/cases/{c.pk}/" for c in deputy_cases],
    )
    unit_cases = Case.objects.filter(assignments__unit__members__username="unit").distinct().order_by("pk")[:5]
    yield "unit", ["/unit/", "/unit/?scope=all"] + [f"/unit/cases/{c.pk}/" for c in unit_cases]


def test_workspace_pages_show_no_raw_values(client, demo):
    raw = raw_choice_values() - data_identifiers()
    bad = {}
    for username, urls in workspace_pages():
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            found = problems(response.content.decode(), raw)
            if found:
                bad[url] = found
    assert not bad, bad


def test_the_checker_sees_raw_values():
    raw = raw_choice_values()
    assert "basic" in raw and "in_handling" in raw
    assert problems("<p>满意度: basic</p><p>1 True</p>", raw) == ["True", "basic"]
    assert problems('<input value="basic"><script>var x = None;</script><p>基本满意</p>', raw) == []


def test_boolean_model_fields_are_not_shown_raw_by_str():
    # The assessment rows of a station are labelled by their item, not "1 True".
    from stations.models import AssessmentResult, ChecklistItem

    assert "True" not in str(AssessmentResult(item=ChecklistItem(name="有场所"), passed=True))
