"""Phone, email and amount validation, display grouping and masking."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")

# Mainland area codes: 010 and 02x have three digits, every other 0xxx has four.
_LANDLINE_RE = re.compile(
    r"\(?(0(?:10|2\d|[3-9]\d{2}))\)?[\s-]?"
    r"(\d{3,4})[\s-]?(\d{4})"
    r"(?:(?:[\s-]+|\s*(?:转|ext\.?|x|#)\s*)(\d{1,6}))?",
    re.IGNORECASE,
)
_MOBILE_INPUT_RE = re.compile(r"(?:\+86|0086|86)?(1[3-9]\d{9})")
# A landline written for callers abroad: +86 571 8888 6666, (+86) 10-1234 5678, 0086 21 6888 9999.
# The country code replaces the trunk 0 (some still write it: +86 0571 …).
_LANDLINE_COUNTRY_RE = re.compile(r"\(?(?:\+\s*86|0086)\)?[\s-]*(?:\(0\)\s*)?(\(?)0?(?=[1-9])")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")  # as the customer form checks it
_MOBILE_SEPARATORS_RE = re.compile(r"[\s\-()]")

EMPTY_AMOUNT = "—"
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class _Landline:
    area_code: str
    local_number: str
    extension: str | None


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _mobile(text: str) -> str | None:
    compact = _MOBILE_SEPARATORS_RE.sub("", _clean(text))
    match = _MOBILE_INPUT_RE.fullmatch(compact)
    return match.group(1) if match else None


def _landline(text: str) -> _Landline | None:
    cleaned = _clean(text)
    country = _LANDLINE_COUNTRY_RE.match(cleaned)
    if country:
        cleaned = country.group(1) + "0" + cleaned[country.end():]
    match = _LANDLINE_RE.fullmatch(cleaned)
    if not match:
        return None
    area_code, head, tail, extension = match.groups()
    return _Landline(area_code, head + tail, extension)


def is_valid_phone(text: str) -> bool:
    """Return True for a mainland mobile (optional +86) or a landline with area code (optional ext.)."""
    return _mobile(text) is not None or _landline(text) is not None


def format_phone(text: str) -> str:
    """Return the phone grouped for display ("138 1234 5678", "0571-8888 6666"), else unchanged."""
    mobile = _mobile(text)
    if mobile:
        return f"{mobile[:3]} {mobile[3:7]} {mobile[7:]}"
    landline = _landline(text)
    if landline is None:
        return text
    local = landline.local_number
    grouped = f"{landline.area_code}-{local[:-4]} {local[-4:]}"
    return f"{grouped}-{landline.extension}" if landline.extension else grouped


def mask_phone(text: str) -> str:
    """Return the phone masked for roles that may not see it ("138****5678", "0571****6666")."""
    mobile = _mobile(text)
    if mobile:
        return f"{mobile[:3]}****{mobile[-4:]}"
    landline = _landline(text)
    if landline:
        return f"{landline.area_code}****{landline.local_number[-4:]}"
    digits = "".join(ch for ch in _clean(text) if ch.isdigit())
    # An unrecognised number keeps only a short tail, never enough to dial.
    if len(digits) >= 8:
        return f"****{digits[-4:]}"
    return "****" if text.strip() else ""


def mask_email(email: str) -> str:
    """Return the email with its local part masked after the first character ("z***@example.com")."""
    address = email.strip()
    local, at, domain = address.rpartition("@")
    if not at:
        return "***" if address else ""
    return f"{local[:1]}***@{domain}"


def is_valid_email(text: str) -> bool:
    """Return True for something shaped like an email address (one @, a dot in the domain, no spaces)."""
    return bool(EMAIL_RE.match(text.strip()))


def is_valid_contact(text: str) -> bool:
    """A free 联系方式 (ticket complainant): a valid phone, or an email address."""
    return is_valid_phone(text) or is_valid_email(text)


def format_contact(text: str) -> str:
    """A free 联系方式 (a phone or an email) for display: phones grouped, anything else unchanged."""
    return text.strip() if "@" in text else format_phone(text)


def mask_contact(text: str) -> str:
    """A free 联系方式 masked: as an email when it has an @, else as a phone."""
    return mask_email(text) if "@" in text else mask_phone(text)


def format_amount(value: Decimal | int | float | None) -> str:
    """Return a yuan amount for display ("¥12,345.00", "-¥5.00"); None or non-finite gives "—"."""
    if value is None:
        return EMPTY_AMOUNT
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    if not amount.is_finite():
        return EMPTY_AMOUNT
    cents = amount.quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if cents < 0 else ""
    return f"{sign}¥{abs(cents):,.2f}"
