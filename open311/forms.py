"""Input of GeoReport v2 POST requests and GET requests filters."""

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from intake.text import clean_text, title_from
from proposals.models import Category

MSG_SERVICE_CODE = _("service_code 无效：没有这个服务类别（见 services.json）。")
MSG_SERVICE_CODE_REQUIRED = _("缺少 service_code。")
MSG_DESCRIPTION_REQUIRED = _("缺少 description（问题描述）。")
MSG_LOCATION_REQUIRED = _("请提供位置：lat 和 long，或 address_string。")
MSG_LAT_LONG_PAIR = _("lat 和 long 需要同时提供。")
MSG_PHONE = _("phone 不是有效的电话号码。")
MSG_DATETIME = _("%(field)s 不是有效的时间（ISO 8601，须带时区，如 2024-05-01T08:00:00+08:00）。")
MSG_STATUS = _("status 只能是 open 或 closed。")
MSG_DATE_ORDER = _("end_date 不能早于 start_date。")
MSG_TOO_MANY_IDS = _("service_request_id 一次最多 %(n)s 个。")

MAX_IDS = 100
SIX_PLACES = Decimal("0.000001")


def _coordinate(value, low, high, field):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value).strip())
    except ArithmeticError:
        raise ValidationError(_("%(field)s 不是有效的坐标。") % {"field": field}) from None
    if not number.is_finite() or not (low <= number <= high):
        raise ValidationError(_("%(field)s 超出范围。") % {"field": field})
    return number.quantize(SIX_PLACES, rounding=ROUND_HALF_UP)


class ServiceRequestForm(forms.Form):
    service_code = forms.CharField(max_length=30, required=False)
    # GeoReport v2: "A full description of the request or report … may contain
    # line breaks, but not html or code. Otherwise, this is free form text
    # limited to 4,000 characters."
    description = forms.CharField(max_length=4000, required=False)
    lat = forms.CharField(max_length=40, required=False)
    long = forms.CharField(max_length=40, required=False)
    address_string = forms.CharField(max_length=200, required=False)
    address_id = forms.CharField(max_length=100, required=False)
    email = forms.EmailField(max_length=254, required=False)
    device_id = forms.CharField(max_length=64, required=False)
    account_id = forms.CharField(max_length=64, required=False)
    first_name = forms.CharField(max_length=25, required=False)
    last_name = forms.CharField(max_length=25, required=False)
    phone = forms.CharField(max_length=30, required=False)
    media_url = forms.URLField(max_length=500, required=False, assume_scheme="https")
    jurisdiction_id = forms.CharField(max_length=100, required=False)

    def clean_service_code(self):
        code = self.cleaned_data["service_code"].strip()
        if not code:
            raise ValidationError(MSG_SERVICE_CODE_REQUIRED)
        service = Category.objects.filter(code=code, is_active=True).first()
        if service is None:
            # The view answers this code with 404, as the spec asks.
            raise ValidationError(MSG_SERVICE_CODE, code="unknown_service")
        self.cleaned_data["service"] = service
        return code

    def clean_description(self):
        text = clean_text(self.cleaned_data["description"], multiline=True)
        if not text:
            raise ValidationError(MSG_DESCRIPTION_REQUIRED)
        return text

    def clean_lat(self):
        return _coordinate(self.cleaned_data["lat"], -90, 90, "lat")

    def clean_long(self):
        return _coordinate(self.cleaned_data["long"], -180, 180, "long")

    def clean_address_string(self):
        return clean_text(self.cleaned_data["address_string"])

    def clean_first_name(self):
        return clean_text(self.cleaned_data["first_name"])

    def clean_last_name(self):
        return clean_text(self.cleaned_data["last_name"])

    def clean_device_id(self):
        return clean_text(self.cleaned_data["device_id"])

    def clean_phone(self):
        phone = crypto.normalize_phone(self.cleaned_data["phone"])
        if phone and not (crypto.is_valid_mobile(phone) or (phone.isdigit() and 7 <= len(phone) <= 12)):
            raise ValidationError(MSG_PHONE)
        return phone

    def clean(self):
        data = super().clean()
        if any(field in self.errors for field in ("lat", "long", "address_string")):
            return data
        lat, lng = data.get("lat"), data.get("long")
        if (lat is None) != (lng is None):
            raise ValidationError(MSG_LAT_LONG_PAIR)
        address_id = (data.get("address_id") or "").strip()
        if not data.get("address_string") and address_id:
            data["address_string"] = clean_text(address_id)[:200]
        if lat is None and not data.get("address_string"):
            raise ValidationError(MSG_LOCATION_REQUIRED)
        if data.get("description"):
            data["title"] = title_from(data["description"])
        return data


def _parse_w3c(value: str, field: str):
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            raise ValidationError(MSG_DATETIME % {"field": field}) from None
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    if parsed.tzinfo is None:
        raise ValidationError(MSG_DATETIME % {"field": field})
    try:
        # PostgreSQL refuses offsets beyond ±15:59 that Python accepts.
        return parsed.astimezone(dt.UTC)
    except OverflowError:
        raise ValidationError(MSG_DATETIME % {"field": field}) from None


class RequestQueryForm(forms.Form):
    service_request_id = forms.CharField(max_length=2000, required=False)
    service_code = forms.CharField(max_length=300, required=False)
    start_date = forms.CharField(max_length=40, required=False)
    end_date = forms.CharField(max_length=40, required=False)
    status = forms.CharField(max_length=20, required=False)
    api_key = forms.CharField(max_length=200, required=False)
    jurisdiction_id = forms.CharField(max_length=100, required=False)

    def clean_service_request_id(self):
        raw = self.cleaned_data["service_request_id"]
        ids = [part.strip() for part in raw.split(",") if part.strip()]
        if len(ids) > MAX_IDS:
            raise ValidationError(MSG_TOO_MANY_IDS % {"n": MAX_IDS})
        return ids

    def clean_start_date(self):
        return _parse_w3c(self.cleaned_data["start_date"], "start_date")

    def clean_end_date(self):
        return _parse_w3c(self.cleaned_data["end_date"], "end_date")

    def clean_status(self):
        values = {v.strip().lower() for v in self.cleaned_data["status"].split(",") if v.strip()}
        if values - {"open", "closed"}:
            raise ValidationError(MSG_STATUS)
        return values

    def clean(self):
        data = super().clean()
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            raise ValidationError(MSG_DATE_ORDER)
        return data
