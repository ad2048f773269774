"""A region picked by its division code (2-12 digits), for public filters."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Region, normalize_code

INVALID_REGION = _("请选择有效的行政区域")


class RegionCodeField(forms.CharField):
    """Cleans a division code (2/4/6/9/12 digits) to the Region, or None."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        try:
            code = normalize_code(value)
        except ValueError:
            raise forms.ValidationError(INVALID_REGION, code="invalid")
        region = Region.objects.filter(code=code).only("id", "code", "name", "full_name", "level").first()
        if region is None:
            raise forms.ValidationError(INVALID_REGION, code="invalid")
        return region
