"""Run one reminder/notification sweep by hand (what beat runs every 2 minutes)."""

from django.core.management.base import BaseCommand

from notifications.services.sweep import sweep_run


class Command(BaseCommand):
    help = "运行一次提醒与通知扫描：处理未通知的办理记录、到期提醒、周报与接待日公告，并发送待发消息。"

    def add_arguments(self, parser):
        parser.add_argument("--no-send", action="store_true", help="只生成提醒和消息，不发送")

    def handle(self, *args, **options):
        result = sweep_run(deliver=not options["no_send"])
        self.stdout.write(result.summary())
