"""Names: normalising, validating, and the pinyin keys used for search. No database."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from members.names import SURNAME_READINGS, name_pinyin, normalize_name, validate_name


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("郑优芳", "zhengyoufang", "zyf"),
        ("曾国藩", "zengguofan", "zgf"),
        ("单田芳", "shantianfang", "stf"),
        ("吕布", "lvbu", "lb"),  # ü is written v
        ("王芳", "wangfang", "wf"),
    ],
)
def test_pinyin_and_initials(name, pinyin, initials):
    assert name_pinyin(name) == (pinyin, initials)


@pytest.mark.parametrize(
    ("name", "pinyin", "initials"),
    [
        ("单田芳", "shantianfang", "stf"),
        ("曾国藩", "zengguofan", "zgf"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("区志航", "ouzhihang", "ozh"),
        ("查良镛", "zhaliangyong", "zly"),
        ("朴树", "piaoshu", "ps"),
        ("盖聂", "genie", "gn"),
        ("缪艺", "miaoyi", "my"),
        ("尉迟恭", "yuchigong", "ycg"),
    ],
)
def test_heteronym_surnames_read_as_surnames(name, pinyin, initials):
    assert name_pinyin(name) == (pinyin, initials)


def test_every_surname_in_the_table_has_a_test_above_and_one_syllable_per_character():
    assert set(SURNAME_READINGS) == {"单", "曾", "解", "仇", "区", "查", "朴", "盖", "缪", "尉迟"}
    for surname, syllables in SURNAME_READINGS.items():
        assert len(syllables) == len(surname)


def test_the_surname_reading_applies_to_the_first_character_only():
    assert name_pinyin("王单") == ("wangdan", "wd")
    assert name_pinyin("单单") == ("shandan", "sd")
    assert name_pinyin("李曾") == ("liceng", "lc")


DOT_VARIANTS = ["·", "•", "．", ".", "・", "･", "‧", "∙", "⋅"]


@pytest.mark.parametrize("dot", DOT_VARIANTS)
def test_a_transliterated_name_with_any_middle_dot(dot):
    raw = f"买买提{dot}艾力"
    assert normalize_name(raw) == "买买提·艾力"
    assert validate_name(raw) == "买买提·艾力"
    assert name_pinyin(raw) == ("maimaitiaili", "mmtal")


def test_spaces_around_the_dot_are_dropped():
    assert normalize_name(" 买买提 • 艾力 ") == "买买提·艾力"


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("  郑优芳  ", "郑优芳"),
        ("郑  优芳", "郑 优芳"),
        ("郑\u3000优芳", "郑 优芳"),  # ideographic space
        ("\t郑 \n 优芳\n", "郑 优芳"),
        ("Ayixiamu   Aili", "Ayixiamu Aili"),
        ("ＡＬＩ Ｗａｎｇ", "ALI Wang"),  # full-width letters
    ],
)
def test_whitespace_is_stripped_and_collapsed(raw, normalised):
    assert normalize_name(raw) == normalised
    assert validate_name(raw) == normalised


def test_spaces_and_latin_letters_in_pinyin():
    assert name_pinyin("郑 优芳") == ("zhengyoufang", "zyf")
    assert name_pinyin("Ayixiamu Aili") == ("ayixiamuaili", "aa")
    assert name_pinyin("阿依古丽·Ali") == ("ayiguliali", "aygla")
    assert name_pinyin("郑优芳1😀") == ("zhengyoufang", "zyf")  # the rest is ignored
    assert name_pinyin("") == ("", "")


@pytest.mark.parametrize("name", ["王芳", "欧阳娜娜", "刘䶮", "买买提·艾力", "Ali Wang", "王" * 30])
def test_valid_names(name):
    assert validate_name(name) == name


@pytest.mark.parametrize(
    "raw",
    [
        "",
        None,
        "郑",  # one character
        " 郑 ",
        "王" * 31,  # too long
        "郑优芳1",
        "郑优芳１",  # full-width digit
        "郑优芳😀",
        "郑优芳!",
        "郑优芳-",
        "さくら",
        "··",
        "  ",
    ],
)
def test_invalid_names(raw):
    with pytest.raises(ValidationError) as excinfo:
        validate_name(raw)
    assert excinfo.value.code == "name"
    with translation.override("zh-hans"):
        assert excinfo.value.messages == ["请按身份证填写姓名：2至30个汉字（可含“·”）。"]
