"""manage.py import_divisions PATH [--province 44] [--year 2023]"""

import time

from django.core.management.base import BaseCommand, CommandError

from regions.importer import DivisionImportError, import_divisions


class Command(BaseCommand):
    help = "导入统计用区划代码（provinces.csv / cities.csv / areas.csv / streets.csv），可重复执行"

    def add_arguments(self, parser):
        parser.add_argument("path", help="CSV 所在目录")
        parser.add_argument("--province", help="只导入一个省，如 44（广东省）")
        parser.add_argument("--year", type=int, help="区划代码年份，默认 2023")
        parser.add_argument("--batch-size", type=int, default=2000)

    def handle(self, *args, path, province=None, year=None, batch_size=2000, **options):
        started = time.monotonic()
        try:
            stats = import_divisions(path, province=province, year=year, batch_size=batch_size)
        except DivisionImportError as exc:
            raise CommandError(str(exc))
        elapsed = time.monotonic() - started
        self.stdout.write(self.style.SUCCESS(f"{stats}（用时 {elapsed:.1f} 秒）"))
