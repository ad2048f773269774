"""Requests no page can answer: a NUL byte in the path or the query string.

PostgreSQL refuses NUL in a string literal, so ``?kind=%00`` reaching any
``filter()`` (an admin list filter, the admin autocomplete's ``term``, a
directory filter) was a 500. No real link carries one; the answer is the
Chinese 400 page, before any view runs. Form fields are not checked here:
their ``CharField`` already refuses NUL with a message on the same page.
"""

from urllib.parse import unquote_to_bytes

from django.core.exceptions import SuspiciousOperation
from django.views.defaults import bad_request


def has_nul(request) -> bool:
    if "\x00" in request.path_info:
        return True
    # The raw query string: %00 anywhere, in a name or a value.
    return b"\x00" in unquote_to_bytes(request.META.get("QUERY_STRING", ""))


class RejectNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if has_nul(request):
            return bad_request(request, SuspiciousOperation("NUL byte in the URL"))
        return self.get_response(request)
