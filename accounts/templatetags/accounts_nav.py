from django import template

from accounts.navigation import workspace_links as _workspace_links

register = template.Library()


@register.simple_tag(takes_context=True)
def workspace_links(context):
    request = context.get("request")
    return _workspace_links(request.user) if request is not None and hasattr(request, "user") else []
