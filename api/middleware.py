"""Machine clients get machine errors, even from middleware.

``accounts.middleware.RejectNulBytesMiddleware`` answers a NUL byte in the
URL with the portal's HTML 400 page before any view runs. Under /api/ and
/open311/ this middleware (placed just before it) gives the same refusal in
the API's JSON shape or in Open311's error format instead.
"""

from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

from accounts.middleware import has_nul
from open311.render import error

MSG_NUL = _("地址中含有无法识别的字符（NUL）。")


class ApiNulBytesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        path = request.path_info
        if path.startswith(("/api/", "/open311/")) and has_nul(request):
            if path.startswith("/open311/"):
                return error("xml" if ".xml" in path else "json", 400, MSG_NUL)
            return JsonResponse({"detail": str(MSG_NUL), "code": "invalid"}, status=400, json_dumps_params={"ensure_ascii": False})
        return self.get_response(request)
