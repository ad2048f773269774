from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal.widgets import DateInput, DateTimeInput

from .models import Rating

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx")


class SelfReportForm(forms.Form):
    rule = forms.TypedChoiceField(label=_("积分项目"), coerce=int)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    title = forms.CharField(label=_("事项"), max_length=200)
    description = forms.CharField(label=_("说明"), required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=2000)
    evidence = forms.FileField(label=_("佐证材料"), required=False, help_text=_("图片、PDF或Word文件，不超过10MB"))

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r.pk, f"{r.name}（{r.table.congress.name}）") for r in rules]

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return date

    def clean_evidence(self):
        f = self.cleaned_data.get("evidence")
        if f:
            if f.size > MAX_EVIDENCE_BYTES:
                raise forms.ValidationError(_("佐证材料不能超过10MB。"))
            if not f.name.lower().endswith(EVIDENCE_EXTENSIONS):
                raise forms.ValidationError(_("佐证材料须为图片、PDF或Word文件。"))
        return f


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("审核结果"), choices=[("approve", _("认定")), ("return", _("退回"))])
    reason = forms.CharField(label=_("退回理由"), required=False, max_length=300)


class DeductionForm(forms.Form):
    rule = forms.TypedChoiceField(label=_("扣分项目"), coerce=int)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    title = forms.CharField(label=_("事由"), max_length=200)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r.pk, r.name) for r in rules]


class VoterReportScheduleForm(forms.Form):
    deputy = forms.ModelChoiceField(label=_("述职代表"), queryset=None)
    station = forms.ModelChoiceField(label=_("述职站点"), queryset=None)
    scheduled_at = forms.DateTimeField(label=_("述职时间"), widget=DateTimeInput())

    def __init__(self, *args, deputies, stations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deputy"].queryset = deputies
        self.fields["station"].queryset = stations


class VoterReportRecordForm(forms.Form):
    report_text = forms.CharField(label=_("述职报告"), widget=forms.Textarea(attrs={"rows": 14}), max_length=20000)
    held_at = forms.DateTimeField(label=_("实际召开时间"), required=False, widget=DateTimeInput())
    attendance = forms.IntegerField(label=_("参会选民（人）"), required=False, min_value=0, max_value=100000)
    minutes = forms.CharField(label=_("会议记录"), required=False, widget=forms.Textarea(attrs={"rows": 6}), max_length=20000)
    paper_satisfied = forms.IntegerField(label=_("纸质票：满意"), min_value=0, max_value=100000, initial=0)
    paper_basic = forms.IntegerField(label=_("纸质票：基本满意"), min_value=0, max_value=100000, initial=0)
    paper_unsatisfied = forms.IntegerField(label=_("纸质票：不满意"), min_value=0, max_value=100000, initial=0)

    def clean(self):
        data = super().clean()
        attendance = data.get("attendance")
        paper = sum(data.get(f) or 0 for f in ("paper_satisfied", "paper_basic", "paper_unsatisfied"))
        if attendance is not None and paper > attendance:
            raise forms.ValidationError(_("纸质票总数不能超过参会选民人数。"))
        return data


class BallotForm(forms.Form):
    phone = forms.CharField(
        label=_("手机号码"), max_length=20, widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "numeric"})
    )
    code = forms.CharField(
        label=_("短信验证码"),
        max_length=6,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )
    rating = forms.ChoiceField(label=_("测评意见"), required=False, widget=forms.RadioSelect, choices=())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rating"].choices = Rating.choices
