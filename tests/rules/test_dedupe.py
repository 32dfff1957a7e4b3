"""查重 keys: company-name normalization, phone digits, email and 统一社会信用代码 check character."""

import pytest

from portal.rules.dedupe import (
    CREDIT_CODE_ALPHABET,
    credit_code_check_char,
    is_valid_credit_code,
    normalize_company_name,
    normalize_credit_code,
    normalize_email,
    phone_digits,
)


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("北京某某科技有限公司", "北京某某科技"),
        ("北京某某科技股份有限公司", "北京某某科技"),
        ("北京某某科技有限责任公司", "北京某某科技"),
        ("北京某某科技集团有限公司", "北京某某科技"),
        ("北京某某科技集团股份有限公司", "北京某某科技"),
        ("北京某某科技股份公司", "北京某某科技"),
        ("北京某某科技集团", "北京某某科技"),
        ("北京某某科技公司", "北京某某科技"),
        ("北京某某科技", "北京某某科技"),
        (" 北京 某某 科技 有限 公司 ", "北京某某科技"),
        ("北京某某科技有限公司。", "北京某某科技"),
        ("某某（集团）有限公司", "某某"),
        ("某某(集团)有限公司", "某某"),
        ("腾讯·科技【深圳】有限公司", "腾讯科技深圳"),
        ("阿里巴巴（中国）网络技术有限公司", "阿里巴巴中国网络技术"),
        ("甲、乙，丙。丁有限公司", "甲乙丙丁"),
        ("ＡＢＣ科技有限公司", "abc科技"),  # full-width latin
        ("abc 科技 有限公司", "abc科技"),
        ("XYZ Co., Ltd.", "xyz"),
        ("Ｘｙｚ  Co., Ltd.", "xyz"),
        ("XYZ CO.,LTD", "xyz"),
        ("XYZ Co.Ltd", "xyz"),
        ("XYZ Ltd", "xyz"),
        ("XYZ Inc.", "xyz"),
        ("XYZ Technology Co., Limited", "xyztechnology"),
        ("XYZ Corp.", "xyz"),
        ("XYZ Group Co., Ltd.", "xyz"),
        ("华为ltd", "华为"),
        ("Zinc Inc.", "zinc"),  # "inc" inside a word is not a suffix
        ("Costco Wholesale Corp.", "costcowholesale"),
        ("Lilimited Ltd", "lilimited"),
        ("有限公司", "有限公司"),  # never stripped to nothing
        ("集团有限公司", "集团有限公司"),
        ("公司", "公司"),
        ("Ltd", "ltd"),
        ("", ""),
    ],
)
def test_normalize_company_name(name, key):
    assert normalize_company_name(name) == key


@pytest.mark.parametrize(
    "name",
    [
        "某某科技有限公司北京分公司",
        "某某科技北京分公司",
        "某某科技股份有限公司 北京分公司",
        "某某科技（北京）分公司",
        "某某科技集团北京分公司",
    ],
)
def test_branches_match_each_other_but_not_the_head_office(name):
    assert normalize_company_name(name) == "某某科技北京分公司"
    assert normalize_company_name(name) != normalize_company_name("某某科技有限公司")


def test_different_companies_stay_different():
    assert normalize_company_name("北京某某科技有限公司") != normalize_company_name("上海某某科技有限公司")
    assert normalize_company_name("某某科技有限公司") != normalize_company_name("某某信息有限公司")


@pytest.mark.parametrize(
    ("phone", "digits"),
    [
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+86-13812345678", "13812345678"),
        ("＋８６ １３８１２３４５６７８", "13812345678"),
        ("0086 138 1234 5678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0571-8888 6666", "057188886666"),
        ("(0571) 88886666", "057188886666"),
        ("+86 571 8888 6666", "057188886666"),  # trunk 0 restored
        ("+86 (0)571 8888 6666", "057188886666"),
        ("+86 10 1234 5678", "01012345678"),
        ("(+86) 10 1234 5678", "01012345678"),
        ("010-12345678", "01012345678"),
        ("0571-88886666-123", "057188886666123"),
        ("86123456", "86123456"),  # an 8-digit local number, not a country code
        ("+1 415 555 0100", "14155550100"),
        ("", ""),
        ("+86", ""),
    ],
)
def test_phone_digits(phone, digits):
    assert phone_digits(phone) == digits


@pytest.mark.parametrize(
    ("email", "normalized"),
    [
        (" Zhang.San@Example.COM ", "zhang.san@example.com"),
        ("a@b.cn", "a@b.cn"),
        ("\tLI@QQ.com\n", "li@qq.com"),
        ("", ""),
    ],
)
def test_normalize_email(email, normalized):
    assert normalize_email(email) == normalized


VALID_CODES = [
    "91350100M000100Y43",
    "911100001000080343",
    "914403001922038216",
    "91330100716105852F",
    "9144030071526726XG",
    "91110108551385082Q",
    "91110000802100433B",
]


@pytest.mark.parametrize("code", VALID_CODES)
def test_real_credit_codes_are_valid(code):
    assert is_valid_credit_code(code) is True
    assert credit_code_check_char(code[:17]) == code[17]


def test_check_char_example():
    assert credit_code_check_char("91350100M000100Y4") == "3"
    assert credit_code_check_char("91330100716105852") == "F"


@pytest.mark.parametrize("code", VALID_CODES[:3])
def test_every_single_character_change_is_detected(code):
    for position in range(18):
        for replacement in CREDIT_CODE_ALPHABET:
            if replacement == code[position]:
                continue
            mutated = code[:position] + replacement + code[position + 1 :]
            assert is_valid_credit_code(mutated) is False, mutated


@pytest.mark.parametrize(
    "code",
    [
        "91350100M000100Y44",  # wrong check character
        "91350100M000100Y4",  # 17 characters
        "91350100M000100Y433",  # 19 characters
        "91350100I000100Y43",  # I is not in the GB 32100 alphabet
        "91350100O000100Y43",
        "91350100M000100Z43",
        "91A50100M000100Y42",  # right check character, but letters in the division code
        "91350100M000100Y4-",
        "",
    ],
)
def test_invalid_credit_codes(code):
    assert is_valid_credit_code(code) is False


@pytest.mark.parametrize(
    ("raw", "normalized"),
    [
        ("91350100m000100y43", "91350100M000100Y43"),
        ("  91350100M000100Y43\n", "91350100M000100Y43"),
        ("９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43"),
        ("9135 0100 M000 100Y 43", "91350100M000100Y43"),
    ],
)
def test_credit_code_normalization_is_applied_before_validation(raw, normalized):
    assert normalize_credit_code(raw) == normalized
    assert is_valid_credit_code(raw) is True


@pytest.mark.parametrize("name, masked", [
    ("杭州云帆科技有限公司", "杭州**科技有限公司"),
    ("上海远景贸易股份有限公司", "上海**贸易股份有限公司"),
    ("测试客户1有限公司", "测试**有限公司"),  # too short to keep an industry word as well
    ("某某有限公司北京分公司", "某某**北京分公司"),
    ("阿里巴巴集团", "阿里**集团"),
    ("华为", "华**"),
    ("Apple Inc", "Ap**nc"),
    ("", ""),
])
def test_mask_company_name(name, masked):
    from portal.rules.dedupe import mask_company_name

    assert mask_company_name(name) == masked


def test_mask_hides_at_least_two_characters_and_the_length():
    from portal.rules.dedupe import mask_company_name

    assert mask_company_name("杭州云帆科技有限公司") == mask_company_name("杭州云帆星河数据科技有限公司")
    for name in ("甲乙丙丁有限公司", "甲乙丙丁戊有限公司", "ab", "abcd"):
        visible = mask_company_name(name).replace("**", "")
        assert len(name) - len(visible) >= 2 or len(name) <= 2, name
