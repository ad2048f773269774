"""Forms of the liaison officer's workspace. They check input only (and
photos, which are checked and re-encoded as on the kiosk); the rules live in
the services they feed (``stations.services``, ``proposals.services``)."""

import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal.widgets import DateInput, TimeInput
from intake.forms import ResidentText
from intake.photos import clean_photo
from proposals.models import CaseState, Category, Channel
from stations.models import StationPost

MSG_DATE = _("日期格式不对，请按 2026-03-10 的格式填写。")
MSG_TIME = _("时间格式不对，请按 09:00 的格式填写。")
MSG_RESIDENTS = _("请填写接待群众人次（0 到 10000 的整数）。")
MSG_TOO_MANY_PHOTOS = _("最多上传 %(max)d 张照片。")

STATE_CHOICES = [("", _("全部状态")), ("open", _("未办结")), *CaseState.choices]
CHANNEL_CHOICES = [("", _("全部来源")), *Channel.choices]


def _key(value: str) -> str:
    try:
        return uuid.UUID(value or "").hex
    except ValueError:
        return uuid.uuid4().hex  # tampered: this POST cannot be deduplicated, but is still taken


class CaseFilterForm(forms.Form):
    q = forms.CharField(label=_("查找"), required=False, max_length=60, help_text=_("查询码或标题"))
    state = forms.ChoiceField(label=_("状态"), choices=STATE_CHOICES, required=False)
    channel = forms.ChoiceField(label=_("来源"), choices=CHANNEL_CHOICES, required=False)
    category = forms.TypedChoiceField(label=_("类别"), coerce=int, required=False, empty_value=None)
    received_from = forms.DateField(label=_("收到日期从"), required=False, widget=DateInput())
    received_to = forms.DateField(label=_("至"), required=False, widget=DateInput())
    overdue = forms.BooleanField(label=_("只看超期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(is_active=True).order_by("order", "name").values_list("pk", "name")
        self.fields["category"].choices = [("", _("全部类别")), *categories]

    def filters(self) -> dict:
        """The valid filters; an invalid value is ignored, never an error page."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {
            "q": (data.get("q") or "").replace("\x00", "").strip(),
            "state": data.get("state") or "",
            "channel": data.get("channel") or "",
            "category_id": data.get("category"),
            "received_from": data.get("received_from"),
            "received_to": data.get("received_to"),
            "overdue": bool(data.get("overdue")),
        }


class RevealForm(forms.Form):
    reason = ResidentText(label=_("查看事由"), max_len=200, required=True, empty_message=_("请写明查看完整信息的事由。"))


class OnSpotForm(forms.Form):
    text = ResidentText(label=_("当场答复内容"), multiline=True, max_len=2000, required=True, empty_message=_("请填写答复内容。"))


class PlanForm(forms.Form):
    date = forms.DateField(label=_("日期"), widget=DateInput(), error_messages={"required": _("请选择日期。"), "invalid": MSG_DATE})
    start_time = forms.TimeField(label=_("开始时间"), required=False, widget=TimeInput(), error_messages={"invalid": MSG_TIME})
    end_time = forms.TimeField(label=_("结束时间"), required=False, widget=TimeInput(), error_messages={"invalid": MSG_TIME})
    topic = ResidentText(label=_("主题"), max_len=200)


class RecordForm(forms.Form):
    residents_received = forms.IntegerField(
        label=_("接待群众（人次）"),
        min_value=0,
        max_value=10000,
        error_messages={"required": MSG_RESIDENTS, "invalid": MSG_RESIDENTS, "min_value": MSG_RESIDENTS, "max_value": MSG_RESIDENTS},
    )
    attended = forms.TypedMultipleChoiceField(label=_("实到代表"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple)
    summary = ResidentText(label=_("接待情况"), multiline=True, max_len=4000, required=True, empty_message=_("请填写接待情况。"))

    def __init__(self, *args, deputies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attended"].choices = [(d.pk, d.name) for d in deputies]


class PostForm(forms.Form):
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)
    title = ResidentText(label=_("标题"), max_len=100, required=True, empty_message=_("请填写标题。"))
    date = forms.DateField(label=_("活动日期"), widget=DateInput(), error_messages={"required": _("请选择日期。"), "invalid": MSG_DATE})
    body = ResidentText(label=_("活动内容"), multiline=True, max_len=5000, required=True, empty_message=_("请填写活动内容。"))
    deputies = forms.TypedMultipleChoiceField(label=_("参加代表"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, deputies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputies"].choices = [(d.pk, d.name) for d in deputies]
        if not self.is_bound:
            self.initial.setdefault("submission_key", uuid.uuid4().hex)
            self.initial.setdefault("date", timezone.localdate())
        self.photos = []

    def clean_submission_key(self):
        return _key(self.cleaned_data.get("submission_key"))

    def clean(self):
        data = super().clean()
        uploads = [f for f in (self.files.getlist("photos") if self.files else []) if getattr(f, "name", "")]
        if len(uploads) > StationPost.MAX_PHOTOS:
            self.add_error(None, ValidationError(MSG_TOO_MANY_PHOTOS % {"max": StationPost.MAX_PHOTOS}, code="too_many"))
            return data
        errors = []
        for upload in uploads:
            try:
                self.photos.append(clean_photo(upload))
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            self.add_error(None, ValidationError(errors))
        return data

    @property
    def had_files(self) -> bool:
        return bool(self.files and any(getattr(f, "name", "") for f in self.files.getlist("photos")))
