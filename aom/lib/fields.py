"""Form fields for numbers as people in Colombia type them.

`DecimalTextField` is the form side of `aom.lib.numbers`: a text input (so a browser never
reads "683,5" its own way, as `type=number` does) with a numeric keyboard on phones, read by
`parse_decimal` and shown back with `format_decimal`. Use it for every money, price,
percentage or kWh input:

    price_per_kwh = DecimalTextField(places=2, min_value=Decimal("0.01"))
    subsidy_kwh = DecimalTextField(places=1, min_value=Decimal("0"))

On a ModelForm, assign it in the class body (as above) or set `formfield_callback`; the model's
own validators still run.
"""

from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator

from aom.lib.numbers import NumberError, format_decimal, parse_decimal


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


__all__ = ["DecimalTextField"]
