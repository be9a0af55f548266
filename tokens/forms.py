from django import forms
from django.utils.translation import gettext_lazy as _

from aom.lib.numbers import NumberError, parse_decimal
from customers.models import Meter, validate_drn
from licensing.models import Entity
from tokens.models import EngineeringCode


class EngineeringForm(forms.Form):
    """One engineering code: which, and the watts for the power limit."""

    kind = forms.ChoiceField(label=_("Código"), choices=EngineeringCode.Kind.choices)
    watts = forms.CharField(label=_("Límite de potencia (W)"), max_length=20, required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == EngineeringCode.Kind.MAX_POWER:
            text = (data.get("watts") or "").strip()
            if not text:
                self.add_error("watts", _("Escriba el límite de potencia en vatios."))
                return data
            try:
                data["value"] = int(parse_decimal(text, places=0))
            except NumberError as e:
                self.add_error("watts", str(e))
        return data


class KeyChangeForm(forms.Form):
    """A new key revision, tariff index or base date for one meter (or RO alone)."""

    key_revision = forms.TypedChoiceField(
        label=_("Nueva revisión de clave (KRN)"),
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 10)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    tariff_index = forms.RegexField(
        label=_("Nuevo índice de tarifa (TI)"), regex=r"^[0-9]{2}$", max_length=2, required=False
    )
    base_date = forms.TypedChoiceField(
        label=_("Nueva fecha base"),
        choices=[("", "—")] + list(Entity.BaseDate.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    rollover = forms.BooleanField(label=_("Borrar la memoria de TID del medidor (RO)"), required=False)


class BatchKeyChangeForm(forms.Form):
    key_revision = forms.TypedChoiceField(
        label=_("Nueva revisión de clave (KRN) de la entidad"),
        choices=[("", "—")] + [(n, str(n)) for n in range(1, 10)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    base_date = forms.TypedChoiceField(
        label=_("Nueva fecha base de la entidad"),
        choices=[("", "—")] + list(Entity.BaseDate.choices),
        coerce=int,
        empty_value=None,
        required=False,
    )
    confirm = forms.BooleanField(
        label=_("Entiendo que cada medidor necesitará sus dos códigos de cambio de clave"), required=True
    )


class ReplacementForm(forms.Form):
    drn = forms.CharField(label=_("Serial del medidor nuevo (DRN)"), max_length=11, validators=[validate_drn])
    installed_on = forms.DateField(label=_("Fecha de instalación"), required=False)
    reason = forms.CharField(label=_("Motivo"), max_length=200, required=False)

    def __init__(self, *args, entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity

    def clean_drn(self):
        drn = self.cleaned_data["drn"].strip()
        if Meter.objects.filter(entity=self.entity, drn=drn).exists():
            raise forms.ValidationError(_("Ya existe un medidor con ese serial en la entidad."))
        return drn
