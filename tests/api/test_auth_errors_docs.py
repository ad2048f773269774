"""Token authentication, throttling, the JSON error shape, and the OpenAPI
schema and offline docs."""

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from rest_framework.authtoken.models import Token

from api.exceptions import exception_handler
from proposals.workflow import WorkflowError
from tests.api.conftest import token_client

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"


def test_a_system_exchanges_username_and_password_for_a_token(world, anon):
    response = anon.post(TOKEN_URL, {"username": "staff_xhl", "password": "pw-for-tests-1"}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert Token.objects.get(key=token).user == world.staff
    again = anon.post(TOKEN_URL, {"username": "staff_xhl", "password": "pw-for-tests-1"}, format="json")
    assert again.json()["token"] == token  # one token per account
    anon.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert anon.get("/api/v1/me/").json()["username"] == "staff_xhl"


@pytest.mark.parametrize("password", ["wrong", ""])
def test_bad_credentials_are_400_with_a_chinese_message(world, anon, password):
    response = anon.post(TOKEN_URL, {"username": "staff_xhl", "password": password}, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert not Token.objects.exists()


def test_inactive_account_gets_no_token(world, anon):
    world.staff.is_active = False
    world.staff.save(update_fields=["is_active"])
    response = anon.post(TOKEN_URL, {"username": "staff_xhl", "password": "pw-for-tests-1"}, format="json")
    assert response.status_code == 400 and "停用" in response.json()["detail"]


def test_delete_revokes_the_callers_token(world):
    client = token_client(world.staff)
    assert client.delete(TOKEN_URL).status_code == 204
    assert not Token.objects.filter(user=world.staff).exists()
    assert client.get("/api/v1/me/").status_code == 401


def test_bad_token_is_a_json_401(anon):
    anon.credentials(HTTP_AUTHORIZATION="Token nonsense")
    response = anon.get("/api/v1/stations/")
    assert response.status_code == 401 and response.json()["detail"]


def _rates(settings, **rates):
    base = {"anon": "1000/min", "user": "1000/min", "auth": "1000/min", "open311_post": "1000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {**base, **rates}}


def test_token_endpoint_is_throttled(world, anon, settings):
    _rates(settings, auth="3/min")
    codes = [anon.post(TOKEN_URL, {"username": "staff_xhl", "password": "wrong"}, format="json").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    response = anon.post(TOKEN_URL, {"username": "staff_xhl", "password": "pw-for-tests-1"}, format="json")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled" and "Retry-After" in response


def test_anonymous_callers_are_throttled_per_address(world, anon, settings):
    _rates(settings, anon="2/min")
    assert [anon.get("/api/v1/categories/").status_code for _ in range(3)] == [200, 200, 429]


def test_malformed_json_is_a_400_not_a_500(world):
    client = token_client(world.staff)
    case = world.opinion()
    response = client.post(f"/api/v1/cases/{case.pk}/accept/", data="{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["detail"]


def test_exception_handler_shapes_every_error():
    workflow = exception_handler(WorkflowError("当前状态下不能执行“受理”。"), {})
    assert workflow.status_code == 400 and workflow.data == {"detail": "当前状态下不能执行“受理”。", "code": "workflow"}
    django_error = exception_handler(ValidationError({"title": ["标题太长"]}), {})
    assert django_error.status_code == 400 and django_error.data["errors"] == {"title": ["标题太长"]}
    unexpected = exception_handler(RuntimeError("boom"), {})
    assert unexpected.status_code == 500 and unexpected.data["code"] == "server_error" and "boom" not in str(unexpected.data)


def test_nul_bytes_in_api_and_open311_urls_get_machine_errors(anon):
    response = anon.get("/api/v1/deputies/?q=%00")
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    response = anon.get("/open311/v2/requests.json?service_code=%00")
    assert response.status_code == 400 and response.json()[0]["code"] == 400
    response = anon.get("/open311/v2/requests.xml?status=%00")
    assert response.status_code == 400 and response["Content-Type"].startswith("text/xml")


def test_unknown_api_paths_are_json_404(anon):
    response = anon.get("/api/v2/anything/")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


# --- OpenAPI schema and docs --------------------------------------------------------------------


def _schema(anon):
    response = anon.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def test_schema_describes_every_operation_and_its_errors(anon):
    schema = _schema(anon)
    assert "Error" in schema["components"]["schemas"]
    assert "tokenAuth" in schema["components"]["securitySchemes"]
    operations = [(path, method, op) for path, item in schema["paths"].items() for method, op in item.items()]
    assert len(operations) >= 35
    for path, method, op in operations:
        for code in ("400", "401", "403", "404", "429"):
            ref = op["responses"][code]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/Error"), (path, method, code)
    case_list = schema["paths"]["/api/v1/cases/"]["get"]
    names = {p["name"] for p in case_list["parameters"]}
    assert {"cursor", "page_size", "state", "region", "station", "ordering", "overdue", "tracking_code"} <= names
    assert "/api/v1/cases/{id}/assign/" in schema["paths"]


def test_swagger_ui_and_redoc_are_served_without_a_cdn(anon):
    for url in ("/api/docs/", "/api/redoc/"):
        html = anon.get(url).content.decode()
        assert "/static/drf_spectacular_sidecar/" in html, url
        for cdn in ("cdn.jsdelivr.net", "unpkg.com", "cdnjs"):
            assert cdn not in html, (url, cdn)
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    assert finders.find("drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js")


@pytest.mark.django_db
def test_unknown_api_path_with_a_newline_is_a_json_404(client):
    response = client.post("/api/v1/cases/E%0Ax/assign/", data="{}", content_type="application/json")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["code"] == "not_found"
