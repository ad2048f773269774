"""seed_demo shows every stage of a consultation, and a second run adds nothing."""

import pytest
from django.core.management import call_command

from legislation.models import AnchorState, Channel, Comment, CommentAnchorMove, Draft, Forum, Report, ReportForward

pytestmark = pytest.mark.django_db


def counts():
    return [m.objects.count() for m in (Draft, Comment, Forum, Report, ReportForward, CommentAnchorMove)]


def test_seed_demo_builds_a_consultation_once(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    draft = Draft.objects.get()
    assert draft.is_open() and draft.stations.filter(code="xhl-gulou").exists()
    assert draft.versions.count() == 2
    channels = set(Comment.objects.values_list("channel", flat=True))
    assert channels == {Channel.ONLINE, Channel.KIOSK, Channel.FORUM, Channel.PAPER}
    assert Comment.objects.filter(merged_into__isnull=False).count() == 1
    assert Comment.objects.filter(anchor_state=AnchorState.CARRIED).exists()
    assert Comment.objects.filter(anchor_state=AnchorState.REMOVED).exists()
    assert Report.objects.get().forwards.count() == 1
    before = counts()
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert counts() == before
