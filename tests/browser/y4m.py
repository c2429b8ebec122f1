"""Fake camera feeds for Chromium (``--use-file-for-fake-video-capture``): a QR code in a .y4m file.

Chromium reads .y4m as limited-range video: grey values are mapped to luma 16–235, or the code is
clipped and decoders fail (see /work/shared/recipes/browser-qr-tests.md). A few frames without a
code come first, then the code, plainly and slightly rotated, with some noise.
"""
import random
from pathlib import Path

import qrcode
from PIL import Image, ImageFilter
from qrcode.constants import ERROR_CORRECT_M

WIDTH, HEIGHT = 640, 480
_LIMITED = bytes(16 + v * 219 // 255 for v in range(256))


def qr_image(text: str, size: int = 330) -> Image.Image:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(text)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white").convert("L")
    return image.resize((size, size), Image.NEAREST)


def _frame(code: Image.Image | None, rng: random.Random, angle: float = 0.0, blur: float = 0.0) -> bytes:
    frame = Image.new("L", (WIDTH, HEIGHT), 170)
    if code is not None:
        tile = code.rotate(angle, expand=True, fillcolor=255) if angle else code
        if blur:
            tile = tile.filter(ImageFilter.GaussianBlur(blur))
        frame.paste(tile, ((WIDTH - tile.width) // 2, (HEIGHT - tile.height) // 2))
    pixels = bytearray(frame.tobytes())
    for i in range(0, len(pixels), 7):  # a little sensor noise
        pixels[i] = max(0, min(255, pixels[i] + rng.randint(-12, 12)))
    return bytes(pixels).translate(_LIMITED)


def write_feed(path: Path, text: str | None, *, blank_frames: int = 3, code_frames: int = 12) -> Path:
    """Write a 10 fps 640×480 .y4m: ``blank_frames`` without a code, then ``text`` as a QR code
    (``None``: no code at all)."""
    rng = random.Random(4)
    code = qr_image(text) if text else None
    chroma = bytes([0x80]) * (WIDTH * HEIGHT // 2)
    with open(path, "wb") as feed:
        feed.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for i in range(blank_frames + code_frames):
            shown = code if i >= blank_frames else None
            angle = (0.0, 4.0, -3.0)[i % 3]
            blur = 0.6 if i % 4 == 3 else 0.0
            feed.write(b"FRAME\n" + _frame(shown, rng, angle, blur) + chroma)
    return path
