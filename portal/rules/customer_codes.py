"""Customer codes, ticket numbers and customer-file completeness."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal

KEY_FIELDS: tuple[str, ...] = (
    "name",
    "credit_code",
    "industry",
    "scale",
    "address",
    "main_business",
    "source_channel",
    "owner_id",
    "grade",
    "tier",
    "stage",
    "contact_phone",
    "pain_points",
    "decision_maker",
)

MAX_CUSTOMER_SEQ = 999_999
MAX_TICKET_SEQ = 9_999


def format_customer_code(year: int, seq: int) -> str:
    """Return the customer code: KH + four-digit year + six-digit sequence ("KH2026000123")."""
    if not 1000 <= year <= 9999:
        raise ValueError(f"year out of range: {year}")
    if not 1 <= seq <= MAX_CUSTOMER_SEQ:
        raise ValueError(f"customer sequence out of range: {seq}")
    return f"KH{year}{seq:06d}"


def format_ticket_number(day: date, seq: int) -> str:
    """Return the ticket number: TS + received date + four-digit daily sequence ("TS20261124-0007")."""
    if not 1 <= seq <= MAX_TICKET_SEQ:
        raise ValueError(f"ticket sequence out of range: {seq}")
    return f"TS{day:%Y%m%d}-{seq:04d}"


def is_filled(value: object) -> bool:
    """Return True unless `value` is None, a blank string or an empty collection."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, (list, tuple, set, frozenset, dict)):
        return bool(value)
    # 0, False and dates are real answers (e.g. "0 employees"), not gaps.
    return True


def completeness(values: Mapping[str, object], key_fields: Sequence[str]) -> tuple[Decimal, list[str]]:
    """Return the share of `key_fields` filled in `values` and the missing field names, in order.

    With no key fields there is nothing to miss, so the share is 1.
    """
    missing = [field for field in key_fields if not is_filled(values.get(field))]
    if not key_fields:
        return Decimal(1), missing
    return Decimal(len(key_fields) - len(missing)) / Decimal(len(key_fields)), missing
