"""Demo cases: 杏花岭区's handling units and ~40 cases in every state.

Every case is made the way a real one is: ``case_create`` (or the deputy's
``suggestion_create``) and then the workflow actions, by the demo accounts
seed_core made (staff, unit, deputy, liaison, admin as the leader who picks
key supervision). To give cases a believable history (some weeks old, some
overdue) each step runs with the clock set back to when it happened.

Idempotent: a case is found by its ``submission_key`` ("demo-…"); a case that
exists is left as it is.
"""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from unittest import mock

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from proposals.models import Case, CaseKind, Category, Channel, ContactParty, ContactWay, Rating, SupervisionKind, SupervisionLevel
from proposals.services import actions
from proposals.services.intake import case_create
from regions.models import Region
from units.models import HandlingUnit, UnitKind

XHL = "140107000000"

UNITS = [
    # (name, short name, kind, contact person)
    ("杏花岭区住房和城乡建设局", "区住建局", UnitKind.DEPARTMENT, "李志强"),
    ("杏花岭区交通运输局", "区交通局", UnitKind.DEPARTMENT, "王海涛"),
    ("杏花岭区城市管理局", "区城管局", UnitKind.DEPARTMENT, "张晓东"),
    ("杏花岭区教育局", "区教育局", UnitKind.DEPARTMENT, "刘芳"),
    ("杏花岭区卫生健康委员会", "区卫健委", UnitKind.DEPARTMENT, "赵丽娟"),
    ("杏花岭区民政局", "区民政局", UnitKind.DEPARTMENT, "陈建华"),
    ("杏花岭区市场监督管理局", "区市场监管局", UnitKind.DEPARTMENT, "孙国平"),
    ("杏花岭区生态环境局", "区生态环境局", UnitKind.DEPARTMENT, "周敏"),
    ("杏花岭区人民法院", "区法院", UnitKind.COURT, "吴俊"),
    ("杏花岭区人民检察院", "区检察院", UnitKind.PROCURATORATE, "郑磊"),
    ("杏花岭区鼓楼街道办事处", "鼓楼街道办", UnitKind.TOWNSHIP, "郭红梅"),
    ("杏花岭区杏花岭街道办事处", "杏花岭街道办", UnitKind.TOWNSHIP, "马文斌"),
]

# (key, station code, category, title, content, resident, phone, address)
OPINIONS = {
    "sewer": (
        "xhl-gulou-dongjihuying",
        "urban",
        "东缉虎营13号院下水管道反复堵塞",
        "我们院是老楼，下水管道老化，一到雨天就往外冒污水，院里老人孩子出入很不方便，希望尽快更换管道。",
        "刘桂兰",
        "13935112468",
        "东缉虎营13号院",
    ),
    "streetlight": (
        "xhl-gulou",
        "urban",
        "鼓楼街多处路灯不亮",
        "鼓楼街北段从十字路口往北约200米路灯有五六盏不亮，晚上走路看不清，存在安全隐患。",
        "张伟",
        "13803461275",
        "鼓楼街北段",
    ),
    "bus": (
        "xhl-xinghualing",
        "traffic",
        "建议增开早高峰公交班次",
        "府东街一带早上七点到八点公交车非常挤，等两三趟都上不去，建议增加班次或开通区间车。",
        "王晓燕",
        "13546702218",
        "府东街公交站",
    ),
    "parking": (
        "xhl-xinghualing-fudong",
        "community",
        "小区周边乱停车堵塞消防通道",
        "府东社区三号院门口长期有车辆乱停，消防通道被堵，物业管不了，希望有关部门整治。",
        "李强",
        "13111229087",
        "府东社区三号院",
    ),
    "school": (
        "xhl-jianhe-xinghua",
        "education",
        "新华社区小学放学时段交通拥堵",
        "小学门口放学时接孩子的车辆和电动车混在一起，孩子过马路很危险，建议设置护学岗和临时停车区。",
        "赵敏",
        "13934028756",
        "新华社区小学门口",
    ),
    "clinic": (
        "xhl-jianhe",
        "health",
        "社区卫生服务站周末不开门",
        "涧河街道卫生服务站周六日不开门，老人量血压、开常用药都要跑大医院，建议周末安排值班。",
        "孙秀英",
        "13703518890",
        "涧河街道卫生服务站",
    ),
    "elderly": (
        "xhl-dadongguan",
        "elderly",
        "希望社区开设老年助餐点",
        "大东关一带独居老人多，做饭不方便，希望社区能开个老年食堂，价格实惠一些。",
        "周福海",
        "15035149921",
        "大东关街",
    ),
    "market": (
        "xhl-point-market",
        "economy",
        "农贸市场部分摊位缺斤短两",
        "敦化坊农贸市场有几家摊位秤不准，买两斤菜能少二两，希望市场监管部门检查。",
        "吴丽萍",
        "13603410076",
        "敦化坊农贸市场",
    ),
    "noise": (
        "xhl-sanqiao",
        "environment",
        "夜间施工噪音扰民",
        "三桥街附近工地晚上十一点以后还在施工，噪音很大，居民无法休息。",
        "郑海燕",
        "13835160442",
        "三桥街工地",
    ),
    "elevator": (
        "xhl-julun",
        "community",
        "老旧小区加装电梯进展缓慢",
        "巨轮街道某小区去年就报名加装电梯，到现在还没动工，居民想知道进展和补贴政策。",
        "钱玉珍",
        "13994227853",
        "巨轮街道",
    ),
    "garbage": (
        "xhl-balingqiao",
        "environment",
        "垃圾分类收集点清运不及时",
        "坝陵桥社区垃圾分类收集点经常满溢，夏天气味很大，希望增加清运次数。",
        "冯建军",
        "13753187764",
        "坝陵桥社区",
    ),
    "road": (
        "xhl-zhigongxinjie",
        "traffic",
        "职工新街路面坑洼多",
        "职工新街中段路面坑洼很多，下雨积水，电动车经过容易摔倒。",
        "陈立新",
        "13994035521",
        "职工新街中段",
    ),
    "wage": (
        "xhl-dunhuafang",
        "social",
        "农民工工资被拖欠",
        "我们在某工地干了三个月活，老板一直拖着不给工资，找了好几次都没结果。",
        "韩志刚",
        "15110332487",
        "",
    ),
    "court": (
        "xhl-yangjiayu",
        "safety",
        "邻里纠纷已起诉，希望法院尽快判决",
        "和邻居因为房屋漏水的纠纷已经在法院起诉半年了，希望代表帮忙催一下。",
        "杨丽",
        "13633514409",
        "",
    ),
    "ad": ("xhl-xiangtang", "other", "低价出售二手车", "低价出售二手车，有意者联系。", "", "", ""),
    "heating": (
        "xhl-xiangtang",
        "urban",
        "供暖温度不达标",
        "享堂街道某小区去年冬天室温只有十四五度，希望今年供暖前检修管网。",
        "曹文军",
        "13513619025",
        "享堂街道",
    ),
    "park": (
        "xhl-zhongjianhe",
        "urban",
        "希望建设口袋公园",
        "中涧河镇居民区附近没有休闲场地，老人孩子没地方活动，建议利用闲置地块建口袋公园。",
        "田玉梅",
        "13834520071",
        "中涧河镇",
    ),
    "crossing": (
        "xhl-gulou",
        "traffic",
        "鼓楼街十字路口红绿灯时间太短",
        "行人绿灯只有二十秒，老人走不过去，建议延长行人过街时间。",
        "彭建新",
        "13935188621",
        "鼓楼街十字路口",
    ),
    "pharmacy": (
        "xhl-point-park",
        "health",
        "园区职工看病不方便",
        "产业园区离医院远，职工看小病要请半天假，希望园区设医务室或巡诊点。",
        "",
        "",
        "中涧河镇产业园区",
    ),
    "dog": (
        "xhl-gulou-dongjihuying",
        "community",
        "小区遛狗不拴绳",
        "小区里经常有人遛狗不拴绳，孩子被吓到好几次，希望社区加强管理。",
        "何静",
        "13466701192",
        "东缉虎营社区",
    ),
}

SUGGESTIONS = {
    "sugg-elevator": (
        "关于加快推进老旧小区加装电梯的建议",
        "我区老旧小区多，老年人上下楼困难。建议：一、简化加装电梯审批流程，实行联合审批；二、提高财政补贴比例；"
        "三、建立低层住户补偿协商机制。（据东缉虎营社区、巨轮街道居民意见整理）",
        "urban",
    ),
    "sugg-elderly-meals": (
        "关于完善社区老年助餐服务的建议",
        "建议在各街道建设老年助餐点，对高龄、独居老人给予餐费补贴，并引入社会力量参与运营。",
        "elderly",
    ),
    "sugg-school-traffic": (
        "关于治理中小学校门口交通拥堵的建议",
        "建议公安交警、教育部门联合设立护学岗，在学校周边施划临时停车区，错峰放学。",
        "traffic",
    ),
}


@contextmanager
def at(moment: dt.datetime):
    """Run a step as if it happened at ``moment`` (demo history only)."""
    with mock.patch.object(timezone, "now", lambda: moment):
        yield


def _units(county: Region) -> dict[str, HandlingUnit]:
    result = {}
    for name, short, kind, person in UNITS:
        unit, _created = HandlingUnit.objects.update_or_create(
            region=county, name=name, defaults={"short_name": short, "kind": kind, "contact_person": person, "is_active": True}
        )
        result[short] = unit
    return result


class Seeder:
    def __init__(self, units, staff, leader, unit_user, deputy_user, liaison):
        self.units = units
        self.staff = staff
        self.leader = leader
        self.unit_user = unit_user
        self.deputy_user = deputy_user
        self.deputy = getattr(deputy_user, "deputy", None) if deputy_user else None
        self.liaison = liaison
        self.now = timezone.now()
        self.created = 0

    def opinion(self, key: str, days_ago: float, channel=Channel.KIOSK, addressed_deputy=None):
        from stations.models import Station

        station_code, category, title, content, name, phone, address = OPINIONS[key]
        station = Station.objects.filter(code=station_code).first()
        when = self.now - dt.timedelta(days=days_ago)
        result = case_create(
            title=title,
            content=content,
            channel=channel,
            station=station,
            region=station.region if station else Region.objects.get(code=XHL),
            category=Category.objects.filter(code=category).first(),
            address=address,
            resident_name=name,
            phone=phone,
            consent_given=bool(name or phone),
            addressed_deputy=addressed_deputy,
            submission_key=f"demo-{key}",
            actor_label="群众",
            now=when,
        )
        if result.created:
            self.created += 1
            return result.case, when
        return None, when

    def step(self, when, fn, **kwargs):
        with at(when):
            return fn(**kwargs)

    # -- the standard path ---------------------------------------------------------------
    def progress(self, case, start, to: str, *, lead="区住建局", co=(), reply_class="A", feedback=None, days=None):
        """Walk ``case`` from submitted to ``to`` with believable gaps (days after ``start``)."""
        d = {"accept": 1, "assign": 2, "start": 3, "contact": 4, "reply": 12, "feedback": 15, "close": 16}
        d.update(days or {})
        cid = case.pk

        def t(name):
            return start + dt.timedelta(days=d[name])

        self.step(t("accept"), actions.case_accept, case_id=cid, user=self.staff, reason="属于人大代表联络站受理范围")
        if to == "accepted":
            return
        self.step(
            t("assign"),
            actions.case_assign,
            case_id=cid,
            user=self.staff,
            lead_unit_id=self.units[lead].pk,
            co_unit_ids=[self.units[c].pk for c in co],
            responsible_deputy_id=self.deputy.pk if (self.deputy and case.kind == CaseKind.OPINION) else None,
            reason="请按时办理并与代表、群众沟通",
        )
        if to == "assigned":
            return
        if to == "disputed":
            self.step(t("start"), actions.case_dispute, case_id=cid, user=self.unit_user, reason="该事项属于街道办事处职责，建议调整交办")
            return
        self.step(t("start"), actions.case_start_handling, case_id=cid, user=self.unit_user)
        self.step(
            t("contact"),
            actions.case_add_contact,
            case_id=cid,
            user=self.unit_user,
            contact_date=t("contact").astimezone(timezone.get_current_timezone()).date(),
            way=ContactWay.VISIT,
            party=ContactParty.RESIDENT,
            summary="办前问需：上门了解具体情况，与群众约定处理方案。",
        )
        if to == "in_handling":
            return
        self.step(
            t("reply"),
            actions.case_reply,
            case_id=cid,
            user=self.unit_user,
            text=REPLY_TEXT[reply_class],
            reply_class_code=reply_class,
        )
        if to == "replied":
            return
        rating = feedback or Rating.SATISFIED
        if case.kind == CaseKind.SUGGESTION or case.responsible_deputy_id or self.deputy:
            user_kwargs = {"user": self.deputy_user}
        else:
            user_kwargs = {"as_resident": True}
        self.step(
            t("feedback"),
            actions.case_feedback,
            case_id=cid,
            rating=rating,
            comment="问题没有根本解决" if rating == Rating.UNSATISFIED else "",
            **user_kwargs,
        )
        if to in ("evaluated", "rehandling"):
            return
        self.step(t("close"), actions.case_close, case_id=cid, user=self.staff)


REPLY_TEXT = {
    "A": "经现场核实，反映的问题属实。我单位已组织施工人员完成整改，并回访群众确认问题已解决。感谢代表和群众的监督。",
    "B": "反映的问题已列入今年改造计划，预计第三季度开工、年底前完成。期间我单位将先行采取临时措施，并及时向代表和群众通报进展。",
    "C": "经研究，所反映事项涉及规划调整，受现有条件限制暂时无法实施，已作为今后工作的重要参考。",
}


def run(stdout=None) -> str:
    county = Region.objects.filter(code=XHL).first()
    if county is None:
        return "跳过：缺少杏花岭区区划（先运行 seed_core）"
    units = _units(county)
    users = {u.username: u for u in User.objects.filter(username__in=["staff", "admin", "unit", "deputy", "liaison"])}
    unit_user = users.get("unit")
    if unit_user is not None:
        units["区住建局"].members.add(unit_user)
    staff = users.get("staff") or users.get("admin")
    if staff is None or unit_user is None:
        return f"承办单位 {len(units)} 个；跳过案件（缺少演示账号 staff/unit）"
    s = Seeder(units, staff, users.get("admin") or staff, unit_user, users.get("deputy"), users.get("liaison"))
    with transaction.atomic():
        _cases(s)
    total = Case.objects.filter(submission_key__startswith="demo-").count()
    return f"承办单位 {len(units)} 个，演示案件 {total} 件（本次新建 {s.created} 件）"


def _cases(s: Seeder) -> None:
    # Just in: the triage queue.
    for key, days in (("dog", 0.2), ("crossing", 0.6), ("pharmacy", 1.5)):
        s.opinion(key, days)
    qr_case, _when = s.opinion("heating", 2.2, channel=Channel.DEPUTY_QR, addressed_deputy=s.deputy)

    # Review outcomes.
    case, when = s.opinion("ad", 9)
    if case:
        s.step(
            when + dt.timedelta(hours=3), actions.case_reject, case_id=case.pk, user=s.staff, reason="广告信息，与人大代表联系群众工作无关"
        )
    case, when = s.opinion("court", 20)
    if case:
        s.step(
            when + dt.timedelta(days=1),
            actions.case_redirect,
            case_id=case.pk,
            user=s.staff,
            reason="该纠纷已进入诉讼程序，依法由人民法院审理。已告知群众可向法院了解审理进度。",
        )
    case, when = s.opinion("wage", 14)
    if case:
        s.step(
            when + dt.timedelta(days=1),
            actions.case_return,
            case_id=case.pk,
            user=s.staff,
            reason="请补充工地名称、施工单位和欠薪金额，以便转交劳动监察部门。",
        )
    case, when = s.opinion("clinic", 3)
    if case:
        s.step(when + dt.timedelta(hours=2), actions.case_answer_on_spot, case_id=case.pk, user=s.staff,
               text="接待人员当场说明：卫生服务站自下月起周六上午开诊，已张贴告示。")  # fmt: skip

    # Accepted, waiting for assignment (one of them overdue).
    case, when = s.opinion("park", 12)
    if case:
        s.progress(case, when, "accepted")
    case, when = s.opinion("elderly", 2)
    if case:
        s.progress(case, when, "accepted", days={"accept": 0.5})

    # Assigned; one disputed by the unit.
    case, when = s.opinion("garbage", 4)
    if case:
        s.progress(case, when, "assigned", lead="区住建局", co=("区城管局",), days={"accept": 0.5, "assign": 1})
    case, when = s.opinion("noise", 5)
    if case:
        s.progress(case, when, "disputed", days={"accept": 0.5, "assign": 1, "start": 2})

    # In handling: one on time, two overdue, one under key supervision.
    case, when = s.opinion("streetlight", 8)
    if case:
        s.progress(case, when, "in_handling")
    OPINIONS["streetlight-dup"] = (
        "xhl-gulou",
        "urban",
        "鼓楼街路灯坏了没人修",
        "鼓楼街北边一段路灯坏了好几天了，晚上特别黑。",
        "",
        "",
        "鼓楼街",
    )
    dup, when = s.opinion("streetlight-dup", 7)
    target = Case.objects.filter(submission_key="demo-streetlight").first()
    if dup and target:
        s.step(when + dt.timedelta(hours=5), actions.case_merge, case_id=dup.pk, user=s.staff, into_case_id=target.pk,
               reason="与已受理的同一路段路灯问题重复，并案办理")  # fmt: skip
    case, when = s.opinion("road", 45)
    if case:
        s.progress(case, when, "in_handling", co=("区交通局",))
        s.step(when + dt.timedelta(days=35), actions.case_supervise, case_id=case.pk, user=s.staff,
               level=SupervisionLevel.ORDINARY, kind=SupervisionKind.NOTICE, date=(when + dt.timedelta(days=35)).date(),
               summary="已超过答复期限，发出督办通知，要求五个工作日内答复。")  # fmt: skip
    case, when = s.opinion("sewer", 40)
    if case:
        s.progress(case, when, "in_handling")
        s.step(when + dt.timedelta(days=20), actions.case_supervise, case_id=case.pk, user=s.leader,
               level=SupervisionLevel.KEY, kind=SupervisionKind.SITE_VISIT, date=(when + dt.timedelta(days=20)).date(),
               summary="主任会议确定为重点督办件，常委会领导带队实地查看东缉虎营13号院管网。")  # fmt: skip
        s.step(
            when + dt.timedelta(days=22),
            actions.case_add_note,
            case_id=case.pk,
            user=s.staff,
            text="住建局已完成管网测绘，等待施工队进场。",
        )

    # Replied, evaluated, re-handling.
    case, when = s.opinion("bus", 25)
    if case:
        s.progress(case, when, "replied", lead="区住建局", co=("区交通局",))
    case, when = s.opinion("market", 30)
    if case:
        s.progress(case, when, "evaluated", feedback=Rating.BASIC)
    case, when = s.opinion("parking", 35)
    if case:
        s.progress(case, when, "rehandling", feedback=Rating.UNSATISFIED, days={"feedback": 20})

    # Closed: A solved and published, B under follow-up, C for reference.
    case, when = s.opinion("elevator", 90)
    if case:
        s.progress(case, when, "closed", reply_class="B", days={"reply": 30, "feedback": 35, "close": 36})
    case, when = s.opinion("school", 70)
    if case:
        s.progress(case, when, "closed", reply_class="A")
        s.step(when + dt.timedelta(days=18), actions.case_publish, case_id=case.pk, user=s.staff)

    _more_cases(s)
    _suggestions(s)


# Extra cases so every list has several rows: (key, title, content, station, category, target state, days ago, reply class)
MORE = [
    ("m1", "小区健身器材损坏", "健身器材多处损坏，老人锻炼存在危险，希望维修更换。", "xhl-xinghualing", "community", "closed", 60, "A"),
    ("m2", "背街小巷没有路灯", "背街小巷晚上一片漆黑，希望安装路灯。", "xhl-sanqiao", "urban", "closed", 80, "B"),
    ("m3", "建议增设公共厕所", "公园周边没有公共厕所，游客和老人很不方便。", "xhl-julun", "urban", "closed", 75, "C"),
    ("m4", "幼儿园入园难", "片区内公办幼儿园学位紧张，希望增加学位。", "xhl-jianhe", "education", "in_handling", 10, "A"),
    ("m5", "雨水井盖缺失", "人行道上雨水井盖缺失，很危险。", "xhl-gulou", "urban", "replied", 18, "A"),
    ("m6", "菜市场周边占道经营", "菜市场周边占道经营严重，影响通行。", "xhl-dunhuafang", "urban", "assigned", 3, "A"),
    ("m7", "楼道堆放杂物", "楼道里堆满杂物，存在火灾隐患。", "xhl-balingqiao", "safety", "in_handling", 30, "A"),
    ("m8", "公交站台没有遮雨棚", "公交站台没有遮雨棚，下雨天等车淋雨。", "xhl-dadongguan", "traffic", "evaluated", 28, "A"),
    ("m9", "社区养老驿站服务少", "社区养老驿站服务项目少，希望增加康复理疗。", "xhl-zhigongxinjie", "elderly", "closed", 50, "A"),
    ("m10", "河道有异味", "涧河部分河段夏天有异味，希望治理。", "xhl-jianhe-xinghua", "environment", "submitted", 1, "A"),
    ("m11", "电动车充电难", "小区没有集中充电桩，居民私拉电线充电。", "xhl-yangjiayu", "safety", "accepted", 1, "A"),
    ("m12", "人行道被共享单车占满", "地铁口人行道共享单车乱停，行人只能走机动车道。", "xhl-gulou", "traffic", "in_handling", 6, "A"),
    ("m13", "老旧小区屋顶漏水", "顶层住户屋顶漏水多年，维修资金申请不下来。", "xhl-gulou-dongjihuying", "community", "closed", 65, "B"),
    ("m14", "社区缺少儿童活动场地", "社区没有儿童游乐设施。", "xhl-xinghualing-fudong", "community", "replied", 16, "C"),
    ("m15", "餐馆油烟扰民", "楼下餐馆油烟直排，居民不敢开窗。", "xhl-dunhuafang", "environment", "rehandling", 40, "A"),
    ("m16", "希望开通社区图书室", "社区活动室闲置，建议改为图书室。", "xhl-xiangtang", "other", "closed", 55, "A"),
    ("m17", "路口缺少减速带", "学校旁路口车速快，建议设置减速带。", "xhl-sanqiao", "traffic", "evaluated", 27, "A"),
]


def _more_cases(s: Seeder) -> None:
    for key, title, content, station_code, category, state, days, reply_class in MORE:
        OPINIONS[key] = (station_code, category, title, content, "", "", "")
        case, when = s.opinion(key, days)
        if case is None or state == "submitted":
            continue
        feedback = Rating.UNSATISFIED if state == "rehandling" else None
        s.progress(case, when, state, reply_class=reply_class, feedback=feedback)


def _suggestions(s: Seeder) -> None:
    """Deputy suggestions by the demo deputy, one with co-signers built from residents' opinions."""
    if s.deputy is None:
        return
    from deputies.models import Deputy
    from proposals.services.suggestions import suggestion_create

    cosigners = list(Deputy.objects.filter(is_active=True).exclude(pk=s.deputy.pk).order_by("pk").values_list("pk", flat=True)[:2])
    plans = [
        ("sugg-elevator", 50, "in_handling", True),
        ("sugg-elderly-meals", 120, "closed", False),
        ("sugg-school-traffic", 6, "submitted", False),
    ]
    for key, days, state, extend in plans:
        if Case.objects.filter(submission_key=f"demo-{key}").exists():
            continue
        title, content, category = SUGGESTIONS[key]
        when = s.now - dt.timedelta(days=days)
        case = s.step(
            when,
            suggestion_create,
            user=s.deputy_user,
            title=title,
            content=content,
            category_id=Category.objects.filter(code=category).values_list("pk", flat=True).first(),
            cosigner_ids=cosigners if key == "sugg-elevator" else (),
            submission_key=f"demo-{key}",
        )
        s.created += 1
        if state == "submitted":
            continue
        s.progress(
            case, when, state, co=("区民政局",) if key == "sugg-elderly-meals" else (), days={"reply": 60, "feedback": 65, "close": 66}
        )
        if extend:
            s.step(when + dt.timedelta(days=10), actions.case_extend, case_id=case.pk, user=s.staff,
                   reason="涉及多部门联合审批和财政资金安排，经主任会议批准延长至六个月。")  # fmt: skip
