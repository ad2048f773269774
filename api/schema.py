"""OpenAPI generation: every operation documents its error responses too.

drf-spectacular describes the success bodies; ``PortalAutoSchema`` adds the
errors every endpoint can answer with, all in the shape of
``api.exceptions`` (``ErrorSerializer``): 400 invalid input, 401 not
authenticated (or a bad token), 403 not allowed, 404 not found or outside the
caller's scope, 429 throttled.
"""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.openapi import AutoSchema
from rest_framework import serializers
from rest_framework.permissions import AllowAny


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text=_("可直接展示给用户的错误说明"))
    code = serializers.CharField(help_text=_("机器可读的错误代码，如 invalid、not_found、workflow"))
    errors = serializers.DictField(
        child=serializers.JSONField(),
        required=False,
        help_text=_("字段错误：字段名 → 错误说明列表（仅输入有误时）"),
    )

    class Meta:
        ref_name = "Error"


ERROR_DESCRIPTIONS = {
    "400": _("输入有误，或当前状态下不能执行该操作"),
    "401": _("未登录或令牌无效"),
    "403": _("无权访问"),
    "404": _("不存在，或不在您的管辖/办理范围内"),
    "429": _("请求过于频繁，请稍后再试"),
}


def is_public_view(view) -> bool:
    classes = getattr(view, "permission_classes", ())
    return bool(classes) and all(cls is AllowAny for cls in classes)


class PortalAutoSchema(AutoSchema):
    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction=direction)
        # Even a public list can answer 404 (a stale cursor) and 401 (a bad
        # token sent anyway), so every operation lists every error.
        for code in ERROR_DESCRIPTIONS:
            if code not in responses:
                response = self._get_response_for_code(ErrorSerializer, code, direction=direction)
                response["description"] = str(ERROR_DESCRIPTIONS[code])
                responses[code] = response
        return responses
