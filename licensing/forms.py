"""Forms of the operator's entity admin and of the administrators' biller pages."""

from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from aom import audit
from aom.lib import fields as ascii_fields
from aom.models import User
from billing.forms_reports import DateInput
from licensing.models import Entity, License, parse_vending_key


class EntityAdminForm(forms.ModelForm):
    """The entity with its write-only vending key: typed as hex, sealed, never shown again."""

    vending_key = forms.CharField(
        label=_("Clave de venta (hexadecimal)"),
        required=False,
        strip=True,
        # new-password: browsers must not autofill the operator's own password here.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_(
            "16 dígitos hexadecimales para DKGA02, 40 para DKGA04. No se vuelve a mostrar; "
            "déjela en blanco para conservar la clave guardada."
        ),
    )

    class Meta:
        model = Entity
        fields = [
            "name",
            "nit",
            "address",
            "city",
            "phone",
            "email",
            "web",
            "logo",
            "sponsor",
            "supply_group_code",
            "tariff_index",
            "key_revision",
            "key_type",
            "base_date",
            "key_derivation",
        ]
        field_classes = {"key_revision": ascii_fields.IntegerField}

    @sensitive_variables("typed", "key")
    def clean(self):
        cleaned = super().clean()
        typed = cleaned.pop("vending_key", "")
        derivation = cleaned.get("key_derivation")
        self._vending_key = None
        if derivation is None:
            return cleaned
        if typed:
            try:
                key = parse_vending_key(typed, derivation)
            except forms.ValidationError as e:
                self.add_error("vending_key", e)
            else:
                self._vending_key = key
        elif not self.instance.has_vending_key:
            self.add_error("vending_key", _("La clave de venta es obligatoria."))
        elif "key_derivation" in self.changed_data:
            self.add_error("vending_key", _("Al cambiar la derivación de clave debe ingresar una clave nueva."))
        return cleaned

    @sensitive_variables("key")
    def save(self, commit=True):
        entity = super().save(commit=False)
        key = getattr(self, "_vending_key", None)
        if key is not None:
            entity.set_vending_key(key)
        if commit:
            entity.save()
            self._save_m2m()
        return entity


class LicenseAdminForm(forms.ModelForm):
    """A license as the operator types it: its numbers in the digits 0-9 only."""

    class Meta:
        model = License
        fields = ["entity", "valid_until", "max_customers", "receipt_prefix", "receipt_from", "receipt_to"]
        field_classes = {
            "max_customers": ascii_fields.IntegerField,
            "receipt_from": ascii_fields.IntegerField,
            "receipt_to": ascii_fields.IntegerField,
        }


def normalise_email(value: str) -> str:
    return (value or "").strip().lower()


class BillerForm(forms.ModelForm):
    """Create a biller (password required) or edit one (password blank keeps it)."""

    # Typed by the administrator, so temporary: the biller must change it at the next login.
    password1 = forms.CharField(
        label=_("Contraseña temporal"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Confirme la contraseña"),
        strip=False,
        required=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = User
        fields = ["email", "full_name", "identification"]

    def __init__(self, *args, entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.entity = entity
        self.instance.entity = entity
        self.instance.role = User.Role.BILLER
        self.fields["full_name"].required = True
        if self.instance.pk:
            self.fields["password1"].help_text = _(
                "Déjela en blanco para no cambiarla. Si escribe una, el facturador deberá cambiarla al ingresar."
            )

    def clean_email(self):
        email = normalise_email(self.cleaned_data["email"])
        if User.objects.filter(email__iexact=email).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(_("Ya existe una cuenta con este correo electrónico."))
        return email

    def clean_full_name(self):
        return " ".join(self.cleaned_data["full_name"].split())

    def clean_identification(self):
        return self.cleaned_data["identification"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        p1, p2 = cleaned.get("password1"), cleaned.get("password2")
        if not p1 and not p2:
            if not self.instance.pk:
                self.add_error("password1", _("La contraseña es obligatoria."))
            return cleaned
        if p1 != p2:
            self.add_error("password2", _("Las dos contraseñas no coinciden."))
            return cleaned
        # Validate against the data typed (e-mail, name), as the similarity validator needs.
        for name in ("email", "full_name"):
            if name in cleaned:
                setattr(self.instance, name, cleaned[name])
        try:
            password_validation.validate_password(p1, self.instance)
        except forms.ValidationError as e:
            self.add_error("password1", e)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        if self.cleaned_data.get("password1"):
            # The administrator knows it: it is temporary until the biller chooses their own.
            user.set_password(self.cleaned_data["password1"])
            user.must_change_password = True
        if commit:
            user.save()
        return user


class AuditFilterForm(forms.Form):
    """The audit page's filters: who, what, and from/to dates (all optional)."""

    actor = forms.ModelChoiceField(
        label=_("Quién"), queryset=User.objects.none(), required=False, empty_label=_("Todos")
    )
    action = forms.ChoiceField(label=_("Acción"), required=False)
    start = ascii_fields.DateField(label=_("Desde"), required=False, widget=DateInput())
    end = ascii_fields.DateField(label=_("Hasta"), required=False, widget=DateInput())

    def __init__(self, *args, entity, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actor"].queryset = User.objects.filter(entity=entity).order_by("full_name", "pk")
        self.fields["action"].choices = [("", _("Todas"))] + sorted(
            ((code, audit.label(code)) for code in audit.ACTIONS), key=lambda choice: choice[1]
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("La fecha final es anterior a la inicial."))
        return cleaned

    def filter(self, events):
        """`events` narrowed to the filters (the form must be valid)."""
        data = self.cleaned_data
        if data["actor"] is not None:
            user = data["actor"]
            # A failed login has no account as actor, only the e-mail that was typed.
            events = events.filter(Q(actor=user) | Q(actor__isnull=True, actor_label=user.email))
        if data["action"]:
            events = events.filter(action=data["action"])
        if data["start"]:
            events = events.filter(at__date__gte=data["start"])
        if data["end"]:
            events = events.filter(at__date__lte=data["end"])
        return events


def _squeeze(text: str) -> str:
    return " ".join((text or "").split())


class ReceiptHeaderForm(forms.ModelForm):
    """The receipt's header and sponsor, edited by the entity's administrator.

    The title may differ from "Comprobante de recarga" only when the license carries a DIAN
    numbering resolution (`has_resolution`): a paper titled "factura" must be a DIAN document.
    """

    class Meta:
        model = Entity
        fields = ["name", "nit", "address", "city", "phone", "email", "web", "logo", "sponsor", "receipt_title"]
        help_texts = {
            "logo": _("PNG o JPEG, hasta 1 MB y 4000 píxeles por lado."),
            "receipt_title": _("Solo con una resolución de numeración DIAN. En blanco: «Comprobante de recarga»."),
        }

    def __init__(self, *args, has_resolution=lambda: False, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_resolution = has_resolution
        for name in ("name", "nit"):
            self.fields[name].required = True

    def clean(self):
        cleaned = super().clean()
        for name in ("name", "nit", "address", "city", "phone", "web", "sponsor", "receipt_title"):
            if isinstance(cleaned.get(name), str):
                cleaned[name] = _squeeze(cleaned[name])
        if cleaned.get("receipt_title") and not self.has_resolution():
            self.add_error(
                "receipt_title",
                _(
                    "Sin una resolución de numeración DIAN el documento se titula «Comprobante de recarga»: "
                    "deje el título en blanco o ingrese la resolución."
                ),
            )
        return cleaned


RESOLUTION_FIELDS = [
    "dian_resolution",
    "dian_resolution_date",
    "dian_prefix",
    "dian_from",
    "dian_to",
    "dian_valid_until",
]


class NumberingResolutionForm(forms.ModelForm):
    """The DIAN numbering resolution of the entity's license: all its data, or none."""

    class Meta:
        model = License
        fields = RESOLUTION_FIELDS
        widgets = {
            "dian_resolution_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "dian_valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "dian_from": forms.TextInput(attrs={"inputmode": "numeric"}),
            "dian_to": forms.TextInput(attrs={"inputmode": "numeric"}),
        }
        help_texts = {"dian_resolution": _("En blanco si la entidad no tiene una resolución de numeración.")}

    def clean_dian_resolution(self):
        number = "".join(self.cleaned_data["dian_resolution"].split())
        if number and not (number.isascii() and number.isdigit()):
            raise forms.ValidationError(_("El número de la resolución lleva solo dígitos."))
        return number

    def clean_dian_prefix(self):
        return self.cleaned_data["dian_prefix"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        given = [name for name in RESOLUTION_FIELDS if cleaned.get(name) not in (None, "")]
        required = [name for name in RESOLUTION_FIELDS if name != "dian_prefix"]
        if not given:
            return cleaned  # no resolution: the receipt is a "Comprobante de recarga"
        missing = [name for name in required if name not in given]
        for name in missing:
            self.add_error(name, _("Complete este dato de la resolución, o deje en blanco todos."))
        if missing:
            return cleaned
        license = self.instance
        if cleaned["dian_from"] > cleaned["dian_to"]:
            self.add_error("dian_to", _("El final de la numeración autorizada debe ser mayor o igual que el inicio."))
        if cleaned["dian_valid_until"] < cleaned["dian_resolution_date"]:
            self.add_error("dian_valid_until", _("La vigencia no puede terminar antes de la fecha de la resolución."))
        elif cleaned["dian_valid_until"] < timezone.localdate():
            self.add_error("dian_valid_until", _("La resolución ya no está vigente."))
        if cleaned["dian_prefix"] != license.receipt_prefix:
            self.add_error(
                "dian_prefix",
                _("El prefijo autorizado debe ser el de los comprobantes de la licencia («%(prefix)s»).")
                % {"prefix": license.receipt_prefix or _("sin prefijo")},
            )
        elif not (cleaned["dian_from"] <= license.receipt_from and license.receipt_to <= cleaned["dian_to"]):
            self.add_error(
                "dian_from",
                _("La numeración de la licencia (%(a)s a %(b)s) debe estar dentro de la autorizada por la DIAN.")
                % {"a": license.format_number(license.receipt_from), "b": license.format_number(license.receipt_to)},
            )
        return cleaned
