from django.db import migrations

TIERS = [
    ("national", "全国", 0, 1),
    ("provincial", "省", 1, 2),
    ("city", "市", 2, 3),
    ("county", "县", 3, 4),
    ("township", "乡", 4, 5),
]


def create(apps, schema_editor):
    Tier = apps.get_model("deputies", "Tier")
    for code, name, level, order in TIERS:
        Tier.objects.get_or_create(code=code, defaults={"name": name, "region_level": level, "order": order})


class Migration(migrations.Migration):
    dependencies = [("deputies", "0002_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
