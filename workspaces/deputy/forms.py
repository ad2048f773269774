"""Forms of the deputy's workspace. They check input only; the rules live
in the services they feed (``proposals.services.actions``, ``suggestions``,
``stations.services``, ``deputies.services``)."""

import uuid

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from congress_portal.widgets import DateInput
from deputies.models import DutyKind
from proposals.models import Category, ContactParty, ContactWay, Rating

from .selectors import ROLE_CHOICES, STATE_CHOICES

MSG_FUTURE = _("日期不能晚于今天。")
MSG_UNSATISFIED_REASON = _("选择“不满意”时请写明理由。")
MSG_PHONE = _("手机号格式不正确，请填写 11 位手机号。")
MSG_CONSENT = _("留下姓名或电话须经群众同意个人信息使用。")


def _past_or_today(value):
    if value and value > timezone.localdate():
        raise forms.ValidationError(MSG_FUTURE)
    return value


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("查找"), required=False, max_length=60, help_text=_("标题或查询码"))
    role = forms.ChoiceField(label=_("范围"), choices=ROLE_CHOICES, required=False)
    state = forms.ChoiceField(label=_("状态"), choices=STATE_CHOICES, required=False)
    station = forms.TypedChoiceField(label=_("站点"), coerce=int, required=False, empty_value=None)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)

    def __init__(self, *args, station_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", _("全部站点")), *station_choices]

    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored, never an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").strip(),
            "role": data.get("role") or "",
            "state": data.get("state") or "",
            "station_id": data.get("station") or None,
            "overdue": bool(data.get("overdue")),
        }


class NoteForm(forms.Form):
    text = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ContactForm(forms.Form):
    contact_date = forms.DateField(label=_("联系日期"), widget=DateInput(), validators=[_past_or_today])
    way = forms.ChoiceField(label=_("联系方式"), choices=ContactWay.choices)
    party = forms.ChoiceField(label=_("联系对象"), choices=ContactParty.choices, initial=ContactParty.RESIDENT)
    summary = forms.CharField(label=_("联系情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("contact_date", timezone.localdate())
        super().__init__(*args, **kwargs)


class SupervisionRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("提请督办的理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, help_text=_("如 办理缓慢、答复与实际不符")
    )


RATING_BLANK = [("", _("不单独评价"))]


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(label=_("总体评价"), choices=Rating.choices, widget=forms.RadioSelect)
    attitude_rating = forms.ChoiceField(label=_("办理态度"), choices=RATING_BLANK + list(Rating.choices), required=False)
    result_rating = forms.ChoiceField(label=_("办理结果"), choices=RATING_BLANK + list(Rating.choices), required=False)
    comment = forms.CharField(label=_("意见或不满意理由"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)

    def clean(self):
        data = super().clean()
        if data.get("rating") == Rating.UNSATISFIED and not (data.get("comment") or "").strip():
            self.add_error("comment", MSG_UNSATISFIED_REASON)
        return data


class PhoneRevealForm(forms.Form):
    reason = forms.CharField(label=_("查看事由"), max_length=200, required=False)


class ResubmitForm(forms.Form):
    title = forms.CharField(label=_("标题"), max_length=120)
    content = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 8}))


class SuggestionForm(forms.Form):
    title = forms.CharField(label=_("建议标题"), max_length=120)
    content = forms.CharField(
        label=_("建议内容"),
        widget=forms.Textarea(attrs={"rows": 10}),
        max_length=20000,
        help_text=_("写明问题、原因分析和具体建议"),
    )
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.filter(is_active=True), required=False)
    opinions = forms.ModelMultipleChoiceField(label=_("依据的群众意见"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    cosigners = forms.ModelMultipleChoiceField(
        label=_("邀请附议代表"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("被邀请的代表可以同意或谢绝附议"),
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    # The opinions offered as checkboxes: those already chosen (from "my
    # cases") and the newest ones. A deputy of many years has thousands of
    # opinions; any of them can still be chosen there and is accepted here.
    RECENT_OPINIONS = 30

    def __init__(self, *args, opinions_qs, cosigners_qs, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)
        field = self.fields["opinions"]
        field.queryset = opinions_qs  # what is accepted
        field.label_from_instance = lambda c: f"{c.tracking_code_display} {c.title}"
        if self.is_bound:
            chosen = self.data.getlist("opinions") if hasattr(self.data, "getlist") else self.data.get("opinions") or []
        else:
            chosen = self.initial.get("opinions") or []
        chosen = [int(v) for v in chosen if str(v).isdigit()][:500]
        shown = list(opinions_qs[: self.RECENT_OPINIONS])
        seen = {c.pk for c in shown}
        if chosen:
            shown = [c for c in opinions_qs.filter(pk__in=chosen) if c.pk not in seen] + shown
        field.widget.choices = [(c.pk, field.label_from_instance(c)) for c in shown]  # what is offered
        self.has_opinions = bool(shown)
        self.fields["cosigners"].queryset = cosigners_qs


class SignupForm(forms.Form):
    date = forms.DateField(label=_("接待日"), widget=DateInput())


class ReceptionRecordForm(forms.Form):
    residents_received = forms.IntegerField(label=_("接待群众（人次）"), min_value=0, max_value=10000)
    summary = forms.CharField(
        label=_("接待情况"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=8000,
        help_text=_("接待了哪些群众、反映了什么问题、如何处理"),
    )


class ReceptionOpinionForm(forms.Form):
    title = forms.CharField(label=_("意见标题"), max_length=120)
    content = forms.CharField(label=_("意见内容"), widget=forms.Textarea(attrs={"rows": 5}), max_length=8000)
    category = forms.ModelChoiceField(label=_("类别"), queryset=Category.objects.filter(is_active=True), required=False)
    address = forms.CharField(label=_("地点"), max_length=200, required=False)
    resident_name = forms.CharField(label=_("群众姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("群众手机号"), max_length=20, required=False)
    consent_given = forms.BooleanField(
        label=_("群众同意将姓名和手机号用于办理和回访"), required=False, help_text=_("留下姓名或电话时必须勾选")
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_key", uuid.uuid4().hex)
        super().__init__(*args, **kwargs)

    def clean_phone(self):
        phone = crypto.normalize_phone(self.cleaned_data.get("phone", ""))
        if phone and not crypto.is_valid_mobile(phone):
            raise forms.ValidationError(MSG_PHONE)
        return phone

    def clean(self):
        data = super().clean()
        if (data.get("phone") or (data.get("resident_name") or "").strip()) and not data.get("consent_given"):
            self.add_error("consent_given", MSG_CONSENT)
        return data


class DutyActivityForm(forms.Form):
    kind = forms.ChoiceField(label=_("类别"), choices=DutyKind.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput(), validators=[_past_or_today])
    title = forms.CharField(label=_("事项"), max_length=200)
    description = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=4000)
    station = forms.TypedChoiceField(label=_("站点"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, station_choices=(), **kwargs):
        kwargs.setdefault("initial", {}).setdefault("date", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", _("（不涉及站点）")), *station_choices]
