"""The Django side of the token engine: a meter's decoder key, its next TID, its credit code.

`tokens.sts` is pure Python and knows nothing of entities or meters; this module feeds it a
meter's effective STS parameters and its entity's (sealed) vending key.
"""

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from aom.lib.secretbox import SecretError
from customers.models import Meter
from tokens.sts import (
    MAX_TID,
    DecoderKey,
    StsError,
    TidError,
    admin_password,
    derive_decoder_key,
    issue_credit,
    pan_from_drn,
)
from tokens.sts import next_tid as sts_next_tid


class TokenError(Exception):
    """No code can be issued for this meter. The message is the one shown to the cashier."""


# The platform's boundary with the engine: every frame below these (the engine's own, which hold
# the vending key and the derived key as plain locals) is hidden from error pages and reports.
@sensitive_variables()
def decoder_key_for(meter: Meter) -> DecoderKey:
    """The decoder key of `meter`: its entity's vending key and the meter's effective parameters."""
    entity = meter.entity
    if not entity.has_vending_key:
        raise TokenError(_("La entidad no tiene llave de venta configurada. Contacte al operador."))
    return derive_decoder_key(
        entity.vending_key(),
        pan=pan_from_drn(meter.drn),
        sgc=meter.sts_supply_group_code,
        ti=meter.sts_tariff_index,
        krn=meter.sts_key_revision,
        kt=meter.sts_key_type,
        dkga=entity.key_derivation,
        base_date=meter.sts_base_date,
    )


def admin_password_for(meter: Meter) -> str | None:
    """The meter's administration password (`#` on its keypad), derived from its decoder key each
    time it is shown and never stored; None when the entity has no vending key yet."""
    if not meter.entity.has_vending_key:
        return None
    try:
        return admin_password(decoder_key_for(meter))
    except (StsError, SecretError):
        # Key parameters the engine refuses, or a vending key that does not open: the page says
        # the password cannot be shown; the recharge path reports the same fault with its error id.
        return None


def next_tid(meter: Meter, now: datetime) -> int:
    """The TID for a new code on `meter`: the minutes since its base date, and always above the
    last one issued (two codes for one meter never share a TID).

    The caller must hold the meter row locked (`select_for_update`) until it has saved the new
    `last_tid`, or two cashiers could compute the same TID.
    """
    try:
        return sts_next_tid(now, meter.sts_base_date, meter.last_tid)
    except TidError:
        if meter.last_tid == MAX_TID:
            raise TokenError(
                _("El medidor agotó sus identificadores de código (TID): cambie la llave del medidor.")
            ) from None
        raise TokenError(
            _("La fecha base del medidor (%(year)s) ya no admite códigos: cambie la llave del medidor.")
            % {"year": meter.sts_base_date}
        ) from None


@sensitive_variables()
def credit_code(meter: Meter, kwh: Decimal, tid: int, key: DecoderKey | None = None) -> str:
    """The 20-digit electricity credit code for `kwh` on `meter` with TID `tid` (under `key`, the
    meter's decoder key when the caller has derived it already)."""
    return issue_credit(key or decoder_key_for(meter), kwh, tid=tid, service="electricity")
