"""Form fields that read numbers and dates as people in Colombia type them, with the ASCII
digits 0-9 only.

Django's IntegerField, DecimalField and DateField read any Unicode digit (`int("١٢")` is 12,
`Decimal("１")` is 1, strptime's `%Y` matches `٢٠٢٦`): a number typed with foreign digits would be
stored or searched as another. `IntegerField`, `DecimalField` and `DateField` here refuse them
with a clear message, as `aom.lib.numbers` does.

`DecimalTextField` is the form side of `aom.lib.numbers`: a text input (so a browser never
reads "683,5" its own way, as `type=number` does) with a numeric keyboard on phones, read by
`parse_decimal` and shown back with `format_decimal`. Use it for every money, price,
percentage or kWh input:

    price_per_kwh = DecimalTextField(places=2, min_value=Decimal("0.01"))
    subsidy_kwh = DecimalTextField(places=1, min_value=Decimal("0"))

On a ModelForm, assign it in the class body (as above) or set `formfield_callback`; the model's
own validators still run.
"""

from datetime import date
from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from aom.lib.numbers import FOREIGN_DIGIT_MESSAGE, NumberError, format_decimal, has_foreign_digit, parse_decimal

# Reports and filters add a day or a month to the dates typed: keep them far from date.max.
MIN_DATE = date(2000, 1, 1)
MAX_DATE = date(2099, 12, 31)


class AsciiDigits:
    """Refuses a typed value holding a digit other than 0-9, before the field reads it."""

    def to_python(self, value):
        if isinstance(value, str) and has_foreign_digit(value):
            raise forms.ValidationError(FOREIGN_DIGIT_MESSAGE, code="foreign_digit")
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


class DecimalTextField(forms.Field):
    """A Decimal with at most `places` decimals, typed as text ("1.000,50", "683,5", "1000.5")."""

    widget = forms.TextInput

    def __init__(
        self,
        *,
        places: int = 2,
        min_value: Decimal | None = None,
        max_value: Decimal | None = None,
        allow_negative: bool = False,
        **kwargs,
    ):
        self.places = places
        self.min_value, self.max_value = min_value, max_value
        self.allow_negative = allow_negative
        super().__init__(**kwargs)
        if min_value is not None:
            self.validators.append(MinValueValidator(min_value))
        if max_value is not None:
            self.validators.append(MaxValueValidator(max_value))

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        # A phone shows digits with the decimal key; the text is ours to read, not the browser's.
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "spellcheck": "false"})
        return attrs

    def to_python(self, value) -> Decimal | None:
        if isinstance(value, Decimal):
            return value
        if value in self.empty_values or not str(value).strip():
            return None
        try:
            return parse_decimal(str(value), places=self.places, allow_negative=self.allow_negative)
        except NumberError as e:
            raise forms.ValidationError(str(e), code=e.code) from None

    def prepare_value(self, value):
        """A saved Decimal is shown the way it would be typed: 683.50 → "683,50", 19.00 → "19"."""
        if isinstance(value, (Decimal, int)) and not isinstance(value, bool):
            return format_decimal(value, self.places, trim=True)
        return value

    def has_changed(self, initial, data) -> bool:
        try:
            return self.to_python(data) != (Decimal(initial) if initial not in (None, "") else None)
        except forms.ValidationError:
            return True
