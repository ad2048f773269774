"""The in-app notification list (/notifications/): own notifications only."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import selectors
from .services.inapp import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 20


@login_required
def notification_list(request):
    qs = selectors.notifications_for(request.user)
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        qs = qs.filter(read_at__isnull=True)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "notifications": page.object_list, "only_unread": only_unread}
    if request.user.is_staff:
        failed = selectors.failed_messages_for_staff(request.user)
        context["failed_messages"] = list(failed[:10])
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_read(request, pk):
    notification = notification_mark_read(user=request.user, notification_id=pk)
    target = notification.url
    if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(_back(request))


@login_required
@require_POST
def notification_read_all(request):
    count = notifications_mark_all_read(user=request.user)
    messages.success(request, _("已将 %(n)s 条通知标为已读。") % {"n": count})
    return redirect(_back(request))


def _back(request) -> str:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("notifications:list")
