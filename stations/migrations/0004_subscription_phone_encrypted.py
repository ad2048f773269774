"""Reception subscriptions: the phone number encrypted (PIPL), a digest for
"one per number", an unsubscribe token, and the confirmation time. Existing
numbers are moved into the encrypted column and counted as confirmed (they
were typed in by staff before confirmation by SMS existed)."""

import secrets

from django.db import migrations, models
from django.utils import timezone

import stations.models


def forwards(apps, schema_editor):
    from accounts import crypto

    Subscription = apps.get_model("stations", "ReceptionSubscription")
    seen = set()
    for sub in Subscription.objects.all().order_by("pk"):
        phone = crypto.normalize_phone(sub.phone or "")
        sub.token = secrets.token_urlsafe(32)
        sub.confirmed_at = sub.created_at or timezone.now()
        if phone:
            digest = crypto.phone_digest(phone)
            if (sub.station_id, digest) in seen:
                sub.delete()  # the same number twice at one station: keep the first
                continue
            seen.add((sub.station_id, digest))
            sub.phone_encrypted = crypto.encrypt(phone)
            sub.phone_masked = crypto.mask_phone(phone)
            sub.phone_digest = digest
        sub.save(update_fields=["token", "confirmed_at", "phone_encrypted", "phone_masked", "phone_digest"])


class Migration(migrations.Migration):
    dependencies = [("stations", "0003_station_posts_and_attendance")]

    operations = [
        migrations.AddField(
            model_name="receptionsubscription",
            name="phone_encrypted",
            field=models.TextField(blank=True, editable=False, verbose_name="手机号（加密）"),
        ),
        migrations.AddField(
            model_name="receptionsubscription",
            name="phone_masked",
            field=models.CharField(blank=True, editable=False, max_length=20, verbose_name="手机号"),
        ),
        migrations.AddField(
            model_name="receptionsubscription",
            name="phone_digest",
            field=models.CharField(blank=True, db_index=True, editable=False, max_length=64),
        ),
        migrations.AddField(
            model_name="receptionsubscription",
            name="token",
            field=models.CharField(editable=False, max_length=43, null=True, verbose_name="退订码"),
        ),
        migrations.AddField(
            model_name="receptionsubscription",
            name="confirmed_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="确认时间"),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
        migrations.RemoveField(model_name="receptionsubscription", name="phone"),
        migrations.AlterField(
            model_name="receptionsubscription",
            name="token",
            field=models.CharField(default=stations.models._new_token, editable=False, max_length=43, unique=True, verbose_name="退订码"),
        ),
        migrations.AddConstraint(
            model_name="receptionsubscription",
            constraint=models.UniqueConstraint(
                condition=models.Q(("phone_digest", ""), _negated=True), fields=("station", "phone_digest"), name="subscription_one_per_phone"
            ),
        ),
    ]
