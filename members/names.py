"""Chinese names: normalising, validating, and the pinyin keys stored for search."""

import re
import unicodedata
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from pypinyin import Style, lazy_pinyin

# Surnames whose reading differs from the character's common reading, which is what pypinyin
# gives (单 → dan, 曾 → ceng, 解 → jie, ...). Applied only to the START of a name: inside a given
# name the character keeps pypinyin's reading. Keep this table small: only surnames common enough
# to be mis-sorted in practice. Values are the syllables, one per character.
SURNAME_READINGS: dict[str, tuple[str, ...]] = {
    "尉迟": ("yu", "chi"),  # Yùchí (pypinyin: wei alone)
    "单": ("shan",),  # Shàn, not dān
    "曾": ("zeng",),  # Zēng, not céng
    "解": ("xie",),  # Xiè, not jiě
    "仇": ("qiu",),  # Qiú, not chóu
    "区": ("ou",),  # Ōu, not qū
    "查": ("zha",),  # Zhā, not chá
    "朴": ("piao",),  # Piáo, not pǔ
    "盖": ("ge",),  # Gě, not gài
    "缪": ("miao",),  # Miào, not móu
}
# Longest first, so a two-character surname wins over a one-character one.
_SURNAMES = sorted(SURNAME_READINGS, key=len, reverse=True)

# Look-alikes of the middle dot "·" (U+00B7) that separates the parts of a transliterated name
# (买买提·艾力). After NFKC: "．" (U+FF0E) has become ".", "･" (U+FF65) has become "・" (U+30FB).
_DOTS = re.compile(r"\s*[·•・‧.∙⋅]\s*")
_SPACES = re.compile(r"\s+")
# 2-30 characters: CJK Unified Ideographs (U+4E00-U+9FFF), extension A (U+3400-U+4DBF), the
# middle dot, ASCII letters and spaces (some ethnic names are written in Latin letters).
_NAME = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff·A-Za-z ]{2,30}")
_HAS_LETTER = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fffA-Za-z]")
# An ASCII word, or a run of anything else up to the next space, dot or ASCII letter.
_WORD_OR_RUN = re.compile(r"([A-Za-z]+)|([^A-Za-z ·]+)")


def normalize_name(raw: str) -> str:
    """NFKC, strip, collapse inner whitespace to one space, every middle-dot variant to "·"."""
    text = unicodedata.normalize("NFKC", raw or "").strip()
    text = _DOTS.sub("·", text)
    return _SPACES.sub(" ", text)


def validate_name(raw: str) -> str:
    """Return the normalised name, or raise ``ValidationError`` (code ``name``)."""
    name = normalize_name(raw)
    if not (_NAME.fullmatch(name) and _HAS_LETTER.search(name)):
        raise ValidationError(
            _("Enter the name as on the ID card: 2 to 30 Chinese characters (· allowed)."),
            code="name",
        )
    return name


def name_pinyin(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lower case ASCII, no tones, spaces or dots.

    郑优芳 → ("zhengyoufang", "zyf"); 曾国藩 → ("zengguofan", "zgf"). ASCII letters are kept
    (lower-cased; one initial per word); anything else that is not a Chinese character is dropped.
    """
    text = normalize_name(name)
    full: list[str] = []
    initials: list[str] = []
    for surname in _SURNAMES:
        if text.startswith(surname):
            full.extend(SURNAME_READINGS[surname])
            initials.extend(s[0] for s in SURNAME_READINGS[surname])
            text = text[len(surname) :]
            break
    for word, run in _WORD_OR_RUN.findall(text):
        if word:
            full.append(word.lower())
            initials.append(word[0].lower())
        else:
            # One conversion: a syllable's initial (Style.FIRST_LETTER) is its first letter.
            syllables = _run_pinyin(run)
            full.extend(syllables)
            initials.extend(s[0] for s in syllables if s)
    return "".join(full).lower(), "".join(initials).lower()


@lru_cache(maxsize=50_000)
def _run_pinyin(run: str) -> tuple[str, ...]:
    """pypinyin's syllables of a run of characters, remembered: a roster repeats its given
    names (建国, 秀英) under every surname, and pypinyin's phrase matching is most of the cost
    of checking an imported row. The reading depends on the run alone, so this is what
    ``lazy_pinyin`` would give each time."""
    return tuple(lazy_pinyin(run, style=Style.NORMAL, errors="ignore"))
