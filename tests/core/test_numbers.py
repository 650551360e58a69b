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
