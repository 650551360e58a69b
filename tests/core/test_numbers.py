"""core.numbers gives the text the template filters give, in both languages."""

from decimal import Decimal

import pytest
from django.contrib.humanize.templatetags.humanize import intcomma
from django.template.defaultfilters import floatformat
from django.utils import translation

from core.numbers import Numbers

VALUES = [0, 7, 1234, 98765432, Decimal("0"), Decimal("2.5"), Decimal("2.00"),
          Decimal("1500.50"), Decimal("1234567.125"), Decimal("0.005"), 12.25, -3, None]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_numbers_read_as_the_filters_write_them(language):
    with translation.override(language):
        numbers = Numbers()
        for value in VALUES:
            if value is None:
                assert numbers(value) == ""
                continue
            if isinstance(value, int):
                assert numbers(value) == intcomma(value), value
            for places in (-1, -2, 2):
                assert numbers(value, places) == floatformat(value, f"{places}g"), (value,
                                                                                   places)


@pytest.mark.parametrize("language", ["zh-hans", "en", "de", "fr"])
def test_the_quick_format_writes_what_django_s_number_format_writes(language):
    """English groups by thousands, Chinese by four with no separator: Python's own format
    writes those; other languages (German's dot, French's space) go to Django's."""
    values = [*range(-1200, 1200, 7), 10**12 + 3, -(10**9)]
    decimals = [Decimal(v) / 8 for v in range(-20000, 20000, 37)] + [Decimal("1234567.125")]
    with translation.override(language):
        quick = Numbers()
        django = Numbers()
        django.quick = False
        for value in values:
            assert quick._format(value, 0) == django._format(value, 0), value
        for value in decimals:
            for places in (0, 1, 2):
                rounded = value.quantize(Decimal(1).scaleb(-places))
                assert quick._format(rounded, places) == django._format(rounded, places), (
                    value, places)
        assert quick(1234567) == django(1234567)
