"""manage.py seed_scale --divisions PATH [--province 44] [--cases 1000000] …

Province-scale benchmark data: the real township tree of a province, about
12,600 stations, 100,000 deputies with mandates and station memberships,
handling units with their accounts, and a million cases over three years in
every state with their history. Written with PostgreSQL COPY (bulk_create on
SQLite); ANALYZE afterwards. Accounts: scale-staff-<region prefix>,
scale-unit-<unit id>-<n>, scale-deputy-<deputy id>, scale-liaison-<station
code>, all with the --password given.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from demo.scale import AlreadySeeded, IntegrityProblem, ScaleOptions, generate_province
from demo.scale.divisions import DivisionsError


class Command(BaseCommand):
    help = "生成省级规模的基准测试数据（区划、站点、代表、承办单位、案件及办理记录）"

    def add_arguments(self, parser):
        parser.add_argument("--divisions", required=True, help="区划 CSV 目录（provinces.csv、cities.csv、areas.csv、streets.csv）")
        parser.add_argument("--province", default="44", help="省级代码，默认 44（广东省）")
        parser.add_argument("--cases", type=int, default=1_000_000)
        parser.add_argument("--stations", type=int, default=12_600)
        parser.add_argument("--deputies", type=int, default=100_000)
        parser.add_argument("--years", type=int, default=3, help="案件分布的年数")
        parser.add_argument("--seed", type=int, default=8, help="随机种子（同一种子生成同样的数据）")
        parser.add_argument("--password", default="scale-bench-pw", help="生成账号的密码")
        parser.add_argument("--chunk", type=int, default=20_000, help="每批写入的案件数")
        parser.add_argument(
            "--check-fks",
            action="store_true",
            help="COPY 时保留 PostgreSQL 逐行外键检查（较慢）；默认关闭逐行检查，写完后统一校验外键",
        )
        parser.add_argument("--now", help="以此时间为“现在”（ISO 格式），默认当前时间")

    def handle(self, *args, **opts):
        now = dt.datetime.fromisoformat(opts["now"]) if opts["now"] else None
        if now is not None and now.tzinfo is None:
            raise CommandError("--now 需要带时区，如 2026-01-01T00:00:00+08:00")
        options = ScaleOptions(
            divisions=opts["divisions"],
            province=opts["province"],
            cases=opts["cases"],
            stations=opts["stations"],
            deputies=opts["deputies"],
            years=opts["years"],
            seed=opts["seed"],
            password=opts["password"],
            chunk=opts["chunk"],
            check_fks=opts["check_fks"],
            now=now,
        )
        try:
            result = generate_province(options, log=lambda msg: self.stdout.write(msg))
        except (DivisionsError, AlreadySeeded, IntegrityProblem) as exc:
            raise CommandError(str(exc))
        for name, count in result.counts.items():
            self.stdout.write(f"  {name}: {count}")
        for note in result.skipped:
            self.stdout.write(self.style.WARNING(f"skipped {note}"))
        timings = ", ".join(f"{k} {v:.1f}s" for k, v in result.timings.items())
        self.stdout.write(self.style.SUCCESS(f"done: {timings}"))
