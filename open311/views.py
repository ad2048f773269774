"""Open311 GeoReport v2 at /open311/v2/ (https://wiki.open311.org/GeoReport_v2).

Every resource answers in JSON or XML after its suffix (.json / .xml) and
every failure in the spec's error format, never an HTML page.
"""

import functools
import logging

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.urls import reverse
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from . import selectors, services, throttling
from .forms import RequestQueryForm, ServiceRequestForm
from .render import error, respond

logger = logging.getLogger(__name__)

MSG_METHOD = _("不支持该请求方法。")
MSG_NOT_FOUND = _("没有这个资源。")
MSG_SERVICE_NOT_FOUND = _("没有这个服务类别。")
MSG_REQUEST_NOT_FOUND = _("没有这个服务请求。")
MSG_API_KEY = _("缺少或无效的 api_key。")
MSG_THROTTLED = _("请求过于频繁，请稍后再试。")
MSG_SERVER_ERROR = _("服务器内部错误，请稍后重试。")
MSG_BODY_TOO_BIG = _("请求内容过大。")
MSG_BAD_BODY = _("请求内容无法解析（格式错误或字段过多）。")
MSG_SERVICE_NOTICE = _("已收到，查询码 %(code)s。可凭查询码在 %(url)s 查询办理进度。")

CHANGESET = "2024-06-01T00:00:00+08:00"  # when the API below last changed


def open311_view(*methods):
    """Method check, per-client rate limit, and JSON/XML errors for anything
    that goes wrong (an unexpected error is logged, the client gets a 500 in
    the error format)."""

    def decorator(view):
        @csrf_exempt
        @functools.wraps(view)
        def wrapper(request, *args, fmt="json", **kwargs):
            if request.method not in methods:
                response = error(fmt, 405, MSG_METHOD)
                response["Allow"] = ", ".join(methods)
                return response
            # Reads are limited per client address; a POST with a valid key
            # per key instead (a busy integration posts from one address).
            if request.method != "POST" and not throttling.allow("anon", throttling.client_ident(request)):
                return _throttled(fmt, "anon")
            try:
                return view(request, *args, fmt=fmt, **kwargs)
            except RequestDataTooBig:
                return error(fmt, 413, MSG_BODY_TOO_BIG)
            except (SuspiciousOperation, MultiPartParserError, UnreadablePostError):
                # Django's own refusals of a malformed body (too many fields,
                # broken multipart) are the client's error, not ours.
                return error(fmt, 400, MSG_BAD_BODY)
            except Exception:
                logger.exception("open311 error")
                return error(fmt, 500, MSG_SERVER_ERROR)

        return wrapper

    return decorator


def _throttled(fmt, scope):
    response = error(fmt, 429, MSG_THROTTLED)
    response["Retry-After"] = str(throttling.retry_after(scope))
    return response


def _api_key(request):
    raw = request.POST.get("api_key") if request.method == "POST" else request.GET.get("api_key")
    return services.api_key_authenticate((raw or "").strip())


def _form_errors(form) -> list[str]:
    messages = []
    for field, errors in form.errors.items():
        for message in errors:
            named = field == "__all__" or field in message
            messages.append(message if named else f"{field}: {message}")
    return messages


@open311_view("GET")
def discovery(request, fmt):
    base = request.build_absolute_uri(reverse("open311:root"))
    data = {
        "changeset": CHANGESET,
        "contact": str(settings.PORTAL_SITE_NAME),
        "key_service": _g("API 密钥由县（区）人大常委会工作人员在管理后台签发"),
        "endpoints": [
            {
                "specification": "http://wiki.open311.org/GeoReport_v2",
                "url": base,
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(data, fmt, "discovery")


@open311_view("GET")
def service_list(request, fmt):
    return respond(selectors.service_list_data(), fmt, "services")


@open311_view("GET")
def service_definition(request, service_code, fmt):
    category = selectors.services().filter(code=service_code).first()
    if category is None:
        return error(fmt, 404, MSG_SERVICE_NOT_FOUND)
    return respond(selectors.service_definition_data(category), fmt, "service_definition")


@open311_view("GET", "POST")
def requests(request, fmt):
    if request.method == "POST":
        return _create_request(request, fmt)
    form = RequestQueryForm(request.GET)
    if not form.is_valid():
        return error(fmt, 400, *_form_errors(form))
    api_key = None
    if form.cleaned_data["api_key"]:
        api_key = _api_key(request)
        if api_key is None:
            return error(fmt, 403, MSG_API_KEY)
    data = form.cleaned_data
    cases = selectors.find_requests(
        api_key=api_key,
        ids=data["service_request_id"],
        service_code=data["service_code"].strip(),
        start=data["start_date"],
        end=data["end_date"],
        statuses=data["status"],
    )
    items = [selectors.request_data(c, full=selectors.may_read(c, api_key), build_uri=request.build_absolute_uri) for c in cases]
    return respond(items, fmt, "service_requests")


def _create_request(request, fmt):
    api_key = _api_key(request)
    if api_key is None:
        if not throttling.allow("anon", throttling.client_ident(request)):
            return _throttled(fmt, "anon")
        return error(fmt, 403, MSG_API_KEY)
    if not throttling.allow("open311_post", f"key{api_key.pk}"):
        return _throttled(fmt, "open311_post")
    form = ServiceRequestForm(request.POST)
    if not form.is_valid():
        if form.has_error("service_code", "unknown_service"):
            return error(fmt, 404, *form.errors["service_code"])
        return error(fmt, 400, *_form_errors(form))
    case = services.service_request_create(
        api_key=api_key, data=form.cleaned_data, idempotency_key=request.headers.get("Idempotency-Key", "")[:100]
    )
    track_url = request.build_absolute_uri(reverse("intake:track"))
    notice = _g(str(MSG_SERVICE_NOTICE)) % {"code": case.tracking_code_display, "url": track_url}
    data = [{"service_request_id": case.tracking_code, "service_notice": notice, "account_id": None}]
    return respond(data, fmt, "service_requests")


@open311_view("GET")
def request_detail(request, service_request_id, fmt):
    api_key = None
    if request.GET.get("api_key"):
        api_key = _api_key(request)
        if api_key is None:
            return error(fmt, 403, MSG_API_KEY)
    case = selectors.find_request(service_request_id)
    if case is None:
        return error(fmt, 404, MSG_REQUEST_NOT_FOUND)
    item = selectors.request_data(case, full=selectors.may_read(case, api_key), build_uri=request.build_absolute_uri)
    return respond([item], fmt, "service_requests")


@open311_view("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
def not_found(request, fmt="json", **kwargs):
    return error(fmt, 404, MSG_NOT_FOUND)
