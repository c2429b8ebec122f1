"""The vendored CJK font (see README.md beside this file)."""
from pathlib import Path

from flask import current_app, has_app_context

BUNDLED_FONT = Path(__file__).resolve().parent / "wqy-microhei-gb2312.ttf"


def cjk_font_path() -> Path:
    """The font posters and certificates draw with: ``CJK_FONT_PATH`` if set, else the bundled subset."""
    configured = current_app.config.get("CJK_FONT_PATH") if has_app_context() else None
    return Path(configured) if configured else BUNDLED_FONT
