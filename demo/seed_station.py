"""The liaison officer's station (鼓楼街道人大代表联络站, account ``liaison``):
three months of reception days held and recorded, with the opinions entered
on each (one answered on the spot), two more days planned, and the station's
activity posts with photos on its public page. Idempotent."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw

from deputies.models import Deputy
from proposals.models import Category, Channel
from proposals.services import actions
from proposals.services.intake import case_create
from stations.models import ReceptionDay, Station, StationPost
from stations.reception import reception_dates
from stations.services import post_create, reception_plan, reception_record, subscription_add

from .seed_cases import at

STATION = "xhl-gulou"

# (topic, residents received, summary, deputies present, opinions entered:
#  (category, content, resident, phone, answered on the spot))
HELD = [
    (
        "老旧小区加装电梯",
        23,
        "闫俊武、曹玉琴代表接待群众23人次，集中反映加装电梯费用分摊和低楼层住户意见，代表当场解释了市里的补贴政策。",
        ["闫俊武", "曹玉琴"],
        [
            ("urban", "东缉虎营12号楼想加装电梯，一楼二楼住户不同意，费用怎么分摊没人牵头协调。", "刘桂兰", "13835100121", False),
            ("social", "想了解加装电梯的市级补贴怎么申请，需要哪些材料。", "", "", True),
        ],
    ),
    (
        "冬季供暖",
        17,
        "接待群众17人次，主要是供暖温度不达标和老旧管网漏水，已请热力公司派人随同代表入户测温。",
        ["闫俊武", "陈志远"],
        [("urban", "精营东二道街8号院暖气不热，室温只有14度，打热力公司电话一直占线。", "张建国", "13935100233", False)],
    ),
    (
        "物业服务",
        12,
        "接待群众12人次，反映物业费上涨未公示、小区垃圾清运不及时，代表约请街道城管科和物业公司负责人下次接待日到场。",
        ["曹玉琴"],
        [("environment", "小区垃圾三天才清运一次，夏天味道很大，物业说是环卫所排班的问题。", "王秀英", "", False)],
    ),
]

POSTS = [
    (
        "民法典宣讲进社区",
        40,
        "闫俊武代表在站点为东缉虎营社区居民宣讲民法典婚姻家庭编和继承编，现场解答居民提问20余个。",
        ["闫俊武"],
        (203, 85, 63),
    ),
    (
        "代表进站接待日：加装电梯专题",
        28,
        "围绕老旧小区加装电梯，三位代表与居民、街道和住建部门面对面座谈，形成意见建议3条。",
        ["闫俊武", "曹玉琴", "陈志远"],
        (59, 110, 165),
    ),
    ("冬季供暖入户走访", 9, "供暖开始后，曹玉琴代表随同热力公司工作人员入户测温12户，督促整改2处管网漏水。", ["曹玉琴"], (191, 120, 40)),
]


def _key(text: str) -> str:
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()


def _photo(title: str, colour: tuple[int, int, int], n: int) -> ContentFile:
    """A simple illustration (demo data has no real photographs)."""
    img = Image.new("RGB", (960, 640), colour)
    draw = ImageDraw.Draw(img)
    for i in range(6):
        shade = tuple(min(255, c + 25 * i) for c in colour)
        draw.rectangle([60 + i * 140, 380 - i * 40, 160 + i * 140, 600], fill=shade)
    draw.ellipse([720, 60, 860, 200], fill=(250, 230, 160))
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=80)
    return ContentFile(out.getvalue(), name=f"demo-{_key(title)[:8]}-{n}.jpg")


def run(stdout=None) -> str:
    station = Station.objects.filter(code=STATION).select_related("liaison_officer").first()
    officer = station.liaison_officer if station else None
    if station is None or officer is None:
        return "跳过：缺少鼓楼街道联络站或联络员账号（先运行 seed_core）"
    deputies = {d.name: d for d in Deputy.objects.filter(name__in={n for h in HELD for n in h[3]} | {n for p in POSTS for n in p[3]})}
    today = timezone.localdate()
    held_dates = reception_dates(station, today - dt.timedelta(days=100), today - dt.timedelta(days=1))[-len(HELD) :]
    entered = 0
    for date, (topic, residents, summary, present, opinions) in zip(held_dates, HELD, strict=False):
        day, _created = ReceptionDay.objects.get_or_create(
            station=station,
            date=date,
            defaults={"topic": topic, "start_time": dt.time(9), "end_time": dt.time(11, 30), "planned_by": officer},
        )
        day.deputies.add(*(deputies[n] for n in present if n in deputies))
        moment = timezone.make_aware(dt.datetime.combine(date, dt.time(11, 40)))
        for i, (category, content, name, phone, on_spot) in enumerate(opinions):
            with at(moment + dt.timedelta(minutes=i)):
                result = case_create(
                    title=content[:30],
                    content=content,
                    channel=Channel.RECEPTION,
                    station=station,
                    category=Category.objects.filter(code=category).first(),
                    resident_name=name,
                    phone=phone,
                    consent_given=bool(name or phone),
                    received_on=date,
                    submitted_by=officer,
                    submission_key=f"demo-station-{date:%Y%m%d}-{i}",
                    actor_label="联络员录入",
                )
            entered += result.created
            if result.created and on_spot:
                with at(moment + dt.timedelta(minutes=30)):
                    actions.case_answer_on_spot(
                        case_id=result.case.pk,
                        user=officer,
                        text="已当场说明：市级补贴每台电梯最高20万元，由业主委员会或居民代表向街道提交申请表、住户同意书和施工方案。",
                    )
        if day.recorded_at is None:
            with at(moment + dt.timedelta(hours=1)):
                reception_record(
                    user=officer,
                    reception_day_id=day.pk,
                    residents_received=residents,
                    summary=summary,
                    attended_ids=[deputies[n].pk for n in present if n in deputies],
                )
    planned = 0
    for date in reception_dates(station, today + dt.timedelta(days=1), today + dt.timedelta(days=70))[:2]:
        _day, created = reception_plan(
            user=officer, station_id=station.pk, date=date, start_time=dt.time(9), end_time=dt.time(11, 30), topic="社区治理和民生实事"
        )
        planned += created
    posted = 0
    for title, days_ago, body, names, colour in POSTS:
        if StationPost.objects.filter(station=station, title=title).exists():
            continue
        _post, created = post_create(
            user=officer,
            station_id=station.pk,
            title=title,
            body=body,
            date=today - dt.timedelta(days=days_ago),
            deputy_ids=[deputies[n].pk for n in names if n in deputies],
            photos=[_photo(title, colour, n) for n in range(2)],
            submission_key=_key(title),
        )
        posted += created
    # Residents who confirmed their numbers for the reception-day announcements.
    subscribed = sum(subscription_add(station_id=station.pk, phone=f"1393510{n:04d}")[1] for n in (118, 251, 377, 402, 569))
    return (
        f"鼓楼街道联络站：新订阅 {subscribed} 人，"
        f"已接待日 {len(held_dates)} 个，新录入意见 {entered} 件，新安排接待日 {planned} 个，新发布活动 {posted} 条"
    )
