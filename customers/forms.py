"""Customer and meter forms: they validate and normalise, views only call them."""

import re

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Meter

MESSAGE_DUPLICATE_ID = _("Ya existe un usuario con la identificacion ingresada")


def normalise_phone(value: str) -> str:
    """Digits only; a Colombian mobile is 10 digits starting with 3 (+57 is dropped)."""
    digits = re.sub(r"\D", "", value or "")
    if not digits:
        return ""
    if len(digits) == 12 and digits.startswith("57"):
        digits = digits[2:]
    if len(digits) != 10 or not digits.startswith("3"):
        raise forms.ValidationError(
            _("Ingrese un celular colombiano de 10 dígitos que empiece por 3 (por ejemplo 3001234567)."),
            code="phone",
        )
    return digits


def normalise_identification(value: str) -> str:
    return re.sub(r"[\s.]", "", value or "").upper()


class UpperChoiceField(forms.ChoiceField):
    def to_python(self, value):
        return super().to_python(value).strip().upper()


class CustomerForm(forms.ModelForm):
    id_type = UpperChoiceField(
        label=capfirst(Customer._meta.get_field("id_type").verbose_name),
        choices=Customer.IdType.choices,
        initial=Customer.IdType.CC,
    )

    class Meta:
        model = Customer
        fields = ["id_type", "identification", "full_name", "phone", "email", "address"]
        labels = {"address": _("Dirección de residencia")}

    def __init__(self, *args, entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.instance.entity = entity
        self.fields["phone"].widget.attrs.update(inputmode="tel", autocomplete="off")

    def clean_identification(self):
        ident = normalise_identification(self.cleaned_data["identification"])
        if (
            Customer.objects.filter(entity=self.entity, identification__iexact=ident)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise forms.ValidationError(MESSAGE_DUPLICATE_ID, code="duplicate")
        return ident

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_phone(self):
        return normalise_phone(self.cleaned_data["phone"])

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_address(self):
        return " ".join(self.cleaned_data["address"].split())


class MeterForm(forms.ModelForm):
    """A meter of one customer. The STS overrides are the "avanzado" section of the page."""

    ADVANCED = ("supply_group_code", "tariff_index", "key_revision", "key_type", "base_date")

    class Meta:
        model = Meter
        fields = [
            "drn",
            "installed_on",
            "subsidy_kwh",
            "emergency_kwh",
            "is_active",
            "supply_group_code",
            "tariff_index",
            "key_revision",
            "key_type",
            "base_date",
        ]
        widgets = {"installed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, entity, customer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.instance.entity = entity
        if customer is not None:
            self.instance.customer = customer
        self.fields["drn"].widget.attrs.update(inputmode="numeric", maxlength=11)
        if not self.instance.pk:
            self.fields.pop("is_active", None)
        for name in self.ADVANCED:
            self.fields[name].help_text = _("Vacío: se usa el de la entidad.")

    def basic_fields(self):
        return [f for f in self if f.name not in self.ADVANCED]

    def advanced_fields(self):
        return [f for f in self if f.name in self.ADVANCED]

    def clean_drn(self):
        drn = re.sub(r"[\s-]", "", self.cleaned_data["drn"])
        if Meter.objects.filter(entity=self.entity, drn=drn).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(
                _("Ya existe un medidor con el serial %(drn)s en la entidad."), params={"drn": drn}, code="duplicate"
            )
        return drn

    def clean_supply_group_code(self):
        return self.cleaned_data["supply_group_code"].strip()

    def clean_tariff_index(self):
        return self.cleaned_data["tariff_index"].strip()


class FirstMeterForm(MeterForm):
    """The optional first meter on the "add customer" page: all blank means no meter."""

    prefix = "meter"

    class Meta(MeterForm.Meta):
        fields = ["drn", "installed_on", "subsidy_kwh", "emergency_kwh"]

    ADVANCED = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["drn"].required = False
        self.fields["drn"].help_text = _("Opcional: el serial de 11 dígitos del medidor instalado.")

    def is_blank(self) -> bool:
        """No serial and no installation date typed: the customer is added without a meter."""
        return not any((self.data.get(self.add_prefix(name)) or "").strip() for name in ("drn", "installed_on"))

    def clean_drn(self):
        if not (self.cleaned_data.get("drn") or "").strip():
            raise forms.ValidationError(_("Ingrese el serial del medidor."), code="required")
        return super().clean_drn()


class IdentificationSearchForm(forms.Form):
    identificacion = forms.CharField(label=_("Identificación"), max_length=20)

    def clean_identificacion(self):
        return normalise_identification(self.cleaned_data["identificacion"])


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=100)
