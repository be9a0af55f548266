"""A meter over its life: its key generations, its engineering documents, its provisioning file,
its replacement, and the batch key changes of an entity.

Receipts number sales (licensing owns that range); engineering documents have their own
sequence per entity (`EngineeringCounter`), so a clear-credit or key-change code never uses a
receipt number.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from aom.lib import secretbox
from billing.models import Receipt
from customers.models import Meter
from licensing.models import Entity
from tokens.sts import DecoderKey, format_code


class KeyChangeBatch(models.Model):
    """A key change of every active meter of an entity, prepared in chunks (the page shows the progress)."""

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="key_change_batches")
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    started_at = models.DateTimeField(auto_now_add=True)
    # What changed (for the printed list): e.g. {"key_revision": [1, 2]}.
    changes = models.JSONField(default=dict)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.entity} {self.started_at:%Y-%m-%d %H:%M}"

    @property
    def percent(self) -> int:
        return 100 if not self.total else int(self.done * 100 / self.total)


class MeterKey(models.Model):
    """One key generation of a meter: the decoder key and parameters it holds, or will hold once
    the two key change codes from the generation before are typed on it.

    Generation 1 is what the meter held when the platform first had to remember it (just before
    its first key change). A later generation carries the two key change codes from the key the
    meter held; `delivered_*` says which receipt or engineering document carried them first
    (while none has, the next sale or document on the meter prints them first).
    """

    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="key_generations")
    generation = models.PositiveSmallIntegerField()
    decoder_key_sealed = models.TextField(editable=False)
    supply_group_code = models.CharField(max_length=6)
    tariff_index = models.CharField(max_length=2)
    key_revision = models.PositiveSmallIntegerField()
    key_type = models.PositiveSmallIntegerField()
    base_date = models.PositiveSmallIntegerField()
    kct1 = models.CharField(max_length=20, blank=True)
    kct2 = models.CharField(max_length=20, blank=True)
    rollover = models.BooleanField(default=False)
    batch = models.ForeignKey(
        KeyChangeBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="generations"
    )
    delivered_receipt = models.OneToOneField(
        Receipt, on_delete=models.PROTECT, null=True, blank=True, related_name="key_change"
    )
    delivered_document = models.OneToOneField(
        "EngineeringCode", on_delete=models.PROTECT, null=True, blank=True, related_name="key_change"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meter", "generation"]
        constraints = [models.UniqueConstraint(fields=["meter", "generation"], name="meterkey_generation_unique")]

    def __str__(self):
        return f"{self.meter} #{self.generation}"

    def _context(self) -> str:
        return f"meter-decoder-key:{self.meter_id}:{self.generation}"

    def set_decoder_key(self, key: DecoderKey) -> None:
        self.decoder_key_sealed = secretbox.seal(key.to_bytes(), self._context())

    def decoder_key(self) -> DecoderKey:
        return DecoderKey(secretbox.unseal(self.decoder_key_sealed, self._context()))

    def reseal_decoder_key(self, *, old_key: str, new_key: str) -> None:
        """Seal the stored decoder key again under another AOM_FIELD_KEY (SecretError if it does
        not open under `old_key`). The caller saves; see `manage.py rotate_field_key`."""
        self.decoder_key_sealed = secretbox.reseal(
            self.decoder_key_sealed, self._context(), old_key=old_key, new_key=new_key
        )

    @property
    def params(self) -> tuple:
        return (self.supply_group_code, self.tariff_index, self.key_revision, self.key_type, self.base_date)

    @property
    def is_pending(self) -> bool:
        """Key change codes that no receipt or document has carried yet."""
        return bool(self.kct1) and self.delivered_receipt_id is None and self.delivered_document_id is None

    @property
    def kct_groups(self) -> tuple[str, str]:
        return format_code(self.kct1), format_code(self.kct2)


class EngineeringCounter(models.Model):
    """The next engineering document number of an entity (its own sequence, not the receipts')."""

    entity = models.OneToOneField(Entity, on_delete=models.PROTECT, related_name="+")
    next_number = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"{self.entity_id}: {self.next_number}"


class EngineeringCode(models.Model):
    """A management or test code issued for a meter: a numbered engineering document. Append-only."""

    class Kind(models.TextChoices):
        CLEAR_CREDIT = "clear_credit", _("Borrar crédito")
        MAX_POWER = "max_power", _("Límite de potencia máxima")
        CLEAR_TAMPER = "clear_tamper", _("Borrar alarma de manipulación")
        TEST = "test", _("Código de prueba (clase 1)")
        KEY_CHANGE = "key_change", _("Cambio de clave")

    entity = models.ForeignKey(Entity, on_delete=models.PROTECT, related_name="engineering_codes")
    meter = models.ForeignKey(Meter, on_delete=models.PROTECT, related_name="engineering_codes")
    number = models.PositiveBigIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The value the meter receives (watts for the power limit), as the code carries it.
    value = models.PositiveIntegerField(null=True, blank=True)
    tid = models.PositiveIntegerField(null=True, blank=True)
    code = models.CharField(max_length=20)
    code2 = models.CharField(max_length=20, blank=True)  # key change: part 2
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(db_index=True)
    # Copies at issue time, as receipts keep them.
    meter_drn = models.CharField(max_length=11)
    customer_name = models.CharField(max_length=200)
    customer_id_type = models.CharField(max_length=3)
    customer_identification = models.CharField(max_length=20)

    class Meta:
        ordering = ["-issued_at", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["entity", "number"], name="engineering_number_unique"),
        ]

    def __str__(self):
        return f"{self.full_number} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Engineering documents cannot be changed once issued.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Engineering documents cannot be deleted.")

    @property
    def full_number(self) -> str:
        return f"ING-{self.number}"

    @property
    def code_groups(self) -> str:
        return format_code(self.code)

    @property
    def code2_groups(self) -> str:
        return format_code(self.code2) if self.code2 else ""


class Provisioning(models.Model):
    """The one download of a meter's provisioning file (its decoder key leaves the platform once)."""

    meter = models.OneToOneField(Meter, on_delete=models.PROTECT, related_name="provisioning")
    downloaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    downloaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.meter} {self.downloaded_at:%Y-%m-%d %H:%M}"


class MeterReplacement(models.Model):
    """A customer moved from one meter to another: the old one keeps its history and sells no more."""

    old_meter = models.OneToOneField(Meter, on_delete=models.PROTECT, related_name="replaced_by")
    new_meter = models.OneToOneField(Meter, on_delete=models.PROTECT, related_name="replaces")
    reason = models.CharField(max_length=200, blank=True)
    replaced_by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    replaced_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.old_meter} → {self.new_meter}"
