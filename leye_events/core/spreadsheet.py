"""Cells that spreadsheet programs show as text and never run as formulas (CSV and XLSX exports)."""

# Excel, WPS and LibreOffice run a cell that starts with one of these as a formula.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value):
    """``value`` for a CSV cell: text that would start a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_row(values) -> list:
    return [csv_safe(value) for value in values]


def keep_as_text(cell) -> None:
    """Mark an openpyxl cell holding text as a string, so ``=1+2`` stays the text ``=1+2``."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
