import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def notify(user, n=1, **kwargs):
    return [
        Notification.objects.create(user=user, title=f"通知{i}", body="内容", url=kwargs.get("url", "/unit/"), created_at=timezone.now())
        for i in range(n)
    ]


def test_anonymous_is_sent_to_login():
    response = pytest.importorskip("django.test").Client().get(reverse("notifications:list"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_list_shows_only_own_notifications_with_a_fixed_number_of_queries(client, django_assert_num_queries):
    me, other = UserFactory(), UserFactory()
    notify(me, 3)
    notify(other, 1)
    Notification.objects.filter(user=other).update(title="别人的通知")
    client.force_login(me)
    client.get(reverse("notifications:list"))  # warm the session
    with django_assert_num_queries(4):  # session, user, count, page
        response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    assert [n.user_id for n in response.context["notifications"]] == [me.pk] * 3
    assert "别人的通知" not in response.content.decode()
    notify(me, 10)
    with django_assert_num_queries(4):
        client.get(reverse("notifications:list"))


def test_mark_read_own_and_404_for_someone_elses(client):
    me, other = UserFactory(), UserFactory()
    [mine] = notify(me)
    [theirs] = notify(other)
    client.force_login(me)
    response = client.post(reverse("notifications:read", args=[mine.pk]), {"open": "1"})
    assert response.status_code == 302 and response["Location"] == "/unit/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(reverse("notifications:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None
    assert client.get(reverse("notifications:read", args=[mine.pk])).status_code == 405


def test_external_link_in_a_notification_is_not_followed(client):
    me = UserFactory()
    [n] = notify(me, url="https://evil.example.com/")
    client.force_login(me)
    response = client.post(reverse("notifications:read", args=[n.pk]), {"open": "1"})
    assert response["Location"] == reverse("notifications:list")


def test_read_all_and_unread_filter(client):
    me, other = UserFactory(), UserFactory()
    notify(me, 2)
    notify(other, 1)
    client.force_login(me)
    assert len(client.get(reverse("notifications:list") + "?unread=1").context["notifications"]) == 2
    client.post(reverse("notifications:read_all"))
    assert Notification.objects.filter(user=me, read_at__isnull=True).count() == 0
    assert Notification.objects.filter(user=other, read_at__isnull=True).count() == 1
    assert len(client.get(reverse("notifications:list") + "?unread=1").context["notifications"]) == 0


def test_badge_counts_unread_for_the_request_user_in_one_query(django_assert_num_queries):
    me = UserFactory()
    notify(me, 3)
    Notification.objects.filter(pk=Notification.objects.filter(user=me).first().pk).update(read_at=timezone.now())
    request = RequestFactory().get("/")
    request.user = me
    template = Template('{% include "notifications/_badge.html" %}')
    with django_assert_num_queries(1):
        html = template.render(Context({"request": request}))
    assert ">2</span>" in html and reverse("notifications:list") in html


def test_staff_see_their_own_notifications_in_admin(client, world):
    notify(world.staff, 2)
    notify(world.city_staff, 1)
    client.force_login(world.staff)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    assert {n.user_id for n in response.context["cl"].result_list} == {world.staff.pk}
    theirs = Notification.objects.get(user=world.city_staff)
    assert client.get(reverse("admin:notifications_notification_change", args=[theirs.pk])).status_code in (302, 403, 404)
