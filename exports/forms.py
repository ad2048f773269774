from django import forms
from django.utils.translation import gettext_lazy as _


class ExportForm(forms.Form):
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=4000)
    reveal = forms.BooleanField(label=_("包含完整的群众姓名和联系电话"), required=False)
    reason = forms.CharField(label=_("事由"), required=False, max_length=200, help_text=_("导出完整联系方式时必填，将记录在案"))
