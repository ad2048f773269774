from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

MAX_EVIDENCE_BYTES = 10 * 1024 * 1024
EVIDENCE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".pdf", ".doc", ".docx")


class SelfReportForm(forms.Form):
    rule = forms.TypedChoiceField(label=_("积分项目"), coerce=int)
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
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
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))
    title = forms.CharField(label=_("事由"), max_length=200)

    def __init__(self, *args, rules=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = [(r.pk, r.name) for r in rules]
