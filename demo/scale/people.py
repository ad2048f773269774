"""The province's organisation: congresses, handling units, accounts,
stations, deputies with mandates and station memberships.

Everything is planned in memory with ids assigned here, then written in
foreign-key order with ``TableWriter`` (COPY on PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import ensure_role_groups
from deputies.models import Congress, Deputy, Mandate, Tier
from regions.models import Region
from stations.models import ReceptionRule, Station, StationKind, StationMembership
from units.models import HandlingUnit, UnitKind

from . import texts
from .divisions import ProvinceTree
from .writer import TableWriter, next_id

# Share of deputies per tier (national, provincial, city, county, township):
# roughly the pyramid of a province's ~2.5 % of national deputies, ~1 % provincial.
TIER_SHARES = [("national", 0.002), ("provincial", 0.008), ("city", 0.07), ("county", 0.27), ("township", 0.65)]
TERMS = {"national": 14, "provincial": 14, "city": 16, "county": 18, "township": 19}
TERM_START = {"national": dt.date(2023, 3, 5), "provincial": dt.date(2023, 1, 12)}
OTHER_TERM_START = dt.date(2021, 12, 20)


def chinese_name(rng: random.Random) -> str:
    given = rng.choice(texts.GIVEN) + (rng.choice(texts.GIVEN) if rng.random() < 0.7 else "")
    return rng.choice(texts.SURNAMES) + given


def is_street(region: Region) -> bool:
    return region.code[6] == "0"


@dataclass
class Org:
    """What the case generator needs to know about the organisation."""

    tree: ProvinceTree
    password_hash: str
    #: county-level region id -> staff user id
    staff_of_county: dict[int, int] = field(default_factory=dict)
    #: county-level region id -> {department index -> unit id}
    departments: dict[int, dict[int, int]] = field(default_factory=dict)
    #: township region id -> township government unit id
    township_unit: dict[int, int] = field(default_factory=dict)
    #: unit id -> member user ids
    unit_users: dict[int, list[int]] = field(default_factory=dict)
    #: station ids, their region ids, their liaison user ids (or None)
    station_ids: list[int] = field(default_factory=list)
    station_region: dict[int, int] = field(default_factory=dict)
    station_liaison: dict[int, int | None] = field(default_factory=dict)
    station_code: dict[int, str] = field(default_factory=dict)
    #: station id -> member deputy ids
    station_members: dict[int, list[int]] = field(default_factory=dict)
    #: deputy id -> user id
    deputy_user: dict[int, int] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)


def build_org(tree: ProvinceTree, *, stations: int, deputies: int, password: str, rng: random.Random, stats: dict) -> Org:
    ensure_role_groups()
    org = Org(tree=tree, password_hash=make_password(password))
    now = timezone.now()
    county_level = tree.county_level
    townships_by_county: dict[int, list[Region]] = {}
    for township in tree.townships:
        townships_by_county.setdefault(tree.county_of[township.pk].pk, []).append(township)

    user_id = next_id(User)
    users = TableWriter(
        User,
        ["id", "password", "username", "is_staff", "is_active", "is_superuser", "date_joined", "role", "region_id", "display_name"],
        chunk_rows=10**9,
        stats=stats,
    )
    group_through = User.groups.through
    group_rows = TableWriter(group_through, ["id", "user_id", "group_id"], chunk_rows=10**9, stats=stats)
    group_row_id = next_id(group_through)
    staff_group = Group.objects.get(name=str(Role.STAFF.label))

    def new_user(username: str, role: str, region_id=None, is_staff=False, name="") -> int:
        nonlocal user_id, group_row_id
        uid = user_id
        user_id += 1
        users.add((uid, org.password_hash, username, is_staff, True, False, now, role, region_id, name or chinese_name(rng)))
        if is_staff:
            group_rows.add((group_row_id, uid, staff_group.pk))
            group_row_id += 1
        return uid

    # Staff: province, each city, each county-level unit (a city without counties counts once).
    staff_regions = {tree.province.pk: tree.province}
    staff_regions.update({c.pk: c for c in tree.cities})
    staff_regions.update({c.pk: c for c in county_level})
    for region in staff_regions.values():
        uid = new_user(f"scale-staff-{region.prefix}", Role.STAFF, region.pk, is_staff=True)
        if region.pk in {c.pk for c in county_level}:
            org.staff_of_county[region.pk] = uid

    # Handling units: the county's departments, court and procuratorate; each township's government.
    unit_id = next_id(HandlingUnit)
    units = TableWriter(HandlingUnit, ["id", "name", "short_name", "kind", "region_id", "contact_person", "is_active"], 10**9, stats)
    members_through = HandlingUnit.members.through
    unit_members = TableWriter(members_through, ["id", "handlingunit_id", "user_id"], 10**9, stats)
    member_row_id = next_id(members_through)

    def new_unit(name: str, short: str, kind: str, region: Region) -> int:
        nonlocal unit_id, member_row_id
        uid_ = unit_id
        unit_id += 1
        units.add((uid_, name, short, kind, region.pk, chinese_name(rng), True))
        org.unit_users[uid_] = []
        for _n in range(2 if kind == UnitKind.DEPARTMENT else 1):
            user = new_user(f"scale-unit-{uid_}-{_n + 1}", Role.UNIT, None)
            unit_members.add((member_row_id, uid_, user))
            member_row_id += 1
            org.unit_users[uid_].append(user)
        return uid_

    for county in county_level:
        org.departments[county.pk] = {
            i: new_unit(f"{county.name}{dept}", dept, UnitKind.DEPARTMENT, county) for i, dept in enumerate(texts.DEPARTMENTS)
        }
        new_unit(f"{county.name}人民法院", "法院", UnitKind.COURT, county)
        new_unit(f"{county.name}人民检察院", "检察院", UnitKind.PROCURATORATE, county)
    for township in tree.townships:
        suffix = "办事处" if is_street(township) else "人民政府"
        org.township_unit[township.pk] = new_unit(f"{township.name}{suffix}", township.name, UnitKind.TOWNSHIP, township)

    # Congresses: national, provincial, each city, each county-level unit, each town/township (streets have none).
    tiers = {t.code: t for t in Tier.objects.all()}
    congress_of: dict[tuple[str, int | None], int] = {}
    wanted = [("national", None), ("provincial", tree.province)]
    wanted += [("city", c) for c in tree.cities]
    wanted += [("county", c) for c in county_level]
    wanted += [("township", t) for t in tree.townships if not is_street(t)]
    existing = {(c.tier_id, c.region_id, c.term): c.pk for c in Congress.objects.all()}
    congress_id = next_id(Congress)
    congresses = TableWriter(Congress, ["id", "tier_id", "region_id", "term", "name", "start_date"], 10**9, stats)
    for tier_code, region in wanted:
        tier = tiers.get(tier_code)
        if tier is None:
            continue
        region_id = region.pk if region else None
        key = (tier.pk, region_id, TERMS[tier_code])
        if key in existing:
            congress_of[(tier_code, region_id)] = existing[key]
            continue
        place = region.full_name or region.name if region else "全国"
        from_num = "零一二三四五六七八九十"
        term = TERMS[tier_code]
        term_text = ("十" + from_num[term - 10]) if 10 < term < 20 else str(term)
        start = TERM_START.get(tier_code, OTHER_TERM_START)
        congresses.add((congress_id, tier.pk, region_id, term, f"{place}第{term_text}届人民代表大会", start))
        congress_of[(tier_code, region_id)] = congress_id
        congress_id += 1

    # Stations: a central station per township, a deputies' home per county,
    # an online station per city, then community stations and contact points.
    station_plan: list[tuple[str, str, str, Region, Region]] = []  # code, name, kind, region, township-or-region
    for township in tree.townships:
        name = f"{township.name}人大代表{'联络站' if is_street(township) else '中心联络站'}"
        station_plan.append((f"{township.code[:9]}-00", name, StationKind.STATION, township, township))
    for county in county_level:
        station_plan.append((f"{county.code[:6]}-home", f"{county.name}人大代表之家", StationKind.HOME, county, None))
    for city in tree.cities:
        station_plan.append((f"{city.code[:4]}-online", f"{city.name}网上代表联络站", StationKind.ONLINE, city, None))
    extra = max(0, stations - len(station_plan))
    for n in range(extra):
        township = tree.townships[n % len(tree.townships)]
        k = n // len(tree.townships) + 1
        word = texts.COMMUNITY_WORDS[(n * 7 + k) % len(texts.COMMUNITY_WORDS)]
        suffix = texts.COMMUNITY_SUFFIXES[(n + k) % len(texts.COMMUNITY_SUFFIXES)]
        if k % 4 == 0:
            station_plan.append((f"{township.code[:9]}-{k:02d}", f"{word}{suffix}人大代表联系点", StationKind.POINT, township, township))
        else:
            station_plan.append((f"{township.code[:9]}-{k:02d}", f"{word}{suffix}人大代表联络站", StationKind.STATION, township, township))
    station_plan = station_plan[:stations]

    # Deputies: per tier, home township inside the congress's region.
    townships_in: dict[str, list[Region]] = {}

    def townships_under(region: Region | None) -> list[Region]:
        prefix = region.prefix if region else ""
        if prefix not in townships_in:
            townships_in[prefix] = [t for t in tree.townships if t.code.startswith(prefix)]
        return townships_in[prefix]

    tier_regions = {
        "national": [None],
        "provincial": [tree.province],
        "city": list(tree.cities) or [tree.province],
        "county": county_level,
        "township": [t for t in tree.townships if not is_street(t)] or county_level,
    }
    deputy_id = next_id(Deputy)
    deputy_rows = TableWriter(
        Deputy,
        [
            "id", "name", "public_id", "gender", "ethnicity", "birth_year", "party", "occupation", "phone", "user_id",
            "home_region_id", "is_active", "created_at",
        ],
        10**9,
        stats,
    )  # fmt: skip
    mandate_rows = TableWriter(Mandate, ["id", "deputy_id", "congress_id", "constituency", "start_date"], 10**9, stats)
    mandate_id = next_id(Mandate)
    public_ids: set[str] = set(Deputy.objects.values_list("public_id", flat=True))
    alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    deputies_by_township: dict[int, list[int]] = {}
    made = 0
    for tier_code, share in TIER_SHARES:
        count = round(deputies * share) if tier_code != "township" else deputies - made
        regions = tier_regions[tier_code]
        if tier_code == "township" and not any(not is_street(t) for t in tree.townships):
            tier_code = "county"  # a subset of streets only: no township congress
        for n in range(max(0, count)):
            region = regions[n % len(regions)]
            home = rng.choice(townships_under(region))
            congress = congress_of.get((tier_code, region.pk if region else None))
            did = deputy_id
            deputy_id += 1
            while True:
                pid = "".join(rng.choice(alphabet) for _ in range(8))
                if pid not in public_ids:
                    public_ids.add(pid)
                    break
            uid = new_user(f"scale-deputy-{did}", Role.DEPUTY, None)
            org.deputy_user[did] = uid
            deputy_rows.add(
                (
                    did, chinese_name(rng), pid, rng.choice("MF"), rng.choice(texts.ETHNICITIES), rng.randint(1958, 1995),
                    rng.choice(texts.PARTIES), f"{home.name}{rng.choice(texts.OCCUPATIONS)}", f"13{rng.randint(100000000, 999999999)}",
                    uid, home.pk, True, now,
                )
            )  # fmt: skip
            if congress is not None:
                mandate_rows.add((mandate_id, did, congress, f"{home.name}选区", TERM_START.get(tier_code, OTHER_TERM_START)))
                mandate_id += 1
            # About one in twelve also sits in the congress one tier up.
            upper = {"township": "county", "county": "city", "city": "provincial"}.get(tier_code)
            if upper and rng.random() < 0.08:
                county = tree.county_of[home.pk]
                upper_region = {"county": county, "city": _city_of(tree, home), "provincial": tree.province}[upper]
                upper_congress = congress_of.get((upper, upper_region.pk if upper_region else None))
                if upper_congress and upper_congress != congress:
                    mandate_rows.add((mandate_id, did, upper_congress, f"{county.name}代表团", OTHER_TERM_START))
                    mandate_id += 1
            deputies_by_township.setdefault(home.pk, []).append(did)
            made += 1

    # Memberships (混合编组进站): each deputy joins the central station of the
    # home township, four in ten also a community station there.
    stations_by_township: dict[int, list[int]] = {}
    station_id = next_id(Station)
    plan_ids = []
    for code, _name, _kind, region, township in station_plan:
        sid = station_id
        station_id += 1
        plan_ids.append(sid)
        org.station_ids.append(sid)
        org.station_region[sid] = region.pk
        org.station_code[sid] = code
        org.station_members[sid] = []
        if township is not None:
            stations_by_township.setdefault(township.pk, []).append(sid)
    membership_rows = TableWriter(StationMembership, ["id", "station_id", "deputy_id", "joined_on"], 10**9, stats)
    membership_id = next_id(StationMembership)
    for township_id, dids in deputies_by_township.items():
        sids = stations_by_township.get(township_id)
        if not sids:
            continue
        for did in dids:
            chosen = [sids[0]]
            if len(sids) > 1 and rng.random() < 0.4:
                chosen.append(rng.choice(sids[1:]))
            for sid in chosen:
                membership_rows.add((membership_id, sid, did, OTHER_TERM_START + dt.timedelta(days=rng.randint(30, 400))))
                membership_id += 1
                org.station_members[sid].append(did)
    # County homes and online stations: the county's deputies meet there too.
    for sid, (_code, _name, kind, region, township) in zip(plan_ids, station_plan, strict=True):
        if township is None and kind == StationKind.HOME:
            for township2 in townships_by_county.get(region.pk, [])[:3]:
                for did in deputies_by_township.get(township2.pk, [])[:5]:
                    membership_rows.add((membership_id, sid, did, OTHER_TERM_START))
                    membership_id += 1
                    org.station_members[sid].append(did)

    station_rows = TableWriter(
        Station,
        [
            "id", "code", "name", "kind", "region_id", "address", "latitude", "longitude", "opening_hours", "reception_rule",
            "reception_day", "reception_announce_days", "head_deputy_id", "head_name", "responsible_person_1",
            "responsible_person_2", "liaison_officer_id", "liaison_name", "liaison_phone", "public_phone", "description",
            "is_active", "created_at",
        ],
        10**9,
        stats,
    )  # fmt: skip
    centers: dict[str, tuple[float, float]] = {}
    for sid, (code, name, kind, region, _township) in zip(plan_ids, station_plan, strict=True):
        county_code = region.code[:6]
        if county_code not in centers:
            centers[county_code] = (rng.uniform(21.5, 24.8), rng.uniform(110.2, 116.8))
        lat, lon = centers[county_code]
        lat += rng.uniform(-0.15, 0.15)
        lon += rng.uniform(-0.15, 0.15)
        members = org.station_members[sid]
        head = members[0] if members and kind != StationKind.ONLINE else None
        liaison = None
        liaison_name = chinese_name(rng)
        if kind != StationKind.ONLINE and (code.endswith("-00") or kind == StationKind.HOME):
            liaison = new_user(f"scale-liaison-{code}", Role.LIAISON, region.pk, name=liaison_name)
        org.station_liaison[sid] = liaison
        monthly = rng.random() < 0.7
        station_rows.add(
            (
                sid, code, name, kind, region.pk,
                "" if kind == StationKind.ONLINE else f"{region.name}{rng.choice(texts.ROADS)}{rng.randint(1, 300)}号",
                None if kind == StationKind.ONLINE else Decimal(f"{lat:.6f}"),
                None if kind == StationKind.ONLINE else Decimal(f"{lon:.6f}"),
                "全天开放" if kind == StationKind.ONLINE else "工作日 9:00-12:00，14:30-17:30",
                ReceptionRule.NONE if kind == StationKind.ONLINE else (ReceptionRule.MONTHLY if monthly else ReceptionRule.WEEKLY),
                None if kind == StationKind.ONLINE else (rng.randint(1, 28) if monthly else rng.randint(1, 5)),
                3, head, "" if head else chinese_name(rng), chinese_name(rng), chinese_name(rng), liaison, liaison_name,
                f"13{rng.randint(100000000, 999999999)}", f"0{rng.randint(20, 769)}-{rng.randint(2000000, 8999999)}",
                f"{name}是{region.full_name or region.name}群众反映意见、代表履职的固定场所。", True, now,
            )
        )  # fmt: skip

    # Foreign-key order.
    users.close()
    group_rows.close()
    units.close()
    unit_members.close()
    congresses.close()
    deputy_rows.close()
    mandate_rows.close()
    station_rows.close()
    membership_rows.close()
    org.counts = {
        "users": users.written,
        "units": units.written,
        "congresses": congresses.written,
        "deputies": deputy_rows.written,
        "mandates": mandate_rows.written,
        "stations": station_rows.written,
        "memberships": membership_rows.written,
    }
    return org


def _city_of(tree: ProvinceTree, township: Region) -> Region | None:
    for city in tree.cities:
        if township.code.startswith(city.prefix):
            return city
    return None
