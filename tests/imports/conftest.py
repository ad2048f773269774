from tests.proposals.fixtures import world  # noqa: F401
