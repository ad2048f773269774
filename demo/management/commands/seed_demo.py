"""Build the demo county. Idempotent: `make run` calls it on every start."""

from importlib import import_module

from django.core.management.base import BaseCommand
from django.db import transaction

# Each part seeds what its app owns, in this order; each is idempotent.
SEEDERS = [
    "demo.seed_core",  # regions subset, stations, deputies, groups, accounts
    "demo.seed_cases",  # handling units, cases in every state
    "demo.seed_integrations",  # Open311 API key, reception-day subscriptions
    "demo.seed_station",  # the liaison officer's station: receptions held and planned, posts
    "demo.seed_legislation",  # a draft regulation open for comment at a station
    "demo.seed_evaluation",  # points table, duty records, a report to voters
    "demo.seed_documents",  # the roster import template, a 交办单 that prints
]


class Command(BaseCommand):
    help = "创建演示数据（区划、站点、代表、案件、演示账号），可重复执行"

    def handle(self, *args, **options):
        for dotted in SEEDERS:
            module = import_module(dotted)
            with transaction.atomic():
                summary = module.run(stdout=self.stdout)
            self.stdout.write(self.style.SUCCESS(f"{dotted}: {summary or 'ok'}"))
