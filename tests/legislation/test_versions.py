"""A new version: per-article diff, comments carried to the matching
article (renumbered, modified), kept and flagged on a removed one."""

import pytest
from django.urls import reverse

from legislation import services
from legislation.models import AnchorState, ArticleChange, ArticleSummary, ChangeKind, CommentAnchorMove
from tests.legislation.conftest import V2, article, comment

pytestmark = pytest.mark.django_db


def test_new_version_records_each_articles_change(draft, world):
    result = services.draft_version_publish(draft=draft, user=world["staff"], text=V2, note="第二稿")
    assert result.version.number == 2 and draft.current_version == result.version
    changes = {
        (c.old.label if c.old else None, c.new.label if c.new else None): c
        for c in ArticleChange.objects.filter(version=result.version).select_related("old", "new")
    }
    assert changes[("第一条", "第一条")].kind == ChangeKind.UNCHANGED
    assert changes[(None, "第十一条")].kind == ChangeKind.ADDED
    assert changes[("第十一条", "第十二条")].kind == ChangeKind.RENUMBERED
    assert changes[("第十七条", None)].kind == ChangeKind.REMOVED
    modified = changes[("第二十一条", "第二十一条")]
    assert modified.kind == ChangeKind.MODIFIED
    assert "<del>二</del>" in modified.diff_html and "<ins>一</ins>" in modified.diff_html
    # The renumbered and reworded speed article is still matched to its old self.
    speed = changes[("第十二条", "第十三条")]
    assert speed.kind == ChangeKind.RENUMBERED and "<ins>" in speed.diff_html


def test_comments_follow_their_article_into_the_new_version(draft, world):
    renumbered = comment(draft, "停放场所要有遮雨棚。", "第十三条")
    unchanged = comment(draft, "总则写得好。", "第一条")
    modified = comment(draft, "罚款太高。", "第二十一条", quote="处五十元以上二百元以下罚款")
    removed = comment(draft, "维护周期要写明。", "第十七条")
    whole = comment(draft, "赞成制定。")
    summary = services.summary_set(
        draft=draft, provision=article(draft, "第十三条"), station=None, user=world["staff"], text="关注停放场所。"
    )

    result = services.draft_version_publish(draft=draft, user=world["staff"], text=V2)
    assert (result.carried, result.orphaned) == (3, 1)
    for c in (renumbered, unchanged, modified, removed, whole):
        c.refresh_from_db()
    assert renumbered.provision.label == "第十四条" and renumbered.provision.version == result.version
    assert renumbered.anchor_state == AnchorState.CARRIED and renumbered.original_label == "第十三条"
    assert unchanged.provision.version == result.version and unchanged.anchor_state == AnchorState.CURRENT
    assert modified.provision.label == "第二十一条" and modified.provision.version == result.version
    assert modified.quote_found is False  # the selected passage was reworded
    assert removed.anchor_state == AnchorState.REMOVED and removed.provision.label == "第十七条"
    assert removed.provision.version.number == 1  # still shown with the text it was about
    assert whole.provision is None
    assert CommentAnchorMove.objects.filter(comment=renumbered, from_label="第十三条", to_label="第十四条").exists()
    assert ArticleSummary.objects.get(pk=summary.pk).provision.label == "第十四条"

    # A third version carries them again, from where they are now.
    services.draft_version_publish(draft=draft, user=world["staff"], text=V2.replace("遮雨", "遮阳"))
    renumbered.refresh_from_db()
    assert renumbered.provision.version.number == 3 and renumbered.provision.label == "第十四条"


def test_diff_page_shows_the_changes_and_the_track_page_the_new_article(client, draft, world):
    c = comment(draft, "停放场所要有遮雨棚。", "第十三条")
    services.draft_version_publish(draft=draft, user=world["staff"], text=V2)
    page = client.get(reverse("legislation:version_diff", args=[draft.pk, 2])).content.decode()
    assert "新增" in page and "删除" in page and "序号调整" in page and "<ins>" in page
    page = client.post(reverse("legislation:track"), {"code": c.tracking_code}).content.decode()
    assert "第十四条" in page and "原第十三条" in page


def test_new_version_page_is_for_staff_only(client, draft, world):
    url = reverse("legislation:version_new", args=[draft.pk])
    client.force_login(world["officer_a"])
    assert client.get(url).status_code == 404
    client.force_login(world["staff"])
    response = client.post(url, {"text": V2, "note": "第二稿"})
    assert response.status_code == 302 and draft.versions.count() == 2
    response = client.post(url, {"text": "没有条文的文字"})
    assert response.status_code == 200 and "没有找到任何条文" in response.content.decode()
