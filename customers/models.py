"""Customers (the seed's "usuarios") and the meters installed at their homes."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from licensing.models import Entity
from tokens.sts import luhn_digit


def luhn_ok(digits: str) -> bool:
    """True if the last digit is the Luhn check digit of the others (the engine's rule)."""
    return len(digits) > 1 and digits.isascii() and digits.isdigit() and luhn_digit(digits[:-1]) == digits[-1]


def validate_drn(value: str) -> None:
    if not (len(value) == 11 and value.isdigit()):
        raise ValidationError(_("El serial del medidor debe tener 11 dígitos."), code="drn_format")
    if not luhn_ok(value):
        raise ValidationError(_("El dígito de control del serial del medidor no es válido."), code="drn_luhn")


class Customer(models.Model):
    class IdType(models.TextChoices):
        CC = "CC", _("Cédula de ciudadanía")
        NIT = "NIT", _("NIT")
        CE = "CE", _("Cédula de extranjería")
        TI = "TI", _("Tarjeta de identidad")
        PP = "PP", _("Pasaporte")

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="customers", verbose_name=_("entidad"))
    id_type = models.CharField(_("tipo de identificación"), max_length=3, choices=IdType.choices, default=IdType.CC)
    identification = models.CharField(
        _("identificación"),
        max_length=20,
        validators=[RegexValidator(r"^[0-9A-Za-z-]+$", _("Solo letras, dígitos y guiones."))],
    )
    full_name = models.CharField(_("nombre completo"), max_length=200)
    phone = models.CharField(_("celular"), max_length=20, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "identification"], name="customer_identification_unique"),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.id_type} {self.identification})"


class Meter(models.Model):
    """A prepaid meter. STS parameters left empty are taken from the entity."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="meters", verbose_name=_("entidad"))
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="meters", verbose_name=_("usuario"))
    drn = models.CharField(_("serial del medidor (DRN)"), max_length=11, validators=[validate_drn])
    installed_on = models.DateField(_("fecha de instalación"), null=True, blank=True)
    subsidy_kwh = models.DecimalField(
        _("subsidio mensual (kWh)"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    emergency_kwh = models.DecimalField(
        _("crédito de emergencia (kWh)"),
        max_digits=7,
        decimal_places=1,
        default=Decimal("0.0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    # Overrides of the entity's STS parameters (null: use the entity's).
    supply_group_code = models.CharField(
        _("SGC"), max_length=6, blank=True, validators=[RegexValidator(r"^\d{6}$", _("Seis dígitos."))]
    )
    tariff_index = models.CharField(
        _("TI"), max_length=2, blank=True, validators=[RegexValidator(r"^\d{2}$", _("Dos dígitos."))]
    )
    key_revision = models.PositiveSmallIntegerField(
        _("KRN"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    key_type = models.PositiveSmallIntegerField(_("KT"), null=True, blank=True, choices=Entity.KeyType.choices)
    base_date = models.PositiveSmallIntegerField(
        _("fecha base"), null=True, blank=True, choices=Entity.BaseDate.choices
    )
    # The TID of the last code issued for this meter: the next one is max(now, last + 1).
    last_tid = models.PositiveIntegerField(null=True, blank=True, editable=False)
    is_active = models.BooleanField(_("activo"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("medidor")
        verbose_name_plural = _("medidores")
        ordering = ["drn"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "drn"], name="meter_drn_unique"),
        ]

    def __str__(self):
        return self.drn

    # -- effective STS parameters ----------------------------------------------------------------
    @property
    def sts_supply_group_code(self) -> str:
        return self.supply_group_code or self.entity.supply_group_code

    @property
    def sts_tariff_index(self) -> str:
        return self.tariff_index or self.entity.tariff_index

    @property
    def sts_key_revision(self) -> int:
        return self.key_revision or self.entity.key_revision

    @property
    def sts_key_type(self) -> int:
        return self.entity.key_type if self.key_type is None else self.key_type

    @property
    def sts_base_date(self) -> int:
        return self.base_date or self.entity.base_date
