"""Numbers formatted for the active language once per table rather than once per cell: the
same text as the template filters ``intcomma`` and ``floatformat:"Ng"`` / ``"-Ng"`` (both
``number_format`` with grouping), without looking the language's formats up again for each
of a district's hundreds of figures (a fifth of its dashboard's rendering at a city's size)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import numberformat
from django.utils.formats import get_format


class Numbers:
    """Formats numbers as the active language writes them (read when made: make one per
    request, after the language is set)."""

    def __init__(self):
        self.decimal = get_format("DECIMAL_SEPARATOR")
        self.separator = get_format("THOUSAND_SEPARATOR")
        self.grouping = get_format("NUMBER_GROUPING")
        # Thousands (English) or no separator at all (Chinese groups by four with none): what
        # Python's own format writes, several times faster than ``numberformat`` for the
        # hundreds of cells (a test holds the two equal); other groupings go to Django.
        self.quick = isinstance(self.grouping, int) and (
            not self.separator or self.grouping == 3
        )
        self.comma = "," if self.separator and self.grouping == 3 else ""
        self.swap = str.maketrans({",": self.separator, ".": self.decimal})

    def _format(self, value, places: int) -> str:
        if self.quick:
            spec = self.comma if isinstance(value, int) else f"{self.comma}.{places}f"
            return format(value, spec).translate(self.swap)
        return numberformat.format(value, self.decimal, places, self.grouping, self.separator,
                                   force_grouping=True, use_l10n=True)

    def __call__(self, value, places: int = 0) -> str:
        """``intcomma`` (``places`` 0, a whole number), ``floatformat:"Ng"`` (``places`` N)
        or ``floatformat:"-Ng"`` (``places`` -N: no decimals when the value is whole)."""
        if value is None or value == "":
            return ""
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except (InvalidOperation, ValueError):
            return str(value)
        if places == 0 and isinstance(value, int):
            return self._format(value, 0)
        if places < 0 and number == number.to_integral_value():
            return self._format(int(number), 0)
        places = abs(places)
        rounded = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return self._format(rounded, places)
