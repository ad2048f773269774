"""Forms of the unit workspace. Input only: the rules are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from proposals.forms import ContactForm, ReasonForm, ReplyForm  # noqa: F401  (re-exported for the views)
from proposals.models import CaseState
from proposals.models.cases import FINAL_STATES

UNIT_STATES = [
    CaseState.ASSIGNED,
    CaseState.DISPUTED,
    CaseState.IN_HANDLING,
    CaseState.REHANDLING,
    CaseState.REPLIED,
    CaseState.EVALUATED,
    CaseState.CLOSED,
]

# 在办 is what a handling unit works on, and the list it opens on: its closed
# history (often years of it) is one choice away.
SCOPE_CHOICES = [("open", _("在办")), ("closed", _("已办结")), ("all", _("全部"))]


class UnitCaseFilterForm(forms.Form):
    scope = forms.ChoiceField(label=_("范围"), required=False, choices=SCOPE_CHOICES, initial="open")
    state = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + [(s.value, s.label) for s in UNIT_STATES])
    overdue = forms.ChoiceField(label=_("时限"), required=False, choices=[("", _("全部")), ("yes", _("已超期")), ("no", _("未超期"))])

    def filters(self) -> dict:
        """The valid filters for ``unit_case_list``; an invalid value is
        ignored (the default list), never an error page. A state decides the
        scope by itself (a bookmarked ``?state=closed`` lists the closed cases)."""
        if not self.is_valid():
            return {"scope": "open"}
        data = self.cleaned_data
        out = {"scope": data.get("scope") or "open"}
        if data.get("state"):
            out["state"] = data["state"]
            out["scope"] = "closed" if data["state"] in FINAL_STATES else "open"
        if data.get("overdue") == "yes":
            out["overdue"] = True
        elif data.get("overdue") == "no":
            out["overdue"] = False
        return out
