"""Writes of the deputy's workspace that touch cases: phone reveals."""

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from deputies.services import DutyError, deputy_of
from proposals.access import access_case_for_deputy, can_see_full_phone
from proposals.models import PhoneRevealLog
from proposals.services.intake import case_phone

MSG_NOT_RESPONSIBLE = _("只有责任代表可以查看群众的完整电话号码。")
MSG_NO_PHONE = _("群众没有留下电话号码。")


def deputy_phone_reveal(*, user, case_id: int, reason: str = "") -> str:
    """The responsible deputy asks for the resident's full number to call
    back; every reveal is logged (PIPL). Others' cases are a 404."""
    deputy = deputy_of(user)
    case = access_case_for_deputy(user, case_id)
    if case.responsible_deputy_id != deputy.pk or not can_see_full_phone(user, case):
        raise DutyError(MSG_NOT_RESPONSIBLE)
    if not case.phone_encrypted:
        raise DutyError(MSG_NO_PHONE)
    with transaction.atomic():
        PhoneRevealLog.objects.create(case=case, user=user, reason=(reason or "")[:200] or str(_("责任代表联系群众")))
    return case_phone(case)
