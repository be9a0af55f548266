"""Customers (the seed's "usuarios") and the meters installed at their homes."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Upper
from django.utils.translation import gettext_lazy as _

from customers import rules
from customers.rules import validate_drn  # noqa: F401 (migration 0001 names it here)
from licensing.models import Entity
from tokens.sts import luhn_digit


def luhn_ok(digits: str) -> bool:
    """True if the last digit is the Luhn check digit of the others (the engine's rule)."""
    return len(digits) > 1 and digits.isascii() and digits.isdigit() and luhn_digit(digits[:-1]) == digits[-1]


class CustomerQuerySet(models.QuerySet):
    def search(self, text: str):
        """Customers whose name (ignoring case and accents), identification, phone or meter
        serial contains `text`. Names are compared through the stored `search_name`, the same
        on SQLite and PostgreSQL."""
        key = rules.search_key(text)
        if not key:
            return self
        cond = Q(search_name__contains=key)
        ident = rules.identification_key(text)
        if ident:
            cond |= Q(identification__contains=ident)
            if ident.isdigit():
                cond |= Q(phone__contains=ident) | Q(meters__drn__contains=ident)
        return self.filter(cond).distinct()


class Customer(models.Model):
    class IdType(models.TextChoices):
        CC = "CC", _("Cédula de ciudadanía")
        NIT = "NIT", _("NIT")
        CE = "CE", _("Cédula de extranjería")
        TI = "TI", _("Tarjeta de identidad")
        PP = "PP", _("Pasaporte")

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="customers", verbose_name=_("entidad"))
    id_type = models.CharField(_("tipo de identificación"), max_length=3, choices=IdType.choices, default=IdType.CC)
    # Stored as `rules.identification` leaves it: A-Z and 0-9 only (the check constraint below).
    identification = models.CharField(
        _("identificación"),
        max_length=20,
        validators=[RegexValidator(r"^[0-9A-Z]+$", _("Solo letras mayúsculas y dígitos."))],
    )
    full_name = models.CharField(_("nombre completo"), max_length=200)
    # `rules.search_key(full_name)`, kept by `save()` (and by the import, which inserts in bulk):
    # the name search compares it, so "jose perez" finds "José Pérez" on every database.
    search_name = models.CharField(max_length=200, blank=True, default="", editable=False)
    phone = models.CharField(_("celular"), max_length=20, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    # Ley 1581 de 2012: the day the customer authorised the processing of their data (empty: not given).
    data_consent_on = models.DateField(_("autorización de tratamiento de datos"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("usuario")
        verbose_name_plural = _("usuarios")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "identification"], name="customer_identification_unique"),
            # The identification is stored normalised, so that the unique constraint above
            # holds for every way of writing it: no lower case, no separators.
            models.CheckConstraint(
                condition=Q(identification=Upper("identification"))
                & ~Q(identification__contains=" ")
                & ~Q(identification__contains=".")
                & ~Q(identification__contains="-")
                & ~Q(identification=""),
                name="customer_identification_normalised",
            ),
        ]

    def __str__(self):
        return f"{self.full_name} ({self.id_type} {self.identification})"

    def save(self, *args, **kwargs):
        self.set_search_name()
        if kwargs.get("update_fields") is not None and "full_name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def set_search_name(self) -> None:
        self.search_name = rules.search_key(self.full_name)[:200]


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
        _("SGC"), max_length=6, blank=True, validators=[RegexValidator(r"^[0-9]{6}$", _("Seis dígitos."))]
    )
    tariff_index = models.CharField(
        _("TI"), max_length=2, blank=True, validators=[RegexValidator(r"^[0-9]{2}$", _("Dos dígitos."))]
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


class StagedImport(models.Model):
    """The checked rows of an Excel import between its preview and its confirmation.

    In the database, not a local folder, so that the preview and the confirmation may reach
    different workers or hosts. Claimed (deleted) by the confirmation, deleted by "Cancelar",
    and never used after `MAX_AGE`.
    """

    MAX_AGE_SECONDS = 3600

    token = models.CharField(max_length=64, primary_key=True)
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    rows = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self):
        return f"{self.token[:8]}… ({self.created_at:%Y-%m-%d %H:%M})"
