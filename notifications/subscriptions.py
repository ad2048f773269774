"""Residents subscribe to a station's reception-day announcements from its
public page: the phone number is confirmed by a one-time SMS code, and every
announcement carries a link to unsubscribe (/notifications/unsubscribe/<token>/)."""

from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from accounts import crypto
from intake.ratelimit import client_ip
from intake.text import clean_text
from stations.models import Station
from stations.services import subscription_add, subscription_by_token, subscription_cancel

from .phone_verification import PhoneCodeError, phone_code_send, phone_code_verify

PURPOSE = "reception-subscription"
SESSION_KEY = "reception_subscribe"
MSG_PHONE = _("手机号格式不正确，请填写 11 位手机号。")
MSG_CONSENT = _("请勾选同意，我们只用这个手机号发送本站接待日通知。")
MSG_CODE = _("请输入短信里的 6 位验证码。")
MSG_WRONG = _("验证码不正确或已过期，请重新输入或重新获取。")


class PhoneForm(forms.Form):
    phone = forms.CharField(label=_("手机号"), max_length=20, error_messages={"required": MSG_PHONE})
    consent = forms.BooleanField(
        label=_("我同意本站用这个手机号给我发送接待日通知（可随时退订）"), error_messages={"required": MSG_CONSENT}
    )

    def clean_phone(self):
        phone = crypto.normalize_phone(clean_text(self.cleaned_data["phone"]))
        if not crypto.is_valid_mobile(phone):
            raise forms.ValidationError(MSG_PHONE)
        return phone


class CodeForm(forms.Form):
    code = forms.CharField(label=_("短信验证码"), max_length=10, error_messages={"required": MSG_CODE})


def _station(code: str) -> Station:
    station = Station.objects.filter(code=code, is_active=True).first() if code and "\x00" not in code else None
    if station is None:
        raise Http404
    return station


@never_cache
@require_http_methods(["GET", "POST"])
def subscribe(request, code):
    """Step 1: the phone number (a code is sent); step 2: the code."""
    station = _station(code)
    pending = request.session.get(SESSION_KEY) or {}
    phone = pending.get("phone") if pending.get("station") == station.code else ""
    phone_form, code_form, status = PhoneForm(), CodeForm(), 200
    if request.method == "POST" and request.POST.get("step") == "code" and phone:
        code_form = CodeForm(request.POST)
        if code_form.is_valid():
            if phone_code_verify(phone=phone, purpose=PURPOSE, code=code_form.cleaned_data["code"]):
                subscription_add(station_id=station.pk, phone=phone)
                request.session.pop(SESSION_KEY, None)
                return render(request, "notifications/subscribed.html", {"station": station, "phone_masked": crypto.mask_phone(phone)})
            code_form.add_error("code", MSG_WRONG)
        status = 400
    elif request.method == "POST":
        phone_form = PhoneForm(request.POST)
        if phone_form.is_valid():
            phone = phone_form.cleaned_data["phone"]
            try:
                phone_code_send(phone=phone, purpose=PURPOSE, request_ip=client_ip(request))
            except PhoneCodeError as exc:
                phone_form.add_error(None, str(exc))
                status = 400
            else:
                request.session[SESSION_KEY] = {"station": station.code, "phone": phone}
                return redirect("notifications:subscribe", code=station.code)
        else:
            status = 400
    context = {
        "station": station,
        "phone_form": phone_form,
        "code_form": code_form,
        "phone_masked": crypto.mask_phone(phone) if phone else "",
    }
    return render(request, "notifications/subscribe.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    sub = subscription_by_token(token)
    if request.method == "POST":
        station = sub.station if sub is not None else None
        subscription_cancel(token=token)
        return render(request, "notifications/unsubscribed.html", {"station": station})
    if sub is None:
        return render(request, "notifications/unsubscribed.html", {"station": None, "unknown": True}, status=404)
    return render(request, "notifications/unsubscribe.html", {"sub": sub})
