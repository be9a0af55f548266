from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aom.lib import fields as ascii_fields
from aom.lib.fields import DecimalTextField
from billing.models import Product
from billing.money import MoneyError, parse_amount
from customers import rules, selectors
from customers.models import Meter


class ProductForm(forms.ModelForm):
    # Typed the Colombian way ("683,5" is six hundred eighty-three and a half, never 6835).
    iva_percent = DecimalTextField(
        label=Product._meta.get_field("iva_percent").verbose_name,
        places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
    )
    price_per_kwh = DecimalTextField(
        label=Product._meta.get_field("price_per_kwh").verbose_name, places=2, min_value=Decimal("0.01")
    )

    class Meta:
        model = Product
        fields = ["description", "iva_percent", "price_per_kwh"]
        field_classes = {"iva_percent": ascii_fields.DecimalField, "price_per_kwh": ascii_fields.DecimalField}
        help_texts = {
            "iva_percent": _("0 si la energía está excluida de IVA; por ejemplo 19."),
            "price_per_kwh": _("Precio de venta de 1 kWh en pesos, con el IVA incluido."),
        }

    def clean_description(self):
        return " ".join(self.cleaned_data["description"].split())


class AmountField(forms.CharField):
    """A peso amount as the cashier types it ("15000", "15.000", "$ 15.000")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Valor recibido ($)"))
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})

    def clean(self, value) -> Decimal | None:
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return parse_amount(value)
        except MoneyError as e:
            raise forms.ValidationError(str(e), code="amount") from None


class RechargeForm(forms.Form):
    """The new-receipt page: identification, then the meter and the amount.

    Bound to GET data (nothing is written until the confirmation is posted). With
    `lookup_only`, only the identification is checked: the page then offers the meters and
    the amount field.
    """

    identification = forms.CharField(label=_("Identificación del usuario"), max_length=30)
    meter = forms.TypedChoiceField(label=_("Medidor"), coerce=int, choices=(), required=False)
    amount = AmountField(required=False)

    def __init__(self, entity, *args, lookup_only: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.lookup_only = lookup_only
        self.customer = None
        self.fields["identification"].widget.attrs.update({"autocomplete": "off"})
        try:
            ident = rules.identification_lookup(self.data.get("identification"))
        except ValidationError:
            ident = ""  # `clean_identification` says why
        self.customer = selectors.customer_by_identification(entity, ident)
        # The customer's active meters, fetched once: the choices, and what the form hands back.
        self.meters = list(selectors.active_meters(self.customer)) if self.customer is not None else []
        self.fields["meter"].choices = [(m.pk, m.drn) for m in self.meters]

    def clean_meter(self) -> Meter | None:
        pk = self.cleaned_data.get("meter")
        return next((m for m in self.meters if m.pk == pk), None)

    def clean_identification(self):
        try:
            ident = rules.identification_lookup(self.cleaned_data["identification"])
        except ValidationError as exc:
            raise forms.ValidationError(exc.messages[0], code=exc.code) from None
        if self.customer is None:
            raise forms.ValidationError(
                _("No existe un usuario con la identificación %(ident)s en esta entidad."),
                code="no_customer",
                params={"ident": ident},
            )
        if not self.meters:
            raise forms.ValidationError(
                _("El usuario %(name)s no tiene un medidor activo: no se puede recargar."),
                code="no_meter",
                params={"name": self.customer.full_name},
            )
        return ident

    def clean(self):
        cleaned = super().clean()
        if self.lookup_only or self.errors:
            return cleaned
        if cleaned.get("meter") is None:
            if len(self.meters) == 1:
                cleaned["meter"] = self.meters[0]
            else:
                self.add_error("meter", _("Escoja el medidor a recargar."))
        if cleaned.get("amount") is None:
            self.add_error("amount", _("Escriba el valor recibido."))
        return cleaned

    def next_field(self) -> str:
        """The field the cashier types next (the page puts the caret there): the first one
        wrong or missing, in the order identification → meter → amount."""
        if self.customer is None or not self.meters or "identification" in self.errors:
            return "identification"
        chosen = self.cleaned_data.get("meter") if hasattr(self, "cleaned_data") else None
        if "meter" in self.errors or (chosen is None and len(self.meters) > 1):
            return "meter"
        return "amount"


class IssueForm(forms.Form):
    """The confirmation page's hidden fields, posted by `RECARGAR`."""

    meter = ascii_fields.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    amount = AmountField(widget=forms.HiddenInput)
    total = ascii_fields.DecimalField(max_digits=14, decimal_places=0, widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
