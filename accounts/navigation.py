"""Where a signed-in user works: the links shown in the header and on the
home page, and the page a login lands on when no ``next`` was asked for.

``role`` picks the workspace (see ``accounts.models``); each workspace still
checks the relationship (deputy profile, unit membership, station) itself.
"""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Role


@dataclass(frozen=True)
class WorkspaceLink:
    label: str
    url: str


def workspace_links(user) -> list[WorkspaceLink]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    links = []
    if user.role == Role.DEPUTY:
        links.append(WorkspaceLink(_("代表工作台"), reverse("deputy_workspace:home")))
    if user.role == Role.UNIT:
        links.append(WorkspaceLink(_("承办单位工作台"), reverse("unit:home")))
    if user.is_staff:
        links.append(WorkspaceLink(_("管理后台"), reverse("admin:index")))
    if user.role == Role.LIAISON or user.is_staff:
        links.append(WorkspaceLink(_("联络站工作台"), reverse("station_workspace:home")))
        links.append(WorkspaceLink(_("法规草案意见汇总"), reverse("legislation:manage_list")))
    return links


def landing_url(user) -> str:
    """The first workspace of the user, or the home page."""
    links = workspace_links(user)
    return links[0].url if links else reverse("home")
