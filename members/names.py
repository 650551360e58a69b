"""Chinese names: normalising, validating, and the pinyin keys stored for search."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

# Surnames read differently from the same character elsewhere (pypinyin reads the common
# reading). Applied to the start of a name only.
SURNAME_READINGS = {
    "尉迟": "yuchi", "单": "shan", "曾": "zeng", "解": "xie", "仇": "qiu", "区": "ou",
    "查": "zha", "朴": "piao", "盖": "ge", "缪": "miao",
}
_DOTS = re.compile(r"[•．・‧.]")
_SPACES = re.compile(r"\s+")
_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff·A-Za-z ]{2,30}$")


def normalize_name(raw: str) -> str:
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = _DOTS.sub("·", text)
    return _SPACES.sub(" ", text)


def validate_name(raw: str) -> str:
    name = normalize_name(raw)
    if not _NAME.match(name) or not any(ch.strip("· ") for ch in name):
        raise ValidationError(
            _("Enter the name as on the ID card: 2 to 30 Chinese characters (· allowed)."),
            code="name",
        )
    return name


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case, no spaces or dots: 郑优芳 → (zhengyoufang, zyf)."""
    text = normalize_name(name).replace("·", "").replace(" ", "")
    head_syllables: list[str] = []
    for surname, reading in SURNAME_READINGS.items():
        if text.startswith(surname):
            head_syllables = [reading] if len(surname) == 1 else ["yu", "chi"]
            text = text[len(surname):]
            break
    rest = lazy_pinyin(text, style=Style.NORMAL, errors=lambda chars: list(chars.lower()))
    syllables = [s.lower() for s in head_syllables + rest if s.strip()]
    return "".join(syllables), "".join(s[0] for s in syllables)
