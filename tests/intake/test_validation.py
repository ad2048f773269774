"""Bad and hostile input: a clear Chinese message on the same page, what was
typed kept, never a 500; photos checked by content and re-encoded."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from intake import forms as intake_forms
from intake import photos as intake_photos
from intake.text import MSG_NUL
from proposals.models import Case, CasePhoto
from tests.intake.conftest import form_key, image_bytes, kiosk_data, kiosk_url

pytestmark = pytest.mark.django_db


def post(client, station, files=None, **overrides):
    url = kiosk_url(station)
    data = kiosk_data(form_key(client, url), **overrides)
    if files:
        data["photos"] = files
    return client.post(url, data)


def errors_of(response) -> str:
    assert response.status_code == 200, response.status_code
    html = response.content.decode()
    assert 'id="form-errors"' in html
    return html


def test_missing_category_and_content_are_explained_and_typed_text_kept(client, station):
    html = errors_of(post(client, station, category="", content="", address="幸福路12号"))
    assert str(intake_forms.MSG_CATEGORY) in html
    assert str(intake_forms.MSG_CONTENT_EMPTY) in html
    assert 'value="幸福路12号"' in html
    assert Case.objects.count() == 0


def test_wrong_phone_number_is_explained(client, station):
    html = errors_of(post(client, station, phone="12345", consent="on", resident_name="李大爷"))
    assert str(intake_forms.MSG_PHONE) in html
    assert 'value="李大爷"' in html
    assert Case.objects.count() == 0


def test_phone_without_consent_is_refused_with_the_reason(client, station):
    html = errors_of(post(client, station, phone="13812345678"))
    assert str(intake_forms.MSG_CONSENT) in html
    assert Case.objects.count() == 0


def test_very_long_text_gets_a_clear_message_not_a_500(client, station):
    long_text = "路灯" * 5000
    html = errors_of(post(client, station, content=long_text, address="地" * 500))
    assert "最多 2000 个字，现在有 10000 个字" in html
    assert "最多 200 个字" in html
    assert long_text in html  # what was typed is kept, to be shortened
    assert Case.objects.count() == 0


def test_nul_character_is_refused_with_a_message(client, station):
    html = errors_of(post(client, station, content="路灯坏了\x00一个月了"))
    assert str(MSG_NUL) in html
    assert Case.objects.count() == 0


def test_control_characters_are_stripped_and_newlines_kept(client, station):
    response = post(client, station, content="路灯\x07坏了\x1b[31m\r\n一个月\u202e了", address="北门\n\t3号楼")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.content == "路灯坏了[31m\n一个月了"
    assert case.address == "北门 3号楼"


def test_html_and_script_are_kept_as_text_and_never_rendered(client, station, handling):
    from tests.intake.conftest import reply_to

    hostile = '<script>alert("x")</script><img src=x onerror=alert(1)> 路灯坏了'
    response = post(client, station, content=hostile, address="<b>北门</b>")
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.content == hostile  # stored as the resident wrote it
    reply_to(case, handling, text='<script>alert("reply")</script>已修复')
    html = client.post("/track/", {"code": case.tracking_code, "digits": ""}).content.decode()
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;reply&quot;)&lt;/script&gt;" in html
    # Re-rendered with an error, the hostile text is escaped too.
    html = errors_of(post(client, station, content=hostile, phone="1"))
    assert "<script>alert" not in html and "&lt;script&gt;" in html


def test_honeypot_filled_creates_nothing_and_asks_to_retry(client, station):
    html = errors_of(post(client, station, hp_note="http://spam.example"))
    assert str(intake_forms.MSG_RETRY) in html
    assert Case.objects.count() == 0


def test_unknown_category_or_deputy_ids_are_refused_politely(client, station):
    html = errors_of(post(client, station, category="999999", deputy="abc"))
    assert str(intake_forms.MSG_CATEGORY) in html
    assert str(intake_forms.MSG_DEPUTY) in html


def test_renamed_non_image_is_refused_and_the_resident_told_to_choose_again(client, station):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 this is not an image" * 10, content_type="image/jpeg")
    html = errors_of(post(client, station, files=[fake]))
    assert "“photo.jpg”不是可以识别的照片" in html
    assert "已选的照片没有保留，请重新选择照片" in html
    assert Case.objects.count() == 0 and CasePhoto.objects.count() == 0


def test_gif_is_not_an_allowed_format(client, station):
    html = errors_of(post(client, station, files=[SimpleUploadedFile("a.gif", image_bytes("GIF"), "image/gif")]))
    assert "不是可以识别的照片" in html


def test_truncated_image_is_refused(client, station):
    data = image_bytes("PNG", size=(300, 300))[:200]
    html = errors_of(post(client, station, files=[SimpleUploadedFile("cut.png", data, "image/png")]))
    assert "不是可以识别的照片" in html


def test_more_than_three_photos_are_refused(client, station):
    files = [SimpleUploadedFile(f"p{i}.jpg", image_bytes(), "image/jpeg") for i in range(4)]
    html = errors_of(post(client, station, files=files))
    assert "最多上传 3 张照片" in html


def test_oversized_photo_is_refused(client, station, settings):
    settings.INTAKE_MAX_PHOTO_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.png", image_bytes("PNG") + b"\0" * (1024 * 1024 + 1), "image/png")
    html = errors_of(post(client, station, files=[big]))
    assert "太大（超过 1 MB）" in html


def test_photos_are_saved_reencoded_without_exif(client, station):
    files = [
        SimpleUploadedFile("gps.jpg", image_bytes("JPEG", exif_gps=True), "image/jpeg"),
        SimpleUploadedFile("a.png", image_bytes("PNG"), "image/png"),
        SimpleUploadedFile("b.webp", image_bytes("WEBP"), "image/webp"),
    ]
    response = post(client, station, files=files)
    assert response.status_code == 302
    case = Case.objects.get()
    photos = list(case.photos.all())
    assert len(photos) == 3
    for photo in photos:
        with photo.image.open("rb") as fh, Image.open(fh) as img:
            assert img.format == "JPEG"
            assert len(img.getexif()) == 0  # no GPS, no camera make
        assert not photo.image.name.endswith(("gps.jpg", "a.png"))  # names are not the resident's


def test_clean_photo_refuses_decompression_bombs(settings):
    settings.INTAKE_MAX_PHOTO_PIXELS = 100 * 100
    upload = SimpleUploadedFile("huge.png", image_bytes("PNG", size=(200, 200)), "image/png")
    with pytest.raises(Exception) as exc:
        intake_photos.clean_photo(upload)
    assert "尺寸过大" in str(exc.value)


def test_photo_orientation_is_applied_before_exif_is_dropped():
    img = Image.new("RGB", (40, 20), (0, 0, 0))
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° CW when displayed
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    cleaned = intake_photos.clean_photo(SimpleUploadedFile("r.jpg", out.getvalue(), "image/jpeg"))
    with Image.open(io.BytesIO(cleaned.read())) as result:
        assert result.size == (20, 40)


def test_full_width_phone_digits_are_understood(client, station):
    response = post(client, station, phone="１３８１２３４５６７８", consent="on")
    assert response.status_code == 302
    assert Case.objects.get().phone_masked == "138****5678"


def test_non_ascii_digits_are_not_a_phone_number(client, station):
    html = errors_of(post(client, station, phone="١٣٨١٢٣٤٥٦٧٨", consent="on"))
    assert str(intake_forms.MSG_PHONE) in html


@pytest.mark.parametrize(
    "payload",
    [
        {"content": ["a", "b"]},
        {"category": "<script>"},
        {"submission_key": "x" * 10000},
        {"phone": "１３８１２３４５６７８"},  # full-width digits
        {"resident_name": "\x00"},
        {"consent": "maybe"},
    ],
)
def test_odd_payloads_never_give_a_500(client, station, payload):
    response = post(client, station, **payload)
    assert response.status_code in (200, 302)
