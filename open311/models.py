"""API keys of Open311 clients (a station's own app, a city's 12345 platform…).

A key belongs to a station (its requests become cases at that station) or,
for an integration that serves a whole area, to a region. Only a SHA-256
hash of the key is stored: the key itself is shown once, when it is issued.
Keys are long random strings, so a plain (fast) hash is enough — there is
nothing to brute-force that a slow password hash would protect.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    name = models.CharField(_("名称"), max_length=100, help_text=_("如 “鼓楼街道联络站小程序”“12345热线平台”"))
    station = models.ForeignKey(
        "stations.Station",
        verbose_name=_("所属站点"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("通过该密钥提交的意见记入此站点"),
    )
    # Always set (from the station when there is one): region scoping of the
    # admin and of the cases created without a station.
    region = models.ForeignKey(
        "regions.Region",
        verbose_name=_("所属区域"),
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("不属于某个站点的接入系统，意见记入此区域"),
    )
    prefix = models.CharField(_("密钥前缀"), max_length=12, editable=False, help_text=_("用于辨认密钥，不能用来调用接口"))
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    note = models.TextField(_("备注"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签发人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("签发时间"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("最近使用"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("吊销时间"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("吊销人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    class Meta:
        verbose_name = _("Open311接入密钥")
        verbose_name_plural = _("Open311接入密钥")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
