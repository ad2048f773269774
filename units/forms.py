"""Forms of the unit workspace. Input only: the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.forms import ContactForm, ReasonForm, ReplyForm  # noqa: F401  (re-exported for the views)
from proposals.models import CaseState

UNIT_STATES = [
    CaseState.ASSIGNED,
    CaseState.DISPUTED,
    CaseState.IN_HANDLING,
    CaseState.REHANDLING,
    CaseState.REPLIED,
    CaseState.EVALUATED,
    CaseState.CLOSED,
]


class UnitCaseFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + [(s.value, s.label) for s in UNIT_STATES])
    overdue = forms.ChoiceField(label=_("时限"), required=False, choices=[("", _("全部")), ("yes", _("已超期")), ("no", _("未超期"))])

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        data = self.cleaned_data
        out = {}
        if data.get("state"):
            out["state"] = data["state"]
        if data.get("overdue") == "yes":
            out["overdue"] = True
        elif data.get("overdue") == "no":
            out["overdue"] = False
        return out
