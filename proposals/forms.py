"""Small forms for the workflow actions (admin buttons and the unit workspace).

They only collect input; every rule lives in ``proposals.services.actions``.
None of them has a ``state`` field: the state moves only through the services.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from congress_portal.widgets import DateInput
from deputies.models import Deputy
from deputies.scoping import scope_deputies
from regions.scoping import scope_queryset
from units.models import HandlingUnit

from .models import Case, ContactParty, ContactWay, ReplyClass, SupervisionKind, SupervisionLevel
from .tracking import normalize_tracking_code


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionalReasonForm(forms.Form):
    reason = forms.CharField(label=_("说明（可选）"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False)


class TextForm(forms.Form):
    text = forms.CharField(label=_("内容"), widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)


class NoteForm(forms.Form):
    text = forms.CharField(label=_("备注"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ImplementedForm(forms.Form):
    note = forms.CharField(label=_("落实情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label=_("确认"), required=True)


class RevealPhoneForm(forms.Form):
    """Why the full number is shown (written to PhoneRevealLog). A CharField
    refuses a NUL byte with a message instead of passing it to the database."""

    reason = forms.CharField(label=_("事由"), max_length=200, required=False, initial=_("回访群众"))

    def clean_reason(self):
        return self.cleaned_data["reason"].strip() or str(_("回访群众"))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("并入案件的查询码"), max_length=20, help_text=_("如 ABCD-EFGH"))
    reason = forms.CharField(label=_("说明（可选）"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user=None, case=None, **kwargs):
        self.user = user
        self.case = case
        super().__init__(*args, **kwargs)

    def clean_into(self):
        from .access import cases_for_staff

        code = normalize_tracking_code(self.cleaned_data["into"])
        target = cases_for_staff(self.user).filter(tracking_code=code).only("pk").first()
        if target is None:
            raise forms.ValidationError(_("找不到该查询码对应的案件。"))
        return target.pk


def scoped_units(user, case: Case | None = None):
    """Active units of the user's subtree and units above the case's region."""
    from django.db.models import Q

    qs = HandlingUnit.objects.filter(is_active=True).select_related("region")
    scoped = scope_queryset(qs, user, "region")
    if case is not None and case.region_id:
        code = case.region.code
        prefixes = {code[:n] for n in (2, 4, 6, 9)}
        above = qs.filter(region__code__in=[p.ljust(12, "0") for p in prefixes])
        return qs.filter(Q(pk__in=scoped.values("pk")) | Q(pk__in=above.values("pk"))).order_by("name")
    return scoped.order_by("name")


class AssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    co_units = forms.ModelMultipleChoiceField(
        label=_("会办单位"), queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    responsible_deputy = forms.ModelChoiceField(label=_("责任代表"), queryset=None, required=False)
    reason = forms.CharField(label=_("交办意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user=None, case=None, with_deputy=True, reason_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        units = scoped_units(user, case)
        self.fields["lead_unit"].queryset = units
        self.fields["co_units"].queryset = units
        if with_deputy and case is not None:
            deputies = Deputy.objects.filter(is_active=True)
            if case.station_id:
                deputies = deputies.filter(stations=case.station_id)
            else:
                deputies = scope_deputies(deputies, user)
            self.fields["responsible_deputy"].queryset = deputies.order_by("name").distinct()
            if case.responsible_deputy_id:
                self.fields["responsible_deputy"].initial = case.responsible_deputy_id
        else:
            del self.fields["responsible_deputy"]
        if reason_required:
            self.fields["reason"].required = True
            self.fields["reason"].label = _("调整理由")

    def clean(self):
        data = super().clean()
        lead = data.get("lead_unit")
        if lead and lead in (data.get("co_units") or []):
            raise forms.ValidationError(_("会办单位不能与主办单位相同。"))
        return data


class BulkAssignForm(forms.Form):
    lead_unit = forms.ModelChoiceField(label=_("主办单位"), queryset=None)
    reason = forms.CharField(label=_("交办意见"), widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_unit"].queryset = scoped_units(user)


class SuperviseForm(forms.Form):
    level = forms.ChoiceField(label=_("督办级别"), choices=[c for c in SupervisionLevel.choices if c[0]])
    kind = forms.ChoiceField(label=_("督办方式"), choices=SupervisionKind.choices)
    date = forms.DateField(label=_("日期"), widget=DateInput())
    summary = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()


class ContactForm(forms.Form):
    contact_date = forms.DateField(label=_("联系日期"), widget=DateInput())
    way = forms.ChoiceField(label=_("方式"), choices=ContactWay.choices)
    party = forms.ChoiceField(label=_("联系对象"), choices=ContactParty.choices)
    summary = forms.CharField(label=_("情况"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact_date"].initial = timezone.localdate()

    def clean_contact_date(self):
        value = self.cleaned_data["contact_date"]
        if value > timezone.localdate():
            raise forms.ValidationError(_("日期不能晚于今天。"))
        return value


class _ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices from the field's queryset, read once per form."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.field.listed_objects():
            yield self.choice(obj)

    def __len__(self):
        return len(self.field.listed_objects()) + (self.field.empty_label is not None)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.listed_objects())


class ListedModelChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField that reads its (small) queryset once per form.

    A required <select> without an empty choice iterates its choices twice
    when rendered (Django checks the first option for the ``required``
    attribute, then draws the options): two identical queries per page."""

    iterator = _ListedChoiceIterator

    def listed_objects(self) -> list:
        if getattr(self, "_listed", None) is None:
            self._listed = list(self.queryset)
        return self._listed

    def __deepcopy__(self, memo):
        result = super().__deepcopy__(memo)
        result._listed = None
        return result

    def _set_queryset(self, queryset):
        self._listed = None
        super()._set_queryset(queryset)

    queryset = property(forms.ModelChoiceField._get_queryset, _set_queryset)


MSG_REPLY_CLASS = _("请选择答复类别（A、B 或 C）。")


class ReplyForm(forms.Form):
    text = forms.CharField(label=_("答复内容"), widget=forms.Textarea(attrs={"rows": 8}), max_length=20000)
    # No class is preselected: the unit must choose A, B or C itself (a
    # preselected "A 已解决或采纳" would be sent by anyone who did not look).
    reply_class = ListedModelChoiceField(
        label=_("答复类别"),
        queryset=ReplyClass.objects.filter(is_active=True),
        to_field_name="code",
        empty_label=_("请选择答复类别"),
        error_messages={"required": MSG_REPLY_CLASS, "invalid_choice": MSG_REPLY_CLASS},
    )
    signed_file = forms.FileField(
        label=_("盖章答复件"),
        required=False,
        help_text=_("PDF、JPG 或 PNG，不超过 10 MB"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}),
    )

    def clean_signed_file(self):
        from .services.actions import validate_signed_file
        from .workflow import WorkflowError

        f = self.cleaned_data.get("signed_file")
        try:
            validate_signed_file(f)
        except WorkflowError as exc:
            raise forms.ValidationError(str(exc)) from None
        return f
