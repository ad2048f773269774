"""The one access pattern of every workspace page.

A workspace view is wrapped in ``workspace_view(resolve)``: anonymous users
go to the login page; ``resolve(request, **kwargs)`` finds what the user works
on (their deputy profile, their units, the station in the URL) and returns
it, or returns ``None`` for "this workspace is not yours" (a 403 page that
says which workspace it is), or raises ``Http404`` for an object that is not
theirs (another station, another deputy's case). Pages are never cached:
they carry personal data.
"""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.shortcuts import render
from django.views.decorators.cache import never_cache


def workspace_view(resolve, *, attr: str, denied_template: str):
    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            found = resolve(request, **kwargs)
            if found is None:
                return render(request, denied_template, status=403)
            setattr(request, attr, found)
            return view(request, *args, **kwargs)

        return never_cache(wrapper)

    return decorator
