"""Pages of the legislation app: the public draft page (phone-sized, also
opened from a station kiosk), tracking, and the officers' and staff's
compilation pages under /legislation/manage/."""

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from proposals.tracking import normalize_tracking_code
from regions.scoping import scope_queryset
from stations.models import Station

from . import access, conf, flood, forms, parsing, selectors, services
from .models import Channel, Comment, Draft, DraftVersion, ProvisionKind
from .text import client_key

MSG_RATE = gettext_lazy("提交太频繁了，请稍后再试。如有更多意见，可以到联系点当面提出。")
MSG_TRACK_RATE = gettext_lazy("查询太频繁了，请稍后再试。")
SESSION_DONE = "legislation_done"


def _form_errors(form, exc: ValidationError, field="content"):
    for message in exc.messages:
        form.add_error(field if field in form.fields else None, message)


# ---------------------------------------------------------------- public


def _idle(station_code) -> dict:
    """On a station's pages the screen returns to the station's kiosk after
    ``LEGISLATION_KIOSK_IDLE_SECONDS`` without a touch (the next resident
    must not see what the last one typed)."""
    if not station_code:
        return {}
    return {"idle_url": reverse("intake:kiosk", args=[station_code]), "idle_seconds": conf.get("LEGISLATION_KIOSK_IDLE_SECONDS")}


def draft_list(request):
    drafts = list(selectors.public_drafts()[:50])
    today = timezone.localdate()
    return render(request, "legislation/draft_list.html", {"drafts": drafts, "today": today})


def station_entry(request, code):
    """From a station's kiosk: the drafts open for comment at this station."""
    station = get_object_or_404(Station, code=code, is_active=True)
    drafts = list(selectors.station_open_drafts(station))
    if len(drafts) == 1:
        return redirect("legislation:draft_station", pk=drafts[0].pk, code=station.code)
    return render(request, "legislation/station_entry.html", {"station": station, "drafts": drafts})


def draft_page(request, pk, code=None):
    draft = access.access_public_draft(pk)
    station = None
    if code is not None:
        station = draft.stations.filter(code=code, is_active=True).first()
        if station is None:
            raise Http404
    version = draft.current_version
    provisions = list(selectors.provisions_with_counts(version))
    by_pk = {str(p.pk): p for p in provisions if p.kind == ProvisionKind.ARTICLE}
    device, new_device = flood.device_id(request)
    form = forms.CommentForm(request.POST or None, initial={"submission_key": uuid.uuid4().hex})
    if request.GET.get("article") in by_pk and request.method == "GET":
        form.initial["provision"] = request.GET["article"]
    is_open = draft.is_open()
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        provision = by_pk.get(data["provision"]) if data["provision"] else None
        if data["provision"] and provision is None:
            form.add_error(None, services.MSG_PROVISION_OTHER)
        elif data.get("hp_note"):
            # A bot filled the hidden field: accept silently, store nothing.
            return redirect(request.path)
        else:
            ip = flood.client_ip(request)
            address_limit = conf.get("LEGISLATION_RATE_KIOSK_DEVICE" if station else "LEGISLATION_RATE_ADDRESS")
            device_limit = conf.get("LEGISLATION_RATE_KIOSK_DEVICE" if station else "LEGISLATION_RATE_DEVICE")
            if not (flood.hit("addr", ip, address_limit) and flood.hit("dev", device, device_limit)):
                form.add_error(None, MSG_RATE)
                status = 429
            else:
                try:
                    result = services.comment_submit(
                        draft=draft,
                        content=data["content"],
                        channel=Channel.KIOSK if station else Channel.ONLINE,
                        provision=provision,
                        quote=data["quote"],
                        station=station,
                        name=data["name"],
                        phone=data["phone"],
                        consent=data["consent"],
                        client_key=client_key(ip, device),
                        submission_key=data["submission_key"],
                    )
                except ValidationError as exc:
                    _form_errors(form, exc)
                else:
                    if not result.created:
                        flood.refund("addr", ip)
                        flood.refund("dev", device)
                    request.session[SESSION_DONE] = result.comment.tracking_code
                    target = (
                        reverse("legislation:done_station", args=[draft.pk, station.code])
                        if station
                        else reverse("legislation:done", args=[draft.pk])
                    )
                    response = redirect(target)
                    if new_device:
                        flood.set_device_cookie(response, request, device)
                    return response
    elif request.method == "POST":
        status = 400
    counts = selectors.public_counts(draft)
    response = render(
        request,
        "legislation/draft_page.html",
        {
            "draft": draft,
            "version": version,
            "provisions": provisions,
            "station": station,
            "form": form,
            "is_open": is_open,
            "counts": counts,
            "today": timezone.localdate(),
            "selected": by_pk.get(str(form["provision"].value() or "")),
            "attachments": list(draft.attachments.all()),
            **_idle(station.code if station else None),
        },
        status=status,
    )
    if new_device:
        flood.set_device_cookie(response, request, device)
    return response


def done(request, pk, code=None):
    draft = access.access_public_draft(pk)
    tracking = request.session.get(SESSION_DONE)
    comment = Comment.objects.filter(tracking_code=tracking, draft=draft).first() if tracking else None
    if comment is None:
        return redirect("legislation:draft", pk=draft.pk)
    back = reverse("legislation:draft_station", args=[draft.pk, code]) if code else reverse("legislation:draft", args=[draft.pk])
    return render(request, "legislation/done.html", {"draft": draft, "comment": comment, "back": back, **_idle(code)})


def version_diff(request, pk, number):
    draft = access.access_public_draft(pk)
    version = get_object_or_404(DraftVersion, draft=draft, number=number)
    changes = list(selectors.version_changes(version))
    return render(request, "legislation/version_diff.html", {"draft": draft, "version": version, "changes": changes})


def track(request):
    form = forms.TrackForm(request.POST or request.GET or None)
    comment = None
    status = 200
    if form.is_bound and form.is_valid():
        if not flood.hit("track", flood.client_ip(request), (30, 600)):
            form.add_error(None, MSG_TRACK_RATE)
            status = 429
        else:
            comment = selectors.comment_by_code(normalize_tracking_code(form.cleaned_data["code"]))
            if comment is None:
                form.add_error("code", _("没有找到这个查询码，请核对后再输入。"))
                status = 404
    return render(request, "legislation/track.html", {"form": form, "comment": comment}, status=status)


# ---------------------------------------------------------------- officers and staff


@login_required
def manage_list(request):
    staff_drafts = access.drafts_for_staff(request.user).select_related("current_version")
    officer_drafts = Draft.objects.filter(stations__liaison_officer=request.user).distinct()
    drafts = Draft.objects.filter(Q(pk__in=staff_drafts.values("pk")) | Q(pk__in=officer_drafts.values("pk"))).order_by("-opens_on", "-pk")[
        :100
    ]
    can_create = request.user.is_staff
    return render(request, "legislation/manage_list.html", {"drafts": drafts, "can_create": can_create})


def _scope(request, pk):
    return access.access_draft_scope(request.user, pk, request.GET.get("station") or request.POST.get("station") or None)


def _back(scope, name="legislation:manage"):
    url = reverse(name, args=[scope.draft.pk])
    return f"{url}?station={scope.station.code}" if scope.station else url


@login_required
def manage(request, pk):
    scope = _scope(request, pk)
    groups = selectors.compile_groups(scope)
    reports = list(scope.draft.reports.filter(station=scope.station).select_related("compiled_by").prefetch_related("forwards")[:20])
    held = selectors.moderation_queue(scope).count()
    return render(
        request,
        "legislation/manage.html",
        {
            "scope": scope,
            "draft": scope.draft,
            "groups": groups,
            "reports": reports,
            "held": held,
            "feedback_form": forms.FeedbackForm(),
            "adoption_choices": forms.Adoption.choices,
            "forward_default": conf.get("LEGISLATION_FORWARD_TO"),
            # Staff switch between every participating station; an officer
            # of several of them between theirs.
            "stations": list(scope.draft.stations.order_by("code"))
            if scope.is_staff
            else list(access.officer_stations(request.user, scope.draft)),
        },
    )


@login_required
@require_POST
def manage_merge(request, pk):
    scope = _scope(request, pk)
    ids = request.POST.getlist("comment")
    comments = list(scope.comments().filter(pk__in=[i for i in ids if i.isdigit()]).order_by("created_at", "pk"))
    if len(comments) < 2:
        messages.error(request, services.MSG_MERGE_SELF)
        return redirect(_back(scope))
    try:
        services.comments_merge(user=request.user, target=comments[0], duplicates=comments[1:])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已合并 %(n)d 条重复意见。") % {"n": len(comments) - 1})
    return redirect(_back(scope))


def _comment_in_scope(request, comment_pk):
    comment, scope = access.access_comment(request.user, comment_pk)
    return comment, scope


@login_required
@require_POST
def comment_unmerge(request, comment_pk):
    comment, scope = _comment_in_scope(request, comment_pk)
    services.comment_unmerge(comment=comment)
    return redirect(_back(scope))


@login_required
@require_POST
def comment_tags(request, comment_pk):
    comment, scope = _comment_in_scope(request, comment_pk)
    form = forms.TagForm(request.POST)
    if form.is_valid():
        services.comment_tag(comment=comment, tags=form.cleaned_data["tags"])
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(_back(scope) + f"#c{comment.pk}")


@login_required
@require_POST
def comment_feedback(request, comment_pk):
    comment, scope = _comment_in_scope(request, comment_pk)
    form = forms.FeedbackForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    else:
        try:
            services.comment_feedback(comment=comment, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("已记录采纳情况，意见人可凭查询码看到。"))
    return redirect(_back(scope) + f"#c{comment.pk}")


@login_required
@require_POST
def comment_moderate(request, comment_pk):
    comment, scope = _comment_in_scope(request, comment_pk)
    services.comment_moderate(comment=comment, user=request.user, publish=request.POST.get("decision") == "publish")
    return redirect(_back(scope, "legislation:moderation"))


@login_required
@require_POST
def comment_reveal(request, comment_pk):
    comment, scope = _comment_in_scope(request, comment_pk)
    phone = services.contact_reveal(comment=comment, user=request.user, reason=request.POST.get("reason", "")[:200])
    return render(request, "legislation/reveal.html", {"comment": comment, "phone": phone, "back": _back(scope)})


@login_required
@require_POST
def manage_summary(request, pk):
    scope = _scope(request, pk)
    form = forms.SummaryForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("摘要内容有误。"))
    raw = form.cleaned_data["provision"]
    provision = None
    if raw:
        provision = selectors.provision_for_draft(scope.draft, raw)
        if provision is None:
            raise Http404
    services.summary_set(draft=scope.draft, provision=provision, station=scope.station, user=request.user, text=form.cleaned_data["text"])
    messages.success(request, _("摘要已保存。"))
    return redirect(_back(scope) + (f"#p{provision.pk}" if provision else ""))


@login_required
def forum_new(request, pk):
    scope = _scope(request, pk)
    stations = list(scope.draft.stations.order_by("code")) if scope.station is None else [scope.station]
    form = forms.ForumForm(request.POST or None)
    station = scope.station
    if request.method == "POST" and scope.station is None:
        station = next((s for s in stations if s.code == request.POST.get("forum_station")), None)
    if request.method == "POST" and form.is_valid():
        if station is None:
            form.add_error(None, _("请选择举行座谈会的联系点。"))
        else:
            numbered = {p.number: p for p in selectors.articles(scope.draft.current_version)}
            items, unknown = [], []
            for line in form.cleaned_data["comments"]:
                number, text = parsing.split_article_prefix(line)
                if number is not None and number not in numbered:
                    unknown.append(line)
                items.append((numbered.get(number) if number else None, text))
            if unknown:
                form.add_error("comments", _("这些意见写的条文编号在当前稿中不存在：%(lines)s") % {"lines": "；".join(unknown)})
            else:
                try:
                    forum = services.forum_record(
                        draft=scope.draft,
                        station=station,
                        user=request.user,
                        held_on=form.cleaned_data["held_on"],
                        place=form.cleaned_data["place"],
                        participants=form.cleaned_data["participants"],
                        note=form.cleaned_data["note"],
                        comments=items,
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    messages.success(request, _("座谈会已记录，共 %(n)d 条意见。") % {"n": forum.comments.count()})
                    return redirect(_back(scope))
    return render(request, "legislation/forum_form.html", {"scope": scope, "draft": scope.draft, "form": form, "stations": stations})


@login_required
def paper_new(request, pk):
    scope = _scope(request, pk)
    stations = list(scope.draft.stations.order_by("code")) if scope.station is None else [scope.station]
    provisions = list(selectors.articles(scope.draft.current_version))
    form = forms.PaperCommentForm(request.POST or None, provisions=provisions, initial={"submission_key": uuid.uuid4().hex})
    if request.method == "POST" and form.is_valid():
        station = scope.station or next((s for s in stations if s.code == request.POST.get("paper_station")), None)
        if station is None:
            form.add_error(None, _("请选择收到这份意见的联系点。"))
        else:
            data = form.cleaned_data
            provision = next((p for p in provisions if str(p.pk) == data["provision"]), None)
            try:
                result = services.comment_submit(
                    draft=scope.draft,
                    content=data["content"],
                    channel=Channel.PAPER,
                    provision=provision,
                    station=station,
                    name=data["name"],
                    phone=data["phone"],
                    consent=data["consent"],
                    entered_by=request.user,
                    submission_key=data["submission_key"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("已录入。请把查询码 %(code)s 告诉意见人。") % {"code": result.comment.tracking_code_display})
                return redirect(_back(scope, "legislation:paper"))
    return render(request, "legislation/paper_form.html", {"scope": scope, "draft": scope.draft, "form": form, "stations": stations})


@login_required
def moderation(request, pk):
    scope = _scope(request, pk)
    return render(
        request,
        "legislation/moderation.html",
        {"scope": scope, "draft": scope.draft, "comments": list(selectors.moderation_queue(scope)[:200])},
    )


@login_required
def stats(request, pk):
    scope = _scope(request, pk)
    return render(request, "legislation/stats.html", {"scope": scope, "draft": scope.draft, "stats": selectors.statistics(scope)})


@login_required
@require_POST
def report_compile(request, pk):
    scope = _scope(request, pk)
    report = services.report_compile(draft=scope.draft, station=scope.station, user=request.user)
    messages.success(request, _("第 %(n)d 次意见汇总报告正在生成，稍后刷新本页即可下载。") % {"n": report.number})
    return redirect(_back(scope) + "#reports")


@login_required
def report_file(request, report_pk, fmt):
    if fmt not in ("pdf", "xlsx"):
        raise Http404
    report = access.access_report(request.user, report_pk)
    field = report.pdf if fmt == "pdf" else report.xlsx
    if not field:
        raise Http404  # still rendering
    name = f"意见汇总报告-{report.draft.pk}-{report.number}.{fmt}"
    return FileResponse(field.open("rb"), as_attachment=fmt != "pdf", filename=name)


@login_required
@require_POST
def report_forward(request, report_pk):
    report = access.access_report(request.user, report_pk)
    form = forms.ForwardForm(request.POST)
    if form.is_valid():
        services.report_forward(report=report, user=request.user, **form.cleaned_data)
        messages.success(request, _("已记录报送。"))
    else:
        messages.error(request, _("请填写报送机关。"))
    url = reverse("legislation:manage", args=[report.draft_id])
    return redirect((f"{url}?station={report.station.code}" if report.station else url) + "#reports")


def _staff_scope(request, pk):
    scope = _scope(request, pk)
    if not scope.is_staff:
        raise Http404
    return scope


@login_required
def draft_new(request):
    if not request.user.is_staff:
        raise Http404
    stations = scope_queryset(Station.objects.filter(is_active=True), request.user, "region").order_by("code")
    form = forms.DraftForm(request.POST or None, request.FILES or None, stations=stations)
    if request.method == "POST" and form.is_valid():
        region = request.user.region
        if region is None:
            form.add_error(None, _("您的账号还没有管辖区域，不能发布草案。"))
        else:
            data = form.cleaned_data
            try:
                draft = services.draft_create(
                    user=request.user,
                    title=data["title"],
                    issuing_body=data["issuing_body"],
                    explanation=data["explanation"],
                    region=region,
                    opens_on=data["opens_on"],
                    closes_on=data["closes_on"],
                    stations=data["stations"],
                    text=data["text"],
                    attachments=[data["attachment"]] if data.get("attachment") else [],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("草案已发布，共 %(n)d 条。") % {"n": selectors.articles(draft.current_version).count()})
                return redirect("legislation:manage", pk=draft.pk)
    return render(request, "legislation/draft_form.html", {"form": form, "min_days": conf.get("LEGISLATION_MIN_WINDOW_DAYS")})


@login_required
def version_new(request, pk):
    scope = _staff_scope(request, pk)
    form = forms.VersionForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = services.draft_version_publish(
                draft=scope.draft, user=request.user, text=form.cleaned_data["text"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _("第 %(n)d 稿已发布：%(carried)d 条意见随条文转到新稿，%(orphaned)d 条意见所针对的条文已删除。")
                % {"n": result.version.number, "carried": result.carried, "orphaned": result.orphaned},
            )
            return redirect("legislation:version_diff", pk=scope.draft.pk, number=result.version.number)
    return render(request, "legislation/version_form.html", {"draft": scope.draft, "form": form})


@login_required
def extend(request, pk):
    scope = _staff_scope(request, pk)
    form = forms.ExtendForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.draft_window_extend(draft=scope.draft, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("征求意见期已延长。"))
            return redirect("legislation:manage", pk=scope.draft.pk)
    extensions = list(scope.draft.extensions.select_related("by"))
    return render(request, "legislation/extend_form.html", {"draft": scope.draft, "form": form, "extensions": extensions})
