"""Every export writes cells through one formula-safe helper."""
from datetime import date
from decimal import Decimal

import pytest

from portal.spreadsheets import safe_cell


@pytest.mark.parametrize("text", ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"])
def test_formula_text_is_quoted(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value", [date(2026, 11, 24), 5, 3.5, Decimal("12.50")])
def test_dates_and_numbers_stay_typed(value):
    assert safe_cell(value) == value


def test_plain_text_and_none():
    assert safe_cell("杭州科技有限公司") == "杭州科技有限公司" and safe_cell(None) == ""
