"""Customer and meter forms: they validate and normalise, views only call them."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from customers import rules
from customers.models import Customer, Meter

MESSAGE_DUPLICATE_ID = _("Ya existe un usuario con la identificacion ingresada")


def _rule(rule, value):
    """Run a field rule and hand its refusal to the form."""
    try:
        return rule(value)
    except ValidationError as exc:
        raise forms.ValidationError(exc.messages[0], code=exc.code) from None


class IdTypeField(forms.ChoiceField):
    """The identification type, also as people write it ("cc", "C.C.", "Pasaporte")."""

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return value
        try:
            return rules.id_type(value)
        except ValidationError:
            return value  # `validate` then says it is not one of the choices


class KwhField(forms.CharField):
    """kWh as typed ("10", "10,5", "1.000"), in 0.1 steps, through the one number parser."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.widget.attrs.update(inputmode="decimal", autocomplete="off")

    def clean(self, value):
        return _rule(rules.kwh, super().clean(value))


class CustomerForm(forms.ModelForm):
    id_type = IdTypeField(
        label=capfirst(Customer._meta.get_field("id_type").verbose_name),
        choices=Customer.IdType.choices,
        initial=Customer.IdType.CC,
    )
    # Longer than the stored form: people write a cédula with dots and spaces.
    identification = forms.CharField(
        label=capfirst(Customer._meta.get_field("identification").verbose_name), max_length=30
    )
    data_consent = forms.BooleanField(
        label=_("Autoriza el tratamiento de sus datos personales (Ley 1581 de 2012)"),
        required=False,
        help_text=_("Se guarda la fecha de la autorización."),
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
        self.fields["data_consent"].initial = self.instance.data_consent_on is not None
        if self.instance.data_consent_on:
            self.fields["data_consent"].help_text = _("Autorizó el %(date)s.") % {
                "date": self.instance.data_consent_on.strftime("%d/%m/%Y")
            }

    def clean_identification(self):
        id_type = self.cleaned_data.get("id_type")
        if not id_type:
            return self.cleaned_data["identification"]
        ident = _rule(lambda v: rules.identification(id_type, v), self.cleaned_data["identification"])
        if Customer.objects.filter(entity=self.entity, identification=ident).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(MESSAGE_DUPLICATE_ID, code="duplicate")
        return ident

    def clean_full_name(self):
        return _rule(rules.full_name, self.cleaned_data["full_name"])

    def clean_phone(self):
        return _rule(rules.phone, self.cleaned_data["phone"])

    def clean_email(self):
        return _rule(rules.email, self.cleaned_data["email"])

    def clean_address(self):
        return _rule(rules.address, self.cleaned_data["address"])

    def save(self, commit=True):
        if not self.cleaned_data.get("data_consent"):
            self.instance.data_consent_on = None
        elif self.instance.data_consent_on is None:
            self.instance.data_consent_on = timezone.localdate()
        return super().save(commit)


class MeterForm(forms.ModelForm):
    """A meter of one customer. The STS overrides are the "avanzado" section of the page."""

    ADVANCED = ("supply_group_code", "tariff_index", "key_revision", "key_type", "base_date")

    # Longer than the stored 11 digits: the label prints the serial in groups ("4700 0000 019").
    drn = forms.CharField(label=capfirst(Meter._meta.get_field("drn").verbose_name), max_length=20)
    subsidy_kwh = KwhField(label=capfirst(Meter._meta.get_field("subsidy_kwh").verbose_name))
    emergency_kwh = KwhField(label=capfirst(Meter._meta.get_field("emergency_kwh").verbose_name))

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
        self.fields["drn"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        if not self.instance.pk:
            self.fields.pop("is_active", None)
        for name in self.ADVANCED:
            self.fields[name].help_text = _("Vacío: se usa el de la entidad.")

    def basic_fields(self):
        return [f for f in self if f.name not in self.ADVANCED]

    def advanced_fields(self):
        return [f for f in self if f.name in self.ADVANCED]

    def clean_drn(self):
        drn = _rule(rules.drn, self.cleaned_data["drn"])
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
    identificacion = forms.CharField(label=_("Identificación"), max_length=30)

    def clean_identificacion(self):
        return _rule(rules.identification_lookup, self.cleaned_data["identificacion"])


class CustomerSearchForm(forms.Form):
    q = forms.CharField(label=_("Buscar"), required=False, max_length=100)
