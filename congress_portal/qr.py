"""QR codes (segno) for stations' kiosks, deputies' "给Ta留言" and tracking links."""

import io

import segno
from django.conf import settings
from django.http import HttpResponse


def absolute_url(path: str) -> str:
    """The public URL printed on posters: PORTAL_PUBLIC_BASE_URL + path."""
    return settings.PORTAL_PUBLIC_BASE_URL.rstrip("/") + path


def qr_response(data: str, fmt: str, *, filename: str = "qr", scale: int = 10) -> HttpResponse:
    """An SVG or PNG response with a QR code of ``data`` (error correction M)."""
    qr = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    if fmt == "svg":
        qr.save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=data)
        content_type = "image/svg+xml"
    elif fmt == "png":
        qr.save(buffer, kind="png", scale=scale, border=2)
        content_type = "image/png"
    else:
        raise ValueError(fmt)
    response = HttpResponse(buffer.getvalue(), content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}.{fmt}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


def qr_svg_inline(data: str, *, scale: int = 6) -> str:
    """SVG markup to embed in a page (printable posters, confirmation pages)."""
    qr = segno.make(data, error="m", micro=False)
    buffer = io.BytesIO()
    qr.save(buffer, kind="svg", scale=scale, border=2, xmldecl=False, svgns=True, title=data)
    return buffer.getvalue().decode()
