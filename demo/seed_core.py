"""Demo core: a believable county, 山西省太原市杏花岭区, built from the facts in
the news reports the project started from (shared/seeds): Taiyuan's stations
follow the "六有" standard, every street has a central liaison station (杏花岭:
12 stations and 36 contact points), deputies of all five tiers are "mixed
grouped" into the station near where they live or work, 鼓楼街道's station and
its resident deputy 闫俊武 took up the sewer of 东缉虎营13号. Two other real
counties (沈阳市和平区, 无锡市惠山区) exist so that region scoping shows.

Idempotent: every row is found by a natural key (station code, deputy
public id, congress tier/region/term, username) and updated in place.
Demo accounts (admin, staff, liaison, deputy, unit; password demo12345) are
created here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import Role, User
from accounts.permissions import ensure_role_groups
from deputies.models import Congress, Deputy, DeputyGroup, GroupKind, Mandate, Tier
from regions.importer import import_divisions
from regions.models import Region
from stations.models import (
    AssessmentResult,
    ChecklistItem,
    ReceptionDay,
    ReceptionRule,
    Station,
    StationAssessment,
    StationKind,
    StationMembership,
)
from stations.reception import next_reception_date

DIVISIONS = Path(__file__).resolve().parent / "data" / "divisions"
DEMO_PASSWORD = "demo12345"  # noqa: S105 - documented demo credential, created only by seed_demo
DEMO_USERNAMES = ("admin", "staff", "liaison", "deputy", "unit")

XHL = "140107"  # 杏花岭区
WORKDAY_HOURS = "工作日 9:00-12:00，14:30-17:30"


def code(prefix: str) -> str:
    return prefix.ljust(12, "0")


def public_id_for(name: str) -> str:
    """A stable public id per demo deputy, so that printed demo QR codes keep working."""
    return "d" + hashlib.sha256(f"demo-deputy:{name}".encode()).hexdigest()[:9]


# --- Congresses: (key, tier code, region prefix or None, term, name, start) ------------------
CONGRESSES = [
    ("national", "national", None, 14, "第十四届全国人民代表大会", dt.date(2023, 3, 5)),
    ("shanxi", "provincial", "14", 14, "山西省第十四届人民代表大会", dt.date(2023, 1, 14)),
    ("taiyuan", "city", "1401", 16, "太原市第十六届人民代表大会", dt.date(2021, 12, 28)),
    ("xhl", "county", XHL, 17, "太原市杏花岭区第十七届人民代表大会", dt.date(2021, 12, 1)),
    ("zjh", "township", "140107100", 17, "杏花岭区中涧河镇第十七届人民代表大会", dt.date(2021, 11, 20)),
    ("shenyang", "city", "2101", 17, "沈阳市第十七届人民代表大会", dt.date(2022, 1, 6)),
    ("huishan", "county", "320206", 5, "无锡市惠山区第五届人民代表大会", dt.date(2021, 12, 20)),
]

# --- Stations ---------------------------------------------------------------------------------------
# (code, name, kind, region prefix, parent code, address, lat, lng, hours, rule, day, head deputy, head name,
#  responsible 1, responsible 2, liaison name, public phone, description)
HOME = "xhl-home"
STATIONS = [
    (
        HOME,
        "杏花岭区人大代表之家",
        StationKind.HOME,
        XHL,
        None,
        "太原市杏花岭区府东街101号区人大常委会一楼",
        "37.869820",
        "112.574310",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        15,
        "王建国",
        "",
        "刘海燕",
        "张志强",
        "赵敏",
        "0351-3023101",
        "区级人大代表之家，承担代表学习培训、集中接待和全区家站点的指导工作。",
    ),
    (
        "xhl-gulou",
        "鼓楼街道人大代表联络站",
        StationKind.STATION,
        "140107003",
        HOME,
        "太原市杏花岭区鼓楼街东缉虎营28号",
        "37.866120",
        "112.566340",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "闫俊武",
        "",
        "孙丽华",
        "马文斌",
        "郭晓芳",
        "0351-3023110",
        "街道中心联络站。驻站代表推动东缉虎营13号居民楼地下管网全部更新，244户居民受益。",
    ),
    (
        "xhl-xinghualing",
        "杏花岭街道人大代表联络站",
        StationKind.STATION,
        "140107004",
        HOME,
        "太原市杏花岭区五一路238号",
        "37.874410",
        "112.569980",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "李春梅",
        "高建平",
        "王丽",
        "田雨",
        "0351-3023111",
        "",
    ),
    (
        "xhl-julun",
        "巨轮街道人大代表联络站",
        StationKind.STATION,
        "140107001",
        HOME,
        "太原市杏花岭区北大街巨轮社区服务中心二楼",
        "37.885260",
        "112.571220",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "任志刚",
        "",
        "陈晓东",
        "杨丽娟",
        "韩冰",
        "",
        "",
    ),
    (
        "xhl-sanqiao",
        "三桥街道人大代表联络站",
        StationKind.STATION,
        "140107002",
        HOME,
        "太原市杏花岭区解放北路三桥街道便民服务中心",
        "37.893670",
        "112.566810",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "张红",
        "李刚",
        "武晓燕",
        "冯娜",
        "",
        "",
    ),
    (
        "xhl-balingqiao",
        "坝陵桥街道人大代表联络站",
        StationKind.STATION,
        "140107005",
        HOME,
        "太原市杏花岭区坝陵南街56号",
        "37.881140",
        "112.559870",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "郝玉兰",
        "薛斌",
        "程丽",
        "贾文",
        "",
        "",
    ),
    (
        "xhl-dadongguan",
        "大东关街道人大代表联络站",
        StationKind.STATION,
        "140107006",
        HOME,
        "太原市杏花岭区大东关街128号",
        "37.866930",
        "112.583410",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "白雪梅",
        "霍建军",
        "苏燕",
        "曹磊",
        "",
        "",
    ),
    (
        "xhl-zhigongxinjie",
        "职工新街街道人大代表联络站",
        StationKind.STATION,
        "140107007",
        HOME,
        "太原市杏花岭区职工新街6号",
        "37.874800",
        "112.589620",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "温丽萍",
        "梁志勇",
        "吕芳",
        "原野",
        "",
        "",
    ),
    (
        "xhl-dunhuafang",
        "敦化坊街道人大代表联络站",
        StationKind.STATION,
        "140107008",
        HOME,
        "太原市杏花岭区敦化南路敦化坊社区服务中心",
        "37.889150",
        "112.585320",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "崔建英",
        "牛志宏",
        "阎丽",
        "常青",
        "",
        "",
    ),
    (
        "xhl-jianhe",
        "涧河街道人大代表联络站",
        StationKind.STATION,
        "140107009",
        HOME,
        "太原市杏花岭区胜利街涧河街道办事处一楼",
        "37.903420",
        "112.582650",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "宋志军",
        "段丽霞",
        "秦虎",
        "侯佳",
        "",
        "",
    ),
    (
        "xhl-yangjiayu",
        "杨家峪街道人大代表联络站",
        StationKind.STATION,
        "140107010",
        HOME,
        "太原市杏花岭区杨家峪街道新店村便民服务中心",
        "37.870380",
        "112.609740",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "乔红英",
        "申建华",
        "杜鹃",
        "邢磊",
        "",
        "",
    ),
    (
        "xhl-xiangtang",
        "享堂街道人大代表联络站",
        StationKind.STATION,
        "140107011",
        HOME,
        "太原市杏花岭区享堂路享堂街道办事处",
        "37.880520",
        "112.600180",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "康丽",
        "范志斌",
        "樊娟",
        "尚伟",
        "",
        "",
    ),
    (
        "xhl-zhongjianhe",
        "中涧河镇人大代表之家",
        StationKind.HOME,
        "140107100",
        HOME,
        "太原市杏花岭区中涧河镇中涧河村镇政府院内",
        "37.922880",
        "112.646910",
        "工作日 8:30-12:00，14:30-17:30",
        ReceptionRule.MONTHLY,
        10,
        "赵有福",
        "",
        "武建明",
        "王秀英",
        "李强",
        "0351-3023120",
        "镇人大主席团所在地，镇人大代表和驻镇的市、区人大代表在此接待选民。",
    ),
    # Community stations (村居联络站) under the street stations.
    (
        "xhl-gulou-dongjihuying",
        "东缉虎营社区人大代表联络站",
        StationKind.STATION,
        "140107003",
        "xhl-gulou",
        "太原市杏花岭区东缉虎营社区居委会一楼",
        "37.864710",
        "112.568220",
        "周一至周五 9:00-17:00",
        ReceptionRule.WEEKLY,
        3,
        "",
        "郭晓芳",
        "孙丽华",
        "",
        "郭晓芳",
        "",
        "每周三下午代表在社区接待居民。",
    ),
    (
        "xhl-xinghualing-fudong",
        "府东社区人大代表联络站",
        StationKind.STATION,
        "140107004",
        "xhl-xinghualing",
        "太原市杏花岭区府东街府东社区服务站",
        "37.871260",
        "112.572050",
        "周一至周五 9:00-17:00",
        ReceptionRule.WEEKLY,
        2,
        "",
        "田雨",
        "王丽",
        "",
        "田雨",
        "",
        "",
    ),
    (
        "xhl-jianhe-xinghua",
        "新华社区人大代表联络站",
        StationKind.STATION,
        "140107009",
        "xhl-jianhe",
        "太原市杏花岭区新华社区党群服务中心",
        "37.898840",
        "112.578110",
        "周一至周五 9:00-17:00",
        ReceptionRule.WEEKLY,
        4,
        "",
        "侯佳",
        "段丽霞",
        "",
        "侯佳",
        "",
        "",
    ),
    # Contact points (联系点) at a market and an enterprise park.
    (
        "xhl-point-market",
        "敦化坊农贸市场人大代表联系点",
        StationKind.POINT,
        "140107008",
        "xhl-dunhuafang",
        "太原市杏花岭区敦化坊农贸市场管理办公室",
        "37.891720",
        "112.587930",
        "每天 8:00-18:00（市场管理办公室）",
        ReceptionRule.MONTHLY,
        20,
        "",
        "常青",
        "牛志宏",
        "",
        "常青",
        "",
        "设在农贸市场，方便商户和周边居民就近反映食品安全、市场管理等问题。",
    ),
    (
        "xhl-point-park",
        "中涧河镇产业园区企业人大代表联系点",
        StationKind.POINT,
        "140107100",
        "xhl-zhongjianhe",
        "太原市杏花岭区中涧河镇产业园区综合服务楼",
        "37.918360",
        "112.639450",
        "工作日 9:00-17:00",
        ReceptionRule.MONTHLY,
        25,
        "",
        "李强",
        "武建明",
        "",
        "李强",
        "",
        "服务园区企业和职工，围绕营商环境收集意见建议。",
    ),
    # The online station: open 24 hours, no map position.
    (
        "xhl-online",
        "杏花岭区网上人大代表联络站",
        StationKind.ONLINE,
        XHL,
        HOME,
        "",
        None,
        None,
        "24小时开放，留言后由联络员转交代表",
        ReceptionRule.NONE,
        None,
        "",
        "赵敏",
        "刘海燕",
        "",
        "赵敏",
        "",
        "网上代表联络站，全天候接收群众意见建议。",
    ),
    # Other counties, for region scoping.
    (
        "sy-heping-home",
        "和平区人大代表之家",
        StationKind.HOME,
        "210102",
        None,
        "沈阳市和平区南京南街2号",
        "41.786230",
        "123.402770",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        15,
        "",
        "刘淑云",
        "宋翠玲",
        "王海",
        "李娜",
        "",
        "",
    ),
    (
        "sy-taiyuanjie",
        "太原街街道人大代表联络站",
        StationKind.STATION,
        "210102022",
        "sy-heping-home",
        "沈阳市和平区太原街街道办事处",
        "41.797040",
        "123.405940",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        10,
        "",
        "宋翠玲",
        "刘洪文",
        "张伟",
        "周静",
        "",
        "",
    ),
    (
        "hs-qianqiao-home",
        "钱桥代表之家",
        StationKind.HOME,
        "320206003",
        None,
        "无锡市惠山区钱桥街道办事处",
        "31.600580",
        "120.238770",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        13,
        "",
        "孙晓华",
        "钱伟",
        "陆敏",
        "顾婷",
        "",
        "为每位代表制作“代表二维码”，选民可以“给Ta留言”。",
    ),
    (
        "hs-qianzhou-home",
        "前洲街道“锦绣•前沿”代表之家",
        StationKind.HOME,
        "320206004",
        None,
        "无锡市惠山区前洲街道",
        "31.663700",
        "120.268710",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        13,
        "",
        "蒋建新",
        "华丽",
        "浦东",
        "过敏",
        "",
        "",
    ),
    (
        "hs-yangshan-home",
        "阳山镇代表之家",
        StationKind.HOME,
        "320206103",
        None,
        "无锡市惠山区阳山镇",
        "31.595110",
        "120.109680",
        WORKDAY_HOURS,
        ReceptionRule.MONTHLY,
        13,
        "",
        "邵桃红",
        "吴峰",
        "许静",
        "秦燕",
        "",
        "体现桃文化特色的镇代表之家。",
    ),
]

# --- Deputies ------------------------------------------------------------------------------------
# (name, gender, birth year, ethnicity, party, occupation, home region prefix, congress keys (mandates),
#  station codes, bio)
PARTY_CPC = "中共党员"
DEPUTIES = [
    ("王建国", "M", 1966, "汉族", PARTY_CPC, "杏花岭区人大常委会主任", XHL, ["taiyuan", "xhl"], [HOME], ""),
    (
        "闫俊武",
        "M",
        1972,
        "汉族",
        PARTY_CPC,
        "鼓楼街道东缉虎营社区党委书记、居委会主任",
        "140107003",
        ["taiyuan", "xhl"],
        ["xhl-gulou", "xhl-gulou-dongjihuying"],
        "驻站代表。推动东缉虎营13号居民楼地下管网更新改造。",
    ),
    (
        "李爱玲",
        "F",
        1975,
        "汉族",
        "民进会员",
        "太原市某养老服务中心负责人",
        "140107004",
        ["taiyuan"],
        ["xhl-xinghualing"],
        "长期从事养老服务工作，提出加强养老护理服务人员能力素质等建议。",
    ),
    (
        "吴晓东",
        "M",
        1970,
        "汉族",
        PARTY_CPC,
        "太原市食品药品检验所副所长",
        "140107008",
        ["taiyuan"],
        ["xhl-dunhuafang", "xhl-point-market"],
        "参加食品安全法、药品管理法执法检查，提出加强食品安全质量管理的建议。",
    ),
    ("任志刚", "M", 1968, "汉族", PARTY_CPC, "巨轮街道党工委书记", "140107001", ["xhl"], ["xhl-julun"], ""),
    ("赵有福", "M", 1964, "汉族", PARTY_CPC, "中涧河镇人大主席", "140107100", ["xhl", "zjh"], ["xhl-zhongjianhe"], ""),
    ("张慧敏", "F", 1980, "汉族", "群众", "山西省人民医院主任医师", "140107004", ["shanxi"], ["xhl-xinghualing", HOME], ""),
    ("刘国强", "M", 1962, "汉族", PARTY_CPC, "山西某重型机械企业总工程师", "140107100", ["national", "shanxi"], ["xhl-point-park"], ""),
    ("郭秀兰", "F", 1969, "回族", PARTY_CPC, "太原市第五中学校长", "140107006", ["shanxi"], ["xhl-dadongguan"], ""),
    ("陈志远", "M", 1978, "汉族", "民盟盟员", "山西某律师事务所主任", "140107003", ["taiyuan"], ["xhl-gulou"], ""),
    ("马丽娟", "F", 1983, "汉族", PARTY_CPC, "杏花岭区中心医院护士长", "140107005", ["xhl"], ["xhl-balingqiao"], ""),
    ("杨志宏", "M", 1974, "汉族", PARTY_CPC, "三桥街道社区卫生服务中心主任", "140107002", ["xhl"], ["xhl-sanqiao"], ""),
    ("胡文静", "F", 1986, "汉族", "群众", "个体工商户", "140107002", ["xhl"], ["xhl-sanqiao"], ""),
    ("董建华", "M", 1971, "汉族", PARTY_CPC, "坝陵桥街道办事处主任", "140107005", ["xhl"], ["xhl-balingqiao"], ""),
    ("冯玉梅", "F", 1976, "汉族", PARTY_CPC, "大东关街道上马街社区居委会主任", "140107006", ["xhl"], ["xhl-dadongguan"], ""),
    ("韩立新", "M", 1969, "汉族", "九三学社社员", "太原理工大学教授", "140107007", ["taiyuan", "xhl"], ["xhl-zhigongxinjie"], ""),
    ("周小燕", "F", 1988, "汉族", PARTY_CPC, "职工新街街道社区网格员", "140107007", ["xhl"], ["xhl-zhigongxinjie"], ""),
    ("孙立军", "M", 1967, "汉族", PARTY_CPC, "敦化坊街道党工委副书记", "140107008", ["xhl"], ["xhl-dunhuafang"], ""),
    ("高红霞", "F", 1979, "汉族", "群众", "敦化坊农贸市场商户", "140107008", ["xhl"], ["xhl-point-market"], ""),
    ("段志峰", "M", 1973, "汉族", PARTY_CPC, "涧河街道新华社区党委书记", "140107009", ["xhl"], ["xhl-jianhe", "xhl-jianhe-xinghua"], ""),
    ("郝晓琴", "F", 1981, "汉族", PARTY_CPC, "杏花岭区实验小学教师", "140107009", ["xhl"], ["xhl-jianhe"], ""),
    ("乔卫东", "M", 1965, "汉族", PARTY_CPC, "杨家峪街道新店村党支部书记", "140107010", ["taiyuan", "xhl"], ["xhl-yangjiayu"], ""),
    ("贾丽萍", "F", 1977, "汉族", "群众", "杨家峪街道某物业公司经理", "140107010", ["xhl"], ["xhl-yangjiayu"], ""),
    ("范建军", "M", 1970, "汉族", PARTY_CPC, "享堂街道办事处主任", "140107011", ["xhl"], ["xhl-xiangtang"], ""),
    ("白玉洁", "F", 1985, "汉族", PARTY_CPC, "享堂社区卫生服务站医生", "140107011", ["xhl"], ["xhl-xiangtang"], ""),
    (
        "薛海平",
        "M",
        1975,
        "汉族",
        PARTY_CPC,
        "杏花岭区住房和城乡建设局副局长",
        "140107004",
        ["xhl"],
        ["xhl-xinghualing", "xhl-xinghualing-fudong"],
        "",
    ),
    ("梁春燕", "F", 1982, "汉族", "群众", "巨轮街道某超市店长", "140107001", ["xhl"], ["xhl-julun"], ""),
    ("程晓明", "M", 1979, "汉族", "民建会员", "山西某科技公司总经理", "140107001", ["taiyuan"], ["xhl-julun", HOME], ""),
    ("武秀芳", "F", 1968, "汉族", PARTY_CPC, "中涧河镇中涧河村党支部书记", "140107100", ["xhl", "zjh"], ["xhl-zhongjianhe"], ""),
    ("李成林", "M", 1972, "汉族", PARTY_CPC, "中涧河镇农业综合服务中心主任", "140107100", ["zjh"], ["xhl-zhongjianhe"], ""),
    ("王翠兰", "F", 1975, "汉族", "群众", "中涧河镇种植专业合作社负责人", "140107100", ["zjh"], ["xhl-zhongjianhe", "xhl-point-park"], ""),
    ("张永红", "M", 1966, "汉族", PARTY_CPC, "中涧河镇某村村委会主任", "140107100", ["zjh"], ["xhl-zhongjianhe"], ""),
    ("刘美玲", "F", 1984, "汉族", PARTY_CPC, "中涧河镇卫生院副院长", "140107100", ["zjh"], ["xhl-zhongjianhe"], ""),
    ("赵建平", "M", 1970, "汉族", "群众", "产业园区某制造企业车间主任", "140107100", ["zjh"], ["xhl-point-park"], ""),
    ("石晓光", "M", 1976, "汉族", PARTY_CPC, "杏花岭区人民法院副院长", XHL, ["xhl"], [HOME, "xhl-online"], ""),
    ("邢丽华", "F", 1980, "汉族", PARTY_CPC, "杏花岭区人民检察院检察官", XHL, ["xhl"], ["xhl-online"], ""),
    ("温志斌", "M", 1967, "汉族", PARTY_CPC, "太原市某国有企业董事长", "140107006", ["shanxi", "taiyuan"], ["xhl-dadongguan"], ""),
    ("曹玉琴", "F", 1973, "汉族", PARTY_CPC, "鼓楼街道社区工作者", "140107003", ["xhl"], ["xhl-gulou", "xhl-gulou-dongjihuying"], ""),
    ("苗建伟", "M", 1981, "汉族", "群众", "快递企业站点负责人", "140107003", ["xhl"], ["xhl-gulou"], ""),
    ("田秀英", "F", 1963, "汉族", PARTY_CPC, "退休教师", "140107009", ["xhl"], ["xhl-jianhe-xinghua"], ""),
    # Other counties.
    ("宋翠玲", "F", 1971, "汉族", PARTY_CPC, "和平区太原街街道社区党委书记", "210102022", ["shenyang"], ["sy-taiyuanjie"], ""),
    ("刘洪文", "M", 1969, "汉族", PARTY_CPC, "沈阳市某企业负责人", "210102", ["shenyang"], ["sy-heping-home"], ""),
    (
        "孙晓华",
        "F",
        1978,
        "汉族",
        PARTY_CPC,
        "钱桥街道某社区居委会主任",
        "320206003",
        ["huishan"],
        ["hs-qianqiao-home"],
        "提出“关于解决司机上公厕停车难的建议”，推动在15个公厕周围建立35个如厕泊位。",
    ),
]

# Groups: (name, kind, region prefix, congress key, leader, members)
GROUPS = [
    ("鼓楼街道代表小组", GroupKind.REGIONAL, "140107003", "xhl", "闫俊武", ["闫俊武", "曹玉琴", "苗建伟", "陈志远"]),
    ("涧河街道代表小组", GroupKind.REGIONAL, "140107009", "xhl", "段志峰", ["段志峰", "郝晓琴", "田秀英"]),
    (
        "中涧河镇代表小组",
        GroupKind.REGIONAL,
        "140107100",
        "zjh",
        "赵有福",
        ["赵有福", "武秀芳", "李成林", "王翠兰", "张永红", "刘美玲", "赵建平"],
    ),
    (
        "杏花岭区市人大代表小组",
        GroupKind.REGIONAL,
        XHL,
        "taiyuan",
        "王建国",
        ["王建国", "闫俊武", "李爱玲", "吴晓东", "陈志远", "韩立新", "乔卫东", "程晓明", "温志斌"],
    ),
    ("社会建设专业代表小组", GroupKind.PROFESSIONAL, XHL, "xhl", "薛海平", ["薛海平", "马丽娟", "杨志宏", "白玉洁", "冯玉梅", "郝晓琴"]),
    ("财政经济专业代表小组", GroupKind.PROFESSIONAL, XHL, "xhl", "韩立新", ["韩立新", "范建军", "董建华", "孙立军", "程晓明"]),
]

# Assessments (六有): station code -> (date, assessor, failing item codes, notes)
ASSESSMENTS = {
    "xhl-gulou": (dt.date(2024, 6, 20), "区人大常委会选联工委", [], "六有标准全部达标，列为示范站。"),
    "xhl-julun": (dt.date(2024, 6, 21), "区人大常委会选联工委", ["records"], "活动记录不完整，需补齐2024年上半年接待台账。"),
    "xhl-zhongjianhe": (dt.date(2024, 6, 24), "区人大常委会选联工委", [], ""),
    "xhl-point-market": (dt.date(2024, 6, 25), "区人大常委会选联工委", ["facilities", "rules"], "场地临时借用，制度未上墙。"),
}


def _region(prefix: str) -> Region:
    return Region.objects.get(code=code(prefix))


def _congresses() -> dict[str, Congress]:
    tiers = {t.code: t for t in Tier.objects.all()}
    result = {}
    for key, tier_code, prefix, term, name, start in CONGRESSES:
        region = _region(prefix) if prefix else None
        congress, _created = Congress.objects.update_or_create(
            tier=tiers[tier_code],
            region=region,
            term=term,
            defaults={"name": name, "start_date": start, "end_date": start.replace(year=start.year + 5)},
        )
        result[key] = congress
    return result


def _deputies(congresses: dict[str, Congress]) -> dict[str, Deputy]:
    result = {}
    for index, (name, gender, birth_year, ethnicity, party, occupation, home, mandates, _stations, bio) in enumerate(DEPUTIES, start=1):
        deputy, _created = Deputy.objects.update_or_create(
            public_id=public_id_for(name),
            defaults={
                "name": name,
                "gender": gender,
                "birth_year": birth_year,
                "ethnicity": ethnicity,
                "party": party,
                "occupation": occupation,
                "bio": bio,
                "home_region": _region(home),
                # Private demo numbers (never shown on public pages).
                "phone": f"1390351{index:04d}",
                "is_active": True,
            },
        )
        for key in mandates:
            congress = congresses[key]
            Mandate.objects.get_or_create(
                deputy=deputy,
                congress=congress,
                defaults={"constituency": _constituency(congress, home), "start_date": congress.start_date},
            )
        result[name] = deputy
    return result


def _constituency(congress: Congress, home: str) -> str:
    if congress.tier.code == "national":
        return "山西省代表团"
    if congress.tier.code == "provincial":
        return "太原市选举单位"
    if congress.tier.code == "city":
        return "杏花岭区选举单位" if home.startswith(XHL) else "和平区选举单位"
    street = Region.objects.filter(code=code(home)).values_list("name", flat=True).first() or ""
    return f"{street}第{int(hashlib.sha256(home.encode()).hexdigest(), 16) % 9 + 1}选区"


def _stations(deputies: dict[str, Deputy]) -> dict[str, Station]:
    result: dict[str, Station] = {}
    for row in STATIONS:
        (
            st_code,
            name,
            kind,
            prefix,
            parent,
            address,
            lat,
            lng,
            hours,
            rule,
            day,
            head,
            head_name,
            resp1,
            resp2,
            liaison,
            phone,
            description,
        ) = row
        station, _created = Station.objects.update_or_create(
            code=st_code,
            defaults={
                "name": name,
                "kind": kind,
                "region": _region(prefix),
                "parent": result.get(parent) if parent else None,
                "address": address,
                "latitude": Decimal(lat) if lat else None,
                "longitude": Decimal(lng) if lng else None,
                "opening_hours": hours,
                "reception_rule": rule,
                "reception_day": day,
                "head_deputy": deputies.get(head) if head else None,
                "head_name": head_name,
                "responsible_person_1": resp1,
                "responsible_person_2": resp2,
                "liaison_name": liaison,
                "liaison_phone": "13903510000" if liaison else "",
                "public_phone": phone,
                "description": description,
                "is_active": True,
            },
        )
        result[st_code] = station
    for name, *_rest, station_codes, _bio in DEPUTIES:
        for st_code in station_codes:
            StationMembership.objects.get_or_create(
                station=result[st_code], deputy=deputies[name], defaults={"joined_on": dt.date(2022, 3, 1)}
            )
    return result


def _groups(congresses, deputies) -> None:
    for name, kind, prefix, congress_key, leader, members in GROUPS:
        group, _created = DeputyGroup.objects.update_or_create(
            name=name,
            region=_region(prefix),
            defaults={"kind": kind, "congress": congresses[congress_key], "leader": deputies[leader]},
        )
        group.members.add(*(deputies[m] for m in members))


def _assessments(stations) -> None:
    items = list(ChecklistItem.objects.filter(is_active=True))
    for st_code, (date, assessor, failing, notes) in ASSESSMENTS.items():
        assessment, _created = StationAssessment.objects.update_or_create(
            station=stations[st_code], date=date, defaults={"assessor": assessor, "notes": notes}
        )
        for item in items:
            AssessmentResult.objects.update_or_create(
                assessment=assessment,
                item=item,
                defaults={"passed": item.code not in failing, "note": "" if item.code not in failing else "未达标"},
            )


def _reception_days(stations, deputies) -> None:
    """The next rule day of two stations, scheduled with their deputies."""
    today = timezone.localdate()
    plans = [
        ("xhl-gulou", "老旧小区改造和物业管理", ["闫俊武", "曹玉琴", "陈志远"]),
        ("xhl-zhongjianhe", "农村人居环境整治", ["赵有福", "武秀芳", "王翠兰"]),
    ]
    for st_code, topic, names in plans:
        station = stations[st_code]
        date = next_reception_date(station, after=today)
        day, _created = ReceptionDay.objects.get_or_create(
            station=station,
            date=date,
            defaults={"start_time": dt.time(9, 0), "end_time": dt.time(11, 30), "topic": topic},
        )
        day.deputies.add(*(deputies[n] for n in names))


def _user(username: str, **fields) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username)
        user.set_password(DEMO_PASSWORD)
    for key, value in fields.items():
        setattr(user, key, value)
    user.save()
    return user


def _accounts(stations, deputies) -> None:
    ensure_role_groups()
    xhl = _region(XHL)
    _user("admin", is_staff=True, is_superuser=True, display_name="系统管理员", email="admin@portal.local")
    staff = _user("staff", is_staff=True, role=Role.STAFF, region=xhl, display_name="杏花岭区人大常委会选联工委 赵敏")
    staff.groups.add(Group.objects.get(name=str(Role.STAFF.label)))
    liaison = _user("liaison", role=Role.LIAISON, region=_region("140107003"), display_name="鼓楼街道联络站联络员 郭晓芳")
    station = stations["xhl-gulou"]
    if station.liaison_officer_id != liaison.pk:
        station.liaison_officer = liaison
        station.save(update_fields=["liaison_officer"])
    deputy_user = _user("deputy", role=Role.DEPUTY, region=_region("140107003"), display_name="闫俊武")
    deputy = deputies["闫俊武"]
    if deputy.user_id != deputy_user.pk:
        deputy.user = deputy_user
        deputy.save(update_fields=["user"])
    # The WORKFLOW seeder (demo/seed_cases.py) attaches it to a handling unit.
    _user("unit", role=Role.UNIT, region=xhl, display_name="杏花岭区住房和城乡建设局 承办人")


def run(stdout=None) -> str:
    stats = import_divisions(DIVISIONS)
    congresses = _congresses()
    deputies = _deputies(congresses)
    stations = _stations(deputies)
    _groups(congresses, deputies)
    _assessments(stations)
    _reception_days(stations, deputies)
    _accounts(stations, deputies)
    return (
        f"区划 {stats.total}（新增 {stats.created}），人大 {len(congresses)}，代表 {len(deputies)}，"
        f"站点 {len(stations)}，演示账号 {'、'.join(DEMO_USERNAMES)}（密码 {DEMO_PASSWORD}）"
    )
