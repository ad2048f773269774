"""Links in messages, per audience. Workspaces are other areas' URLs: use the
case page when it exists, else the workspace home (never a broken link)."""

from urllib.parse import urlencode

from django.urls import NoReverseMatch, reverse

CANDIDATES = {
    "unit": [("unit:case", True), ("unit:case_detail", True), ("unit:home", False)],
    "deputy": [("deputy_workspace:case", True), ("deputy_workspace:case_detail", True), ("deputy_workspace:home", False)],
    "staff": [("admin:proposals_case_change", True), ("admin:index", False)],
    "resident": [("intake:track", False)],
}


def case_url(case, audience: str) -> str:
    for name, with_pk in CANDIDATES.get(audience, []):
        try:
            return reverse(name, args=[case.pk] if with_pk else [])
        except NoReverseMatch:
            continue
    return ""


def resident_track_url(case) -> str:
    """/track/ with the case's tracking code filled in (the resident still
    gives the last four digits of their phone to see it)."""
    url = case_url(case, "resident")
    return f"{url}?{urlencode({'code': case.tracking_code})}" if url else ""
