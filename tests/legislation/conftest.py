import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from legislation import services
from legislation.models import Channel, ProvisionKind
from tests.factories import StaffUserFactory, StationFactory, UserFactory

DATA = Path(__file__).resolve().parents[2] / "demo" / "data" / "legislation"
V1 = (DATA / "draft_v1.txt").read_text(encoding="utf-8")
V2 = (DATA / "draft_v2.txt").read_text(encoding="utf-8")


@pytest.fixture
def world(regions):
    """杏花岭区 staff, two participating stations with their officers, and
    the staff of another county."""
    t = regions["taiyuan"]
    officer_a = UserFactory(username="officer-a")
    officer_b = UserFactory(username="officer-b")
    station_a = StationFactory(code="gulou-lx", name="鼓楼街道人大代表联络站", region=t["township"], liaison_officer=officer_a)
    station_b = StationFactory(code="xhl-lx", name="杏花岭街道人大代表联络站", region=t["township2"], liaison_officer=officer_b)
    station_out = StationFactory(code="other-lx", name="不参加的联络站", region=t["township2"])
    return {
        "staff": StaffUserFactory(username="xhl-staff", region=t["county"]),
        "other_staff": StaffUserFactory(username="heping-staff", region=regions["shenyang"]["county"]),
        "officer_a": officer_a,
        "officer_b": officer_b,
        "a": station_a,
        "b": station_b,
        "out": station_out,
        "county": t["county"],
    }


def make_draft(world, *, opens_on=None, closes_on=None, text=V1):
    today = timezone.localdate()
    return services.draft_create(
        user=world["staff"],
        title="太原市电动自行车安全管理条例（草案征求意见稿）",
        issuing_body="太原市人大常委会法制工作委员会",
        region=world["county"],
        opens_on=opens_on or today - dt.timedelta(days=3),
        closes_on=closes_on or today + dt.timedelta(days=30),
        stations=[world["a"], world["b"]],
        text=text,
    )


@pytest.fixture
def draft(world):
    return make_draft(world)


def article(draft, label):
    return draft.current_version.provisions.get(kind=ProvisionKind.ARTICLE, label=label)


def comment(draft, content="建议写得更具体一些。", label=None, channel=Channel.ONLINE, station=None, **kw):
    return services.comment_submit(
        draft=draft, content=content, channel=channel, provision=article(draft, label) if label else None, station=station, **kw
    ).comment
