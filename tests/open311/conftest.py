"""Fixtures of the Open311 tests: the workflow tests' world plus an API key
for its station, and the GeoReport v2 JSON schemas of ./schemas."""

import json
from pathlib import Path

import jsonschema
import pytest

from open311.services import api_key_issue
from tests.proposals.fixtures import world  # noqa: F401

SCHEMAS = Path(__file__).parent / "schemas"


def validate(instance, schema_name: str) -> None:
    schema = json.loads((SCHEMAS / f"{schema_name}.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(instance)


@pytest.fixture
def station_key(world):  # noqa: F811
    """(ApiKey, raw key) of 鼓楼街道人大代表联络站's app."""
    issued = api_key_issue(name="鼓楼联络站小程序", station=world.station, user=world.staff)
    return issued.api_key, issued.raw_key


def post_request(client, raw_key, fmt="json", **fields):
    data = {
        "api_key": raw_key,
        "service_code": "urban",
        "description": "鼓楼街12号门口井盖缺失，夜里很危险。",
        "lat": "37.866120",
        "long": "112.559880",
        "address_string": "鼓楼街12号",
        "first_name": "三",
        "last_name": "张",
        "phone": "13812345678",
        "email": "zhang@example.cn",
    }
    data.update(fields)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/open311/v2/requests.{fmt}", data)
