from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect

from .navigation import landing_url


@login_required
def start(request):
    """After login (``LOGIN_REDIRECT_URL``): the user's own workspace."""
    return redirect(landing_url(request.user))
