from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts import crypto
from congress_portal.widgets import DateInput

from . import parsing
from .models import Adoption
from .text import clean

MSG_NUL = _("内容里有无法识别的特殊字符，请删掉后再提交。")
MAX_COMMENT = 3000
ATTACHMENT_TYPES = (".pdf", ".doc", ".docx", ".xls", ".xlsx")


def _cleaned(value, multiline=True):
    if value and "\x00" in value:
        raise ValidationError(MSG_NUL, code="nul")
    return clean(value, multiline=multiline)


class CommentForm(forms.Form):
    """A resident's comment (public page and station page)."""

    submission_key = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    provision = forms.CharField(widget=forms.HiddenInput, required=False)
    quote = forms.CharField(label=_("所选文字"), max_length=500, required=False, widget=forms.HiddenInput)
    content = forms.CharField(
        label=_("您的意见和建议"),
        max_length=MAX_COMMENT,
        widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_COMMENT}),
        error_messages={"required": _("请填写意见内容。"), "max_length": _("意见最多 %(limit_value)d 个字，请精简后再提交。")},
    )
    name = forms.CharField(label=_("姓名"), max_length=50, required=False)
    phone = forms.CharField(label=_("手机号"), max_length=20, required=False, widget=forms.TextInput(attrs={"inputmode": "tel"}))
    consent = forms.BooleanField(label=_("我同意按上面的说明使用我的姓名和手机号"), required=False)
    # Honeypot: off-screen, out of the tab order; only bots fill it.
    hp_note = forms.CharField(label=_("请勿填写"), required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}))

    def clean_content(self):
        value = _cleaned(self.cleaned_data["content"])
        if not value:
            raise ValidationError(_("请填写意见内容。"), code="required")
        return value

    def clean_name(self):
        return _cleaned(self.cleaned_data.get("name", ""), multiline=False)

    def clean_quote(self):
        return _cleaned(self.cleaned_data.get("quote", ""), multiline=False)

    def clean_phone(self):
        phone = crypto.normalize_phone(_cleaned(self.cleaned_data.get("phone", ""), multiline=False))
        if phone and not crypto.is_valid_mobile(phone):
            raise ValidationError(_("手机号应为 11 位数字，以 1 开头。"), code="phone")
        return phone

    def clean(self):
        data = super().clean()
        if (data.get("name") or data.get("phone")) and not data.get("consent"):
            self.add_error(
                "consent",
                ValidationError(_("您留了姓名或手机号，请勾选“我同意”；不同意的话，请把姓名和手机号删掉，匿名提交。"), code="consent"),
            )
        return data


class PaperCommentForm(CommentForm):
    provision = forms.TypedChoiceField(label=_("针对的条文"), required=False, coerce=str)

    def __init__(self, *args, provisions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provision"].choices = [("", _("对草案整体"))] + [(str(p.pk), p.label) for p in provisions]
        self.fields["consent"].label = _("意见人已同意留下姓名和手机号用于反馈（纸质意见表上已签字或口头同意）")


class ForumForm(forms.Form):
    held_on = forms.DateField(label=_("座谈会日期"), widget=DateInput())
    place = forms.CharField(label=_("地点"), max_length=200)
    participants = forms.IntegerField(label=_("参加人数"), min_value=1, max_value=10000)
    note = forms.CharField(label=_("情况说明"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    comments = forms.CharField(
        label=_("收集到的意见"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("每行一条意见。针对某一条的，在开头写条文编号，如“第五条：……”；不写编号的算作对草案整体的意见。"),
    )

    def clean_place(self):
        return _cleaned(self.cleaned_data["place"], multiline=False)

    def clean_note(self):
        return _cleaned(self.cleaned_data.get("note", ""))

    def clean_comments(self):
        lines = [line.strip() for line in _cleaned(self.cleaned_data["comments"]).split("\n") if line.strip()]
        if not lines:
            raise ValidationError(_("请至少填写一条意见。"), code="empty")
        return lines


class DraftForm(forms.Form):
    title = forms.CharField(label=_("草案名称"), max_length=200)
    issuing_body = forms.CharField(label=_("起草/征求意见机关"), max_length=200)
    explanation = forms.CharField(label=_("起草说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}))
    opens_on = forms.DateField(label=_("征求意见开始日期"), widget=DateInput())
    closes_on = forms.DateField(label=_("征求意见截止日期"), widget=DateInput())
    stations = forms.ModelMultipleChoiceField(label=_("参与的联系点"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    text = forms.CharField(label=_("草案全文（粘贴）"), required=False, widget=forms.Textarea(attrs={"rows": 14}))
    docx = forms.FileField(label=_("或上传 Word 文件（.docx）"), required=False)
    attachment = forms.FileField(label=_("附件（如起草说明全文、对照表，PDF 或 Word）"), required=False)

    def __init__(self, *args, stations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stations"].queryset = stations

    def clean_text(self):
        return _cleaned(self.cleaned_data.get("text", ""))

    def clean_attachment(self):
        upload = self.cleaned_data.get("attachment")
        if upload and (not upload.name.lower().endswith(ATTACHMENT_TYPES) or upload.size > 20 * 1024 * 1024):
            raise ValidationError(_("附件只能是 PDF、Word 或 Excel 文件，且不超过 20 MB。"), code="attachment")
        return upload

    def clean(self):
        data = super().clean()
        upload = data.get("docx")
        if upload:
            if not upload.name.lower().endswith(".docx") or upload.size > 10 * 1024 * 1024:
                self.add_error("docx", parsing.MSG_BAD_DOCX)
                return data
            try:
                data["text"] = _cleaned(parsing.docx_to_text(upload))
            except ValidationError as exc:
                self.add_error("docx", exc)
                return data
        if not data.get("text"):
            self.add_error("text", _("请粘贴草案全文，或上传 .docx 文件。"))
            return data
        try:
            data["parsed"] = parsing.parse_text(data["text"])
        except ValidationError as exc:
            self.add_error("text", exc)
        return data


class VersionForm(DraftForm):
    note = forms.CharField(label=_("修改说明"), max_length=500, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, stations=None, **kwargs)
        for name in ("title", "issuing_body", "explanation", "opens_on", "closes_on", "stations", "attachment"):
            del self.fields[name]


class ExtendForm(forms.Form):
    new_closes_on = forms.DateField(label=_("新截止日期"), widget=DateInput())
    reason = forms.CharField(label=_("延长理由"), max_length=500)


class FeedbackForm(forms.Form):
    adoption = forms.ChoiceField(label=_("采纳情况"), choices=Adoption.choices)
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_reason(self):
        return _cleaned(self.cleaned_data["reason"])


class SummaryForm(forms.Form):
    provision = forms.CharField(required=False, widget=forms.HiddenInput)
    text = forms.CharField(label=_("本条意见摘要"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_text(self):
        return _cleaned(self.cleaned_data.get("text", ""))


class TagForm(forms.Form):
    tags = forms.CharField(label=_("标签"), required=False, max_length=200, help_text=_("用逗号或顿号分隔"))

    def clean_tags(self):
        raw = _cleaned(self.cleaned_data.get("tags", ""), multiline=False)
        for sep in ("，", "、", ";", "；"):
            raw = raw.replace(sep, ",")
        return [t.strip() for t in raw.split(",") if t.strip()]


class ForwardForm(forms.Form):
    to_body = forms.CharField(label=_("报送机关"), max_length=200)
    note = forms.CharField(label=_("说明"), max_length=500, required=False)


class TrackForm(forms.Form):
    code = forms.CharField(label=_("查询码"), max_length=20)
