"""Writes of the legislation app (style.md: ``<entity>_<action>``,
keyword-only, atomic, rows locked where state changes)."""

import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from proposals.tracking import new_tracking_code

from . import conf, diffing, parsing, reports, tasks
from .models import (
    Adoption,
    AnchorState,
    ArticleChange,
    ArticleSummary,
    ChangeKind,
    Channel,
    Comment,
    CommentAnchorMove,
    ContactRevealLog,
    Draft,
    DraftAttachment,
    DraftVersion,
    Forum,
    Moderation,
    Provision,
    ProvisionKind,
    Report,
    ReportForward,
    ReportStatus,
    WindowExtension,
)
from .text import content_key, link_count

MSG_WINDOW_SHORT = _("征求意见期不能少于 %(days)s 天。")
MSG_WINDOW_ORDER = _("截止日期不能早于开始日期。")
MSG_NOT_OPEN_YET = _("这部草案还没有开始征求意见（%(date)s 开始）。")
MSG_CLOSED = _("这部草案的征求意见已于 %(date)s 截止，感谢关注。")
MSG_EXTEND_LATER = _("新的截止日期必须晚于现在的截止日期（%(date)s）。")
MSG_REASON = _("请写明延长的理由。")
MSG_STATION_NOT_IN = _("这个联系点没有参加这部草案的征求意见。")
MSG_PROVISION_OTHER = _("所选条文不属于这部草案的当前稿。")
MSG_EMPTY = _("请填写意见内容。")
MSG_PHONE = _("手机号应为 11 位数字，以 1 开头。")
MSG_CONSENT = _("您留了姓名或手机号，请勾选“我同意”；不同意的话，请把姓名和手机号删掉，匿名提交。")
MSG_MERGE_SELF = _("请选择至少两条意见进行合并。")
MSG_MERGE_SCOPE = _("只能合并同一部草案、同一条文下的意见。")
MSG_FORUM_DATE = _("座谈会日期应在征求意见期内（%(start)s 至 %(end)s）。")
MSG_QUOTE = _("所选文字不在该条文中，请重新选择。")


def _today() -> date:
    return timezone.localdate()


def _check_window_length(opens_on: date, closes_on: date) -> None:
    if closes_on < opens_on:
        raise ValidationError(MSG_WINDOW_ORDER, code="order")
    days = conf.get("LEGISLATION_MIN_WINDOW_DAYS")
    if (closes_on - opens_on).days + 1 < days:
        raise ValidationError(MSG_WINDOW_SHORT, code="short", params={"days": days})


# ---------------------------------------------------------------- drafts


@transaction.atomic
def draft_create(
    *,
    user,
    title: str,
    issuing_body: str,
    region,
    opens_on: date,
    closes_on: date,
    text: str,
    explanation: str = "",
    stations=(),
    attachments=(),
) -> Draft:
    _check_window_length(opens_on, closes_on)
    parsed = parsing.parse_text(text)
    draft = Draft.objects.create(
        title=title,
        issuing_body=issuing_body,
        explanation=explanation,
        region=region,
        opens_on=opens_on,
        closes_on=closes_on,
        created_by=user,
    )
    draft.stations.set(stations)
    for upload in attachments:
        DraftAttachment.objects.create(draft=draft, name=upload.name[:200], file=upload)
    version = _version_create(draft=draft, user=user, text=text, parsed=parsed, note="")
    draft.current_version = version
    draft.save(update_fields=["current_version"])
    return draft


def _version_create(*, draft, user, text, parsed, note) -> DraftVersion:
    number = (draft.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = DraftVersion.objects.create(
        draft=draft, number=number, source_text=text, preamble="\n".join(parsed.preamble), note=note, created_by=user
    )
    rows = []
    for position, item in enumerate(parsed.items):
        if isinstance(item, parsing.ParsedArticle):
            rows.append(
                Provision(
                    version=version,
                    kind=ProvisionKind.ARTICLE,
                    number=item.number,
                    label=item.label,
                    text=item.text,
                    chapter=item.chapter,
                    position=position,
                )
            )
        else:
            rows.append(
                Provision(
                    version=version,
                    kind=ProvisionKind.CHAPTER if item.kind == "chapter" else ProvisionKind.SECTION,
                    number=item.number,
                    label=item.label,
                    title=item.title,
                    position=position,
                )
            )
    Provision.objects.bulk_create(rows)
    return version


@dataclass
class VersionResult:
    version: DraftVersion
    carried: int
    orphaned: int


@transaction.atomic
def draft_version_publish(*, draft: Draft, user, text: str, note: str = "") -> VersionResult:
    """A new version: parse, match its articles to the current version's,
    record each article's change with its diff, and carry every comment and
    summary to the matching article (or mark it as on a removed article)."""
    caller_draft = draft
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    parsed = parsing.parse_text(text)
    old_version = draft.current_version
    version = _version_create(draft=draft, user=user, text=text, parsed=parsed, note=note)
    old_articles = list(old_version.provisions.filter(kind=ProvisionKind.ARTICLE).order_by("position"))
    new_articles = list(version.provisions.filter(kind=ProvisionKind.ARTICLE).order_by("position"))
    matches = diffing.match_articles(old_articles, new_articles)
    changes = []
    for position, m in enumerate(matches):
        changes.append(
            ArticleChange(
                version=version,
                old=m.old,
                new=m.new,
                kind=m.kind,
                similarity=round(m.similarity, 3),
                diff_html=diffing.diff_html(m.old.text if m.old else "", m.new.text if m.new else ""),
                position=position,
            )
        )
    ArticleChange.objects.bulk_create(changes)

    carried = orphaned = 0
    now = timezone.now()
    moves = []
    comments = list(Comment.objects.select_for_update().filter(draft=draft, provision__version=old_version))
    change_of_old = {c.old_id: c for c in changes if c.old_id}
    for comment in comments:
        change = change_of_old.get(comment.provision_id)
        if change is None:
            continue
        if change.new_id is None:
            comment.anchor_state = AnchorState.REMOVED
            comment.save(update_fields=["anchor_state"])
            moves.append(CommentAnchorMove(comment=comment, change=change, from_label=change.old.label, to_label="", at=now))
            orphaned += 1
            continue
        comment.provision = change.new
        if change.kind != ChangeKind.UNCHANGED:
            comment.anchor_state = AnchorState.CARRIED
        if comment.quote:
            comment.quote_found = comment.quote in change.new.text
        comment.save(update_fields=["provision", "anchor_state", "quote_found"])
        moves.append(CommentAnchorMove(comment=comment, change=change, from_label=change.old.label, to_label=change.new.label, at=now))
        carried += 1
    CommentAnchorMove.objects.bulk_create(moves)
    for summary in ArticleSummary.objects.select_for_update().filter(draft=draft, provision__version=old_version):
        change = change_of_old.get(summary.provision_id)
        if change is not None and change.new_id is not None:
            summary.provision = change.new
            summary.save(update_fields=["provision"])
    draft.current_version = version
    draft.save(update_fields=["current_version"])
    caller_draft.current_version = version  # the caller's object is not stale
    return VersionResult(version=version, carried=carried, orphaned=orphaned)


@transaction.atomic
def draft_window_extend(*, draft: Draft, user, new_closes_on: date, reason: str) -> WindowExtension:
    caller_draft = draft
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(MSG_REASON, code="reason")
    if new_closes_on <= draft.closes_on:
        raise ValidationError(MSG_EXTEND_LATER, code="later", params={"date": draft.closes_on.isoformat()})
    ext = WindowExtension.objects.create(draft=draft, old_closes_on=draft.closes_on, new_closes_on=new_closes_on, reason=reason, by=user)
    draft.closes_on = new_closes_on
    draft.save(update_fields=["closes_on"])
    caller_draft.closes_on = new_closes_on
    return ext


# ---------------------------------------------------------------- comments


def check_window(draft: Draft, *, on: date | None = None, grace_days: int = 0) -> None:
    on = on or _today()
    if on < draft.opens_on or not draft.published:
        raise ValidationError(MSG_NOT_OPEN_YET, code="not_open", params={"date": draft.opens_on.isoformat()})
    if on > draft.closes_on + timedelta(days=grace_days):
        raise ValidationError(MSG_CLOSED, code="closed", params={"date": draft.closes_on.isoformat()})


def moderation_for(content: str) -> tuple[str, str]:
    lowered = content.lower()
    for word in conf.get("LEGISLATION_HELD_WORDS"):
        if word.lower() in lowered:
            return Moderation.HELD, "words"
    if link_count(content) > conf.get("LEGISLATION_MAX_LINKS"):
        return Moderation.HELD, "links"
    return Moderation.PUBLISHED, ""


@dataclass
class Submitted:
    comment: Comment
    created: bool


def comment_submit(
    *,
    draft: Draft,
    content: str,
    channel: str,
    provision: Provision | None = None,
    quote: str = "",
    station=None,
    forum: Forum | None = None,
    name: str = "",
    phone: str = "",
    consent: bool = False,
    entered_by=None,
    client_key: str = "",
    submission_key: str = "",
) -> Submitted:
    """One comment. A repeat of the same form (same ``submission_key``) or
    the same text on the same article from the same address/device returns
    the comment already stored (``created`` False): nothing is stored twice."""
    content = (content or "").strip()
    if not content:
        raise ValidationError(MSG_EMPTY, code="empty")
    officer_entry = channel in (Channel.FORUM, Channel.PAPER)
    # Officers transcribe what was gathered in the window a few days late.
    check_window(draft, grace_days=conf.get("LEGISLATION_ENTRY_GRACE_DAYS") if officer_entry else 0)
    if station is not None and not draft.stations.filter(pk=station.pk).exists():
        raise ValidationError(MSG_STATION_NOT_IN, code="station")
    if provision is not None and (provision.version_id != draft.current_version_id or provision.kind != ProvisionKind.ARTICLE):
        raise ValidationError(MSG_PROVISION_OTHER, code="provision")
    quote = (quote or "").strip()[:500]
    if quote and (provision is None or quote not in provision.text):
        raise ValidationError(MSG_QUOTE, code="quote")
    phone = crypto.normalize_phone(phone)
    if phone and not crypto.is_valid_mobile(phone):
        raise ValidationError(MSG_PHONE, code="phone")
    if (name or phone) and not consent:
        raise ValidationError(MSG_CONSENT, code="consent")
    key = content_key(content)
    if submission_key:
        existing = Comment.objects.filter(draft=draft, submission_key=submission_key).first()
        if existing is not None:
            return Submitted(existing, False)
    if client_key:
        existing = Comment.objects.filter(
            draft=draft, provision=provision, content_key=key, client_key=client_key, merged_into__isnull=True
        ).first()
        if existing is not None:
            return Submitted(existing, False)
    moderation, reason = moderation_for(content)
    if officer_entry:
        moderation, reason = Moderation.PUBLISHED, ""  # the officer already read it
    for _attempt in range(5):
        try:
            with transaction.atomic():
                comment = Comment.objects.create(
                    draft=draft,
                    version_id=draft.current_version_id,
                    provision=provision,
                    original_label=provision.label if provision else "",
                    quote=quote,
                    content=content,
                    content_key=key,
                    channel=channel,
                    station=station,
                    forum=forum,
                    name=name.strip(),
                    phone_encrypted=crypto.encrypt(phone),
                    phone_masked=crypto.mask_phone(phone),
                    consent_given=bool(consent and (name or phone)),
                    tracking_code=new_tracking_code(),
                    moderation=moderation,
                    moderation_reason=reason,
                    entered_by=entered_by,
                    client_key=client_key,
                    submission_key=submission_key,
                )
            return Submitted(comment, True)
        except IntegrityError:
            if submission_key:
                existing = Comment.objects.filter(draft=draft, submission_key=submission_key).first()
                if existing is not None:
                    return Submitted(existing, False)
            continue  # a tracking code collision: draw again
    raise RuntimeError("could not allocate a tracking code")


@transaction.atomic
def forum_record(*, draft: Draft, station, user, held_on: date, place: str, participants: int, note: str, comments: list) -> Forum:
    """A 座谈会 and its comments (``comments``: (provision or None, text))."""
    start, end = draft.opens_on, draft.closes_on
    if not (start <= held_on <= end):
        raise ValidationError(MSG_FORUM_DATE, code="forum_date", params={"start": start, "end": end})
    if not draft.stations.filter(pk=station.pk).exists():
        raise ValidationError(MSG_STATION_NOT_IN, code="station")
    forum = Forum.objects.create(
        draft=draft, station=station, held_on=held_on, place=place, participants=participants, note=note, recorded_by=user
    )
    for provision, text in comments:
        comment_submit(draft=draft, content=text, channel=Channel.FORUM, provision=provision, station=station, forum=forum, entered_by=user)
    return forum


@transaction.atomic
def comments_merge(*, user, target: Comment, duplicates: list[Comment]) -> Comment:
    """Merge duplicates into ``target``: they stay stored and counted (the
    count of a merged comment is 1 + its duplicates) but are compiled and
    answered once, through the target."""
    ids = [c.pk for c in duplicates if c.pk != target.pk]
    if not ids:
        raise ValidationError(MSG_MERGE_SELF, code="merge_self")
    rows = list(Comment.objects.select_for_update().filter(pk__in=[target.pk, *ids]).order_by("pk"))
    target = next(c for c in rows if c.pk == target.pk)
    for c in rows:
        if c.draft_id != target.draft_id or c.provision_id != target.provision_id:
            raise ValidationError(MSG_MERGE_SCOPE, code="merge_scope")
    if target.merged_into_id:
        target.merged_into = None
        target.save(update_fields=["merged_into"])
    # Anything already merged into one of the duplicates follows it.
    Comment.objects.filter(merged_into_id__in=ids).update(merged_into=target)
    Comment.objects.filter(pk__in=ids).update(merged_into=target)
    tags = list(dict.fromkeys([*target.tags, *(t for c in rows if c.pk != target.pk for t in c.tags)]))
    if tags != target.tags:
        target.tags = tags
        target.save(update_fields=["tags"])
    return target


def comment_unmerge(*, comment: Comment) -> None:
    with transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(merged_into=None)


def comment_tag(*, comment: Comment, tags: list[str]) -> Comment:
    clean = list(dict.fromkeys(t.strip()[:20] for t in tags if t.strip()))[:10]
    with transaction.atomic():
        comment = Comment.objects.select_for_update().get(pk=comment.pk)
        comment.tags = clean
        comment.save(update_fields=["tags"])
    return comment


@transaction.atomic
def summary_set(*, draft: Draft, provision: Provision | None, station, user, text: str) -> ArticleSummary | None:
    text = (text or "").strip()
    Draft.objects.select_for_update().filter(pk=draft.pk).first()  # serialises writers of this draft's summaries
    qs = ArticleSummary.objects.filter(draft=draft, provision=provision, station=station)
    if not text:
        qs.delete()
        return None
    summary, _created = ArticleSummary.objects.update_or_create(
        draft=draft, provision=provision, station=station, defaults={"text": text, "updated_by": user, "updated_at": timezone.now()}
    )
    return summary


@transaction.atomic
def comment_feedback(*, comment: Comment, user, adoption: str, reason: str) -> Comment:
    """The adoption status and its reason; a merged comment's duplicates get
    the same answer (each commenter sees it through their own code)."""
    if adoption not in Adoption.values:
        raise ValidationError(_("请选择采纳情况。"), code="adoption")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("请写明理由。"), code="reason")
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    now = timezone.now()
    Comment.objects.filter(pk=comment.pk).update(adoption=adoption, adoption_reason=reason, adoption_at=now, adoption_by=user)
    Comment.objects.filter(merged_into=comment).update(adoption=adoption, adoption_reason=reason, adoption_at=now, adoption_by=user)
    comment.refresh_from_db()
    return comment


@transaction.atomic
def comment_moderate(*, comment: Comment, user, publish: bool) -> Comment:
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.moderation = Moderation.PUBLISHED if publish else Moderation.REJECTED
    comment.moderation_reason = f"{comment.moderation_reason} · {user.get_username()}"[:200]
    comment.save(update_fields=["moderation", "moderation_reason"])
    return comment


@transaction.atomic
def contact_reveal(*, comment: Comment, user, reason: str = "") -> str:
    ContactRevealLog.objects.create(comment=comment, user=user, reason=reason[:200])
    return crypto.decrypt(comment.phone_encrypted)


# ---------------------------------------------------------------- reports


@transaction.atomic
def report_compile(*, draft: Draft, station, user) -> Report:
    """Number a new 意见汇总报告 (of one station's comments, or all) and have
    its PDF and XLSX rendered in the background once this commits."""
    draft = Draft.objects.select_for_update().get(pk=draft.pk)
    number = Report.objects.filter(draft=draft, station=station).count() + 1
    report = Report.objects.create(draft=draft, version_id=draft.current_version_id, station=station, number=number, compiled_by=user)
    queue = conf.get("LEGISLATION_REPORT_QUEUE")
    transaction.on_commit(lambda: tasks.render_report.apply_async(args=[report.pk], **({"queue": queue} if queue else {})))
    return report


def report_render(*, report_id: int) -> Report:
    """Compile the comments as they are now and write the files. Safe to run
    twice: a report already rendered is left alone."""
    with transaction.atomic():
        report = Report.objects.select_for_update(of=("self",)).select_related("draft", "station").get(pk=report_id)
        if report.status == ReportStatus.READY:
            return report
        data = reports.compile_data(draft=report.draft, station=report.station)
        data.number = report.number
        # Served only through access_report (/legislation/reports/…); a random
        # part keeps the stored name unguessable under MEDIA_ROOT as well.
        stem = f"report-{report.draft_id}-{report.number}-{secrets.token_hex(8)}"
        report.pdf.save(f"{stem}.pdf", ContentFile(reports.render_pdf(data)), save=False)
        report.xlsx.save(f"{stem}.xlsx", ContentFile(reports.render_xlsx(data)), save=False)
        report.comment_count = data.total
        report.status = ReportStatus.READY
        report.error = ""
        report.rendered_at = timezone.now()
        report.save(update_fields=["pdf", "xlsx", "comment_count", "status", "error", "rendered_at"])
    return report


def report_render_failed(*, report_id: int, error: str) -> None:
    with transaction.atomic():
        Report.objects.filter(pk=report_id).exclude(status=ReportStatus.READY).update(status=ReportStatus.FAILED, error=error[:300])


@transaction.atomic
def report_forward(*, report: Report, user, to_body: str, note: str = "") -> ReportForward:
    to_body = (to_body or "").strip() or conf.get("LEGISLATION_FORWARD_TO")
    return ReportForward.objects.create(report=report, to_body=to_body, note=(note or "").strip(), by=user)
