"""Ticket links and QR images. The QR encodes the ticket's URL, which holds only the random code."""
import io

from flask import url_for

from .models import Registration


def ticket_url(code: str) -> str:
    return url_for("booking.ticket", code=code, _external=True)


def ticket_links(registration: Registration) -> dict:
    """The ``ticket`` object of the API: code, page URL and QR image URLs (absolute)."""
    code = registration.ticket_code
    return {
        "code": code,
        "url": ticket_url(code),
        "qr_svg_url": url_for("booking.ticket_qr", code=code, fmt="svg", _external=True),
        "qr_png_url": url_for("booking.ticket_qr", code=code, fmt="png", _external=True),
    }


def _qr(data: str):
    import qrcode  # imported on use (with PIL): a QR image is drawn only for ticket pages and mail
    from qrcode.constants import ERROR_CORRECT_M

    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=10, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    return qr


def qr_svg(data: str) -> bytes:
    """An SVG QR code on a white background (decoders reject transparent ones)."""
    import qrcode.image.svg

    image = _qr(data).make_image(image_factory=qrcode.image.svg.SvgPathFillImage)
    return image.to_string(encoding="unicode").encode("utf-8")


def qr_png(data: str) -> bytes:
    image = _qr(data).make_image(fill_color="black", back_color="white")
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
