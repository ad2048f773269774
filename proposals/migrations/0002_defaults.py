from django.db import migrations

CATEGORIES = [
    ("urban", "城市建设与管理"),
    ("traffic", "交通出行"),
    ("environment", "生态环境"),
    ("education", "教育"),
    ("health", "医疗卫生"),
    ("elderly", "养老服务"),
    ("social", "社会保障与就业"),
    ("safety", "社会治安与安全"),
    ("economy", "经济发展"),
    ("rural", "农业农村"),
    ("community", "社区治理与物业"),
    ("other", "其他"),
]

REPLY_CLASSES = [
    ("A", "已解决或采纳", "所提问题已经解决或建议已被采纳", False, True),
    ("B", "正在解决或列入计划", "正在解决或已列入计划逐步解决，需跟踪落实", True, False),
    ("C", "因条件限制留作参考", "因目前条件限制或其他原因暂时无法解决，留作参考", False, False),
]


def create(apps, schema_editor):
    Category = apps.get_model("proposals", "Category")
    ReplyClass = apps.get_model("proposals", "ReplyClass")
    DeadlinePolicy = apps.get_model("proposals", "DeadlinePolicy")
    for order, (code, name) in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    for order, (code, name, description, follow_up, solved) in enumerate(REPLY_CLASSES, start=1):
        ReplyClass.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "description": description,
                "requires_follow_up": follow_up,
                "counts_as_solved": solved,
                "order": order,
            },
        )
    DeadlinePolicy.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("proposals", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
