"""DRF's parsers with Chinese, truthful errors: malformed or too deeply nested
JSON and broken multipart bodies are a 400 with a message a user can read,
never DRF's English text or a 500 from the parser's recursion error."""

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

MSG_JSON = _("JSON 格式错误，无法解析。")
MSG_JSON_DEPTH = _("JSON 嵌套层数过多。")
MSG_MULTIPART = _("表单（multipart）格式错误，无法解析。")
MSG_FORM = _("表单格式错误或字段过多，无法解析。")
MSG_TOO_BIG = _("请求内容过大。")


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(MSG_JSON_DEPTH) from None
        except ParseError:
            raise ParseError(MSG_JSON) from None


class FormParser(parsers.FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig:
            raise ParseError(MSG_TOO_BIG) from None
        except (SuspiciousOperation, ValueError, UnicodeDecodeError):
            raise ParseError(MSG_FORM) from None


class MultiPartParser(parsers.MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RequestDataTooBig:
            raise ParseError(MSG_TOO_BIG) from None
        except SuspiciousOperation:
            raise ParseError(MSG_FORM) from None
        except ParseError:
            raise ParseError(MSG_MULTIPART) from None
