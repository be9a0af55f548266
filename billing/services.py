"""Issuing a recharge: the one write that spans the license, the meter and the receipt."""

import logging
import uuid
from datetime import datetime
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.debug import sensitive_variables

from aom import audit
from aom.lib.secretbox import SecretError
from aom.models import User
from billing.models import Product, Receipt
from billing.money import MoneyError, Quote, quote
from customers.models import Meter
from licensing.models import License, LicenseError
from tokens.lifecycle import deliver, prepare_key_change
from tokens.services import TokenError, credit_code, decoder_key_for, next_tid
from tokens.sts import LuhnError, ParameterError, StsError

logger = logging.getLogger("aom.recharge")


class RechargeError(Exception):
    """The recharge was refused and nothing was issued. The message is the one shown to the cashier."""


def _refusal(meter: Meter, error: Exception) -> RechargeError:
    """The cashier's message for a code the engine or the key store refused, logged with the
    meter and an error id the cashier can quote. Neither the log nor the message holds a key:
    the engine's and the key store's messages never carry one."""
    error_id = uuid.uuid4().hex[:8].upper()
    logger.error(
        "recharge refused: error %s, meter %s (id %s, entity %s): %s: %s",
        error_id,
        meter.drn,
        meter.pk,
        meter.entity_id,
        type(error).__name__,
        error,
    )
    if isinstance(error, SecretError):
        message = _(
            "La clave de venta de la entidad no se puede abrir en este servidor: no se emitió ningún código. "
            "Avise al operador (error %(id)s)."
        )
    elif isinstance(error, LuhnError | ParameterError):
        message = _(
            "Los parámetros STS del medidor %(drn)s no son válidos: no se emitió ningún código. "
            "Un administrador debe revisar el medidor (error %(id)s)."
        )
    else:
        message = _(
            "No se pudo generar la clave para el medidor %(drn)s: no se emitió ningún código. "
            "Avise al operador (error %(id)s)."
        )
    return RechargeError(message % {"drn": meter.drn, "id": error_id})


def product_for(entity) -> Product:
    """The entity's product, or RechargeError when it has no price yet."""
    product = Product.objects.filter(entity=entity).first()
    if product is None or not product.has_price:
        raise RechargeError(_("El producto no tiene precio por kWh. Un administrador debe configurarlo."))
    return product


def recharge_quote(entity, amount: Decimal, product: Product | None = None) -> Quote:
    """What `amount` buys at the entity's current price (RechargeError if it buys nothing)."""
    product = product or product_for(entity)
    try:
        return quote(amount, product.price_per_kwh, product.iva_percent)
    except MoneyError as e:
        raise RechargeError(str(e)) from None


def recharge_issue(
    *,
    biller: User,
    meter: Meter,
    amount: Decimal,
    idempotency_key: uuid.UUID,
    expected_total: Decimal | None = None,
    now: datetime | None = None,
    request=None,
) -> Receipt:
    """Issue a recharge of `amount` pesos on `meter`, sold by `biller`: one receipt, one code.

    All or nothing, in one transaction: the license check and the next receipt number, the
    meter's next TID, the code and the receipt. Calling it again with the same
    `idempotency_key` (a double click, a resubmitted form) returns the receipt already issued,
    even when both calls race; that receipt then has `replayed = True` (False on a new one),
    so the page can say it was already issued. `expected_total` is the total the cashier
    confirmed: if the price changed since, nothing is issued. `now` shifts the issue time
    (demo data only). `request`, when given, gives the audit trail the address the sale came from.

    Raises RechargeError with the message for the cashier.
    """
    if biller.entity_id is None or meter.entity_id != biller.entity_id:
        raise RechargeError(_("El medidor no pertenece a su entidad."))
    now = now or timezone.now()
    try:
        with transaction.atomic():
            return _issue(biller, meter.pk, amount, idempotency_key, expected_total, now, request)
    except IntegrityError:
        # A concurrent call with the same key committed first: answer with its receipt.
        existing = _existing(biller, idempotency_key)
        if existing is not None:
            return existing
        if Receipt.objects.filter(idempotency_key=idempotency_key).exists():
            # Another entity's key: never hand out (or reveal) that receipt.
            raise RechargeError(_("La confirmación no es válida. Vuelva a empezar la recarga.")) from None
        raise


def _existing(biller, idempotency_key) -> Receipt | None:
    receipt = Receipt.objects.filter(idempotency_key=idempotency_key, entity_id=biller.entity_id).first()
    if receipt is not None:
        receipt.replayed = True
    return receipt


@sensitive_variables("key")
def _issue(biller, meter_pk, amount, idempotency_key, expected_total, now, request=None) -> Receipt:
    # Lock the meter first: it serialises codes for this meter (TIDs) and repeated submits of
    # one recharge, which always name the same meter.
    # of=("self",): lock the meter row only, not the joined entity and customer rows (locking the
    # entity would serialise every cashier of the entity for the whole transaction).
    meter = Meter.objects.select_for_update(of=("self",)).select_related("entity", "customer").get(pk=meter_pk)
    existing = _existing(biller, idempotency_key)
    if existing is not None:
        return existing
    entity = meter.entity
    if not meter.is_active:
        raise RechargeError(_("El medidor %(drn)s no está activo.") % {"drn": meter.drn})

    product = product_for(entity)
    q = recharge_quote(entity, amount, product)
    if expected_total is not None and q.total != expected_total:
        raise RechargeError(_("El precio cambió mientras confirmaba. Revise el nuevo valor y confirme de nuevo."))

    try:
        # A key change not yet carried by a code goes first on this receipt (tokens.lifecycle).
        key = decoder_key_for(meter)  # derived once: the key change check and the code use it
        key_change = prepare_key_change(meter, key=key)
        tid = next_tid(meter, now)
        code = credit_code(meter, q.kwh, tid, key=key)
    except TokenError as e:
        raise RechargeError(str(e)) from None
    except (StsError, SecretError) as e:
        raise _refusal(meter, e) from None
    # The meter row is ours until the commit: record its TID before queueing for the license.
    Meter.objects.filter(pk=meter.pk).update(last_tid=tid)

    # The license row lock is the one every cashier of the entity waits for: take it last,
    # so it is held only for the receipt's insert and the commit. It checks the license
    # (expiry, range) and refuses with the seed's messages.
    try:
        license, number = License.take_receipt_number(entity, now)
    except LicenseError as e:
        raise RechargeError(str(e)) from None

    customer = meter.customer
    receipt = Receipt.objects.create(
        entity=entity,
        license=license,
        prefix=license.receipt_prefix,
        number=number,
        biller=biller,
        customer=customer,
        meter=meter,
        customer_name=customer.full_name,
        customer_id_type=customer.id_type,
        customer_identification=customer.identification,
        customer_phone=customer.phone,
        meter_drn=meter.drn,
        description=product.description,
        price_per_kwh=q.price_per_kwh,
        iva_percent=q.iva_percent,
        amount_received=q.amount_received,
        kwh=q.kwh,
        subtotal=q.subtotal,
        iva=q.iva,
        total=q.total,
        tid=tid,
        code=code,
        issued_at=now,
        title=entity.receipt_title_for(license),
        resolution_text=license.resolution_text(),
        idempotency_key=idempotency_key,
    )
    audit.record("receipt_issued", request=request, actor=biller, target=receipt, detail=f"{q.total} COP, {q.kwh} kWh")
    deliver(key_change, receipt=receipt)
    receipt.replayed = False
    return receipt
