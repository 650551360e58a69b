"""ID numbers and mobile numbers: normalise what people type, validate, mask.

ID numbers use python-stdnum (``stdnum.cn.ric``): format, check digit (ISO 7064 MOD 11-2) and
birth date are hard failures; the birthplace code is not checked (new codes appear).
"""

import re
import unicodedata
from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum.cn import ric
from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength

_WHITESPACE = re.compile(r"\s+")
_MOBILE_NOISE = re.compile(r"[\s\-()（）]+")
_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_id_number(raw: str) -> str:
    """Full-width digits and letters to ASCII, no spaces, a trailing x upper-cased."""
    text = unicodedata.normalize("NFKC", raw or "")
    return _WHITESPACE.sub("", text).upper()


def validate_id_number(raw: str) -> str:
    number = normalize_id_number(raw)
    if len(number) != 18:
        raise ValidationError(_("The ID number must have 18 characters."), code="length")
    if not (number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")):
        raise ValidationError(
            _("The ID number has 17 digits followed by a digit or X."), code="format"
        )
    try:
        birth = ric.get_birth_date(number)
    except (InvalidComponent, ValueError):
        raise ValidationError(
            _("The birth date inside the ID number is not a real date."), code="birth_date"
        ) from None
    if birth > timezone.localdate() or birth < date(1900, 1, 1):
        raise ValidationError(
            _("The birth date inside the ID number is not possible."), code="birth_date"
        )
    try:
        ric.validate(number)
    except InvalidChecksum:
        raise ValidationError(
            _("The ID number's check digit is wrong: a digit is mistyped."), code="checksum"
        ) from None
    except (InvalidFormat, InvalidLength):
        raise ValidationError(
            _("The ID number has 17 digits followed by a digit or X."), code="format"
        ) from None
    except InvalidComponent:
        pass  # an unknown birthplace code: accepted (the list of codes changes)
    return number


def id_number_birth_date(number: str) -> date:
    return ric.get_birth_date(normalize_id_number(number))


def id_number_gender(number: str) -> str:
    """'M' or 'F': the 17th digit is odd for men."""
    return "M" if int(normalize_id_number(number)[16]) % 2 else "F"


def mask_id_number(number: str) -> str:
    """``1408**********1234``: enough to tell two people apart on a page, not to misuse."""
    if not number:
        return ""
    number = str(number)
    if len(number) <= 8:
        return "*" * len(number)
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def normalize_mobile(raw: str) -> str:
    text = _MOBILE_NOISE.sub("", unicodedata.normalize("NFKC", raw or ""))
    for prefix in ("+86", "0086", "86"):
        if text.startswith(prefix) and len(text) == len(prefix) + 11:
            return text[len(prefix):]
    return text


def validate_mobile(raw: str) -> str:
    mobile = normalize_mobile(raw)
    if not _MOBILE.match(mobile):
        raise ValidationError(
            _("Enter a mainland mobile number of 11 digits starting with 1."), code="mobile"
        )
    return mobile


def mask_mobile(mobile: str) -> str:
    if not mobile:
        return ""
    if len(mobile) < 8:
        return "*" * len(mobile)
    return mobile[:3] + "*" * (len(mobile) - 7) + mobile[-4:]
