"""Entities (the tenants), their licenses and receipt numbering.

Receipt numbering lives here and only here: `License.take_receipt_number()` must be called
inside the transaction that writes the receipt, so that the counter row stays locked until the
receipt is committed and numbers never skip or repeat.
"""

import uuid
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from aom.lib import secretbox
from tokens.sts import KeyFormatError
from tokens.sts.keys import parse_vending_key as sts_parse_vending_key

WARN_DAYS_BEFORE_EXPIRY = 30
WARN_RANGE_USED_FRACTION = 0.9

LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 4000
LOGO_FORMATS = {"PNG", "JPEG"}


def validate_logo(value) -> None:
    """A newly uploaded logo must be a real PNG or JPEG image of reasonable size."""
    if not value or getattr(value, "_committed", True):
        return  # unchanged: already validated when it was uploaded
    from PIL import Image

    if value.size > LOGO_MAX_BYTES:
        raise ValidationError(_("El logo no puede pesar más de 1 MB."), code="logo_size")
    try:
        value.seek(0)
        with Image.open(value) as image:
            fmt, (width, height) = image.format, image.size
            image.verify()
    except Exception:
        raise ValidationError(_("El logo debe ser una imagen PNG o JPEG válida."), code="logo_invalid") from None
    finally:
        value.seek(0)
    if fmt not in LOGO_FORMATS:
        raise ValidationError(_("El logo debe ser una imagen PNG o JPEG válida."), code="logo_format")
    if max(width, height) > LOGO_MAX_SIDE:
        raise ValidationError(
            _("El logo no puede medir más de %(px)s píxeles por lado.") % {"px": LOGO_MAX_SIDE}, code="logo_pixels"
        )


@sensitive_variables("text", "typed", "key")
def parse_vending_key(text: str, derivation: str) -> bytes:
    """The vending key typed as hex (16 digits for DKGA02, 40 for DKGA04; spaces between groups
    allowed): the engine's parser, wrapped once for the forms and the commands.

    Error messages never repeat the value typed.
    """
    digits = 40 if derivation == Entity.KeyDerivation.DKGA04 else 16
    typed = "".join((text or "").split())
    try:
        key = sts_parse_vending_key(typed)
    except KeyFormatError:
        key = None
    if key is None or 2 * len(key) != digits:
        raise ValidationError(
            _("La clave de venta debe tener %(n)s dígitos hexadecimales para DKGA%(d)s.")
            % {"n": digits, "d": derivation},
            code="vending_key",
        )
    return key


class LicenseError(Exception):
    """A license refuses to issue a receipt. The message is the one shown to the cashier."""


class Entity(models.Model):
    class BaseDate(models.IntegerChoices):
        Y1993 = 1993, "1993"
        Y2014 = 2014, "2014"
        Y2035 = 2035, "2035"

    class KeyDerivation(models.TextChoices):
        DKGA02 = "02", "DKGA02 (DES)"
        DKGA04 = "04", "DKGA04 (HMAC-SHA-256)"

    class KeyType(models.IntegerChoices):
        INITIALISATION = 0, _("0 — inicialización")
        DEFAULT = 1, _("1 — por defecto")
        UNIQUE = 2, _("2 — única")
        COMMON = 3, _("3 — común")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("nombre"), max_length=200)
    nit = models.CharField(_("NIT"), max_length=20)
    address = models.CharField(_("dirección"), max_length=200, blank=True)
    city = models.CharField(_("ciudad"), max_length=100, blank=True)
    phone = models.CharField(_("teléfono"), max_length=40, blank=True)
    email = models.EmailField(_("correo electrónico"), blank=True)
    web = models.CharField(_("sitio web"), max_length=200, blank=True)
    logo = models.ImageField(_("logo"), upload_to="logos/", blank=True, validators=[validate_logo])
    sponsor = models.CharField(_("patrocinador"), max_length=200, blank=True)
    # The receipt's title when the license carries a DIAN numbering resolution; without one the
    # receipt is always a "Comprobante de recarga" (a paper titled "factura" must be a DIAN
    # electronic document, which this platform does not issue).
    receipt_title = models.CharField(_("título del comprobante"), max_length=60, blank=True)

    # STS parameters shared by the entity's meters unless a meter overrides them.
    vending_key_sealed = models.TextField(editable=False, blank=True)
    supply_group_code = models.CharField(
        _("código de grupo de suministro (SGC)"),
        max_length=6,
        validators=[RegexValidator(r"^[0-9]{6}\Z", _("Seis dígitos (0-9)."))],
    )
    tariff_index = models.CharField(
        _("índice de tarifa (TI)"),
        max_length=2,
        default="01",
        validators=[RegexValidator(r"^[0-9]{2}\Z", _("Dos dígitos (0-9)."))],
    )
    key_revision = models.PositiveSmallIntegerField(
        _("revisión de clave (KRN)"), default=1, validators=[MinValueValidator(1), MaxValueValidator(9)]
    )
    key_type = models.PositiveSmallIntegerField(
        _("tipo de clave (KT)"), choices=KeyType.choices, default=KeyType.UNIQUE
    )
    base_date = models.PositiveSmallIntegerField(_("fecha base"), choices=BaseDate.choices, default=BaseDate.Y2014)
    key_derivation = models.CharField(
        _("derivación de clave"), max_length=2, choices=KeyDerivation.choices, default=KeyDerivation.DKGA02
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("entidad")
        verbose_name_plural = _("entidades")
        ordering = ["name"]

    def __str__(self):
        return self.name

    # -- vending key: write-only, sealed at rest ----------------------------------------------
    def _secret_context(self) -> str:
        return f"entity-vending-key:{self.uuid}"

    @sensitive_variables("key")
    def set_vending_key(self, key: bytes) -> None:
        expected = 20 if self.key_derivation == self.KeyDerivation.DKGA04 else 8
        if len(key) != expected:
            raise ValueError(f"The vending key must be {expected} bytes for DKGA{self.key_derivation}.")
        self.vending_key_sealed = secretbox.seal(key, self._secret_context())

    @sensitive_variables()
    def vending_key(self) -> secretbox.Secret:
        """The opened vending key, as bytes that never print (SecretError if it does not open)."""
        if not self.vending_key_sealed:
            raise secretbox.SecretError("The entity has no vending key.")
        return secretbox.unseal(self.vending_key_sealed, self._secret_context())

    @sensitive_variables()
    def reseal_vending_key(self, *, old_key: str, new_key: str) -> None:
        """Seal the stored vending key again under another AOM_FIELD_KEY (SecretError if it
        does not open under `old_key`). The caller saves; see `manage.py rotate_field_key`."""
        if self.vending_key_sealed:
            self.vending_key_sealed = secretbox.reseal(
                self.vending_key_sealed, self._secret_context(), old_key=old_key, new_key=new_key
            )

    @property
    def has_vending_key(self) -> bool:
        return bool(self.vending_key_sealed)

    def receipt_title_for(self, license: "License") -> str:
        """The title the entity chose, if its license lets it choose; "" for the default."""
        return self.receipt_title if license.has_dian_resolution else ""

    def current_license(self) -> "License | None":
        return self.licenses.order_by("-id").first()

    def check_can_add_customers(self, adding: int = 1) -> None:
        """Raise LicenseError with the seed's message if `adding` more customers exceed the license.

        Inside a transaction the license row is locked, so two administrators adding at once
        cannot both take the last place.
        """
        licenses = self.licenses.order_by("-id")
        if transaction.get_connection().in_atomic_block:
            licenses = licenses.select_for_update()
        license = licenses.first()
        if license is None:
            raise LicenseError(_("La entidad no tiene una licencia activa."))
        if self.customers.count() + adding > license.max_customers:
            raise LicenseError(_("se han completado %(n)s usuarios") % {"n": license.max_customers})


class License(models.Model):
    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="licenses", verbose_name=_("entidad"))
    valid_until = models.DateTimeField(_("válida hasta"))
    max_customers = models.PositiveIntegerField(_("máximo de usuarios"))
    receipt_prefix = models.CharField(_("prefijo de comprobantes"), max_length=10, blank=True)
    receipt_from = models.PositiveBigIntegerField(_("comprobante desde"), validators=[MinValueValidator(1)])
    receipt_to = models.PositiveBigIntegerField(_("comprobante hasta"))
    # The DIAN numbering resolution, when the entity has one for this range (all or nothing).
    dian_resolution = models.CharField(_("resolución DIAN número"), max_length=30, blank=True)
    dian_resolution_date = models.DateField(_("fecha de la resolución"), null=True, blank=True)
    dian_prefix = models.CharField(_("prefijo autorizado"), max_length=10, blank=True)
    dian_from = models.PositiveBigIntegerField(_("numeración autorizada desde"), null=True, blank=True)
    dian_to = models.PositiveBigIntegerField(_("numeración autorizada hasta"), null=True, blank=True)
    dian_valid_until = models.DateField(_("vigencia de la resolución hasta"), null=True, blank=True)
    # The next receipt number to hand out; receipt_to + 1 once the range is used up.
    next_receipt = models.PositiveBigIntegerField(editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("licencia")
        verbose_name_plural = _("licencias")
        constraints = [
            models.CheckConstraint(condition=models.Q(receipt_to__gte=F("receipt_from")), name="license_range_ordered"),
            models.CheckConstraint(
                condition=models.Q(next_receipt__gte=F("receipt_from"))
                & models.Q(next_receipt__lte=F("receipt_to") + 1),
                name="license_next_receipt_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.entity} — {self.receipt_prefix}{self.receipt_from}…{self.receipt_to}"

    def save(self, *args, **kwargs):
        if self._state.adding:
            if self.next_receipt is None:
                self.next_receipt = self.receipt_from
        elif kwargs.get("update_fields") is None:
            # next_receipt is only ever moved by take_receipt_number(): an edit made from a
            # stale copy (the admin) must not write it back and hand out numbers again.
            kwargs["update_fields"] = [
                f.name for f in self._meta.concrete_fields if not f.primary_key and f.name != "next_receipt"
            ]
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.receipt_from is not None and self.receipt_to is not None and self.receipt_to < self.receipt_from:
            errors["receipt_to"] = _("El final del rango debe ser mayor o igual que el inicio.")
        if not self._state.adding and self.pk:
            old = License.objects.get(pk=self.pk)
            if (old.receipt_prefix, old.receipt_from, old.entity_id) != (
                self.receipt_prefix,
                self.receipt_from,
                self.entity_id,
            ):
                errors["receipt_from"] = _(
                    "El inicio y el prefijo del rango no se pueden cambiar; cree una licencia nueva."
                )
            elif self.receipt_to is not None and self.receipt_to < old.next_receipt - 1:
                errors["receipt_to"] = _("Ya se emitió el comprobante %(n)s; el rango no puede terminar antes.") % {
                    "n": old.next_receipt - 1
                }
        if not errors and self.entity_id and self.receipt_from is not None and self.receipt_to is not None:
            overlapping = (
                License.objects.filter(
                    entity_id=self.entity_id,
                    receipt_prefix=self.receipt_prefix,
                    receipt_from__lte=self.receipt_to,
                    receipt_to__gte=self.receipt_from,
                )
                .exclude(pk=self.pk)
                .first()
            )
            if overlapping:
                errors["receipt_from"] = _(
                    "El rango se cruza con el de otra licencia de la entidad (%(prefix)s%(a)s–%(prefix)s%(b)s)."
                ) % {"prefix": self.receipt_prefix, "a": overlapping.receipt_from, "b": overlapping.receipt_to}
        if errors:
            raise ValidationError(errors)

    # -- state ----------------------------------------------------------------------------------
    @property
    def range_size(self) -> int:
        return self.receipt_to - self.receipt_from + 1

    @property
    def receipts_used(self) -> int:
        return self.next_receipt - self.receipt_from

    @property
    def receipts_left(self) -> int:
        return self.receipt_to + 1 - self.next_receipt

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) > self.valid_until

    def expiry_warning(self, now=None) -> bool:
        now = now or timezone.now()
        return not self.is_expired(now) and self.valid_until - now <= timedelta(days=WARN_DAYS_BEFORE_EXPIRY)

    def range_warning(self) -> bool:
        return self.receipts_used >= WARN_RANGE_USED_FRACTION * self.range_size

    def format_number(self, number: int) -> str:
        return f"{self.receipt_prefix}{number}"

    # -- DIAN numbering resolution ----------------------------------------------------------------
    @property
    def has_dian_resolution(self) -> bool:
        return bool(self.dian_resolution)

    def resolution_text(self) -> str:
        """The resolution as Colombian invoices print it; "" without one.

        Spanish in both languages: it is the DIAN's authorisation, quoted on the paper.
        """
        if not self.has_dian_resolution:
            return ""
        p = self.dian_prefix
        prefix = f"prefijo {p}" if p else "sin prefijo"
        return (
            f"Autorización de numeración DIAN No. {self.dian_resolution} del "
            f"{self.dian_resolution_date:%Y-%m-%d}, {prefix}, del {p}{self.dian_from} al {p}{self.dian_to}, "
            f"vigente hasta {self.dian_valid_until:%Y-%m-%d}."
        )

    # -- numbering ------------------------------------------------------------------------------
    def check_can_issue(self, now=None) -> None:
        """Raise LicenseError with the seed's message if this license may not issue now."""
        if self.is_expired(now):
            local = timezone.localtime(self.valid_until)
            raise LicenseError(
                _("La licencia ha expirado el dia %(when)s") % {"when": local.strftime("%Y-%m-%d %H:%M:%S")}
            )
        if self.receipts_left <= 0:
            raise LicenseError(_("ha excedido la cantidad de comprobantes asignadas"))

    @classmethod
    def take_receipt_number(cls, entity: Entity, now=None) -> tuple["License", int]:
        """Lock the entity's current license, check it, and hand out its next receipt number.

        Must run inside the transaction that writes the receipt: the row lock is held until
        that transaction ends, so concurrent cashiers are serialised and a rolled-back receipt
        gives its number back.
        """
        if not transaction.get_connection().in_atomic_block:
            raise RuntimeError("take_receipt_number() must run inside transaction.atomic().")
        license = cls.objects.select_for_update().filter(entity=entity).order_by("-id").first()
        if license is None:
            raise LicenseError(_("La entidad no tiene una licencia activa."))
        license.check_can_issue(now)
        number = license.next_receipt
        cls.objects.filter(pk=license.pk).update(next_receipt=F("next_receipt") + 1)
        license.next_receipt = number + 1
        return license, number
