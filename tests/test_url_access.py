"""Every URL of the project, walked from the URL conf: anonymous users get a
login redirect, 401, 403, 404 or 405 everywhere except on the explicit
allowlist of public pages below, which must not fail either (no 500).

A page added without protection fails here until it is protected, or added
to ``PUBLIC`` on purpose (public pages: /work/team/INTERFACES.md).
(Zulip's PublicURLTest.)
"""

import itertools
import re
from fnmatch import fnmatchcase
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, resolve, reverse
from django.urls.resolvers import RoutePattern

from tests.factories import DeputyFactory, MandateFactory, MembershipFactory, StationFactory

PUBLIC = (
    "home",
    "evaluation:ballot",  # voters' rating at a report meeting (SMS-verified)
    "healthz",
    "set_language",  # i18n
    "login",
    "logout",
    "password_reset",
    "password_reset_done",
    "password_reset_confirm",
    "password_reset_complete",
    "admin:login",
    "admin:logout",
    # Public directories, station pages and their QR codes.
    "stations:list",
    "stations:detail",
    "stations:poster",
    "stations:qr_svg",
    "stations:qr_png",
    "stations:post_photo",  # photos of published activity posts
    # Residents subscribe to reception-day announcements (SMS code) and unsubscribe.
    "notifications:subscribe",
    "notifications:unsubscribe",
    "deputies:list",
    "deputies:detail",
    # Residents' intake: kiosk, deputy "给Ta留言" page and QR, tracking.
    "intake:kiosk*",
    "intake:deputy",
    "intake:deputy_qr*",
    "intake:deputy_poster",
    "intake:track*",
    # API description and token login; Open311 GeoReport (its own key checks).
    "api:schema",
    "api:docs",
    "api:redoc",
    "api:token",
    # The API's read-only public data, the same as the public pages show.
    "api:region-list",
    "api:region-detail",
    "api:station-list",
    "api:station-detail",
    "api:deputy-list",
    "api:deputy-detail",
    "api:reception-day-list",
    "api:reception-day-detail",
    "api:category-list",
    "api:reply-class-list",
    "open311:*",
    # Drafts of laws open for comment: public pages, the comment form, tracking.
    "legislation:list",
    "legislation:track",
    "legislation:station",
    "legislation:draft",
    "legislation:draft_station",
    "legislation:done",
    "legislation:done_station",
    "legislation:version_diff",
)

DENIED = {401, 403, 404, 405}


def is_public(name: str) -> bool:
    return any(fnmatchcase(name, pattern) for pattern in PUBLIC)


def params_of(pattern) -> list[str]:
    if isinstance(pattern, RoutePattern):
        return list(pattern.converters)
    return list(pattern.regex.groupindex)


def walk(resolver=None, namespace=(), params=()):
    """(qualified name, parameter names) of every URL, and unnamed patterns as (None, route)."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = (*namespace, entry.namespace) if entry.namespace else namespace
            yield from walk(entry, ns, (*params, *params_of(entry.pattern)))
        elif isinstance(entry, URLPattern):
            if entry.name is None:
                yield None, ":".join(namespace) + " " + str(entry.pattern)
            else:
                yield ":".join((*namespace, entry.name)), (*params, *params_of(entry.pattern))


@pytest.fixture
def samples(regions):
    """Values that resolve to real objects, so that a 404 is not the only answer."""
    station = StationFactory(code="url-walk", region=regions["taiyuan"]["township"])
    deputy = DeputyFactory()
    MandateFactory(deputy=deputy)
    MembershipFactory(station=station, deputy=deputy)
    return {
        "code": [station.code, regions["taiyuan"]["county"].code[:6]],
        "station_code": [station.code],
        "public_id": [deputy.public_id],
        "app_label": ["stations", "auth"],
        "uidb64": ["MQ"],
        "token": ["set-password"],
        "format": ["json"],
        "fmt": ["svg", "png", "json", "xml"],
        "url": ["stations/"],
    }


def candidate_values(name, samples):
    return [*samples.get(name, []), "1", "x", "a1b2c3d4", "00000000-0000-0000-0000-000000000001"]


def build_url(name, params, samples):
    unique = list(dict.fromkeys(params))
    for values in itertools.product(*(candidate_values(p, samples) for p in unique)):
        try:
            return reverse(name, kwargs=dict(zip(unique, values, strict=True)))
        except NoReverseMatch:
            continue
    return None


def login_paths():
    return {reverse(settings.LOGIN_URL) if not settings.LOGIN_URL.startswith("/") else settings.LOGIN_URL, reverse("admin:login")}


def is_login_redirect(response) -> bool:
    if response.status_code not in (301, 302):
        return False
    return urlparse(response["Location"]).path in login_paths()


@pytest.mark.django_db
def test_every_non_public_url_refuses_anonymous_users(client, samples):
    unprotected, unbuildable, unnamed, public_errors = [], [], [], []
    seen = set()
    for name, params in walk():
        if name is None:
            # Django admin's own catch-all is unnamed; anything else must be named.
            if not params.startswith("admin "):
                unnamed.append(params)
            continue
        url = build_url(name, params, samples)
        if url is None:
            unbuildable.append(name)
            continue
        if url in seen:
            continue
        seen.add(url)
        match = resolve(urlparse(url).path)
        if match.view_name != name:
            continue  # shadowed by an earlier pattern with the same path
        if is_public(name):
            status = client.get(url).status_code
            if status >= 500:
                public_errors.append(f"{name} {url} -> {status}")
            continue
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code == 405 and method == "get":
                continue  # POST-only: the POST must be refused too
            if not (response.status_code in DENIED or is_login_redirect(response)):
                unprotected.append(f"{method.upper()} {name} {url} -> {response.status_code}")
            break
    assert not unnamed, f"give these URL patterns a name: {unnamed}"
    assert not unbuildable, f"add sample values for these URLs' parameters: {unbuildable}"
    assert not public_errors, f"public pages failing: {public_errors}"
    assert not unprotected, "anonymous users reach non-public URLs (protect them, or add to PUBLIC on purpose):\n" + "\n".join(unprotected)
    assert len(seen) > 50  # the walk really walked


@pytest.mark.django_db
def test_public_pages_are_reachable_anonymously(client, samples):
    for name, args in (
        ("home", []),
        ("stations:list", []),
        ("stations:detail", ["url-walk"]),
        ("stations:qr_svg", ["url-walk"]),
        ("deputies:list", []),
        ("deputies:detail", samples["public_id"]),
        ("login", []),
        ("healthz", []),
    ):
        assert client.get(reverse(name, args=args)).status_code == 200, name


def test_allowlist_names_only_public_pages():
    # Workspaces, admin and the liaison officers' paper entry are never public.
    for name in ("admin:index", "deputy_workspace:home", "unit:home", "station_workspace:home", "notifications:list", "api:case-list"):
        assert not is_public(name), name
    assert re.fullmatch(r"[\w:*\-]+", "".join(PUBLIC))


# --- Users of another county, and users of other roles ------------------------------
XHL = "140107"  # 杏花岭区, the demo county


def xhl_objects(model, region_field, limit=2):
    lookup = "code__startswith" if region_field == "pk" else f"{region_field}__code__startswith"
    return list(model.objects.filter(**{lookup: XHL}).order_by("pk")[:limit])


@pytest.fixture
def demo(db):
    from django.core.management import call_command

    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115


def refused(response) -> bool:
    return response.status_code in DENIED or is_login_redirect(response)


@pytest.mark.django_db
def test_staff_of_another_county_open_no_object_of_this_county_in_admin(client, demo):
    """Every region-scoped admin: change, delete and history of 杏花岭区's
    objects, and each case button and the phone reveal, are 403/404 for the
    staff of 沈阳市和平区, who see nothing of them in the pages they get."""
    from django.contrib import admin

    from accounts.models import User
    from proposals.admin import ADMIN_ACTIONS
    from proposals.models import Case, PhoneRevealLog
    from regions.models import Region
    from tests.factories import StaffUserFactory

    # The county's own staff do open them (so a refusal below is about scope).
    client.force_login(User.objects.get(username="staff"))
    first = Case.objects.filter(region__code__startswith=XHL).order_by("pk").first()
    assert client.get(reverse("admin:proposals_case_change", args=[first.pk])).status_code == 200
    client.force_login(StaffUserFactory(username="heping-staff", region=Region.objects.get(code="210102000000")))
    leaks, checked = [], 0
    for model, model_admin in admin.site._registry.items():
        region_field = getattr(model_admin, "region_field", None)
        if region_field is None:
            continue
        opts = model._meta
        for obj in xhl_objects(model, region_field):
            for view in ("change", "delete", "history"):
                url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=[obj.pk])
                for method in ("get", "post"):
                    checked += 1
                    if not refused(getattr(client, method)(url)):
                        leaks.append(f"{method} {url}")
    reveals = PhoneRevealLog.objects.count()
    cases = Case.objects.filter(region__code__startswith=XHL).exclude(phone_last4="").order_by("pk")[:3]
    for case in cases:
        for key in ADMIN_ACTIONS:
            url = reverse("admin:proposals_case_action", args=[case.pk, key])
            for method in ("get", "post"):
                checked += 1
                response = getattr(client, method)(url, {"reason": "x", "text": "x"} if method == "post" else None)
                if not refused(response) or case.title in response.content.decode():
                    leaks.append(f"{method} {url}")
        response = client.post(reverse("admin:proposals_case_reveal_phone", args=[case.pk]), {"reason": "x"})
        if not refused(response):
            leaks.append(f"reveal {case.pk}")
    changelist = client.get(reverse("admin:proposals_case_changelist")).content.decode()
    assert not any(case.tracking_code in changelist or case.tracking_code_display in changelist for case in cases)
    assert PhoneRevealLog.objects.count() == reveals
    assert not leaks, leaks
    assert checked > 150 and len(cases) == 3


@pytest.mark.django_db
def test_other_roles_and_the_api_reach_no_case_that_is_not_theirs(client, demo):
    """A deputy, a unit member and a liaison officer of 沈阳 (or with no
    case at all) get 403/404 on every case URL of 杏花岭区's workspaces and
    API, and their own lists show none of those cases."""
    from accounts.models import Role
    from proposals.models import Case
    from tests.factories import DeputyFactory, UnitFactory, UserFactory

    deputy_user = UserFactory(username="other-deputy", role=Role.DEPUTY)
    DeputyFactory(user=deputy_user)
    unit_user = UserFactory(username="other-unit", role=Role.UNIT)
    UnitFactory(name="和平区住建局").members.add(unit_user)
    liaison = UserFactory(username="other-liaison", role=Role.LIAISON)
    names = [name for name, params in walk() if name and params == ("pk",) and name.split(":")[0] in ("deputy_workspace", "unit")]
    names += [name for name, params in walk() if name and name.startswith("api:case-") and params == ("pk",)]
    assert len(names) > 20
    cases = list(Case.objects.filter(region__code__startswith=XHL).order_by("pk")[::10])
    # The demo unit member does open its own case (so a refusal below is about whose case it is).
    from accounts.models import User

    client.force_login(User.objects.get(username="unit"))
    own = Case.objects.filter(assignments__unit__members__username="unit").first()
    assert client.get(reverse("unit:case", args=[own.pk])).status_code == 200
    leaks = []
    for user in (deputy_user, unit_user, liaison):
        client.force_login(user)
        for case in cases:
            for name in names:
                url = reverse(name, args=[case.pk])
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    if response.status_code == 405:
                        continue
                    if not refused(response) or case.title in response.content.decode():
                        leaks.append(f"{user.username} {method} {url} -> {response.status_code}")
        for home in ("/deputy/", "/unit/", "/api/cases/", "/paper/"):
            html = client.get(home).content.decode()
            shown = [c for c in cases if c.tracking_code_display in html or c.tracking_code in html]
            leaks += [f"{user.username} {home} shows {c.tracking_code}" for c in shown]
    assert not leaks, "\n".join(leaks[:20])
