from django.http import Http404

from .models import ExportJob


def access_export_job(user, pk) -> ExportJob:
    """One's own export job, else 404 (a download link is no key to another's file)."""
    if not user.is_authenticated:
        raise Http404
    try:
        return ExportJob.objects.get(pk=pk, user=user)
    except (ExportJob.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
