"""The certificate as a PDF (fpdf2, pure Python), drawn with the vendored CJK font.

Text is embedded as real text (a subset of the font), so the name and modules can be read back,
searched and copied.
"""
import io

from ..booking.tickets import qr_png
from ..sharing.fonts import cjk_font_path

RED = (200, 54, 43)
INK = (31, 35, 40)
MUTED = (95, 107, 118)


def render_certificate(*, texts: dict, modules: list[str], verify_url: str) -> bytes:
    """An A4 landscape certificate.

    ``texts`` holds the translated lines: ``heading``, ``intro`` (the sentence with the seeker's name and
    the workshop), ``modules_heading``, ``station``, ``issued``, ``verify``; ``modules`` one line per module.
    """
    from fpdf import FPDF  # imported on first use: fpdf and fontTools cost every worker ~25 MiB otherwise

    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_title(texts["heading"])
    pdf.set_author(texts["station"])
    pdf.add_page()
    pdf.add_font("cjk", "", str(cjk_font_path()))
    pdf.set_draw_color(*RED)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.4)
    pdf.rect(13, 13, 271, 184)
    pdf.set_text_color(*RED)
    pdf.set_font("cjk", size=32)
    pdf.set_xy(20, 24)
    pdf.cell(257, 16, texts["heading"], align="C")
    pdf.set_text_color(*INK)
    pdf.set_font("cjk", size=15)
    pdf.set_xy(30, 50)
    pdf.multi_cell(237, 9, texts["intro"], align="C")
    pdf.ln(3)
    pdf.set_font("cjk", size=12)
    pdf.set_text_color(*MUTED)
    pdf.set_x(45)
    pdf.cell(150, 8, texts["modules_heading"])
    pdf.ln(9)
    pdf.set_text_color(*INK)
    for line in modules[:10]:
        pdf.set_x(50)
        pdf.multi_cell(160, 7, line)
    pdf.image(io.BytesIO(qr_png(verify_url)), x=232, y=138, w=42, h=42)
    pdf.set_font("cjk", size=13)
    pdf.set_xy(30, 166)
    pdf.cell(190, 8, texts["station"])
    pdf.set_xy(30, 174)
    pdf.cell(190, 8, texts["issued"])
    pdf.set_font("cjk", size=8)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(30, 184)
    pdf.multi_cell(195, 4, f"{texts['verify']} {verify_url}")
    return bytes(pdf.output())
