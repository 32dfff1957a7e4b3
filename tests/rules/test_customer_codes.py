"""Customer codes, ticket numbers and key-field completeness."""

from datetime import date
from decimal import Decimal

import pytest

from portal.rules.customer_codes import (
    KEY_FIELDS,
    completeness,
    format_customer_code,
    format_ticket_number,
    is_filled,
)


@pytest.mark.parametrize(
    ("year", "seq", "code"),
    [
        (2026, 123, "KH2026000123"),
        (2026, 1, "KH2026000001"),
        (2027, 999_999, "KH2027999999"),
        (2026, 45_678, "KH2026045678"),
    ],
)
def test_format_customer_code(year, seq, code):
    assert format_customer_code(year, seq) == code


@pytest.mark.parametrize(("year", "seq"), [(2026, 0), (2026, -1), (2026, 1_000_000), (999, 1), (10_000, 1)])
def test_format_customer_code_rejects_out_of_range(year, seq):
    with pytest.raises(ValueError, match="out of range"):
        format_customer_code(year, seq)


@pytest.mark.parametrize(
    ("day", "seq", "number"),
    [
        (date(2026, 11, 24), 7, "TS20261124-0007"),
        (date(2026, 1, 5), 12, "TS20260105-0012"),
        (date(2026, 12, 31), 9999, "TS20261231-9999"),
    ],
)
def test_format_ticket_number(day, seq, number):
    assert format_ticket_number(day, seq) == number


@pytest.mark.parametrize("seq", [0, -3, 10_000])
def test_format_ticket_number_rejects_out_of_range(seq):
    with pytest.raises(ValueError, match="out of range"):
        format_ticket_number(date(2026, 11, 24), seq)


@pytest.mark.parametrize(
    ("value", "filled"),
    [
        (None, False),
        ("", False),
        ("   ", False),
        ("\u3000", False),  # ideographic space
        ([], False),
        ((), False),
        (set(), False),
        ({}, False),
        ("某某", True),
        (["痛点"], True),
        (0, True),
        (False, True),
        (Decimal(0), True),
        (date(2026, 1, 1), True),
    ],
)
def test_is_filled(value, filled):
    assert is_filled(value) is filled


def test_key_fields():
    assert KEY_FIELDS == (
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


def test_completeness_all_filled():
    values = dict.fromkeys(KEY_FIELDS, "x")
    assert completeness(values, KEY_FIELDS) == (Decimal(1), [])


def test_completeness_reports_missing_fields_in_key_order():
    values = {"name": "某某科技", "credit_code": "", "industry": None, "scale": "50-99人", "extra": "ignored"}
    share, missing = completeness(values, ("name", "credit_code", "industry", "scale"))
    assert share == Decimal("0.5")
    assert missing == ["credit_code", "industry"]


def test_completeness_over_key_fields_by_hand():
    filled = dict.fromkeys(KEY_FIELDS[:9], "x") | {"decision_maker": "张总"}
    values = filled | {"tier": "  ", "stage": [], "pain_points": None}
    share, missing = completeness(values, KEY_FIELDS)
    assert share == Decimal(10) / Decimal(14)
    assert missing == ["tier", "stage", "contact_phone", "pain_points"]


def test_completeness_edge_cases():
    assert completeness({}, ("name",)) == (Decimal(0), ["name"])
    assert completeness({"owner_id": 0}, ("owner_id",)) == (Decimal(1), [])
    assert completeness({"name": "x"}, ()) == (Decimal(1), [])
