"""GeoReport v2 output in JSON and XML (the spec's element names), and its
error format: ``[{"code": 400, "description": "…"}]`` /
``<errors><error><code>400</code><description>…</description></error></errors>``."""

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

CONTENT_TYPES = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}

# XML element of the items of a list, by the list's element.
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "errors": "error",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
}


def _text(value) -> str:
    if value is None:
        return ""
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(element.tag, "item")
        for child in value:
            _fill(ET.SubElement(element, item_tag), child)
    else:
        element.text = _text(value)


def to_xml(root_tag: str, data) -> bytes:
    root = ET.Element(root_tag)
    _fill(root, data)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8", xml_declaration=False)


def respond(data, fmt: str, root_tag: str, status: int = 200) -> HttpResponse:
    if fmt == "xml":
        body = to_xml(root_tag, data)
    else:
        body = json.dumps(data, ensure_ascii=False).encode()
    response = HttpResponse(body, status=status, content_type=CONTENT_TYPES.get(fmt, CONTENT_TYPES["json"]))
    response["Cache-Control"] = "no-store"
    return response


def error(fmt: str, status: int, *descriptions) -> HttpResponse:
    errors = [{"code": status, "description": str(d)} for d in descriptions]
    return respond(errors, fmt, "errors", status=status)
