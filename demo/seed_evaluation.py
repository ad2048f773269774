"""Demo data of the duty evaluation (杏花岭区): the congress's points table,
a year of duty records for its deputies (so that scores, grades and
"what is missing" differ), a self-report awaiting review, a deduction, and
a report-to-voters meeting with its rating open. Idempotent."""

import datetime as dt
import uuid

from django.utils import timezone

from accounts.models import User
from deputies.models import Congress, Deputy, DutyActivity, DutyKind
from evaluation.models import EntryStatus, ManualEntry, Rating, ReportStatus, ReportTally, VoterReport
from evaluation.services import points_table_create_default
from evaluation.voter_reports import report_draft
from stations.models import ReceptionDay, Station

# deputy: (station visits, voter visits, training, congress sessions, group activities)
PLAN = {
    "闫俊武": (5, 6, 2, 2, 3),
    "曹玉琴": (3, 4, 1, 2, 2),
    "任志刚": (2, 1, 0, 1, 1),
    "赵有福": (4, 3, 1, 2, 0),
    "武秀芳": (1, 2, 1, 1, 1),
}
TITLES = {
    DutyKind.STATION_VISIT: "到{station}进站接待、听取居民意见",
    DutyKind.VOTER_VISIT: "走访选民，了解老旧小区加装电梯意愿",
    DutyKind.TRAINING: "参加区人大常委会代表履职培训",
    DutyKind.CONGRESS: "出席区人大常委会会议",
    DutyKind.GROUP_ACTIVITY: "参加鼓楼街道代表小组活动",
}


def run(stdout=None) -> str:
    congress = Congress.objects.get(name="太原市杏花岭区第十七届人民代表大会")
    table = points_table_create_default(congress=congress)
    today = timezone.localdate()
    year = today.year
    station = Station.objects.get(code="xhl-gulou")
    deputies = {d.name: d for d in Deputy.objects.filter(name__in=PLAN, mandates__congress=congress).distinct()}
    made = 0
    for name, counts in PLAN.items():
        deputy = deputies.get(name)
        if deputy is None:
            continue
        for kind, n in zip(TITLES, counts, strict=True):
            for i in range(n):
                day = dt.date(year, 1 + (i * 2 + len(name)) % 10, 5 + i)
                if day > today:
                    day = today - dt.timedelta(days=i + 1)
                _obj, created = DutyActivity.objects.get_or_create(
                    deputy=deputy,
                    kind=kind,
                    title=TITLES[kind].format(station=station.name) + f"（{i + 1}）",
                    defaults={"date": day, "station": station if kind == DutyKind.STATION_VISIT else None},
                )
                made += created
    # A reception day held earlier this year, with its record.
    held = max(dt.date(year, 1, 10), today - dt.timedelta(days=60))
    reception, _created = ReceptionDay.objects.get_or_create(
        station=station,
        date=held,
        defaults={
            "topic": "老旧小区物业管理",
            "residents_received": 23,
            "summary": "收集意见7件，当场答复4件。",
            "recorded_at": timezone.now(),
        },
    )
    reception.deputies.add(*(d for n, d in deputies.items() if n in ("闫俊武", "曹玉琴")))
    staff = User.objects.filter(username="staff").first()
    yan = deputies.get("闫俊武")
    if yan is not None:
        report_rule = table.rules.get(source="report")
        ManualEntry.objects.get_or_create(
            deputy=yan,
            rule=report_rule,
            title="参加东缉虎营社区居民议事会",
            defaults={
                "year": year,
                "date": today - dt.timedelta(days=20),
                "description": "就小区污水管网改造听取居民意见并形成建议。",
                "created_at": timezone.now(),
            },
        )
        # The voters' rating of his report, open at the meeting.
        when = timezone.make_aware(dt.datetime.combine(today, dt.time(9, 30)))
        report, created = VoterReport.objects.get_or_create(
            deputy=yan,
            station=station,
            year=year,
            defaults={
                "scheduled_at": when,
                "report_text": report_draft(deputy=yan, year=year),
                "ballot_token": uuid.uuid4().hex,
                "status": ReportStatus.VOTING,
                "held_at": when,
                "attendance": 36,
                "minutes": "闫俊武代表报告全年履职情况，选民就污水管网改造进度、小区停车提问5个，代表逐一回应。",
                "paper_satisfied": 21,
                "paper_basic": 6,
                "paper_unsatisfied": 1,
                "created_by": staff,
                "created_at": timezone.now(),
            },
        )
        ReportTally.objects.bulk_create([ReportTally(report=report, rating=r) for r in Rating.values], ignore_conflicts=True)
    ren = deputies.get("任志刚")
    if ren is not None and staff is not None:
        ManualEntry.objects.get_or_create(
            deputy=ren,
            rule=table.rules.get(source="deduction"),
            title="无故缺席区人大常委会第十二次会议",
            defaults={
                "year": year,
                "date": today - dt.timedelta(days=30),
                "status": EntryStatus.APPROVED,
                "created_by": staff,
                "created_at": timezone.now(),
                "reviewed_by": staff,
                "reviewed_at": timezone.now(),
            },
        )
    return f"积分表 {table.congress.name}，新增履职记录 {made}"
