"""Form fields that read only the ASCII digits 0-9, and dates a report can compute with.

Django's IntegerField, DecimalField and DateField read any Unicode digit (`int("١٢")` is 12,
`Decimal("１")` is 1, strptime's `%Y` matches `٢٠٢٦`): a number typed with foreign digits would be
stored or searched as another. These refuse them with a clear message, as `aom.lib.numbers` does.
"""

from datetime import date

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from aom.lib.numbers import has_foreign_digit

# Reports and filters add a day or a month to the dates typed: keep them far from date.max.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)


class AsciiDigits:
    """Refuses a typed value holding a digit other than 0-9, before the field reads it."""

    def to_python(self, value):
        if isinstance(value, str) and has_foreign_digit(value):
            raise forms.ValidationError(_("Escriba los números con las cifras 0 a 9."), code="foreign_digit")
        return super().to_python(value)


class IntegerField(AsciiDigits, forms.IntegerField):
    pass


class DecimalField(AsciiDigits, forms.DecimalField):
    pass


class DateField(AsciiDigits, forms.DateField):
    """A date between MIN_DATE and MAX_DATE, typed with ASCII digits."""

    def validate(self, value):
        super().validate(value)
        if value and not MIN_DATE <= value <= MAX_DATE:
            raise forms.ValidationError(
                _("Escriba una fecha entre %(min)s y %(max)s.")
                % {"min": date_format(MIN_DATE, "Y-m-d"), "max": date_format(MAX_DATE, "Y-m-d")},
                code="date_range",
            )
