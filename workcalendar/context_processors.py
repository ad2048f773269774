"""The notice staff and workspace users see while a year's official working
days are unknown (from 1 November for next year): deadlines counted over
those days are provisional until someone enters them (工作日历 › 工作日调整)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from .workdays import unknown_year_to_enter


def calendar_notice(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not (user.is_staff or getattr(user, "role", "")):
        return {}
    year = unknown_year_to_enter(timezone.localdate())
    if year is None:
        return {}
    message = _(
        "%(year)s 年的法定节假日和调休安排尚未录入：跨入该年的办理时限暂按周一至周五计算，标为“暂定”，"
        "录入后自动重新计算。请管理员在“工作日历 › 工作日调整”中录入国务院办公厅公布的全年安排。"
    ) % {"year": year}
    return {"calendar_notice": message, "calendar_notice_year": year}
