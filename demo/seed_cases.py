"""Demo data part; see demo/management/commands/seed_demo.py."""


def run(stdout=None) -> str:
    return "nothing yet"
