"""Province-scale data for benchmarks (``manage.py seed_scale``).

``generate_province`` loads a province's real division tree, builds its
organisation (``people``) and then the cases with their history
(``cases``), writing with PostgreSQL COPY (``writer``). See
``demo/management/commands/seed_scale.py`` for the options.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from dataclasses import dataclass, field

from django.utils import timezone

from .cases import CaseGenerator
from .divisions import load_province
from .people import build_org
from .writer import analyze, disable_fk_checks, enable_fk_checks, reset_sequences, verify_foreign_keys


class AlreadySeeded(Exception):
    pass


class IntegrityProblem(Exception):
    """A generated row points to a row that does not exist (a generator bug)."""


@dataclass
class ScaleOptions:
    divisions: str
    province: str = "44"
    cases: int = 1_000_000
    stations: int = 12_600
    deputies: int = 100_000
    years: int = 3
    seed: int = 8
    password: str = "scale-bench-pw"  # noqa: S105 - benchmark accounts on a throw-away database
    chunk: int = 20_000
    #: keep PostgreSQL's per-row foreign-key checks during COPY (slower)
    check_fks: bool = False
    now: dt.datetime | None = None


@dataclass
class ScaleResult:
    counts: dict[str, int] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)


def _models_written():
    from accounts.models import User
    from deputies.models import Congress, Deputy, Mandate
    from proposals.models import Case, CaseAssignment, CaseEvent, CaseSigner, ContactRecord, Feedback, Reply, SupervisionRecord
    from stations.models import Station, StationMembership
    from units.models import HandlingUnit

    from .cases import reminder_model

    return [
        User, User.groups.through, HandlingUnit, HandlingUnit.members.through, Congress, Deputy, Mandate, Station,
        StationMembership, Case, CaseEvent, CaseAssignment, ContactRecord, Reply, Feedback, SupervisionRecord, CaseSigner,
    ] + ([reminder_model()] if reminder_model() else [])  # fmt: skip


def generate_province(options: ScaleOptions, log=print) -> ScaleResult:
    try:
        return _generate(options, log)
    finally:
        enable_fk_checks()


def _generate(options: ScaleOptions, log) -> ScaleResult:
    result = ScaleResult()
    rng = random.Random(options.seed)
    now = options.now or timezone.now()
    stats: dict[str, int] = {}

    from accounts.models import User

    if User.objects.filter(username__startswith="scale-").exists():
        raise AlreadySeeded("this database already holds scale data (scale-* accounts): use a fresh database")
    fks_skipped = not options.check_fks and disable_fk_checks()
    started = time.monotonic()
    tree = load_province(options.divisions, options.province)
    result.timings["regions"] = time.monotonic() - started
    log(f"regions: {len(tree.cities)} cities, {len(tree.counties)} counties, {len(tree.townships)} townships")

    step = time.monotonic()
    org = build_org(tree, stations=options.stations, deputies=options.deputies, password=options.password, rng=rng, stats=stats)
    reset_sequences(_models_written())
    result.timings["organisation"] = time.monotonic() - step
    log(f"organisation: {org.counts} in {result.timings['organisation']:.1f}s")

    step = time.monotonic()
    generator = CaseGenerator(org, rng=rng, now=now, years=options.years, stats=stats)

    def progress(done):
        elapsed = time.monotonic() - step
        log(f"cases: {done}/{options.cases} ({done / max(elapsed, 0.001):.0f}/s)")

    case_counts = generator.generate(options.cases, chunk=options.chunk, progress=progress)
    reset_sequences(_models_written())
    result.timings["cases"] = time.monotonic() - step

    if generator.reminder_model is None:
        result.skipped.append("reminders: the notifications app has no Reminder model")

    if fks_skipped:
        step = time.monotonic()
        problems = verify_foreign_keys(_models_written())
        result.timings["verify"] = time.monotonic() - step
        if problems:
            raise IntegrityProblem("; ".join(problems))
        log(f"foreign keys verified in {result.timings['verify']:.1f}s")

    step = time.monotonic()
    from regions.models import Region

    # Regions too: the planner must know how many rows a code prefix matches
    # (region-scoped lists filter region_id IN (codes LIKE 'prefix%')).
    analyze([Region, *_models_written()])
    result.timings["analyze"] = time.monotonic() - step
    result.timings["total"] = time.monotonic() - started
    result.counts = {**org.counts, **case_counts}
    return result
