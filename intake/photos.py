"""Residents' photos: checked by content, not by name, and re-encoded.

A file is accepted only if Pillow recognises it as JPEG, PNG or WebP and
``verify()`` passes. It is then decoded, turned upright (EXIF orientation),
scaled down to a sane size and saved anew as JPEG: the new file carries no
EXIF, so no GPS position or camera serial leaves the resident's phone.
"""

import io
import uuid
import warnings

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

from . import conf

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}

MSG_TOO_MANY = _("最多上传 %(max)d 张照片。")
MSG_TOO_BIG = _("照片“%(name)s”太大（超过 %(mb)d MB），请换一张或拍小一点。")
MSG_NOT_IMAGE = _("“%(name)s”不是可以识别的照片，只能上传 JPG、PNG 或 WebP 格式的图片。")
MSG_TOO_MANY_PIXELS = _("照片“%(name)s”尺寸过大，请换一张。")
MSG_EMPTY = _("照片“%(name)s”是空文件，请重新选择。")


def _short(name: str) -> str:
    name = name or "?"
    return name if len(name) <= 40 else name[:37] + "…"


def clean_photo(upload) -> ContentFile:
    """Return a re-encoded JPEG of ``upload`` or raise ValidationError."""
    name = _short(getattr(upload, "name", ""))
    max_bytes = conf.get("MAX_PHOTO_BYTES")
    if upload.size == 0:
        raise ValidationError(MSG_EMPTY % {"name": name}, code="empty")
    if upload.size > max_bytes:
        raise ValidationError(MSG_TOO_BIG % {"name": name, "mb": max_bytes // (1024 * 1024)}, code="too_big")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            upload.seek(0)
            with Image.open(upload) as probe:
                if probe.format not in ALLOWED_FORMATS:
                    raise ValidationError(MSG_NOT_IMAGE % {"name": name}, code="format")
                if probe.width * probe.height > conf.get("MAX_PHOTO_PIXELS"):
                    raise ValidationError(MSG_TOO_MANY_PIXELS % {"name": name}, code="pixels")
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as img:
                img.load()
                img = ImageOps.exif_transpose(img)
                if img.mode not in ("RGB", "L"):
                    background = Image.new("RGB", img.size, (255, 255, 255))
                    rgba = img.convert("RGBA")
                    background.paste(rgba, mask=rgba.getchannel("A"))
                    img = background
                img.thumbnail((conf.get("PHOTO_MAX_SIDE"),) * 2)
                out = io.BytesIO()
                img.save(out, format="JPEG", quality=85, optimize=True)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        # Pillow refuses before reading the pixels: the image is too large, not unreadable.
        raise ValidationError(MSG_TOO_MANY_PIXELS % {"name": name}, code="pixels")
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        raise ValidationError(MSG_NOT_IMAGE % {"name": name}, code="format")
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.jpg")


def clean_photos(uploads) -> list[ContentFile]:
    """Validate the list of uploaded files; errors are collected, not stopped at the first."""
    uploads = [u for u in uploads if u is not None and getattr(u, "name", "")]
    max_photos = conf.get("MAX_PHOTOS")
    if len(uploads) > max_photos:
        raise ValidationError(MSG_TOO_MANY % {"max": max_photos}, code="too_many")
    cleaned, errors = [], []
    for upload in uploads:
        try:
            cleaned.append(clean_photo(upload))
        except ValidationError as exc:
            errors.extend(exc.error_list)
    if errors:
        raise ValidationError(errors)
    return cleaned
