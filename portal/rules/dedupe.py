"""Duplicate check (查重) keys: normalized company name, phone digits, email, credit code."""

from __future__ import annotations

import re
import unicodedata

# Longest first, so 股份有限公司 wins over 有限公司 and 公司.
COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "集团有限公司", "股份公司", "有限公司", "集团", "公司")
BRANCH_SUFFIX = "分公司"

_LATIN_SUFFIX_RE = re.compile(r"(?<![a-z0-9])(?:co ?ltd|ltd|inc|llc|corp|corporation|limited|company|co|group)$")
_NON_WORD_RUN_RE = re.compile(r"[^\w]+|_+")
_SPACE_NEXT_TO_NON_ASCII_RE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")
_MOBILE_RE = re.compile(r"1[3-9]\d{9}")
_COUNTRY_CODE_MOBILE_RE = re.compile(r"861[3-9]\d{9}")

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_CREDIT_CODE_RE = re.compile(rf"[{CREDIT_CODE_ALPHABET}]{{2}}\d{{6}}[{CREDIT_CODE_ALPHABET}]{{10}}")


def normalize_company_name(name: str) -> str:
    """Return the comparison key of a company name: width/case/punctuation/legal suffixes removed.

    A branch (…分公司) keeps its 分公司 marker, because a branch is its own customer file with its
    own credit code; legal-form words inside it are dropped so 某某有限公司北京分公司 and
    某某北京分公司 still match each other.
    """
    text = _words(name)
    compact = text.replace(" ", "")
    if compact.endswith(BRANCH_SUFFIX) and len(compact) > len(BRANCH_SUFFIX):
        return _remove_legal_forms(compact[: -len(BRANCH_SUFFIX)]) + BRANCH_SUFFIX
    return _strip_trailing_suffixes(text).replace(" ", "")


def _words(name: str) -> str:
    # Punctuation becomes a word break so latin suffixes stay recognisable ("x co., ltd" → "x co ltd");
    # Chinese needs no breaks, so spaces next to non-ASCII characters go.
    text = unicodedata.normalize("NFKC", name).lower()
    text = _NON_WORD_RUN_RE.sub(" ", text).strip()
    return _SPACE_NEXT_TO_NON_ASCII_RE.sub("", text)


def _strip_trailing_suffixes(text: str) -> str:
    while True:
        shorter = _strip_one_suffix(text)
        if shorter == text:
            return text
        text = shorter


def _strip_one_suffix(text: str) -> str:
    if text in COMPANY_SUFFIXES:
        return text
    match = _LATIN_SUFFIX_RE.search(text)
    if match and text[: match.start()].strip():
        return text[: match.start()].rstrip()
    for suffix in COMPANY_SUFFIXES:
        if text.endswith(suffix) and text[: -len(suffix)].strip():
            return text[: -len(suffix)].rstrip()
    return text


def _remove_legal_forms(text: str) -> str:
    for suffix in COMPANY_SUFFIXES:
        text = text.replace(suffix, "")
    return text


def phone_digits(phone: str) -> str:
    """Return the phone's digits without a +86/0086 country code (trunk 0 restored for landlines)."""
    text = unicodedata.normalize("NFKC", phone).strip()
    digits = "".join(ch for ch in text if ch.isdigit())
    if text.lstrip("(").startswith("+86"):
        return _domestic(digits[2:])
    if digits.startswith("0086"):
        return _domestic(digits[4:])
    if _COUNTRY_CODE_MOBILE_RE.fullmatch(digits):
        return digits[2:]
    return digits


def _domestic(national: str) -> str:
    # Dialled from abroad a landline drops its trunk 0 (+86 10 …); domestic form is 010 ….
    if _MOBILE_RE.fullmatch(national) or national.startswith("0") or not national:
        return national
    return "0" + national


def normalize_email(email: str) -> str:
    """Return the email stripped and lower-cased."""
    return email.strip().lower()


def normalize_credit_code(code: str) -> str:
    """Return the credit code in canonical form: full-width folded, whitespace removed, upper-case."""
    text = unicodedata.normalize("NFKC", code)
    return "".join(text.split()).upper()


def credit_code_check_char(first17: str) -> str:
    """Return the GB 32100-2015 check character for the first 17 characters of a credit code."""
    total = sum(
        CREDIT_CODE_ALPHABET.index(ch) * weight for ch, weight in zip(first17, CREDIT_CODE_WEIGHTS, strict=True)
    )
    return CREDIT_CODE_ALPHABET[-total % 31]


def is_valid_credit_code(code: str) -> bool:
    """Return True if `code` (normalized first) is a well-formed 18-character 统一社会信用代码."""
    normalized = normalize_credit_code(code)
    # Characters 3–8 are the administrative division code, always digits.
    if not _CREDIT_CODE_RE.fullmatch(normalized):
        return False
    return credit_code_check_char(normalized[:17]) == normalized[17]


MASK = "**"
_MASKED_LEGAL_FORMS = (BRANCH_SUFFIX,) + COMPANY_SUFFIXES


def mask_company_name(name: str) -> str:
    """A duplicate outside the user's scope is named only partly: the first two characters (usually the
    city) and the legal form stay, the middle is masked with a fixed ``**`` (which hides its length),
    and an industry word of two characters before the legal form stays only when at least two
    characters remain hidden: 杭州云帆科技有限公司 → 杭州**科技有限公司, 测试客户1有限公司 → 测试**有限公司."""
    name = (name or "").strip()
    if not name:
        return ""
    suffix = next((s for s in _MASKED_LEGAL_FORMS if name.endswith(s) and len(name) > len(s)), "")
    body = name[: len(name) - len(suffix)]
    head = body[:2] if len(body) >= 4 else body[:1]
    rest = body[len(head):]
    tail = rest[-2:] if len(rest) >= 4 else ""
    return head + MASK + tail + suffix
