"""Remember the key a meter holds just before its key parameters (or its entity's) change.

The meter form and the operator's admin change these parameters; the key the meter holds
must be known afterwards to issue its key change codes (tokens.lifecycle).
"""

import logging

from django.db.models.signals import pre_save
from django.dispatch import receiver

from aom.lib.secretbox import SecretError
from customers.models import Meter
from licensing.models import Entity
from tokens.models import MeterReplacement

logger = logging.getLogger("aom.keys")

ENTITY_KEY_FIELDS = ("supply_group_code", "tariff_index", "key_revision", "key_type", "base_date", "key_derivation")


@receiver(pre_save, sender=Meter, dispatch_uid="tokens_remember_meter_key")
def remember_meter_key(sender, instance: Meter, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    from tokens.lifecycle import effective_params, remember_key

    old = Meter.objects.select_related("entity").filter(pk=instance.pk).first()
    if old is not None and effective_params(old) != effective_params(instance):
        remember_key(old)
    if instance.is_active and MeterReplacement.objects.filter(old_meter_id=instance.pk).exists():
        # A replaced meter sells no more: it stays inactive whatever a form says.
        instance.is_active = False


@receiver(pre_save, sender=Entity, dispatch_uid="tokens_remember_entity_keys")
def remember_entity_keys(sender, instance: Entity, raw=False, **kwargs):
    if raw or instance.pk is None:
        return
    from tokens.lifecycle import remember_key

    old = Entity.objects.filter(pk=instance.pk).first()
    if old is None:
        return
    changed = any(getattr(old, f) != getattr(instance, f) for f in ENTITY_KEY_FIELDS)
    if not changed and old.vending_key_sealed != instance.vending_key_sealed and old.has_vending_key:
        try:
            changed = not instance.has_vending_key or old.vending_key() != instance.vending_key()
        except SecretError:
            # The previous key does not open (sealed under another AOM_FIELD_KEY, or damaged):
            # the operator is replacing a key that could not sell anyway, and there is no old
            # key to derive key change codes from. Say so in the log; never block the repair.
            logger.warning(
                "Entity %s: the previous vending key does not open; no key change codes can be issued for its meters.",
                instance.pk,
            )
            return
    if not changed:
        return
    for meter in old.meters.filter(key_generations__isnull=True).iterator(chunk_size=500):
        meter.entity = old  # derive with the entity as it was
        remember_key(meter)
