"""The duty record (履职档案, one file per deputy): what the portal counts by
itself, the entries added by hand, the yearly station-visit minimum, and the
printable page. Also the "给Ta留言" QR poster."""

import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from deputies.models import DutyActivity, DutyKind
from deputies.services import DutyError, duty_activity_create
from proposals.models import CaseSigner, CaseState, Rating, SignerRole, SignerStatus
from proposals.services import actions
from proposals.services.suggestions import suggestion_create
from stations.models import ReceptionDay
from tests.deputies.conftest import badge_query_cost
from tests.proposals.builders import case_in_state
from workspaces.deputy.selectors import duty_record

pytestmark = pytest.mark.django_db

RECORD = "deputy_workspace:record"


def this_year_day(days_ago: int) -> dt.date:
    """A past date in the current year (today on 1 January)."""
    today = timezone.localdate()
    return max(today - dt.timedelta(days=days_ago), dt.date(today.year, 1, 1))


def reception(ws, date, deputy=None, received=None, station=None):
    day, _created = ReceptionDay.objects.get_or_create(station=station or ws.station, date=date)
    day.deputies.add(deputy or ws.deputy)
    if received is not None:
        day.residents_received = received
        day.save(update_fields=["residents_received"])
    return day


def test_record_counts_held_reception_days_and_manual_station_visits(ws):
    today = timezone.localdate()
    reception(ws, this_year_day(30), received=8)
    reception(ws, today, received=4, station=ws.station2)  # held today
    reception(ws, today + dt.timedelta(days=10))  # signed up, not held yet
    reception(ws, dt.date(today.year - 1, 6, 10), received=50)  # last year
    reception(ws, this_year_day(20), deputy=ws.other_deputy, received=9)  # someone else's
    DutyActivity.objects.create(deputy=ws.deputy, kind=DutyKind.STATION_VISIT, date=this_year_day(5), title="进站座谈")
    DutyActivity.objects.create(deputy=ws.deputy, kind=DutyKind.TRAINING, date=this_year_day(5), title="代表履职培训")

    record = duty_record(ws.deputy, today.year)
    assert len(record.receptions) == 2
    assert record.station_visits == 3
    assert record.residents_received == 12
    assert (record.min_station_visits, record.meets_minimum, record.visits_missing) == (4, False, 1)
    assert dict(record.activities_by_kind) == {"进站履职": 1, "学习培训": 1}


def test_minimum_station_visits_is_configurable(ws, settings):
    settings.PORTAL_MIN_STATION_VISITS = 2
    reception(ws, this_year_day(3))
    reception(ws, this_year_day(40))
    record = duty_record(ws.deputy, timezone.localdate().year)
    assert record.meets_minimum and record.visits_missing == 0


def test_record_counts_suggestions_cases_and_feedback(ws):
    year = timezone.localdate().year
    case_in_state(ws, CaseState.EVALUATED)  # responsible deputy, rated satisfied
    case_in_state(ws, CaseState.CLOSED)
    suggestion_create(user=ws.deputy_user, title="建议一", content="内容", category_id=None)
    cosigned = suggestion_create(user=ws.other_user, title="建议二", content="内容", category_id=None, cosigner_ids=[ws.deputy.pk])
    actions.case_accept(case_id=cosigned.pk, user=ws.staff)
    invited_only = suggestion_create(user=ws.other_user, title="建议三", content="内容", category_id=None, cosigner_ids=[ws.deputy.pk])
    from proposals.services.suggestions import suggestion_respond

    suggestion_respond(case_id=cosigned.pk, user=ws.deputy_user, accept=True)
    assert CaseSigner.objects.get(case=invited_only, deputy=ws.deputy).status == SignerStatus.INVITED

    record = duty_record(ws.deputy, year)
    assert {(s.title, s.i_lead) for s in record.suggestions} == {("建议一", True), ("建议二", False)}
    assert (record.cases_handled, record.cases_closed) == (2, 1)
    assert [f.rating for f in record.feedbacks] == [Rating.SATISFIED, Rating.SATISFIED]
    assert CaseSigner.objects.filter(deputy=ws.deputy, role=SignerRole.LEAD).count() == 1


def test_record_page_is_printable_and_shows_the_minimum(deputy_client, ws):
    reception(ws, this_year_day(3), received=6)
    response = deputy_client.get(reverse(RECORD))
    body = response.content.decode()
    assert response.status_code == 200
    assert "window.print()" in body
    # The print styles come with the workspaces' one stylesheet.
    assert "workspaces/workspace.css" in body
    assert "@media print" in (Path(settings.BASE_DIR) / "static" / "workspaces" / "workspace.css").read_text(encoding="utf-8")
    assert "每年至少 4 次" in body and "还差 3 次" in body
    assert ws.deputy.name in body


def test_record_page_for_another_year_and_nonsense_year(deputy_client, ws):
    last_year = timezone.localdate().year - 1
    DutyActivity.objects.create(deputy=ws.deputy, kind=DutyKind.REPORT, date=dt.date(last_year, 12, 1), title="向选民述职报告会")
    assert "向选民述职报告会" not in deputy_client.get(reverse(RECORD)).content.decode()
    assert "向选民述职报告会" in deputy_client.get(reverse(RECORD), {"year": last_year}).content.decode()
    assert deputy_client.get(reverse(RECORD), {"year": "abc"}).status_code == 200
    assert deputy_client.get(reverse(RECORD), {"year": "1800"}).context["year"] == timezone.localdate().year


def test_deputy_adds_and_deletes_own_entries_but_not_staff_entries(deputy_client, ws):
    add = reverse("deputy_workspace:activity_add")
    data = {"kind": "inspection", "date": this_year_day(2).isoformat(), "title": "视察老旧小区改造", "station": ws.station.pk}
    response = deputy_client.post(add, data)
    assert response.status_code == 302
    mine = DutyActivity.objects.get(title="视察老旧小区改造")
    assert (mine.deputy, mine.created_by, mine.station) == (ws.deputy, ws.deputy_user, ws.station)
    staff_entry = DutyActivity.objects.create(
        deputy=ws.deputy, kind=DutyKind.CONGRESS, date=this_year_day(2), title="列席常委会会议", created_by=ws.staff
    )
    page = deputy_client.get(reverse(RECORD)).content.decode()
    assert "工作人员录入" in page
    refused = deputy_client.post(reverse("deputy_workspace:activity_delete", args=[staff_entry.pk]), follow=True)
    assert "只能删除自己录入的履职记录" in refused.content.decode()
    deputy_client.post(reverse("deputy_workspace:activity_delete", args=[mine.pk]))
    assert list(DutyActivity.objects.values_list("title", flat=True)) == ["列席常委会会议"]


def test_entry_in_the_future_or_at_a_station_not_mine_is_refused(deputy_client, ws):
    add = reverse("deputy_workspace:activity_add")
    future = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = deputy_client.post(add, {"kind": "training", "date": future, "title": "培训"})
    assert response.status_code == 400 and "日期不能晚于今天" in response.content.decode()
    stranger = deputy_client.post(add, {"kind": "training", "date": this_year_day(1).isoformat(), "title": "x", "station": ws.station2.pk})
    assert stranger.status_code == 400
    with pytest.raises(DutyError):
        duty_activity_create(user=ws.deputy_user, kind="training", date=this_year_day(1), title="x", station_id=ws.station2.pk)
    assert not DutyActivity.objects.exists()


def test_record_page_query_count_does_not_grow_with_entries(deputy_client, ws, django_assert_num_queries):
    def add(n, offset):
        for i in range(n):
            reception(ws, this_year_day(offset + i), received=1)
            DutyActivity.objects.create(deputy=ws.deputy, kind=DutyKind.TRAINING, date=this_year_day(i), title=f"培训{offset + i}")
            suggestion_create(user=ws.deputy_user, title=f"建议{offset + i}", content="c", category_id=None)

    add(2, 0)
    deputy_client.get(reverse(RECORD))
    extra = badge_query_cost(ws.deputy_user)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        deputy_client.get(reverse(RECORD))
    baseline = len(ctx.captured_queries)
    add(5, 10)
    with django_assert_num_queries(baseline):
        deputy_client.get(reverse(RECORD))
    assert baseline == 13 + extra


def test_qr_poster_embeds_the_deputys_message_link(deputy_client, ws, settings):
    settings.PORTAL_PUBLIC_BASE_URL = "https://rd.example.gov.cn"
    response = deputy_client.get(reverse("deputy_workspace:qr"))
    body = response.content.decode()
    url = f"https://rd.example.gov.cn/d/{ws.deputy.public_id}/"
    assert response.status_code == 200
    assert "<svg" in body and url in body
    assert f"/d/{ws.deputy.public_id}/qr.svg" in body
    assert "给Ta留言" in body and "@media print" in body
    assert reverse("intake:deputy", args=[ws.deputy.public_id]) == f"/d/{ws.deputy.public_id}/"
