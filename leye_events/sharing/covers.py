"""Event cover images: checked with Pillow, cut to a 8:3 banner, stored as JPEG.

Files live in ``COVER_STORAGE_DIR`` (default ``instance/covers``), which may point at any mounted
directory shared by the app servers; the event row keeps only the file name.
"""
from __future__ import annotations

import io
import os
import secrets
from pathlib import Path
from typing import TYPE_CHECKING

from flask import current_app
from flask_babel import gettext as _

from ..accounts.auth import can_manage_station
from ..core.errors import Forbidden, ServiceError
from ..events.models import Event

if TYPE_CHECKING:
    from PIL import Image

BANNER_SIZE = (1080, 405)
MIN_SIDE = 320
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP"}
MAX_PIXELS = 40_000_000  # refuse decompression bombs before decoding


def storage_dir() -> Path:
    configured = current_app.config.get("COVER_STORAGE_DIR")
    path = Path(configured) if configured else Path(current_app.instance_path) / "covers"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cover_path(event: Event) -> Path | None:
    """Where the event's cover is stored, or None without one (or when the file is gone)."""
    if not event.cover_image:
        return None
    path = storage_dir() / event.cover_image
    return path if path.is_file() else None


def open_cover(event: Event) -> Image.Image | None:
    from PIL import Image  # Pillow is imported on first use: pages and check-ins never need it

    path = cover_path(event)
    return Image.open(path) if path else None


def _checked_image(data: bytes) -> Image.Image:
    """The upload decoded, or ServiceError ``invalid_image`` for anything that is not a usable photo
    (``image_too_large`` past MAX_PIXELS)."""
    invalid = ServiceError("invalid_image", _("请上传 JPG、PNG 或 WebP 图片，至少 %(n)d×%(n)d 像素。", n=MIN_SIDE),
                           field="cover")
    too_large = ServiceError("image_too_large", _("图片像素过多，请缩小或截图后再上传。"), field="cover")
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        probe = Image.open(io.BytesIO(data))
        if probe.format not in ACCEPTED_FORMATS:
            raise invalid
        if probe.width * probe.height > MAX_PIXELS:
            raise too_large
        probe.verify()
        image = Image.open(io.BytesIO(data))
        image.load()
    except Image.DecompressionBombError as error:  # far past MAX_PIXELS: Pillow refuses it when opening
        raise too_large from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise invalid from error
    if min(image.size) < MIN_SIDE:
        raise invalid
    return ImageOps.exif_transpose(image).convert("RGB")


def save_cover(event: Event, data: bytes, *, actor) -> Event:
    """Check, crop to a banner and store the cover; the previous file is removed. Caller commits."""
    if not can_manage_station(actor, event.station_id):
        raise Forbidden("forbidden", _("只有本乐业空间的组织者可以修改活动。"))
    from PIL import Image, ImageOps

    banner = ImageOps.fit(_checked_image(data), BANNER_SIZE, method=Image.LANCZOS)
    name = f"event-{event.id}-{secrets.token_hex(8)}.jpg"
    banner.save(storage_dir() / name, format="JPEG", quality=85, optimize=True)
    _remove(event)
    event.cover_image = name
    return event


def remove_cover(event: Event, *, actor) -> Event:
    if not can_manage_station(actor, event.station_id):
        raise Forbidden("forbidden", _("只有本乐业空间的组织者可以修改活动。"))
    _remove(event)
    event.cover_image = None
    return event


def _remove(event: Event) -> None:
    path = cover_path(event)
    if path is not None:
        os.remove(path)
