"""Make the vendored CJK font: WenQuanYi Micro Hei cut down to the characters the app draws.

Run once when the font is refreshed (Debian package fonts-wqy-microhei, or the upstream release):

    .venv/bin/python scripts/subset_font.py /usr/share/fonts/truetype/wqy/wqy-microhei.ttc

Keeps ASCII, Latin-1, general and CJK punctuation, full-width forms and every GB 2312 hanzi (6,763
characters: everyday Simplified Chinese), so posters and certificates stay a few MB in the repo.
"""
import sys
from pathlib import Path

from fontTools.subset import Options, Subsetter
from fontTools.ttLib import TTCollection

TARGET = Path(__file__).resolve().parent.parent / "leye_events" / "sharing" / "fonts" / "wqy-microhei-gb2312.ttf"


def gb2312_characters() -> set[int]:
    """Every character GB 2312 encodes (rows 0xA1–0xF7, cells 0xA1–0xFE)."""
    chars = set()
    for high in range(0xA1, 0xF8):
        for low in range(0xA1, 0xFF):
            try:
                chars.add(ord(bytes([high, low]).decode("gb2312")))
            except UnicodeDecodeError:
                continue
    return chars


def wanted_characters() -> set[int]:
    ranges = [(0x20, 0x7E), (0xA0, 0xFF), (0x2000, 0x206F), (0x2190, 0x21FF), (0x2460, 0x24FF),
              (0x25A0, 0x25FF), (0x3000, 0x303F), (0xFF00, 0xFFEF)]
    chars = {c for low, high in ranges for c in range(low, high + 1)}
    return chars | gb2312_characters()


def main(source: str) -> None:
    font = TTCollection(source).fonts[0]
    options = Options()
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = Subsetter(options)
    subsetter.populate(unicodes=wanted_characters())
    subsetter.subset(font)
    font.save(TARGET)
    print(f"{TARGET}: {TARGET.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
