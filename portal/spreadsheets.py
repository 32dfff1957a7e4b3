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


def xlsx_response(workbook: Workbook, filename: str) -> Response:
    """The workbook as a download; send_file encodes a Chinese filename for every browser."""
    buffer = BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX_MIMETYPE, as_attachment=True, download_name=filename)
