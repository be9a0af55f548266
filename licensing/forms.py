"""Forms of the operator's entity admin and of the administrators' biller pages."""

from django import forms
from django.contrib.auth import password_validation
from django.db.models import Q
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
