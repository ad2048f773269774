"""Fixtures of the API tests: the workflow tests' world (杏花岭区 with a
station, units, staff, a deputy; staff of 沈阳市和平区 as "another county")
and API clients authenticated by token."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.proposals import builders
from tests.proposals.fixtures import world  # noqa: F401


def token_client(user) -> APIClient:
    token, _created = Token.objects.get_or_create(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def anon():
    return APIClient()


@pytest.fixture
def staff_api(world):  # noqa: F811
    return token_client(world.staff)


@pytest.fixture
def other_staff_api(world):  # noqa: F811
    return token_client(world.other_staff)


@pytest.fixture
def case_in_state():
    """``case_in_state(world, state)``: a case brought there by the real services."""
    return builders.case_in_state
