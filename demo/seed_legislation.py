"""Demo: a draft regulation open for comment at the 鼓楼街道 liaison station
(基层立法联系点) — two versions (comments carried from the first to the
second), comments from every channel, a forum, one merged duplicate,
summaries, feedback and a compiled, forwarded report. Idempotent: nothing
is added when the draft exists."""

import datetime as dt
from pathlib import Path

from django.utils import timezone

from accounts.models import User
from legislation import services
from legislation.models import Adoption, Channel, Draft, ProvisionKind
from stations.models import Station

TITLE = "太原市电动自行车安全管理条例（草案征求意见稿）"
DATA = Path(__file__).resolve().parent / "data" / "legislation"


def _article(draft, label):
    return draft.current_version.provisions.get(kind=ProvisionKind.ARTICLE, label=label)


def run(stdout=None) -> str:
    if Draft.objects.filter(title=TITLE).exists():
        return "草案已存在"
    staff = User.objects.get(username="staff")
    liaison = User.objects.get(username="liaison")
    gulou = Station.objects.get(code="xhl-gulou")
    home = Station.objects.get(code="xhl-home")
    today = timezone.localdate()
    draft = services.draft_create(
        user=staff,
        title=TITLE,
        issuing_body="太原市人大常委会法制工作委员会",
        explanation=(
            "近年来本市电动自行车保有量快速增长，楼道停放、入户充电引发的火灾和交通事故时有发生。"
            "为规范电动自行车的生产、销售、通行、停放和充电，起草了本条例草案，现通过基层立法联系点公开征求意见。"
        ),
        region=staff.region,
        opens_on=today - dt.timedelta(days=12),
        closes_on=today + dt.timedelta(days=24),
        stations=[gulou, home],
        text=(DATA / "draft_v1.txt").read_text(encoding="utf-8"),
    )

    def say(content, label=None, channel=Channel.ONLINE, station=None, **kw):
        provision = _article(draft, label) if label else None
        return services.comment_submit(draft=draft, content=content, channel=channel, provision=provision, station=station, **kw).comment

    # On the first version.
    a = say("建议明确老旧小区增设充电设施的费用由谁承担，不然很难落地。", "第十三条", channel=Channel.KIOSK, station=gulou)
    b = say("建议明确老旧小区增设充电设施的费用由谁承担，否则难以落实。", "第十三条")
    say("时速十五公里太低了，上下班通勤很不方便，建议提高到二十公里。", "第十二条", name="王立新", phone="13934561234", consent=True)
    say("充电设施运营单位的维护责任应当写得更具体，比如多长时间检查一次。", "第十七条", channel=Channel.KIOSK, station=gulou)
    services.forum_record(
        draft=draft,
        station=gulou,
        user=liaison,
        held_on=today - dt.timedelta(days=5),
        place="鼓楼街道人大代表联络站会议室",
        participants=18,
        note="社区居民、物业公司、快递骑手代表参加。",
        comments=[
            (_article(draft, "第十五条"), "电梯禁入要配合电梯阻车装置，光靠物业劝阻不够。"),
            (_article(draft, "第十六条"), "物业劝阻无效时向哪个部门报告，应当写清楚。"),
            (None, "建议增加以旧换新补贴的规定，引导居民淘汰不合格车辆。"),
        ],
    )
    services.comments_merge(user=liaison, target=a, duplicates=[b])

    # The second version: an article added, one removed, numbers moved; the
    # comments above follow their articles.
    services.draft_version_publish(
        draft=draft,
        user=staff,
        text=(DATA / "draft_v2.txt").read_text(encoding="utf-8"),
        note="根据第一轮意见修改：增加搭载儿童的规定，调整限速。",
    )
    say("罚款五十元到一百元偏低，对反复违规的应当加重处罚。", "第二十一条", channel=Channel.KIOSK, station=gulou)
    services.comment_submit(
        draft=draft,
        content="书面意见：建议在小区出入口设置电动自行车集中充电棚，并安装监控。",
        channel=Channel.PAPER,
        provision=_article(draft, "第十四条"),
        station=gulou,
        entered_by=liaison,
    )
    services.summary_set(
        draft=draft,
        provision=_article(draft, "第十四条"),
        station=gulou,
        user=liaison,
        text="居民普遍关心老旧小区充电设施建设费用的承担和充电棚选址，建议明确政府补助和业主分摊办法。",
    )
    services.summary_set(
        draft=draft,
        provision=_article(draft, "第十六条"),
        station=gulou,
        user=liaison,
        text="建议电梯禁入与电梯阻车装置配套实施。",
    )
    services.comment_feedback(
        comment=a,
        user=staff,
        adoption=Adoption.PARTIAL,
        reason="修改稿第十四条已增加“所需费用按照有关规定由政府补助和业主分摊”的原则，具体办法由市人民政府另行制定。",
    )
    report = services.report_compile(draft=draft, station=gulou, user=liaison)
    services.report_render(report_id=report.pk)  # the demo shows it at once; the queued task finds it done
    services.report_forward(
        report=report, user=liaison, to_body="太原市人大常委会法制工作委员会", note="鼓楼街道基层立法联系点第一次意见汇总"
    )
    return f"草案 1 部（2 稿），意见 {draft.comments.count()} 条，汇总报告 1 份"
