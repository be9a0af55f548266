"""Re-encrypt every sealed secret from the old AOM_FIELD_KEY to the new one.

    (stop the app)
    export AOM_FIELD_KEY=<new key>        # the key the app will run with from now on
    AOM_OLD_FIELD_KEY=<old key> python manage.py rotate_field_key
    (start the app with the new AOM_FIELD_KEY)

The old key comes from the environment variable AOM_OLD_FIELD_KEY, or is asked on a terminal:
never on the command line, where the process list and the shell history would keep it. All or
nothing, in one transaction: if any secret does not open under the old key, nothing changes and
the command names the entity, never a key.
"""

import getpass
import os
import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.views.decorators.debug import sensitive_variables

from aom.lib.secretbox import SecretError
from licensing.models import Entity

HEX = frozenset("0123456789abcdefABCDEF")


def is_field_key(text: str) -> bool:
    return len(text) == 64 and all(c in HEX for c in text)


class Command(BaseCommand):
    help = "Re-encrypt every sealed secret (the vending keys) from AOM_OLD_FIELD_KEY to AOM_FIELD_KEY."

    @sensitive_variables()
    def handle(self, *args, **options):
        new_key = settings.AOM_FIELD_KEY
        old_key = self.old_key()
        if not is_field_key(old_key):
            raise CommandError("AOM_OLD_FIELD_KEY must be 64 hex digits (32 bytes).")
        if old_key.lower() == new_key.lower():
            raise CommandError("AOM_OLD_FIELD_KEY and AOM_FIELD_KEY are the same key: nothing to rotate.")
        with transaction.atomic():  # an error inside rolls every entity back
            count = self.rotate(old_key, new_key)
        self.stdout.write(f"{count} sealed secrets re-encrypted under the new AOM_FIELD_KEY.")

    @sensitive_variables()
    def old_key(self) -> str:
        key = os.environ.get("AOM_OLD_FIELD_KEY", "").strip()
        if not key and sys.stdin.isatty():
            key = getpass.getpass("Old AOM_FIELD_KEY: ").strip()
        if not key:
            raise CommandError("Set AOM_OLD_FIELD_KEY to the key the secrets are sealed with now.")
        return key

    @sensitive_variables()
    def rotate(self, old_key: str, new_key: str) -> int:
        from tokens.models import MeterKey

        count = 0
        entities = Entity.objects.select_for_update().exclude(vending_key_sealed="").order_by("pk")
        for entity in entities:
            try:
                entity.reseal_vending_key(old_key=old_key, new_key=new_key)
            except SecretError:
                raise CommandError(
                    f"The vending key of entity {entity.pk} ({entity.name}) does not open with "
                    "AOM_OLD_FIELD_KEY: nothing was changed."
                ) from None
            # A plain UPDATE: the key itself is unchanged, so the signals that watch for a new
            # vending key (tokens.signals) must not run.
            Entity.objects.filter(pk=entity.pk).update(vending_key_sealed=entity.vending_key_sealed)
            count += 1
        # The older key generations of meters (kept for key changes) are sealed secrets too.
        for generation in MeterKey.objects.select_for_update().exclude(decoder_key_sealed="").order_by("pk"):
            try:
                generation.reseal_decoder_key(old_key=old_key, new_key=new_key)
            except SecretError:
                raise CommandError(
                    f"The stored decoder key {generation.pk} (meter {generation.meter_id}) does not open "
                    "with AOM_OLD_FIELD_KEY: nothing was changed."
                ) from None
            MeterKey.objects.filter(pk=generation.pk).update(decoder_key_sealed=generation.decoder_key_sealed)
            count += 1
        return count
