"""Forms residents and liaison officers fill in. They only check and clean
input; the case is created by ``proposals.services.intake.case_create``."""

import datetime as dt
import unicodedata
import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from congress_portal.widgets import DateInput
from deputies.models import Deputy
from proposals.models import Category, Channel, Rating

from . import conf
from .photos import clean_photos
from .text import clean_text

MSG_CATEGORY = _("请选择问题类别（点一下最接近的一项）。")
MSG_CONTENT_EMPTY = _("请写一下您要反映的问题。")
MSG_CONTENT_SHORT = _("请再多写几个字，把问题说清楚（至少 %(min)d 个字）。")
MSG_TOO_LONG = _("“%(field)s”太长了：最多 %(max)d 个字，现在有 %(count)d 个字。请删减后再提交。")
MSG_PHONE = _("手机号格式不对：请填写 11 位手机号，例如 13812345678。不想留也可以空着。")
MSG_CONSENT = _("您留了姓名或手机号，请勾选“我同意”；不同意的话，请把姓名和手机号删掉，匿名提交。")
MSG_DEPUTY = _("请从列表中选择代表，或选“不指定”。")
MSG_RETRY = _("提交没有成功，请再点一次“提交”。")
MSG_RATING = _("请选择：满意、基本满意或不满意。")
MSG_UNSATISFIED_REASON = _("选择“不满意”时，请写一下不满意的原因，我们会要求重新办理。")
MSG_DATE_FUTURE = _("收到日期不能晚于今天。")
MSG_DATE_OLD = _("收到日期太早了（超过一年），请核对。")
MSG_CHANNEL = _("请选择来源：纸质意见或接待日。")

# The honeypot: a field people never see (hidden from screen readers too)
# and bots fill in. Not named like anything a browser would autofill.
HONEYPOT = "hp_note"


class ResidentText(forms.CharField):
    """A text field that cleans control characters and says in plain
    Chinese what is wrong with the length."""

    def __init__(self, *, label, multiline=False, min_len=0, max_len, required=False, empty_message=None, **kwargs):
        self.multiline, self.min_len, self.max_len = multiline, min_len, max_len
        widget = forms.Textarea(attrs={"rows": 5}) if multiline else forms.TextInput()
        widget.attrs.update({"maxlength": str(max_len), "autocomplete": "off", "spellcheck": "false"})
        error_messages = {"required": empty_message or MSG_CONTENT_EMPTY}
        super().__init__(label=label, required=required, widget=widget, strip=False, error_messages=error_messages, **kwargs)

    def set_limits(self, *, min_len=None, max_len=None):
        """Apply limits from settings at form time (tests may override them)."""
        if min_len is not None:
            self.min_len = min_len
        if max_len is not None:
            self.max_len = max_len
            self.widget.attrs["maxlength"] = str(max_len)

    def to_python(self, value):
        return clean_text(super().to_python(value), multiline=self.multiline)

    def validate(self, value):
        super().validate(value)
        if value and len(value) > self.max_len:
            raise ValidationError(MSG_TOO_LONG % {"field": self.label, "max": self.max_len, "count": len(value)}, code="too_long")
        if value and self.min_len and len(value) < self.min_len:
            raise ValidationError(MSG_CONTENT_SHORT % {"min": self.min_len}, code="too_short")


class ListedChoiceField(forms.Field):
    """A choice among (pk, name) pairs already in memory (``intake.choices``):
    no query to check it, and the page renders the list in a plain loop
    (``tiles``) instead of one widget template per radio button.

    The cleaned value is an unsaved ``model(pk=…, name=…)``, enough to point
    a foreign key at; ``None`` for the blank choice."""

    widget = forms.RadioSelect

    def __init__(self, *, model, blank_label=None, **kwargs):
        self.model, self.blank_label = model, blank_label
        self.pairs: tuple = ()
        super().__init__(**kwargs)

    def to_python(self, value):
        value = "" if value is None else str(value).strip()
        if value in self.empty_values:
            return None
        for pk, name in self.pairs:
            if str(pk) == value:
                return self.model(pk=pk, name=name)
        raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")

    def tiles(self, bound_field):
        """(html id, value, label, checked) for each radio button."""
        current = bound_field.value()
        current = "" if current is None else str(current)
        rows = [("", self.blank_label)] if self.blank_label is not None else []
        rows += [(str(pk), name) for pk, name in self.pairs]
        base = bound_field.auto_id
        return [(f"{base}_{i}", value, label, value == current) for i, (value, label) in enumerate(rows)]


class ResidentForm(forms.Form):
    """The kiosk / QR form. ``categories`` and ``deputies`` are (pk, name)
    pairs (``intake.choices``); ``deputies`` are those the resident may
    choose (the station's), or None when the deputy is fixed (/d/<id>/)."""

    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    category = ListedChoiceField(
        label=_("问题类别"),
        model=Category,
        error_messages={"required": MSG_CATEGORY, "invalid_choice": MSG_CATEGORY},
    )
    content = ResidentText(
        label=_("问题描述"), multiline=True, required=True, min_len=conf.get("CONTENT_MIN"), max_len=conf.get("CONTENT_MAX")
    )
    address = ResidentText(label=_("地点"), max_len=conf.get("ADDRESS_MAX"))
    deputy = ListedChoiceField(
        label=_("想请哪位代表关注"),
        model=Deputy,
        required=False,
        blank_label=_("不指定，由站点安排"),
        error_messages={"invalid_choice": MSG_DEPUTY},
    )
    resident_name = ResidentText(label=_("姓名"), max_len=conf.get("NAME_MAX"))
    phone = forms.CharField(label=_("手机号"), required=False, max_length=40, strip=True)
    consent = forms.BooleanField(label=_("我同意按上面的说明使用我的姓名和手机号"), required=False)
    hp_note = forms.CharField(label=_("此项请勿填写"), required=False)

    def __init__(self, *args, categories, deputies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
        self.fields["content"].set_limits(min_len=conf.get("CONTENT_MIN"), max_len=conf.get("CONTENT_MAX"))
        self.fields["address"].set_limits(max_len=conf.get("ADDRESS_MAX"))
        self.fields["resident_name"].set_limits(max_len=conf.get("NAME_MAX"))
        self.fields["category"].pairs = tuple(categories)
        if deputies is None:
            del self.fields["deputy"]
        else:
            self.fields["deputy"].pairs = tuple(deputies)
        self.fields["phone"].widget.attrs.update(
            {"inputmode": "numeric", "autocomplete": "off", "maxlength": "20", "pattern": "[0-9 +\\-]*"}
        )
        self.fields[HONEYPOT].widget.attrs.update({"autocomplete": "off", "tabindex": "-1"})
        self.photos = []

    def clean_submission_key(self):
        raw = self.cleaned_data.get("submission_key") or ""
        try:
            return uuid.UUID(raw).hex
        except ValueError:
            # A tampered or missing key: this POST cannot be deduplicated, but
            # the resident's opinion is still taken.
            return uuid.uuid4().hex

    def clean_phone(self):
        # NFKC turns full-width digits (a Chinese IME's default) into ASCII.
        raw = unicodedata.normalize("NFKC", clean_text(self.cleaned_data.get("phone") or ""))
        if not raw:
            return ""
        phone = crypto.normalize_phone(raw)
        if not phone.isascii() or not crypto.is_valid_mobile(phone):
            raise ValidationError(MSG_PHONE, code="phone")
        return phone

    def clean(self):
        data = super().clean()
        if data.get(HONEYPOT):
            raise ValidationError(MSG_RETRY, code="honeypot")
        if (data.get("resident_name") or data.get("phone")) and not data.get("consent"):
            self.add_error("consent", ValidationError(MSG_CONSENT, code="consent"))
        try:
            self.photos = clean_photos(self.files.getlist("photos") if self.files else [])
        except ValidationError as exc:
            self.add_error(None, exc)
        return data

    def category_tiles(self):
        return self.fields["category"].tiles(self["category"])

    def deputy_tiles(self):
        return self.fields["deputy"].tiles(self["deputy"]) if "deputy" in self.fields else []

    @property
    def had_files(self) -> bool:
        return bool(self.files and any(getattr(f, "name", "") for f in self.files.getlist("photos")))


class PaperForm(ResidentForm):
    """A paper submission or one taken on a reception day, typed in by the
    station's liaison officer as the resident wrote it."""

    channel = forms.ChoiceField(
        label=_("来源"),
        choices=[(Channel.PAPER, Channel.PAPER.label), (Channel.RECEPTION, Channel.RECEPTION.label)],
        initial=Channel.PAPER,
        widget=forms.RadioSelect,
        error_messages={"required": MSG_CHANNEL, "invalid_choice": MSG_CHANNEL},
    )
    received_on = forms.DateField(
        label=_("收到日期"),
        widget=DateInput(),
        error_messages={"required": _("请填写收到日期。"), "invalid": _("日期格式不对，请按 2025-03-10 的格式填写。")},
    )

    field_order = ["submission_key", "channel", "received_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = _("群众已同意留下姓名和手机号用于办理联系（纸质意见表上已签字或口头同意）")
        if not self.is_bound:
            self.initial.setdefault("received_on", timezone.localdate())

    def clean_received_on(self):
        value = self.cleaned_data["received_on"]
        today = timezone.localdate()
        if value > today:
            raise ValidationError(MSG_DATE_FUTURE, code="future")
        if value < today - dt.timedelta(days=conf.get("PAPER_MAX_AGE_DAYS")):
            raise ValidationError(MSG_DATE_OLD, code="old")
        return value


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=40, error_messages={"required": _("请输入查询码。")})
    digits = forms.CharField(label=_("手机号后四位"), max_length=10, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false", "maxlength": "20", "placeholder": "ABCD-EFGH"}
        )
        self.fields["digits"].widget.attrs.update({"autocomplete": "off", "inputmode": "numeric", "maxlength": "4", "pattern": "[0-9]*"})

    def clean_digits(self):
        value = "".join(ch for ch in clean_text(self.cleaned_data.get("digits") or "") if ch.isdigit())
        return value[-4:]


class FeedbackForm(forms.Form):
    rating = forms.ChoiceField(
        label=_("您对办理结果满意吗"),
        choices=Rating.choices,
        widget=forms.RadioSelect,
        error_messages={"required": MSG_RATING, "invalid_choice": MSG_RATING},
    )
    comment = ResidentText(label=_("意见或不满意的原因"), multiline=True, max_len=conf.get("COMMENT_MAX"))

    def clean(self):
        data = super().clean()
        if data.get("rating") == Rating.UNSATISFIED and not data.get("comment"):
            self.add_error("comment", ValidationError(MSG_UNSATISFIED_REASON, code="reason"))
        return data
