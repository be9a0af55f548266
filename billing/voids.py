"""Voiding a receipt ("anular"): a biller asks, an administrator grants (or voids at once).

The receipt never changes (it is append-only): the void is its own row, `ReceiptVoid`. A granted
void takes the receipt out of every report's totals (billing.reports) and prints ANULADO on it.
The code on the receipt cannot be taken back from a meter where it was typed.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aom import audit
from billing.models import Receipt, ReceiptVoid

Status = ReceiptVoid.Status


class VoidError(Exception):
    """Refused; nothing was written. The message is the one shown."""


def _locked_void(receipt: Receipt) -> ReceiptVoid | None:
    return ReceiptVoid.objects.select_for_update().filter(receipt=receipt).first()


def request_void(*, user, receipt: Receipt, reason: str, request=None) -> ReceiptVoid:
    """A biller asks for the void of one of their receipts; an administrator voids it at once."""
    if user.entity_id is None or receipt.entity_id != user.entity_id:
        raise VoidError(_("El comprobante no pertenece a su entidad."))
    if not user.is_admin and receipt.biller_id != user.pk:
        raise VoidError(_("Solo puede pedir la anulación de sus propios comprobantes."))
    now = timezone.now()
    with transaction.atomic():
        # Lock the receipt row: two requests for one receipt wait for each other.
        Receipt.objects.select_for_update().filter(pk=receipt.pk).values_list("pk", flat=True).first()
        void = _locked_void(receipt)
        if void is not None and void.status == Status.GRANTED:
            raise VoidError(_("El comprobante %(n)s ya está anulado.") % {"n": receipt.full_number})
        if void is not None and void.status == Status.REQUESTED and not user.is_admin:
            raise VoidError(_("La anulación de este comprobante ya fue solicitada."))
        void = void or ReceiptVoid(receipt=receipt)
        void.reason = reason
        void.requested_by = user
        void.requested_at = now
        if user.is_admin:
            void.status, void.decided_by, void.decided_at = Status.GRANTED, user, now
        else:
            void.status, void.decided_by, void.decided_at = Status.REQUESTED, None, None
        void.save()
        audit.record(
            "receipt_voided" if user.is_admin else "void_requested",
            request=request,
            actor=user,
            target=receipt,
            detail=reason,
        )
    return void


def decide_void(*, admin, void: ReceiptVoid, grant: bool, request=None) -> ReceiptVoid:
    """An administrator grants or refuses a biller's request."""
    if not admin.is_admin or void.receipt.entity_id != admin.entity_id:
        raise VoidError(_("Solo un administrador de la entidad decide una anulación."))
    with transaction.atomic():
        void = ReceiptVoid.objects.select_for_update().select_related("receipt").get(pk=void.pk)
        if void.status != Status.REQUESTED:
            raise VoidError(_("Esta solicitud de anulación ya fue decidida."))
        void.status = Status.GRANTED if grant else Status.REFUSED
        void.decided_by = admin
        void.decided_at = timezone.now()
        void.save()
        audit.record(
            "receipt_voided" if grant else "void_refused",
            request=request,
            actor=admin,
            target=void.receipt,
            detail=void.reason,
        )
    return void
