"""Display formats used by templates and PDFs: dates YYYY-MM-DD, 24 h times, ¥ amounts, grouped phones."""
from datetime import date, datetime

from portal.rules.contact_format import format_amount, format_phone, mask_email, mask_phone


def format_date(value: date | datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "—"


def format_datetime(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if value else "—"


FILTERS = {
    "date": format_date,
    "datetime": format_datetime,
    "amount": format_amount,
    "phone": format_phone,
    "mask_phone": mask_phone,
    "mask_email": mask_email,
}
