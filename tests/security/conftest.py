from tests.api.conftest import anon  # noqa: F401
from tests.proposals.fixtures import world  # noqa: F401
