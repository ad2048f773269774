from django.db import migrations

# "六有": 有场所、有设施、有组织、有制度、有活动、有档案.
ITEMS = [
    ("place", "有场所", "有固定的活动场所，标识醒目"),
    ("facilities", "有设施", "有必要的办公设施和资料"),
    ("organisation", "有组织", "有站长、责任人和联络员，代表进站"),
    ("rules", "有制度", "有接待、学习、活动等工作制度并上墙"),
    ("activities", "有活动", "定期开展接待选民和履职活动"),
    ("records", "有档案", "活动有记录，资料归档"),
]


def create(apps, schema_editor):
    Item = apps.get_model("stations", "ChecklistItem")
    for order, (code, name, description) in enumerate(ITEMS, start=1):
        Item.objects.get_or_create(code=code, defaults={"name": name, "description": description, "order": order})


class Migration(migrations.Migration):
    dependencies = [("stations", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
