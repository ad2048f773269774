"""One JSON error shape for every API failure.

``{"detail": "<message fit to show>", "code": "<machine code>", "errors": {field: [messages]}}``
(``errors`` only for invalid input). Workflow refusals and Django validation
errors from the services become 400 with their Chinese message; anything
unexpected is logged and answered with a JSON 500, never an HTML page.
"""

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from proposals.workflow import WorkflowError

logger = logging.getLogger(__name__)

MSG_INVALID = _("提交的数据有误，请检查后重试。")
MSG_SERVER_ERROR = _("服务器内部错误，请稍后重试。")
MSG_TOO_BIG = _("请求内容过大。")
MSG_BAD_BODY = _("请求内容无法解析（格式错误、嵌套过深或字段过多）。")
MSG_NOT_FOUND = _("不存在，或不在您的管辖/办理范围内。")


def _first_message(errors) -> str:
    if isinstance(errors, dict):
        for value in errors.values():
            message = _first_message(value)
            if message:
                return message
        return ""
    if isinstance(errors, list | tuple):
        for value in errors:
            message = _first_message(value)
            if message:
                return message
        return ""
    return str(errors)


def _django_validation_payload(exc: DjangoValidationError) -> dict:
    if hasattr(exc, "error_dict"):
        errors = {field: [str(m) for m in messages] for field, messages in exc.message_dict.items()}
        return {"detail": _first_message(errors) or str(MSG_INVALID), "code": "invalid", "errors": errors}
    messages = [str(m) for m in exc.messages]
    return {"detail": " ".join(messages) or str(MSG_INVALID), "code": "invalid"}


def exception_handler(exc, context):
    if isinstance(exc, WorkflowError):
        return Response({"detail": str(exc), "code": "workflow"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        return Response(_django_validation_payload(exc), status=status.HTTP_400_BAD_REQUEST)

    if isinstance(exc, RequestDataTooBig):
        return Response({"detail": str(MSG_TOO_BIG), "code": "too_big"}, status=status.HTTP_413_REQUEST_ENTITY_TOO_LARGE)
    if isinstance(exc, SuspiciousOperation | RecursionError):
        return Response({"detail": str(MSG_BAD_BODY), "code": "parse_error"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, Http404):
        # Django's 404 messages name models in English; one plain message
        # also says nothing about whether an out-of-scope object exists.
        exc = exceptions.NotFound(MSG_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is None:
        logger.exception("unhandled API error", exc_info=exc)
        return Response({"detail": str(MSG_SERVER_ERROR), "code": "server_error"}, status=status.HTTP_500_INTERNAL_SERVER_ERROR)

    data = response.data
    if isinstance(exc, exceptions.ValidationError):
        errors = data if isinstance(data, dict) else {"non_field_errors": data}
        response.data = {"detail": _first_message(errors) or str(MSG_INVALID), "code": "invalid", "errors": errors}
    elif isinstance(data, dict) and "detail" in data:
        detail = data["detail"]
        code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
        response.data = {"detail": str(detail), "code": str(code)}
    else:
        response.data = {"detail": _first_message(data) or str(MSG_INVALID), "code": "error"}
    return response


@csrf_exempt
def not_found_view(request, *args, **kwargs):
    """Unknown paths under /api/ answer in the API's JSON error shape."""
    from django.http import JsonResponse

    return JsonResponse({"detail": str(MSG_NOT_FOUND), "code": "not_found"}, status=404, json_dumps_params={"ensure_ascii": False})
