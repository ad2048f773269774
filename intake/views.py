"""The residents' front door: kiosk and QR form, deputy "给Ta留言", the
confirmation page and /track/. (Paper entry is the liaison officer's, in
``workspaces.station``.)

Views only check input, call ``case_create`` or ``case_feedback`` and render.
"""

import logging
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from congress_portal.qr import absolute_url, qr_response, qr_svg_inline
from proposals.models import Case, Channel
from proposals.services.actions import case_feedback
from proposals.services.intake import case_create
from proposals.tracking import normalize_tracking_code
from proposals.workflow import WorkflowError
from stations.access import can_run_station

from . import choices, conf, ratelimit, selectors
from .device import clear_device_cookie, device_for_station, read_device, set_device_cookie
from .forms import FeedbackForm, ResidentForm, TrackForm
from .text import title_from

logger = logging.getLogger(__name__)

MSG_RATE = gettext_lazy("提交太频繁了，请过一会儿再试。有急事可以直接找站点工作人员。")
MSG_TRACK_RATE = gettext_lazy("查询次数太多了，请过 15 分钟再试。")
MSG_TRACK_NOT_FOUND = gettext_lazy("没有查到。请核对查询码和手机号后四位（没有留手机号的，后四位可以不填）。")
MSG_FILES_AGAIN = gettext_lazy("为了安全，已选的照片没有保留，请重新选择照片。")
MSG_FEEDBACK_THANKS = gettext_lazy("谢谢您的评价！")
MSG_DEVICE_ON = gettext_lazy("本机已设为“%(station)s”的触摸屏，您的登录已退出。")
MSG_DEVICE_OFF = gettext_lazy("本机已不再作为站点触摸屏。")

DONE_SALT = "intake.done"


def _no_store(response):
    response["Cache-Control"] = "no-store, no-cache, must-revalidate, max-age=0, private"
    response["Pragma"] = "no-cache"
    return response


def _kiosk_timing() -> dict:
    return {
        "idle": conf.get("KIOSK_IDLE_SECONDS"),
        "warn": conf.get("KIOSK_WARN_SECONDS"),
        "done": conf.get("KIOSK_DONE_SECONDS"),
    }


def _not_found(request, message=None):
    response = render(
        request,
        "intake/not_found.html",
        {"message": message or _("没有找到这个页面。请核对二维码或网址，或请站点工作人员帮忙。")},
        status=404,
    )
    return _no_store(response)


def _done_url(case: Case, back: str, kiosk: bool) -> str:
    token = signing.dumps({"c": case.pk, "b": back, "k": int(kiosk)}, salt=DONE_SALT, compress=True)
    return reverse("intake:done", args=[token])


def _submission_limits(request, device) -> list:
    if device is not None:
        return [("device", device.device_id, conf.get("RATE_DEVICE"))]
    ip = ratelimit.client_ip(request)
    return [("ip", ip, conf.get("RATE_IP")), ("ipday", ip, conf.get("RATE_IP_DAY"))]


def _resident_form(request, *, station, channel, device=None, kiosk_mode, deputy=None, template_extra=None):
    """GET renders a blank form with a fresh submission key; POST creates
    the case (once per key) and redirects to the confirmation (PRG)."""

    def lists():  # the form's choices; not needed when the blank page is kept
        return choices.categories(), (None if deputy is not None else (choices.station_deputies(station) if station else None))

    back = request.get_full_path()
    context = {
        "station": station,
        "fixed_deputy": deputy,
        "kiosk_mode": kiosk_mode,
        "timing": _kiosk_timing(),
        "reset_url": back,
        "max_photos": conf.get("MAX_PHOTOS"),
        "max_photo_mb": conf.get("MAX_PHOTO_BYTES") // (1024 * 1024),
        **(template_extra or {}),
    }
    if request.method == "POST":
        categories, deputies = lists()
        form = ResidentForm(request.POST, request.FILES, categories=categories, deputies=deputies)
        if form.is_valid():
            data = form.cleaned_data
            key = data["submission_key"]
            limits = _submission_limits(request, device)
            if not ratelimit.hit_all(limits):
                # Over the limit, a resent POST of a submission already taken
                # still gets its confirmation, not a refusal.
                earlier = selectors.case_by_submission_key(key)
                if earlier is not None:
                    return redirect(_done_url(earlier, back, kiosk_mode))
                form.add_error(None, MSG_RATE)
            else:
                # A double tap or a resent POST: case_create returns the case
                # the first one created (the key is unique).
                result = case_create(
                    title=title_from(data["content"]),
                    content=data["content"],
                    channel=channel,
                    station=station,
                    region=None if station else deputy.home_region,
                    category=data["category"],
                    address=data["address"],
                    addressed_deputy=deputy or data.get("deputy"),
                    resident_name=data["resident_name"],
                    phone=data["phone"],
                    consent_given=bool(data.get("consent")),
                    submission_key=key,
                    key_lookup=False,
                    device_id=device.device_id if device else "",
                    actor_label=_("群众"),
                    photos=form.photos,
                )
                if not result.created:
                    ratelimit.refund(limits)  # a repeat is not a new submission
                return redirect(_done_url(result.case, back, kiosk_mode))
        context["files_again"] = form.had_files
    elif _blank_page_cacheable(request):
        return _blank_form_page(request, context, lists, key=(station.pk if station else None, deputy.pk if deputy else None, kiosk_mode))
    else:
        categories, deputies = lists()
        form = ResidentForm(categories=categories, deputies=deputies)
    context["form"] = form
    return _no_store(render(request, "intake/resident_form.html", context))


# A blank form differs between two residents only by its CSRF token and its
# submission key: it is rendered once per page (station, deputy, kiosk or
# phone, address, language) with these two holes, kept with the choice lists it shows
# (``intake.choices``), and each request fills the holes in.
CSRF_HOLE = "@@csrf-token-hole@@"
KEY_HOLE = "@@submission-key-hole@@"


def _blank_page_cacheable(request) -> bool:
    """Nothing on the page depends on who asks: no session (a signed-in
    user, messages stored there) and no flash messages waiting in a cookie."""
    return settings.SESSION_COOKIE_NAME not in request.COOKIES and "messages" not in request.COOKIES


def _blank_form_page(request, context, lists, *, key):
    def render_blank():
        categories, deputies = lists()
        form = ResidentForm(categories=categories, deputies=deputies, initial={"submission_key": KEY_HOLE})
        return render_to_string("intake/resident_form.html", {**context, "form": form, "csrf_token": CSRF_HOLE}, request=request)

    html = choices.page((*key, request.get_full_path(), get_language()), render_blank)
    html = html.replace(CSRF_HOLE, get_token(request), 1).replace(KEY_HOLE, uuid.uuid4().hex, 1)
    return _no_store(HttpResponse(html))


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request, code):
    station = choices.station(code)
    if station is None:
        return _not_found(request, _("没有找到这个站点。请核对二维码或网址，或请站点工作人员帮忙。"))
    if not station.is_active:
        response = render(request, "intake/station_inactive.html", {"station": station}, status=200)
        return _no_store(response)
    device = device_for_station(request, station)
    # Only a screen registered as the station's kiosk (staff set it up at
    # /kiosk/<code>/device/) runs in kiosk mode, clearing itself when idle. A
    # phone that scanned the station's poster is "station QR"; anyone else
    # following a link (the station page's "在线反映问题") writes online.
    if device is not None:
        channel, kiosk_mode = Channel.KIOSK, True
    elif request.GET.get("src") == "qr":
        channel, kiosk_mode = Channel.STATION_QR, False
    else:
        channel, kiosk_mode = Channel.ONLINE, False
    return _resident_form(request, station=station, channel=channel, device=device, kiosk_mode=kiosk_mode)


@never_cache
@require_http_methods(["GET", "POST"])
def deputy_form(request, public_id):
    deputy = selectors.deputy_by_public_id(public_id)
    if deputy is None:
        return _not_found(request, _("没有找到这位代表。请核对二维码或网址。"))
    if not deputy.is_active:
        return _no_store(render(request, "intake/deputy_inactive.html", {"deputy": deputy}))
    station = selectors.deputy_station(deputy, request.GET.get("s", "")[:32])
    return _resident_form(request, station=station, channel=Channel.DEPUTY_QR, kiosk_mode=False, deputy=deputy)


def deputy_qr(request, public_id, fmt):
    deputy = selectors.deputy_by_public_id(public_id)
    if deputy is None or not deputy.is_active:
        raise Http404
    return qr_response(absolute_url(reverse("intake:deputy", args=[deputy.public_id])), fmt, filename=f"deputy-{deputy.public_id}")


def deputy_poster(request, public_id):
    deputy = selectors.deputy_by_public_id(public_id)
    if deputy is None or not deputy.is_active:
        return _not_found(request, _("没有找到这位代表。"))
    url = absolute_url(reverse("intake:deputy", args=[deputy.public_id]))
    stations = list(deputy.stations.filter(is_active=True).order_by("pk")[:3])
    return render(
        request, "intake/deputy_poster.html", {"deputy": deputy, "url": url, "qr_svg": qr_svg_inline(url, scale=8), "stations": stations}
    )


@never_cache
def done(request, token):
    try:
        data = signing.loads(token, salt=DONE_SALT, max_age=conf.get("DONE_TOKEN_AGE"))
        case_id, back, kiosk_mode = int(data["c"]), str(data["b"]), bool(data.get("k"))
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return _not_found(request, _("这个页面已过期。如需查询办理进度，请使用查询码。"))
    case = Case.objects.filter(pk=case_id).only("pk", "tracking_code", "phone_last4").first()
    if case is None or not back.startswith("/") or back.startswith("//"):
        return _not_found(request)
    track_url = absolute_url(reverse("intake:track") + "?" + urlencode({"code": case.tracking_code_display}))
    context = {
        "case": case,
        "back": back,
        "kiosk_mode": kiosk_mode,
        "timing": _kiosk_timing(),
        "reset_url": back,
        "track_url": track_url,
        "qr_svg": qr_svg_inline(track_url, scale=5),
        "code_spoken": " ".join(case.tracking_code),
    }
    return _no_store(render(request, "intake/done.html", context))


# --- /track/ -------------------------------------------------------------------
def _track_lookup(request, form):
    """(case, error message). Counts the lookup and, on failure, the failure
    per IP and per code; the same neutral message for every kind of miss."""
    ip = ratelimit.client_ip(request)
    code = normalize_tracking_code(form.cleaned_data["code"])
    if not ratelimit.hit("track", ip, conf.get("RATE_TRACK_IP")):
        return None, MSG_TRACK_RATE
    if not ratelimit.peek("trackfail", ip, conf.get("RATE_TRACK_FAIL_IP")) or not ratelimit.peek(
        "trackfailcode", code, conf.get("RATE_TRACK_FAIL_CODE")
    ):
        return None, MSG_TRACK_RATE
    case = selectors.case_for_tracking(code, form.cleaned_data["digits"])
    if case is None:
        ratelimit.hit("trackfail", ip, conf.get("RATE_TRACK_FAIL_IP"))
        ratelimit.hit("trackfailcode", code, conf.get("RATE_TRACK_FAIL_CODE"))
        return None, MSG_TRACK_NOT_FOUND
    return case, None


RATED_SALT = "intake.track.rated"
RATED_MAX_AGE = 600


def _rated_case(token: str) -> Case | None:
    """The case a resident has just rated (the pass ``track`` gives after a
    rating), for ten minutes; anything else is None."""
    if not token or len(token) > 200:
        return None
    try:
        pk = signing.loads(token, salt=RATED_SALT, max_age=RATED_MAX_AGE)
    except signing.BadSignature:
        return None
    return Case.objects.select_related("station").filter(pk=pk).first() if isinstance(pk, int) else None


@never_cache
@require_http_methods(["GET", "POST"])
def track(request):
    device = read_device(request)
    context = {
        "kiosk_mode": device is not None,
        "timing": _kiosk_timing(),
        "reset_url": reverse("intake:kiosk", args=[device.station_code]) if device else reverse("intake:track"),
    }
    if request.method == "POST":
        form = TrackForm(request.POST)
        if form.is_valid():
            case, error = _track_lookup(request, form)
            if error:
                form.add_error(None, error)
            else:
                feedback_form = FeedbackForm()
                if request.POST.get("action") == "feedback":
                    feedback_form = FeedbackForm(request.POST)
                    if feedback_form.is_valid():
                        try:
                            case_feedback(
                                case_id=case.pk,
                                rating=feedback_form.cleaned_data["rating"],
                                as_resident=True,
                                comment=feedback_form.cleaned_data["comment"],
                            )
                        except WorkflowError as exc:
                            feedback_form.add_error(None, str(exc))
                        else:
                            # Back to their case with the rating shown (POST-redirect-GET):
                            # the code and digits were checked in this request, so a
                            # short-lived signed pass lets this browser see the case again.
                            messages.success(request, MSG_FEEDBACK_THANKS)
                            token = signing.dumps(case.pk, salt=RATED_SALT)
                            return redirect(reverse("intake:track") + "?" + urlencode({"rated": token}))
                context.update({"view": selectors.track_view(case), "feedback_form": feedback_form, "track_form": form})
                return _no_store(render(request, "intake/track_result.html", context))
    else:
        rated = _rated_case(request.GET.get("rated", ""))
        if rated is not None:
            context.update({"view": selectors.track_view(rated), "feedback_form": None, "track_form": None, "just_rated": True})
            return _no_store(render(request, "intake/track_result.html", context))
        form = TrackForm(initial={"code": request.GET.get("code", "")[:20]})
    context["form"] = form
    return _no_store(render(request, "intake/track.html", context))


# --- Kiosk device mode -------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def kiosk_device(request, code):
    """Staff set up (or release) a station's screen as its kiosk. Setting it
    up logs the staff member out, so the next resident is not logged in."""
    station = selectors.station_by_code(code)
    if station is None or not can_run_station(request.user, station):
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "off":
            response = redirect("intake:kiosk_device", code=station.code)
            clear_device_cookie(response)
            messages.info(request, MSG_DEVICE_OFF)
            return response
        logout(request)
        response = redirect("intake:kiosk", code=station.code)
        set_device_cookie(response, request, station.code)
        return response
    device = read_device(request)
    return _no_store(render(request, "intake/kiosk_device.html", {"station": station, "device": device}))
