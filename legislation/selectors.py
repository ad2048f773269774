"""Reads of the legislation app, shared by views, reports and admin.

Figures (README "基层立法联系点"):
- a comment counts once per stored comment, merged duplicates included
  (merging decides how a comment is compiled, not whether it was made);
- held and rejected comments (moderation) are not counted;
- adoption rate = (采纳 + 部分采纳) / comments with an adoption status.
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from .models import Adoption, ArticleChange, ArticleSummary, Channel, Comment, Draft, Moderation, Provision, ProvisionKind

VISIBLE = Q(moderation=Moderation.PUBLISHED)


def public_drafts():
    """Published drafts, newest first, with their public comment counts."""
    return (
        Draft.objects.filter(published=True, current_version__isnull=False)
        .annotate(comment_count=Count("comments", filter=Q(comments__moderation=Moderation.PUBLISHED)))
        .order_by("-opens_on", "-pk")
    )


def station_open_drafts(station):
    today = timezone.localdate()
    return public_drafts().filter(stations=station, opens_on__lte=today, closes_on__gte=today)


def provisions_with_counts(version):
    """Every provision (headings and articles) of a version, each article
    with the number of its published comments (index lg_comment_draft_prov)."""
    return version.provisions.annotate(
        comment_count=Count("comments", filter=Q(comments__moderation=Moderation.PUBLISHED)),
        adopted_count=Count(
            "comments",
            filter=Q(comments__moderation=Moderation.PUBLISHED, comments__adoption__in=[Adoption.ADOPTED, Adoption.PARTIAL]),
        ),
    ).order_by("position")


def articles(version):
    return version.provisions.filter(kind=ProvisionKind.ARTICLE).order_by("position")


@dataclass
class PublicCounts:
    total: int
    answered: int
    by_adoption: dict


def public_counts(draft) -> PublicCounts:
    row = Comment.objects.filter(draft=draft, moderation=Moderation.PUBLISHED).aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=~Q(adoption="")),
        **{value: Count("pk", filter=Q(adoption=value)) for value in Adoption.values},
    )
    return PublicCounts(
        total=row["total"],
        answered=row["answered"],
        by_adoption={label: row[value] for value, label in Adoption.choices},
    )


def version_changes(version):
    return ArticleChange.objects.filter(version=version).select_related("old", "new").order_by("position")


def compile_groups(scope):
    """Top-level comments (not merged into another) per article of the
    current version, each with its published duplicates prefetched; plus
    the summaries of this scope. Four queries whatever the number of rows."""
    draft = scope.draft
    comments = (
        scope.comments()
        .filter(VISIBLE, merged_into__isnull=True)
        .select_related("station", "provision", "forum")
        .prefetch_related(Prefetch("duplicates", queryset=Comment.objects.filter(VISIBLE).select_related("station").order_by("pk")))
        .order_by("created_at", "pk")
    )
    summary_of = {s.provision_id: s for s in ArticleSummary.objects.filter(draft=draft, station=scope.station)}
    groups = {None: {"provision": None, "comments": [], "summary": summary_of.get(None)}}
    for p in articles(draft.current_version):
        groups[p.pk] = {"provision": p, "comments": [], "summary": summary_of.get(p.pk)}
    removed = {}
    for c in comments:
        if c.provision_id in groups:
            group = groups[c.provision_id]
        else:
            group = removed.setdefault(c.provision_id, {"provision": c.provision, "comments": [], "summary": None, "removed": True})
        group["comments"].append(c)
    result = [*groups.values(), *removed.values()]
    for group in result:
        # The same words from different people (duplicates to merge): point
        # each later one at the first.
        first_of = {}
        for c in group["comments"]:
            c.same_as = first_of.setdefault(c.content_key, c)
            if c.same_as is c:
                c.same_as = None
        # Comments made, merged duplicates included (the compiled count).
        group["weight"] = sum(1 + len(c.duplicates.all()) for c in group["comments"])
    return result


def moderation_queue(scope):
    return scope.comments().filter(moderation=Moderation.HELD).select_related("provision", "station").order_by("created_at")


@dataclass
class Stats:
    total: int
    by_channel: list
    by_station: list
    by_article: list
    answered: int
    adopted: int

    @property
    def adoption_rate(self):
        return None if not self.answered else round(100 * self.adopted / self.answered, 1)


def statistics(scope) -> Stats:
    qs = scope.comments().filter(VISIBLE)
    head = qs.aggregate(
        total=Count("pk"),
        answered=Count("pk", filter=~Q(adoption="")),
        adopted=Count("pk", filter=Q(adoption__in=[Adoption.ADOPTED, Adoption.PARTIAL])),
    )
    channel_label = dict(Channel.choices)
    by_channel = [
        (channel_label.get(r["channel"], r["channel"]), r["n"])
        for r in qs.values("channel").annotate(n=Count("pk")).order_by("-n", "channel")
    ]
    by_station = list(qs.values("station__name").annotate(n=Count("pk")).order_by("-n", "station__name"))
    current = scope.draft.current_version_id
    by_article = list(
        qs.values("provision", "provision__label", "provision__position", "provision__version")
        .annotate(n=Count("pk"), adopted=Count("pk", filter=Q(adoption__in=[Adoption.ADOPTED, Adoption.PARTIAL])))
        .order_by()
    )
    for row in by_article:
        # On an article the newest version removed (the comment kept its place).
        row["removed"] = row["provision__version"] not in (None, current)
    # The whole draft first, then the current articles in order, then removed ones.
    by_article.sort(key=lambda r: (r["provision"] is not None, r["removed"], r["provision__position"] or 0))
    return Stats(
        total=head["total"],
        by_channel=by_channel,
        by_station=by_station,
        by_article=by_article,
        answered=head["answered"],
        adopted=head["adopted"],
    )


def comment_by_code(code: str):
    return Comment.objects.filter(tracking_code=code).select_related("draft", "provision", "station", "merged_into").first()


def provision_for_draft(draft, pk):
    try:
        return Provision.objects.get(pk=int(pk), version_id=draft.current_version_id, kind=ProvisionKind.ARTICLE)
    except (Provision.DoesNotExist, ValueError, TypeError):
        return None
