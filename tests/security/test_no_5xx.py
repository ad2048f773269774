"""Items 4-6 of issue 13: malformed bodies are 4xx with a Chinese message, never 5xx."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from intake.photos import clean_photo

pytestmark = pytest.mark.django_db
TOKEN_URL = "/api/v1/auth/token/"
REQUESTS = "/open311/v2/requests.json"


def test_open311_malformed_multipart_is_400(db):
    body = b'--xyz\r\nContent-Disposition: form-data; name="a"\r\n\r\nno end'
    response = Client().generic("POST", REQUESTS, body, content_type="multipart/form-data; boundary=")
    assert response.status_code == 400
    assert response.json()[0]["description"]


def test_open311_too_many_fields_is_400(db):
    body = "&".join(f"f{i}=x" for i in range(1500))
    response = Client().generic("POST", REQUESTS, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "字段过多" in response.json()[0]["description"]


def test_open311_huge_body_is_413(db, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    body = "description=" + "x" * 5000
    response = Client().generic("POST", REQUESTS, body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 413
    assert "过大" in response.json()[0]["description"]


def test_api_deeply_nested_json_is_a_chinese_400(db):
    response = Client().generic("POST", TOKEN_URL, "[" * 2000, content_type="application/json")
    assert response.status_code == 400
    assert "嵌套" in response.json()["detail"]


def test_api_json_parse_error_is_chinese(db):
    response = Client().generic("POST", TOKEN_URL, "{bad", content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON 格式错误，无法解析。"


def test_api_multipart_parse_error_is_chinese(db):
    response = Client().generic("POST", TOKEN_URL, b"garbage", content_type="multipart/form-data; boundary=")
    assert response.status_code == 400
    assert "multipart" in response.json()["detail"] and "parse error" not in response.json()["detail"]


def test_decompression_bomb_is_called_too_large(settings):
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, format="PNG")
    settings.INTAKE_MAX_PHOTO_PIXELS = 10**12
    Image.MAX_IMAGE_PIXELS, old = 1000, Image.MAX_IMAGE_PIXELS
    try:
        with pytest.raises(ValidationError) as exc:
            clean_photo(SimpleUploadedFile("bomb.png", out.getvalue(), content_type="image/png"))
    finally:
        Image.MAX_IMAGE_PIXELS = old
    assert "尺寸过大" in exc.value.messages[0]
