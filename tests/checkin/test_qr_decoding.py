"""The ticket's QR, decoded by an independent decoder (zxing-cpp), checks the ticket in."""
import io

import pytest
from PIL import Image

from ..factories import auth_header, make_token
from .helpers import door_staff, open_event, ticket

zxingcpp = pytest.importorskip("zxingcpp", reason="zxing-cpp is a test dependency (requirements-dev.txt)")


def decode(png: bytes) -> str:
    [barcode] = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)).convert("L"))
    return barcode.text


def test_png_qr_decodes_to_the_ticket_url_and_checks_in(client):
    event = open_event()
    registration = ticket(event)
    png = client.get(f"/tickets/{registration.ticket_code}/qr.png").data
    text = decode(png)
    assert text.endswith(f"/tickets/{registration.ticket_code}") and text.startswith("http")
    response = client.post("/api/v1/checkins", json={"code": text, "event_id": event.id},
                           headers=auth_header(make_token(door_staff(event))))
    assert response.get_json()["result"] == "ok"


def test_qr_survives_a_dim_small_rendering(client):
    """A phone screen at low brightness, photographed small: grey on light grey, a third of the size."""
    registration = ticket(open_event())
    image = Image.open(io.BytesIO(client.get(f"/tickets/{registration.ticket_code}/qr.png").data)).convert("L")
    dim = image.point(lambda v: 90 if v < 128 else 170).resize((image.width // 3, image.height // 3))
    buffer = io.BytesIO()
    dim.save(buffer, format="PNG")
    assert decode(buffer.getvalue()).endswith(registration.ticket_code)
