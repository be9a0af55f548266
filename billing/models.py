"""The product sold, and receipts: append-only records of each recharge."""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext_lazy as _

from customers.models import Customer, Meter
from licensing.models import Entity, License
from tokens.sts import format_code

DEFAULT_DESCRIPTION = "Energía Eléctrica Kilo watt hora (KWH)"
DEFAULT_TITLE = _("Comprobante de recarga")


class Product(models.Model):
    entity = models.OneToOneField(Entity, on_delete=models.PROTECT, related_name="product")
    description = models.CharField(_("descripción"), max_length=200, default=DEFAULT_DESCRIPTION)
    iva_percent = models.DecimalField(
        _("IVA (%)"),
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    price_per_kwh = models.DecimalField(
        _("precio por kWh (IVA incluido)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("producto")
        verbose_name_plural = _("productos")

    def __str__(self):
        return self.description

    @property
    def has_price(self) -> bool:
        return self.price_per_kwh is not None and self.price_per_kwh > 0


class AppendOnlyError(Exception):
    """Receipts are append-only: nothing may change or delete one once issued."""


class ReceiptQuerySet(models.QuerySet):
    """Refuses the bulk writes that would bypass `Receipt.save()` and `Receipt.delete()`."""

    def update(self, **kwargs):
        raise AppendOnlyError("Receipts cannot be changed once issued.")

    def delete(self):
        raise AppendOnlyError("Receipts cannot be deleted.")

    update.queryset_only = True
    delete.queryset_only = True


class Receipt(models.Model):
    """One recharge: a receipt number, a code, and a copy of everything used to compute it."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="receipts")
    license = models.ForeignKey(License, on_delete=models.PROTECT, related_name="receipts")
    prefix = models.CharField(max_length=10, blank=True)
    number = models.PositiveBigIntegerField()
    biller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="receipts")
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="receipts")
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="receipts")
    # Copies taken at issue time, so later edits never change an old receipt.
    customer_name = models.CharField(max_length=200)
    customer_id_type = models.CharField(max_length=3)
    customer_identification = models.CharField(max_length=20)
    customer_phone = models.CharField(max_length=20, blank=True)
    meter_drn = models.CharField(max_length=11)
    description = models.CharField(max_length=200)
    price_per_kwh = models.DecimalField(max_digits=12, decimal_places=2)
    iva_percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount_received = models.DecimalField(max_digits=14, decimal_places=0)
    kwh = models.DecimalField(max_digits=9, decimal_places=1)
    subtotal = models.DecimalField(max_digits=14, decimal_places=0)
    iva = models.DecimalField(max_digits=14, decimal_places=0)
    total = models.DecimalField(max_digits=14, decimal_places=0)
    tid = models.PositiveIntegerField()
    code = models.CharField(max_length=20)
    issued_at = models.DateTimeField(db_index=True)
    # The paper's title and the DIAN resolution text, copied at issue time like everything else
    # printed; a blank title is the default "Comprobante de recarga" (in the reader's language).
    title = models.CharField(max_length=60, blank=True)
    resolution_text = models.CharField(max_length=300, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4, unique=True)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        verbose_name = _("comprobante")
        verbose_name_plural = _("comprobantes")
        ordering = ["-issued_at", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "prefix", "number"], name="receipt_number_unique"),
            models.UniqueConstraint(fields=["meter", "tid"], name="receipt_meter_tid_unique"),
        ]
        indexes = [
            models.Index(fields=["entity", "-issued_at"], name="receipt_entity_issued"),
            models.Index(fields=["biller", "-issued_at"], name="receipt_biller_issued"),
            # The history's text filter: number, identification and code (prefix); the name
            # gets a trigram index on PostgreSQL (migration 0002).
            models.Index(fields=["entity", "number"], name="receipt_entity_number"),
            models.Index(
                fields=["entity", "customer_identification"],
                opclasses=["int8_ops", "varchar_pattern_ops"],
                name="receipt_entity_ident",
            ),
            models.Index(
                fields=["entity", "code"], opclasses=["int8_ops", "varchar_pattern_ops"], name="receipt_entity_code"
            ),
        ]

    def __str__(self):
        return self.full_number

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError("Receipts cannot be changed once issued.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("Receipts cannot be deleted.")

    @property
    def full_number(self) -> str:
        return f"{self.prefix}{self.number}"

    @property
    def code_groups(self) -> str:
        return format_code(self.code)

    @property
    def is_voided(self) -> bool:
        """True once an administrator granted this receipt's void (see ReceiptVoid)."""
        void = getattr(self, "void", None)  # the missing reverse one-to-one is an AttributeError
        return void is not None and void.is_granted

    @property
    def display_title(self) -> str:
        return self.title or str(DEFAULT_TITLE)

    @property
    def was_printed(self) -> bool:
        """True once a paper of this receipt exists: the next one is a COPIA."""
        return self.prints.exists()

    def record_print(self, user, format: str, *, as_pdf: bool = False) -> bool:
        """Record one paper of this receipt (a browser print or a PDF); True if it is a copy.

        The first paper is the customer's original whatever its format; every later one is a
        copy. A database constraint allows one original per receipt, so two papers at the same
        instant cannot both be originals.
        """
        if not self.prints.filter(is_copy=False).exists():
            try:
                with transaction.atomic():
                    ReceiptPrint.objects.create(receipt=self, user=user, format=format, as_pdf=as_pdf)
                return False
            except IntegrityError:
                pass  # another paper became the original meanwhile
        ReceiptPrint.objects.create(receipt=self, user=user, format=format, as_pdf=as_pdf, is_copy=True)
        return True


class ReceiptPrint(models.Model):
    """Each paper of a receipt (printed from the browser or downloaded as PDF): the first is the
    original, later ones say COPIA. Looking at a receipt on screen is not a paper."""

    class Format(models.TextChoices):
        LETTER = "letter", _("Carta")
        MM80 = "80mm", _("80 mm")
        MM58 = "58mm", _("58 mm")

    receipt = models.ForeignKey(Receipt, on_delete=models.PROTECT, related_name="prints")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    format = models.CharField(max_length=8, choices=Format.choices)
    as_pdf = models.BooleanField(default=False)
    printed_at = models.DateTimeField(auto_now_add=True)
    is_copy = models.BooleanField(default=False)

    class Meta:
        ordering = ["printed_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["receipt"], condition=models.Q(is_copy=False), name="receipt_print_one_original"
            )
        ]

    def __str__(self):
        return f"{self.receipt} ({self.format})"


class ReceiptVoid(models.Model):
    """A receipt's void ("anulación"): a separate row, since the receipt itself never changes.

    A biller asks for it (REQUESTED); only an administrator grants it (GRANTED) or refuses it
    (REFUSED). An administrator may also void at once. Only a granted void takes the receipt out
    of the totals; the receipt keeps its number and shows ANULADO.
    """

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Solicitada")
        GRANTED = "granted", _("Anulado")
        REFUSED = "refused", _("Rechazada")

    receipt = models.OneToOneField(Receipt, on_delete=models.PROTECT, related_name="void")
    status = models.CharField(max_length=10, choices=Status.choices)
    reason = models.CharField(_("motivo"), max_length=300)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField()
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("anulación")
        verbose_name_plural = _("anulaciones")
        indexes = [models.Index(fields=["status"], name="receiptvoid_status")]

    def __str__(self):
        return f"{self.receipt} ({self.status})"

    @property
    def is_granted(self) -> bool:
        return self.status == self.Status.GRANTED
