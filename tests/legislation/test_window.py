"""The comment window: minimum length, opening and closing enforced through
every door, extensions with a recorded reason."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from legislation import services
from legislation.models import Channel, Comment, WindowExtension
from tests.legislation.conftest import article, make_draft

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate


def test_a_window_shorter_than_thirty_days_is_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_draft(world, opens_on=TODAY(), closes_on=TODAY() + dt.timedelta(days=28))
    assert "30" in exc.value.messages[0]
    make_draft(world, opens_on=TODAY(), closes_on=TODAY() + dt.timedelta(days=29))  # 30 days counting both ends


def test_the_minimum_is_configurable(world, settings):
    settings.LEGISLATION_MIN_WINDOW_DAYS = 15
    make_draft(world, opens_on=TODAY(), closes_on=TODAY() + dt.timedelta(days=14))


def test_comments_before_opening_and_after_closing_are_refused(world):
    future = make_draft(world, opens_on=TODAY() + dt.timedelta(days=2), closes_on=TODAY() + dt.timedelta(days=40))
    with pytest.raises(ValidationError, match="还没有开始"):
        services.comment_submit(draft=future, content="意见", channel=Channel.ONLINE)
    past = make_draft(world, opens_on=TODAY() - dt.timedelta(days=40), closes_on=TODAY() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="已于"):
        services.comment_submit(draft=past, content="意见", channel=Channel.ONLINE)
    assert not Comment.objects.exists()


def test_closed_draft_page_offers_no_form_and_refuses_a_post(client, world):
    past = make_draft(world, opens_on=TODAY() - dt.timedelta(days=40), closes_on=TODAY() - dt.timedelta(days=1))
    url = reverse("legislation:draft", args=[past.pk])
    page = client.get(url).content.decode()
    assert "comment-form" not in page and "截止" in page
    response = client.post(url, {"content": "迟到的意见", "submission_key": "k1"})
    assert response.status_code == 200 and not Comment.objects.exists()
    assert "已于" in response.content.decode()


def test_officers_may_enter_paper_comments_a_few_days_after_closing(world, settings):
    settings.LEGISLATION_ENTRY_GRACE_DAYS = 3
    past = make_draft(world, opens_on=TODAY() - dt.timedelta(days=40), closes_on=TODAY() - dt.timedelta(days=2))
    services.comment_submit(
        draft=past, content="座谈会上的书面意见", channel=Channel.PAPER, station=world["a"], entered_by=world["officer_a"]
    )
    with pytest.raises(ValidationError):
        services.comment_submit(draft=past, content="网上意见", channel=Channel.ONLINE)
    settings.LEGISLATION_ENTRY_GRACE_DAYS = 1
    with pytest.raises(ValidationError):
        services.comment_submit(draft=past, content="太晚了", channel=Channel.PAPER, station=world["a"], entered_by=world["officer_a"])


def test_extension_needs_a_reason_and_a_later_date_and_reopens_the_window(client, world):
    past = make_draft(world, opens_on=TODAY() - dt.timedelta(days=40), closes_on=TODAY() - dt.timedelta(days=1))
    with pytest.raises(ValidationError, match="理由"):
        services.draft_window_extend(draft=past, user=world["staff"], new_closes_on=TODAY() + dt.timedelta(days=10), reason=" ")
    with pytest.raises(ValidationError, match="晚于"):
        services.draft_window_extend(draft=past, user=world["staff"], new_closes_on=past.closes_on, reason="群众要求")
    client.force_login(world["staff"])
    new_date = TODAY() + dt.timedelta(days=10)
    response = client.post(
        reverse("legislation:extend", args=[past.pk]), {"new_closes_on": new_date.isoformat(), "reason": "多个社区要求延长以便组织座谈"}
    )
    assert response.status_code == 302
    ext = WindowExtension.objects.get()
    assert (ext.old_closes_on, ext.new_closes_on, ext.by) == (TODAY() - dt.timedelta(days=1), new_date, world["staff"])
    past.refresh_from_db()
    services.comment_submit(draft=past, content="延长后的意见", channel=Channel.ONLINE, provision=None)
    client.force_login(world["officer_a"])
    assert client.get(reverse("legislation:extend", args=[past.pk])).status_code == 404


def test_forum_date_must_lie_in_the_window(draft, world):
    with pytest.raises(ValidationError, match="座谈会日期"):
        services.forum_record(
            draft=draft,
            station=world["a"],
            user=world["officer_a"],
            held_on=draft.opens_on - dt.timedelta(days=1),
            place="会议室",
            participants=10,
            note="",
            comments=[(article(draft, "第一条"), "意见")],
        )
