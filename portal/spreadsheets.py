"""Excel downloads shared by every area: formula-safe cells and one way to send a workbook."""
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO

from flask import Response, send_file
from openpyxl import Workbook

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Text starting with these is run as a formula by Excel (CSV/formula injection); tab and CR too.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """A cell value: dates and numbers as they are, text that would run as a formula quoted."""
    if value is None:
        return ""
    if isinstance(value, date | datetime | int | float | Decimal):
        return value
    text = str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def safe_row(values) -> list:
    """A whole row through safe_cell: what every export appends."""
    return [safe_cell(value) for value in values]


def neutralise(workbook: Workbook) -> None:
    """Last line of defence before sending: no cell of a (non write-only) workbook is a formula or
    text Excel would run as one, whichever code wrote it. Write-only workbooks use safe_row."""
    if getattr(workbook, "write_only", False):
        return
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith(FORMULA_PREFIXES)):
                    cell.value = safe_cell(str(cell.value))


def xlsx_response(workbook: Workbook, filename: str) -> Response:
    """The workbook as a download, neutralised; send_file encodes a Chinese filename for every browser."""
    neutralise(workbook)
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)
