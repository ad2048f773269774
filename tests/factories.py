"""factory_boy factories shared by the whole suite.

Region codes are real (统计用区划代码 2023): 山西省太原市杏花岭区 and two of
its streets, and 辽宁省沈阳市和平区 for "another county".
"""

import datetime as dt

import factory
from django.utils import timezone

from accounts.models import Role, User
from deputies.models import Congress, Deputy, DeputyGroup, Mandate, Tier
from proposals.models import CaseKind, Category, Channel, ReplyClass
from proposals.services.intake import case_create
from regions.models import Region, RegionLevel
from stations.models import Station, StationKind, StationMembership
from units.models import HandlingUnit


def region(code: str, name: str, level: int, parent: Region | None = None) -> Region:
    obj, _created = Region.objects.get_or_create(
        code=code.ljust(12, "0"), defaults={"name": name, "level": level, "parent": parent, "full_name": name}
    )
    return obj


def taiyuan_tree() -> dict[str, Region]:
    """山西省 › 太原市 › 杏花岭区 › 鼓楼街道 / 杏花岭街道."""
    shanxi = region("14", "山西省", RegionLevel.PROVINCE)
    taiyuan = region("1401", "太原市", RegionLevel.CITY, shanxi)
    xinghualing = region("140107", "杏花岭区", RegionLevel.COUNTY, taiyuan)
    gulou = region("140107003", "鼓楼街道", RegionLevel.TOWNSHIP, xinghualing)
    xhl_street = region("140107004", "杏花岭街道", RegionLevel.TOWNSHIP, xinghualing)
    return {"province": shanxi, "city": taiyuan, "county": xinghualing, "township": gulou, "township2": xhl_street}


def shenyang_tree() -> dict[str, Region]:
    """辽宁省 › 沈阳市 › 和平区 › 太原街街道: another province, another county."""
    liaoning = region("21", "辽宁省", RegionLevel.PROVINCE)
    shenyang = region("2101", "沈阳市", RegionLevel.CITY, liaoning)
    heping = region("210102", "和平区", RegionLevel.COUNTY, shenyang)
    street = region("210102022", "太原街街道", RegionLevel.TOWNSHIP, heping)
    return {"province": liaoning, "city": shenyang, "county": heping, "township": street}


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        # The post-generation hooks only add groups (many-to-many): no second save.
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Faker("name", locale="zh_CN")
    password = factory.django.Password("pw-for-tests-1")


class StaffUserFactory(UserFactory):
    """County staff: admin access, scoped to a region subtree (pass region=)."""

    is_staff = True
    role = Role.STAFF

    @factory.post_generation
    def staff_permissions(obj, create, extracted, **kwargs):
        from django.contrib.auth.models import Group

        from accounts.permissions import ensure_role_groups

        ensure_role_groups()
        obj.groups.add(Group.objects.get(name=Role.STAFF.label))


class RegionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{990000000 + n:09d}000")
    name = factory.Sequence(lambda n: f"测试街道{n}")
    level = RegionLevel.TOWNSHIP


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Station
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"st-{n:04d}")
    name = factory.Sequence(lambda n: f"测试人大代表联络站{n}")
    kind = StationKind.STATION
    region = factory.SubFactory(RegionFactory)
    address = "测试路1号"
    latitude = factory.LazyFunction(lambda: __import__("decimal").Decimal("37.870000"))
    longitude = factory.LazyFunction(lambda: __import__("decimal").Decimal("112.550000"))


def tier(code: str) -> Tier:
    return Tier.objects.get(code=code)


class CongressFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Congress
        django_get_or_create = ("tier", "region", "term")

    tier = factory.LazyFunction(lambda: tier("county"))
    region = factory.SubFactory(RegionFactory)
    term = 17
    name = factory.LazyAttribute(lambda o: f"{o.region.name if o.region else '全国'}第{o.term}届人民代表大会")


class DeputyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deputy

    name = factory.Faker("name", locale="zh_CN")
    gender = "F"
    occupation = "测试单位职员"
    phone = factory.Sequence(lambda n: f"139{n:08d}")


class MandateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Mandate

    deputy = factory.SubFactory(DeputyFactory)
    congress = factory.SubFactory(CongressFactory)
    constituency = "第1选区"
    start_date = dt.date(2021, 10, 1)


class DeputyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DeputyGroup

    name = factory.Sequence(lambda n: f"代表小组{n}")
    region = factory.SubFactory(RegionFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StationMembership

    station = factory.SubFactory(StationFactory)
    deputy = factory.SubFactory(DeputyFactory)


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = HandlingUnit

    name = factory.Sequence(lambda n: f"测试承办单位{n}")
    region = factory.SubFactory(RegionFactory)


def category(code: str = "urban") -> Category:
    return Category.objects.get(code=code)


def reply_class(code: str = "A") -> ReplyClass:
    return ReplyClass.objects.get(code=code)


def make_case(
    *,
    station: Station | None = None,
    kind: str = CaseKind.OPINION,
    channel: str = Channel.KIOSK,
    title: str = "小区门口路灯不亮",
    content: str = "晚上出行不便，请尽快修复。",
    phone: str = "13812341234",
    now=None,
    **kwargs,
):
    """A case created through the real intake service (so it has its history row)."""
    station = station if station is not None else StationFactory()
    return case_create(
        kind=kind,
        title=title,
        content=content,
        channel=channel,
        station=station,
        category=kwargs.pop("category", None) or category(),
        phone=phone,
        consent_given=bool(phone),
        now=now or timezone.now(),
        **kwargs,
    ).case
