"""The portal's dependencies run one way (style.md "Layers and new apps"):

    base     regions, workcalendar, accounts, congress_portal's utilities
    roster   stations, deputies, units          (models, admin, public directory)
    core     proposals                          (the case: models, workflow, services)
    role     workspaces, intake, notifications, api, open311, and every new app
    project  congress_portal's settings, URLs, WSGI/Celery entry points; demo; bench

This test parses the imports of every module of every local app and fails
when an arrow runs the wrong way (a lower layer importing a higher one), when
apps of one layer import each other in a circle, or when an import of another
app is written inside a function (the usual way to hide a cycle) anywhere but
in migrations and ``AppConfig.ready()``."""

import ast
from collections import defaultdict
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)

BASE, ROSTER, CORE, ROLE, PROJECT = range(5)
LAYER_NAMES = {BASE: "base", ROSTER: "roster", CORE: "case core", ROLE: "role", PROJECT: "project"}
LAYERS = {
    "regions": BASE,
    "workcalendar": BASE,
    "accounts": BASE,
    "congress_portal": BASE,
    "stations": ROSTER,
    "deputies": ROSTER,
    "units": ROSTER,
    "proposals": CORE,
    "demo": PROJECT,
    "bench": PROJECT,
}
# congress_portal is two things: utilities every app may use (pagination,
# QR codes, spreadsheets, admin list helpers) and the project's wiring, which
# imports every app.
PROJECT_MODULES = {"congress_portal.urls", "congress_portal.celery", "congress_portal.wsgi", "congress_portal.views"}
PROJECT_PACKAGES = ("congress_portal.settings",)
# Deputies sit in stations (进站) and stations have deputies as heads and
# members: one relation, read from both sides of the roster. The only pair of
# apps allowed to know each other.
MUTUAL = {frozenset({"deputies", "stations"})}


def local_apps() -> list[str]:
    return [app for app in settings.LOCAL_APPS if (ROOT / app).is_dir()]


def layer_of_app(app: str) -> int:
    # An app not named above is a new app serving a role: above the case core.
    return LAYERS.get(app, ROLE)


def layer_of_module(module: str) -> int:
    if module in PROJECT_MODULES or module.startswith(PROJECT_PACKAGES):
        return PROJECT
    return layer_of_app(module.split(".")[0])


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files():
    for app in [*local_apps(), "bench"]:
        for path in sorted((ROOT / app).rglob("*.py")):
            if "migrations" in path.parts or "__pycache__" in path.parts:
                continue
            yield path


def resolve(node: ast.ImportFrom | ast.Import, module: str, is_package: bool) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if node.level == 0:
        return [node.module] if node.module else []
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    target = ".".join(base + ([node.module] if node.module else []))
    return [target]


class ImportCollector(ast.NodeVisitor):
    def __init__(self):
        self.found = []  # (node, inside_function_name or None)
        self._functions = []

    def _visit_function(self, node):
        self._functions.append(node.name)
        self.generic_visit(node)
        self._functions.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _visit_function

    def visit_Import(self, node):
        self.found.append((node, self._functions[-1] if self._functions else None))

    visit_ImportFrom = visit_Import


def project_imports():
    """(importer module, imported module, line, function or None, path) for
    every import of a local app's module."""
    apps = set(local_apps()) | {"bench"}
    for path in source_files():
        module = module_name(path)
        collector = ImportCollector()
        collector.visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
        for node, function in collector.found:
            for target in resolve(node, module, path.name == "__init__.py"):
                if target.split(".")[0] in apps:
                    yield module, target, node.lineno, function, path


def test_every_local_app_has_a_known_layer_or_is_a_role_app():
    assert set(LAYERS) - {"bench"} <= set(local_apps()) | {"congress_portal"}


def test_no_import_runs_from_a_lower_layer_to_a_higher_one():
    wrong = []
    for importer, target, line, _function, path in project_imports():
        if layer_of_module(target) > layer_of_module(importer):
            wrong.append(
                f"{path.relative_to(ROOT)}:{line} {importer} ({LAYER_NAMES[layer_of_module(importer)]}) "
                f"imports {target} ({LAYER_NAMES[layer_of_module(target)]})"
            )
    assert not wrong, "imports against the layers:\n" + "\n".join(wrong)


def test_roster_apps_do_not_know_the_case_core():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for importer, target, line, _f, path in project_imports()
        if layer_of_module(importer) == ROSTER and target.split(".")[0] == "proposals"
    ]
    assert not wrong, "\n".join(wrong)


def test_the_case_core_imports_no_app_that_serves_a_role():
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for importer, target, line, _f, path in project_imports()
        if importer.split(".")[0] == "proposals" and layer_of_module(target) >= ROLE
    ]
    assert not wrong, "\n".join(wrong)


def test_no_cross_app_import_hides_inside_a_function():
    hidden = []
    for importer, target, line, function, path in project_imports():
        if function is None or target.split(".")[0] == importer.split(".")[0]:
            continue
        if path.name == "apps.py" and function == "ready":
            continue
        if importer.split(".")[0] in {"bench", "demo"}:
            continue  # command-line tools that set Django up before importing the apps
        hidden.append(f"{path.relative_to(ROOT)}:{line} {function}() imports {target}")
    assert not hidden, "imports written inside functions:\n" + "\n".join(hidden)


def test_apps_of_one_layer_import_each_other_without_a_cycle():
    graph = defaultdict(set)
    for importer, target, _line, _f, _path in project_imports():
        a, b = importer.split(".")[0], target.split(".")[0]
        if a != b and layer_of_module(importer) == layer_of_module(target) and frozenset({a, b}) not in MUTUAL:
            graph[a].add(b)
    cycles = []
    state = {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(" → ".join([*stack[stack.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*stack, nxt])
        state[node] = "done"

    for node in sorted(list(graph)):
        if node not in state:
            visit(node, [node])
    assert not cycles, "cycles between apps of one layer:\n" + "\n".join(cycles)


def test_the_checker_sees_a_wrong_arrow(tmp_path):
    """The parser itself: a roster module importing the case core is caught,
    relative imports are resolved, and an import inside a function is seen."""
    source = "from proposals.models import Case\nfrom .models import Station\ndef f():\n    from intake import views\n"
    collector = ImportCollector()
    collector.visit(ast.parse(source))
    targets = [(resolve(n, "stations.services", False)[0], fn) for n, fn in collector.found]
    assert targets == [("proposals.models", None), ("stations.models", None), ("intake", "f")]
    assert layer_of_module("proposals.models") > layer_of_module("stations.services")
    assert layer_of_module("congress_portal.urls") == PROJECT and layer_of_module("congress_portal.qr") == BASE
