"""Phone validation, grouping and masking; email masking; yuan amounts."""

from decimal import Decimal

import pytest

from portal.rules.contact_format import (
    MOBILE_RE,
    format_amount,
    format_contact,
    format_phone,
    is_valid_contact,
    is_valid_phone,
    mask_contact,
    mask_email,
    mask_phone,
)


@pytest.mark.parametrize(
    ("text", "matches"),
    [
        ("13812345678", True),
        ("19912345678", True),
        ("12812345678", False),
        ("1381234567", False),
        ("138123456789", False),
        ("23812345678", False),
    ],
)
def test_mobile_re(text, matches):
    assert bool(MOBILE_RE.match(text)) is matches


PHONES = [
    # text, formatted, masked
    ("13812345678", "138 1234 5678", "138****5678"),
    ("138 1234 5678", "138 1234 5678", "138****5678"),
    ("138-1234-5678", "138 1234 5678", "138****5678"),
    (" 13812345678 ", "138 1234 5678", "138****5678"),
    ("+86 138 1234 5678", "138 1234 5678", "138****5678"),
    ("+8613812345678", "138 1234 5678", "138****5678"),
    ("0086-138-1234-5678", "138 1234 5678", "138****5678"),
    ("(+86) 13812345678", "138 1234 5678", "138****5678"),
    ("１３８１２３４５６７８", "138 1234 5678", "138****5678"),
    ("0571-88886666", "0571-8888 6666", "0571****6666"),
    ("057188886666", "0571-8888 6666", "0571****6666"),
    ("0571 8888 6666", "0571-8888 6666", "0571****6666"),
    ("(0571)88886666", "0571-8888 6666", "0571****6666"),
    ("0571-8888666", "0571-888 8666", "0571****8666"),
    ("010-12345678", "010-1234 5678", "010****5678"),
    ("01012345678", "010-1234 5678", "010****5678"),
    ("021-6888 9999", "021-6888 9999", "021****9999"),
    ("0571-88886666-123", "0571-8888 6666-123", "0571****6666"),
    ("0571-88886666 转 8001", "0571-8888 6666-8001", "0571****6666"),
    ("0571-88886666 ext. 12", "0571-8888 6666-12", "0571****6666"),
    # Landlines written for callers abroad: the country code stands in for the trunk 0.
    ("+86 571 8888 6666", "0571-8888 6666", "0571****6666"),
    ("+86-571-88886666", "0571-8888 6666", "0571****6666"),
    ("+86 (571) 8888 6666", "0571-8888 6666", "0571****6666"),
    ("(+86) 10 1234 5678", "010-1234 5678", "010****5678"),
    ("0086 21 6888 9999", "021-6888 9999", "021****9999"),
    ("+86 0571 8888 6666", "0571-8888 6666", "0571****6666"),
    ("+86 (0)571 8888 6666", "0571-8888 6666", "0571****6666"),
    ("＋８６ ５７１ ８８８８ ６６６６", "0571-8888 6666", "0571****6666"),
    ("+86 571 8888 6666 转 8001", "0571-8888 6666-8001", "0571****6666"),
]


@pytest.mark.parametrize(("text", "formatted", "masked"), PHONES)
def test_valid_phones_format_and_mask(text, formatted, masked):
    assert is_valid_phone(text) is True
    assert format_phone(text) == formatted
    assert mask_phone(text) == masked


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12812345678",  # no 12x mobile prefix
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "88886666",  # landline without area code
        "0571-888866",  # 6-digit local number
        "0571-888866666",  # 9-digit local number
        "057188886666123",  # extension without a separator is ambiguous
        "+1 415 555 0100",
        "+86 8888 6666",  # country code but no area code
        "+86 571 888866",  # 6-digit local number
        "+44 20 7946 0958",
        "138abcd5678",
        "电话",
    ],
)
def test_invalid_phones_are_rejected_and_shown_as_given(text):
    assert is_valid_phone(text) is False
    assert format_phone(text) == text


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("+1 415 555 0100", "****0100"),
        ("88886666", "****6666"),
        ("12345", "****"),
        ("电话", "****"),
        ("", ""),
        ("  ", ""),
    ],
)
def test_unrecognised_phones_are_still_masked(text, masked):
    assert mask_phone(text) == masked


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("zhang@example.com", "z***@example.com"),
        (" zhang.san@example.com ", "z***@example.com"),
        ("z@example.com", "z***@example.com"),
        ("@example.com", "***@example.com"),
        ("a@b@example.com", "a***@example.com"),
        ("not-an-email", "***"),
        ("", ""),
    ],
)
def test_mask_email(email, masked):
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Decimal("12345"), "¥12,345.00"),
        (Decimal("12345.678"), "¥12,345.68"),
        (12345, "¥12,345.00"),
        (0, "¥0.00"),
        (Decimal("0.005"), "¥0.01"),  # half up, not banker's rounding
        (Decimal("0.015"), "¥0.02"),
        (2.675, "¥2.68"),  # the float as written, not its binary 2.67499…
        (0.1 + 0.2, "¥0.30"),
        (1234567.891, "¥1,234,567.89"),
        (Decimal("999.995"), "¥1,000.00"),
        (-5, "-¥5.00"),
        (Decimal("-12345.5"), "-¥12,345.50"),
        (Decimal("-0.001"), "¥0.00"),
        (None, "—"),
        (Decimal("NaN"), "—"),
        (float("inf"), "—"),
    ],
)
def test_format_amount(value, text):
    assert format_amount(value) == text


@pytest.mark.parametrize(("text", "valid"), [
    ("abc", False), ("", False), ("wang@", False), ("wang@example", False), ("a b@example.cn", False),
    ("13812345678", True), ("+86 571 8888 6666", True), ("wang@example.cn", True), (" wang@example.cn ", True),
])
def test_ticket_contact_is_a_phone_or_an_email(text, valid):
    assert is_valid_contact(text) is valid


@pytest.mark.parametrize(("text", "shown", "masked"), [
    ("13812345678", "138 1234 5678", "138****5678"),
    ("+86 571 8888 6666", "0571-8888 6666", "0571****6666"),
    ("wang@example.cn", "wang@example.cn", "w***@example.cn"),
])
def test_ticket_contact_display_and_mask(text, shown, masked):
    assert format_contact(text) == shown and mask_contact(text) == masked
