"""ID numbers and mobile numbers: normalise what people type, validate, mask.

Pure functions, no models. Messages are ``gettext_lazy`` with English source text; the Chinese
lives in ``locale/zh_Hans``.

ID numbers (居民身份证号码, 18 characters) use python-stdnum's ``stdnum.cn.ric`` for the check
digit (ISO 7064 MOD 11-2) and the birth date. Length, format, check digit and birth date are
hard failures. The birthplace (region) code is deliberately NOT checked: codes are renamed and
retired, and people keep their numbers. That is why ``ric.validate`` is not called: it also
looks the region up, and it raises the same ``InvalidComponent`` for an unknown region as for an
impossible date, so the two could not be told apart.
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric

_WHITESPACE = re.compile(r"\s+")
# 17 ASCII digits and a digit or X. ``str.isdigit`` and ``\d`` would also accept e.g. Arabic-Indic
# digits, which NFKC leaves alone.
_ID_FORMAT = re.compile(r"[0-9]{17}[0-9X]")
# Nobody alive was born before this; an earlier date is a typing error.
_EARLIEST_BIRTH_DATE = date(1900, 1, 1)

_MOBILE_NOISE = re.compile(r"[\s\-\u2010-\u2015()]+")
_MOBILE_COUNTRY_CODE = re.compile(r"(?:\+86|0086|86)([0-9]{11})")
_MOBILE = re.compile(r"1[3-9][0-9]{9}")


# --- ID numbers --------------------------------------------------------------------------------


def normalize_id_number(raw: str) -> str:
    """Full-width digits and letters to ASCII, no whitespace, a trailing x upper-cased.

    The result may still be invalid; see ``validate_id_number``.
    """
    text = _WHITESPACE.sub("", unicodedata.normalize("NFKC", raw or ""))
    if text.endswith("x"):
        text = text[:-1] + "X"
    return text


def validate_id_number(raw: str) -> str:
    """Return the normalised number, or raise ``ValidationError``.

    Codes: ``length`` (not 18 characters), ``format`` (not 17 digits and a digit or X),
    ``checksum`` (wrong check digit: any single mistyped digit lands here), ``birth_date`` (not a
    real date, before 1900 or in the future).
    """
    number = normalize_id_number(raw)
    if len(number) != 18:
        raise ValidationError(_("The ID number must have 18 characters."), code="length")
    if not _ID_FORMAT.fullmatch(number):
        raise ValidationError(
            _("The ID number has 17 digits followed by a digit or X."), code="format"
        )
    # stdnum's calc_check_digit takes the WHOLE number (check digit included) and ignores the
    # last character.
    if ric.calc_check_digit(number) != number[-1]:
        raise ValidationError(
            _("The ID number's check digit is wrong: a digit is mistyped."), code="checksum"
        )
    try:
        birth = _birth_date(number)
    except ValueError:
        raise ValidationError(
            _("The birth date inside the ID number is not a real date."), code="birth_date"
        ) from None
    if not _EARLIEST_BIRTH_DATE <= birth <= timezone.localdate():
        raise ValidationError(
            _("The birth date inside the ID number is not possible."), code="birth_date"
        )
    return number


def id_number_birth_date(number: str) -> date:
    """The birth date (characters 7–14). Meant for a validated number.

    Raises ``ValueError`` if the characters are not a real date.
    """
    number = normalize_id_number(number)
    if _ID_FORMAT.fullmatch(number):
        return _birth_date(number)
    return ric.get_birth_date(number)


def _birth_date(number: str) -> date:
    """Characters 7–14 of a number of ``_ID_FORMAT`` as a date (``ValueError`` if not one):
    what ``ric.get_birth_date`` reads, without its clean-up of the text (the number is already
    normalised), which cost more than the rest of the check of an imported row's ID number."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def id_number_gender(number: str) -> str:
    """``"M"`` or ``"F"``: the 17th digit is odd for men, even for women. Meant for a validated
    number; raises ``ValueError`` / ``IndexError`` otherwise."""
    return "M" if int(normalize_id_number(number)[16]) % 2 else "F"


def mask_id_number(number: str) -> str:
    """``1408**********1234``: enough to tell two people apart on a page, not to misuse.

    Empty string for empty input; never raises (anything of 8 characters or fewer is all
    asterisks).
    """
    if not number:
        return ""
    text = str(number).strip()
    if len(text) <= 8:
        return "*" * len(text)
    return text[:4] + "*" * (len(text) - 8) + text[-4:]


# --- Mobile numbers ----------------------------------------------------------------------------


def normalize_mobile(raw: str) -> str:
    """NFKC; drop whitespace, hyphens/dashes and parentheses; drop a leading ``+86``, ``0086`` or
    ``86`` when 11 digits follow. The result may still be invalid; see ``validate_mobile``."""
    text = _MOBILE_NOISE.sub("", unicodedata.normalize("NFKC", raw or ""))
    match = _MOBILE_COUNTRY_CODE.fullmatch(text)
    return match.group(1) if match else text


def validate_mobile(raw: str) -> str:
    """Return the 11 digits of a mainland mobile number, or raise ``ValidationError`` (code
    ``mobile``)."""
    mobile = normalize_mobile(raw)
    if not _MOBILE.fullmatch(mobile):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits starting with 1."), code="mobile"
        )
    return mobile


def mask_mobile(mobile: str) -> str:
    """``138****5678``. Empty string for empty input; never raises."""
    if not mobile:
        return ""
    text = str(mobile).strip()
    if len(text) <= 7:
        return "*" * len(text)
    return text[:3] + "*" * (len(text) - 7) + text[-4:]
