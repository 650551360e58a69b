"""ID numbers and mobile numbers: normalise, validate, derive, mask. No database."""

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from stdnum.cn import ric

from members.validators import (
    id_number_birth_date,
    id_number_gender,
    mask_id_number,
    mask_mobile,
    normalize_id_number,
    normalize_mobile,
    validate_id_number,
    validate_mobile,
)


def make_id_number(region: str, birth: date | str, sequence: int) -> str:
    """An 18-character number with a correct check digit. ``birth`` may be an impossible date
    given as YYYYMMDD. stdnum's calc_check_digit wants the whole number and ignores its last
    character, hence the placeholder."""
    birth_text = birth if isinstance(birth, str) else birth.strftime("%Y%m%d")
    body = f"{region}{birth_text}{sequence:03d}"
    assert len(body) == 17
    return body + ric.calc_check_digit(body + "?")


# (region code, birth date, sequence): both genders, X check digits, leap days, old and young.
SEEDS = [
    ("110101", date(2000, 2, 29), 19),  # leap day, check digit X, male
    ("140802", date(1980, 1, 1), 7),  # check digit X, male
    ("140802", date(1990, 3, 7), 123),
    ("140802", date(1990, 3, 7), 124),
    ("110105", date(1949, 10, 1), 1),
    ("310104", date(1965, 12, 31), 2),
    ("440305", date(1978, 6, 15), 555),
    ("510107", date(2004, 2, 29), 998),
    ("650102", date(1955, 7, 20), 31),
    ("330106", date(1999, 9, 9), 40),
    ("320102", date(1972, 4, 30), 101),
    ("420106", date(1988, 11, 11), 202),
    ("370102", date(1961, 5, 4), 303),
    ("210102", date(2010, 1, 31), 404),
    ("130102", date(1900, 1, 1), 5),  # earliest accepted date
    ("610113", date(1996, 8, 8), 66),
    ("500103", date(2019, 12, 31), 77),
    ("120101", date(1958, 3, 15), 888),
    ("350203", date(1983, 10, 24), 999),
    ("430104", date(2001, 7, 1), 12),
    ("530102", date(1975, 2, 28), 13),
    ("540102", date(1993, 1, 15), 0),
]
VALID = [make_id_number(*seed) for seed in SEEDS]


def assert_rejected(raw, code):
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number(raw)
    assert excinfo.value.code == code, (raw, excinfo.value.code, excinfo.value.messages)


# --- the generated numbers -----------------------------------------------------------------


def test_the_generated_numbers_cover_both_genders_x_and_a_leap_day():
    assert len(set(VALID)) == len(VALID) >= 20
    assert {id_number_gender(n) for n in VALID} == {"M", "F"}
    assert sum(n.endswith("X") for n in VALID) >= 2
    assert VALID[0] == "11010120000229019X"
    assert ric.is_valid(VALID[0])  # stdnum (which also checks the region) agrees


@pytest.mark.parametrize("number", VALID)
def test_a_valid_number_passes_and_comes_back_unchanged(number):
    assert validate_id_number(number) == number


@pytest.mark.parametrize(("seed", "number"), zip(SEEDS, VALID, strict=True), ids=VALID)
def test_birth_date_and_gender_come_from_the_number(seed, number):
    _region, birth, sequence = seed
    assert id_number_birth_date(number) == birth
    assert id_number_gender(number) == ("M" if sequence % 2 else "F")


def test_gender_is_the_parity_of_the_17th_digit():
    assert id_number_gender("110101199003071234") == "M"  # 3
    assert id_number_gender("110101199003071244") == "F"  # 4
    assert id_number_gender("11010119900307120x") == "F"  # 0, lower-case x tolerated


@pytest.mark.parametrize("number", VALID)
def test_every_single_character_substitution_is_rejected_by_the_check_digit(number):
    """ISO 7064 MOD 11-2 detects every single substitution: change any one of the 18 characters
    to any other allowed value (a digit; also X in the last place) and the number fails, on its
    check digit. Length and format are unchanged, so the code is always ``checksum``."""
    tried = 0
    for position in range(18):
        alphabet = "0123456789X" if position == 17 else "0123456789"
        for value in alphabet:
            if value == number[position]:
                continue
            changed = number[:position] + value + number[position + 1 :]
            assert ric.calc_check_digit(changed) != changed[-1], changed
            assert ric.is_valid(changed) is False, changed
            try:
                validate_id_number(changed)
            except ValidationError as exc:
                assert exc.code == "checksum", (changed, exc.code)
            else:
                pytest.fail(f"{changed} (from {number}) was accepted")
            tried += 1
    assert tried == 17 * 9 + 10


# --- normalising ---------------------------------------------------------------------------


def _full_width(text):
    return "".join(chr(ord(ch) + 0xFEE0) for ch in text)


@pytest.mark.parametrize("number", [VALID[0], VALID[1], VALID[2]])
def test_full_width_characters_spaces_and_lower_case_x_are_normalised(number):
    lower = number.lower()
    assert validate_id_number(lower) == number
    assert validate_id_number(_full_width(lower)) == number
    assert validate_id_number(_full_width(number)) == number
    spaced = f" {lower[:6]} {lower[6:14]}\u3000{lower[14:]}\t\n"
    assert normalize_id_number(spaced) == number
    assert validate_id_number(spaced) == number


def test_normalising_does_not_validate():
    assert normalize_id_number("") == ""
    assert normalize_id_number(None) == ""
    assert normalize_id_number("１２３ ab x") == "123abX"


# --- rejections with their codes -----------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("", "length"),
        (None, "length"),
        (VALID[2][:17], "length"),
        (VALID[2] + "1", "length"),
        (VALID[2][:16] + "1" + VALID[2][16:], "length"),  # a digit typed twice
        (VALID[2][:5] + "A" + VALID[2][6:], "format"),
        (VALID[2][:10] + "X" + VALID[2][11:], "format"),
        (VALID[2][:10] + "x" + VALID[2][11:], "format"),
        (VALID[2][:17] + "Y", "format"),
        (VALID[2][:6] + "-" + VALID[2][7:], "format"),
        ("١٤٠٨٠٢١٩٩٠٠٣٠٧١٢٣" + VALID[2][-1], "format"),  # Arabic-Indic digits
    ],
)
def test_length_and_format_errors(raw, code):
    assert_rejected(raw, code)


@pytest.mark.parametrize(
    "birth",
    [
        "19000229",  # 1900 is not a leap year
        "20230230",
        "20230431",
        "19901301",
        "19900001",
        "19900100",
        "00000101",
    ],
)
def test_an_impossible_birth_date_is_rejected_even_with_a_right_check_digit(birth):
    assert_rejected(make_id_number("110101", birth, 1), "birth_date")


def test_a_birth_date_in_the_future_or_before_1900_is_rejected():
    today = timezone.localdate()
    assert_rejected(make_id_number("110101", today + timedelta(days=1), 1), "birth_date")
    assert_rejected(make_id_number("110101", date(2099, 1, 1), 1), "birth_date")
    assert_rejected(make_id_number("110101", date(1899, 12, 31), 1), "birth_date")
    born_today = make_id_number("110101", today, 2)
    assert validate_id_number(born_today) == born_today


@pytest.mark.parametrize(
    "number",
    [
        make_id_number("999999", date(1990, 3, 7), 123),  # no such region
        VALID[2],  # 140802 (盐湖区) only exists since 2000; this person was born in 1990
    ],
)
def test_the_birthplace_code_is_not_checked(number):
    # stdnum's validate() also checks the region code against the birth year; we do not (codes
    # are renamed and retired, people keep their numbers).
    assert not ric.is_valid(number)
    assert validate_id_number(number) == number


def test_messages_are_translated_to_simplified_chinese():
    with pytest.raises(ValidationError) as excinfo:
        validate_id_number("123")
    with translation.override("zh-hans"):
        assert excinfo.value.messages == ["身份证号应为18位。"]
    with translation.override("en"):
        assert excinfo.value.messages == ["The ID number must have 18 characters."]


# --- masking -------------------------------------------------------------------------------

_UNMASKED = re.compile(r"[0-9]{17}[0-9Xx]|[0-9]{5,}")


def test_masking_shows_the_first_and_last_four_only():
    assert mask_id_number("140802199003071234") == "1408**********1234"
    for number in VALID:
        masked = mask_id_number(number)
        assert len(masked) == 18
        assert masked == number[:4] + "*" * 10 + number[-4:]
        assert not _UNMASKED.search(masked)


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("", ""),
        (None, ""),
        ("1", "*"),
        ("12345678", "********"),
        ("123456789", "1234*6789"),
        (" 140802199003071234 ", "1408**********1234"),
        (123456789012345678, "1234**********5678"),
    ],
)
def test_masking_never_raises_and_never_reveals_short_values(value, masked):
    assert mask_id_number(value) == masked
    assert not _UNMASKED.search(masked)


# --- mobiles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        " 13812345678 ",
        "+86 138-1234-5678",
        "+8613812345678",
        "+86-138-1234-5678",
        "8613812345678",
        "86 138 1234 5678",
        "0086 13812345678",
        "008613812345678",
        "８６１３８１２３４５６７８",  # full width
        "１３８－１２３４－５６７８",
        "＋８６　１３８１２３４５６７８",
        "(138)12345678",
        "（138）1234 5678",
        "138 1234 5678",
        "138–1234–5678",  # en dash
    ],
)
def test_a_mobile_is_normalised_to_11_digits(raw):
    assert validate_mobile(raw) == "13812345678"


@pytest.mark.parametrize("mobile", ["13012345678", "14712345678", "16612345678", "19912345678"])
def test_every_second_digit_from_3_to_9_is_accepted(mobile):
    assert validate_mobile(mobile) == mobile


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "12812345678",  # second digit 2
        "10012345678",
        "1381234567",  # 10 digits
        "138123456789",  # 12 digits
        "+86 1381234567",
        "+87 13812345678",
        "86138123456",  # 11 digits that are not a mobile: 86 is not stripped
        "+8613812345678 ext 1",
        "1381234567a",
        "０１０-１２３４５６７８",  # landline
        "١٣٨١٢٣٤٥٦٧٨",  # Arabic-Indic digits
        "13812345678\n1",
    ],
)
def test_other_numbers_are_not_mobiles(raw):
    with pytest.raises(ValidationError) as excinfo:
        validate_mobile(raw)
    assert excinfo.value.code == "mobile"
    with translation.override("zh-hans"):
        assert excinfo.value.messages == ["请输入以1开头的11位手机号。"]


def test_normalising_a_mobile_does_not_validate():
    assert normalize_mobile("+86 (138) 1234-5678") == "13812345678"
    assert normalize_mobile("12 34") == "1234"
    assert normalize_mobile(None) == ""


def test_mobile_masking():
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_mobile("") == ""
    assert mask_mobile(None) == ""
    assert mask_mobile("1234567") == "*******"
