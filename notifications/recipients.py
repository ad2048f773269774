"""Who is told: selectors that resolve owners, supervisors and subscribers.

Each query is one indexed lookup (a case's region ancestors by code, a unit's
members, a deputy's account) so that deriving messages for an event costs a
fixed handful of queries.
"""

import hashlib
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model

from accounts.models import Role
from proposals.models import SupervisionRecord
from regions.models import CODE_LENGTH, PREFIX_LENGTH
from units.models import HandlingUnit


@dataclass(frozen=True)
class To:
    """One recipient: a portal user, a bare address, or the case's resident."""

    user: object = None
    email: str = ""
    phone: str = ""
    resident: bool = False
    channels: frozenset = field(default_factory=frozenset)

    def key(self) -> str:
        if self.user is not None:
            return f"u{self.user.pk}"
        if self.resident:
            return "resident"
        raw = self.email or self.phone
        return ("e" if self.email else "p") + hashlib.sha256(raw.lower().encode()).hexdigest()[:16]


def ancestor_codes(region) -> list[str]:
    """The region's own code and its ancestors' codes (statistical codes are
    hierarchical: 140107003000 → 140000000000, 140100000000, 140107000000)."""
    if region is None:
        return []
    codes = []
    for level, length in sorted(PREFIX_LENGTH.items()):
        if level > region.level:
            break
        codes.append(region.code[:length].ljust(CODE_LENGTH, "0"))
    return list(dict.fromkeys(codes))


def region_officials(region, roles=(Role.STAFF,)) -> list[list]:
    """Active staff (or leaders) whose subtree contains ``region``, grouped by
    level, the nearest office first. One query on the region code index."""
    codes = ancestor_codes(region)
    if not codes:
        return []
    users = (
        get_user_model()
        .objects.filter(region__code__in=codes, role__in=roles, is_active=True, is_staff=True)
        .select_related("region")
        .order_by("id")
    )
    by_code: dict[str, list] = {}
    for user in users:
        by_code.setdefault(user.region.code, []).append(user)
    return [by_code[c] for c in reversed(codes) if c in by_code]


def case_staff(case) -> list:
    """The office that owns a case's triage and assignment: the nearest level
    with staff accounts."""
    levels = region_officials(case.region)
    return levels[0] if levels else []


def supervising_staff(case) -> list:
    """Escalation: the owning office and the office above it."""
    levels = region_officials(case.region)
    return [u for level in levels[:2] for u in level]


def case_leaders(case) -> list:
    """Leaders on a key (主任会议重点督办) case: leaders who recorded its
    supervision, else the nearest leaders over its region."""

    authors = list(
        get_user_model().objects.filter(
            pk__in=SupervisionRecord.objects.filter(case=case, author__isnull=False).values("author_id"),
            role=Role.LEADER,
            is_active=True,
        )
    )
    if authors:
        return authors
    levels = region_officials(case.region, roles=(Role.LEADER,))
    return levels[0] if levels else []


def unit_recipients(unit) -> list[To]:
    """A handling unit: its member accounts, and its office e-mail address."""
    if unit is None:
        return []
    out = [To(user=u) for u in unit.members.filter(is_active=True).order_by("id")]
    if unit.email:
        out.append(To(email=unit.email))
    return out


def deputy_recipients(deputy) -> list[To]:
    """A deputy: the account if any (in-app, its e-mail/mobile), else the
    private e-mail/phone on the deputy record."""
    if deputy is None:
        return []
    user = deputy.user if deputy.user_id and deputy.user.is_active else None
    if user is not None:
        return [To(user=user, email=deputy.email if not user.email else "", phone=deputy.phone if not user.mobile else "")]
    out = []
    if deputy.email:
        out.append(To(email=deputy.email))
    if deputy.phone:
        out.append(To(phone=deputy.phone))
    return out


def users(users_) -> list[To]:
    return [To(user=u) for u in users_]


class RecipientCache:
    """Recipients resolved once per batch (the reminder sweep handles up to a
    few hundred cases per transaction): one query for the officials of all
    the batch's regions, one for the members of all its lead units.

    Returns the same lists as the module functions above."""

    def __init__(self):
        self._officials: dict[tuple, list[list]] = {}
        self._units: dict[int, list[To]] = {}

    def prefetch(self, cases) -> None:
        """Load the officials over the cases' regions and their lead units' members."""
        regions = {c.region_id: c.region for c in cases if c.region_id and (c.region_id, (Role.STAFF,)) not in self._officials}
        self._load_officials(list(regions.values()), (Role.STAFF,))
        units = {c.lead_unit_id: c.lead_unit for c in cases if c.lead_unit_id and c.lead_unit_id not in self._units}
        self._load_units(list(units.values()))

    def _load_officials(self, regions, roles) -> None:
        if not regions:
            return
        codes = {code for region in regions for code in ancestor_codes(region)}
        users = (
            get_user_model()
            .objects.filter(region__code__in=codes, role__in=roles, is_active=True, is_staff=True)
            .select_related("region")
            .order_by("id")
        )
        by_code: dict[str, list] = {}
        for user in users:
            by_code.setdefault(user.region.code, []).append(user)
        for region in regions:
            self._officials[(region.pk, tuple(roles))] = [by_code[c] for c in reversed(ancestor_codes(region)) if c in by_code]

    def prefetch_units(self, units) -> None:
        self._load_units([u for u in {u.pk: u for u in units if u is not None}.values() if u.pk not in self._units])

    def _load_units(self, units) -> None:
        if not units:
            return

        members: dict[int, list[To]] = {u.pk: [] for u in units}
        through = HandlingUnit.members.through.objects.filter(handlingunit_id__in=members, user__is_active=True).select_related("user")
        for row in through.order_by("user_id"):
            members[row.handlingunit_id].append(To(user=row.user))
        for unit in units:
            self._units[unit.pk] = members[unit.pk] + ([To(email=unit.email)] if unit.email else [])

    def officials(self, region, roles=(Role.STAFF,)) -> list[list]:
        if region is None:
            return []
        key = (region.pk, tuple(roles))
        if key not in self._officials:
            self._load_officials([region], roles)
        return self._officials[key]

    def case_staff(self, case) -> list:
        levels = self.officials(case.region)
        return levels[0] if levels else []

    def supervising_staff(self, case) -> list:
        return [u for level in self.officials(case.region)[:2] for u in level]

    def case_leaders(self, case) -> list:
        # Key cases only (escalation), a handful per day: per case is fine.
        return case_leaders(case)

    def unit_recipients(self, unit) -> list[To]:
        if unit is None:
            return []
        if unit.pk not in self._units:
            self._load_units([unit])
        return self._units[unit.pk]
