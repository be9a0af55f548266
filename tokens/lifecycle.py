"""A meter over its life: key generations and key changes, engineering codes, provisioning,
replacement. Each write is one transaction, with the meter row locked as a sale locks it.

Key generations: the platform remembers the key each meter holds (`MeterKey`). When the
effective key of a meter changes (its SGC, TI, KRN, KT or base date, or the entity's vending
key or derivation), `prepare_key_change()` makes the next generation with the two key change
codes from the key the meter holds; the next receipt or engineering document on the meter
carries them first (`deliver`). A change of base date sets RO (the meter clears its TID memory)
and restarts the meter's TIDs from the new base date (TOKENS.md).
"""

import json
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aom import audit
from customers.models import Meter
from tokens.models import EngineeringCode, EngineeringCounter, KeyChangeBatch, MeterKey, MeterReplacement, Provisioning
from tokens.services import TokenError, decoder_key_for, next_tid
from tokens.sts import (
    MAX_AMOUNT,
    Management,
    decode_amount,
    encode_amount,
    issue_key_change,
    issue_management,
    issue_test_token,
)

Kind = EngineeringCode.Kind


class LifecycleError(Exception):
    """Refused; nothing was written. The message is the one shown to the administrator."""


# -- key generations ------------------------------------------------------------------------------
def effective_params(meter: Meter) -> tuple:
    """(SGC, TI, KRN, KT, base date) of `meter` as its entity and its own overrides set them."""
    return (
        meter.sts_supply_group_code,
        meter.sts_tariff_index,
        meter.sts_key_revision,
        meter.sts_key_type,
        meter.sts_base_date,
    )


def _new_generation(meter: Meter, number: int, key, params: tuple, **extra) -> MeterKey:
    sgc, ti, krn, kt, base_date = params
    gen = MeterKey(
        meter=meter,
        generation=number,
        supply_group_code=sgc,
        tariff_index=ti,
        key_revision=krn,
        key_type=kt,
        base_date=base_date,
        **extra,
    )
    gen.set_decoder_key(key)
    gen.save()
    return gen


def remember_key(meter: Meter) -> None:
    """Record the key `meter` holds now as its first generation, unless one is recorded already.

    Called just before its key parameters or its entity's change (tokens.signals), with `meter`
    (and `meter.entity`) as they were before the change.
    """
    if meter.pk is None or MeterKey.objects.filter(meter_id=meter.pk).exists():
        return
    try:
        key = decoder_key_for(meter)
    except TokenError:
        return  # no vending key yet: the meter cannot hold a key from this platform
    _new_generation(meter, 1, key, effective_params(meter))


def installed_generation(generations: list[MeterKey]) -> MeterKey:
    """The generation the meter holds: the last one whose codes were carried (or that has none)."""
    for gen in reversed(generations):
        if not gen.is_pending:
            return gen
    return generations[0]


def prepare_key_change(
    meter: Meter, *, rollover: bool = False, batch: KeyChangeBatch | None = None, key=None
) -> MeterKey | None:
    """The generation whose two key change codes the next code on `meter` must carry first, or
    None when the meter holds its current key. Makes that generation when the key changed.

    The caller holds the meter row locked (`select_for_update`), as for a TID. `rollover` asks
    for RO even without a change of base date (a new generation is made even if nothing else
    changed). `key` is the meter's current decoder key when the caller has derived it already.
    """
    params = effective_params(meter)
    key = key or decoder_key_for(meter)  # TokenError when the entity has no vending key
    generations = list(MeterKey.objects.filter(meter=meter).order_by("generation"))
    if not generations:
        _new_generation(meter, 1, key, params)
        if not rollover:
            return None
        generations = list(MeterKey.objects.filter(meter=meter).order_by("generation"))
    latest = generations[-1]
    if not rollover and latest.params == params and latest.decoder_key() == key:
        return latest if latest.is_pending else None
    source = installed_generation(generations)
    number = latest.generation + 1
    if not rollover and source.params == params and source.decoder_key() == key:
        # Changed and changed back before any code carried it: the meter holds this key already.
        _new_generation(meter, number, key, params, batch=batch)
        return None
    new_base = source.base_date != params[4]
    ro = rollover or new_base
    kct1, kct2 = issue_key_change(source.decoder_key(), key, krn=params[2], kt=params[3], ti=params[1], rollover=ro)
    gen = _new_generation(meter, number, key, params, kct1=kct1, kct2=kct2, rollover=ro, batch=batch)
    if new_base:
        # TOKENS.md: RO clears the meter's TID memory; the TIDs start again from the new base date.
        Meter.objects.filter(pk=meter.pk).update(last_tid=None)
        meter.last_tid = None
    return gen


def deliver(gen: MeterKey | None, *, receipt=None, document: EngineeringCode | None = None) -> None:
    """Record that `receipt` (or `document`) carried the key change codes of `gen` first."""
    if gen is None or not gen.is_pending:
        return
    if receipt is not None:
        gen.delivered_receipt = receipt
    else:
        gen.delivered_document = document
    gen.save(update_fields=["delivered_receipt", "delivered_document"])


def last_key_change(meter: Meter) -> MeterKey | None:
    """The latest generation that has key change codes (pending or carried)."""
    return MeterKey.objects.filter(meter=meter).exclude(kct1="").order_by("-generation").first()


# -- engineering documents ------------------------------------------------------------------------
def _take_number(entity) -> int:
    counter, _created = EngineeringCounter.objects.get_or_create(entity=entity)
    counter = EngineeringCounter.objects.select_for_update().get(pk=counter.pk)
    number = counter.next_number
    EngineeringCounter.objects.filter(pk=counter.pk).update(next_number=number + 1)
    return number


def _lock(meter_pk: int) -> Meter:
    return Meter.objects.select_for_update(of=("self",)).select_related("entity", "customer").get(pk=meter_pk)


def check_power_limit(watts: int) -> int:
    """The watts the code will carry (rounded up to what the code can encode), or LifecycleError."""
    if watts < 1:
        raise LifecycleError(_("El límite de potencia debe ser de al menos 1 W."))
    if watts > MAX_AMOUNT:
        raise LifecycleError(
            _("El límite de potencia no puede pasar de %(max)s W (lo máximo que lleva el código).")
            % {"max": f"{MAX_AMOUNT:,}".replace(",", ".")}
        )
    return decode_amount(encode_amount(watts))


def issue_engineering(
    *,
    admin,
    meter: Meter,
    kind: str,
    value: int | None = None,
    request=None,
    now: datetime | None = None,
) -> EngineeringCode:
    """Issue one engineering code on `meter` as a numbered document, in one transaction.

    Like a sale: the meter row locked, the next TID for class 2 codes, the document and its
    audit event. A key change not yet carried is printed first on the document. `kind` is an
    `EngineeringCode.Kind`; `value` is the power limit in watts for MAX_POWER.
    """
    if admin.entity_id is None or meter.entity_id != admin.entity_id:
        raise LifecycleError(_("El medidor no pertenece a su entidad."))
    if kind not in Kind.values:
        raise LifecycleError(_("Código de gestión desconocido."))
    if kind == Kind.MAX_POWER:
        value = check_power_limit(value if value is not None else 0)
    now = now or timezone.now()
    with transaction.atomic():
        meter = _lock(meter.pk)
        if not meter.is_active:
            raise LifecycleError(_("El medidor %(drn)s no está activo.") % {"drn": meter.drn})
        try:
            pending = prepare_key_change(meter)
            code, code2, tid = _codes(meter, kind, value, pending, now)
        except TokenError as e:
            raise LifecycleError(str(e)) from None
        customer = meter.customer
        doc = EngineeringCode.objects.create(
            entity=meter.entity,
            meter=meter,
            number=_take_number(meter.entity),
            kind=kind,
            value=value if kind == Kind.MAX_POWER else None,
            tid=tid,
            code=code,
            code2=code2,
            issued_by=admin,
            issued_at=now,
            meter_drn=meter.drn,
            customer_name=customer.full_name,
            customer_id_type=customer.id_type,
            customer_identification=customer.identification,
        )
        deliver(pending, document=doc)
        action = "key_change_issued" if kind == Kind.KEY_CHANGE else "engineering_code_issued"
        audit.record(
            action,
            request=request,
            actor=admin,
            target=doc,
            detail=f"{doc.get_kind_display()} · {meter.drn}" + (f" · {value} W" if kind == Kind.MAX_POWER else ""),
        )
    return doc


def _codes(meter: Meter, kind: str, value, pending: MeterKey | None, now) -> tuple[str, str, int | None]:
    if kind == Kind.KEY_CHANGE:
        gen = pending or last_key_change(meter)
        if gen is None:
            raise LifecycleError(_("El medidor conserva su clave de siempre: cambie primero sus parámetros de clave."))
        return gen.kct1, gen.kct2, None
    if kind == Kind.TEST:
        return issue_test_token(0), "", None
    subclass, field = {
        Kind.CLEAR_CREDIT: (Management.CLEAR_CREDIT, 0),
        Kind.CLEAR_TAMPER: (Management.CLEAR_TAMPER, 0),
        Kind.MAX_POWER: (Management.MAX_POWER_LIMIT, value),
    }[kind]
    tid = next_tid(meter, now)
    code = issue_management(decoder_key_for(meter), subclass, field, tid=tid)
    Meter.objects.filter(pk=meter.pk).update(last_tid=tid)
    meter.last_tid = tid
    return code, "", tid


def change_meter_key(
    *,
    admin,
    meter: Meter,
    key_revision: int | None = None,
    tariff_index: str = "",
    base_date: int | None = None,
    rollover: bool = False,
    request=None,
) -> EngineeringCode:
    """Change the key parameters of one meter and issue the two key change codes as a document."""
    if admin.entity_id is None or meter.entity_id != admin.entity_id:
        raise LifecycleError(_("El medidor no pertenece a su entidad."))
    with transaction.atomic():
        locked = _lock(meter.pk)
        before = audit.snapshot(locked, ["key_revision", "tariff_index", "base_date"])
        if key_revision is not None:
            locked.key_revision = key_revision
        if tariff_index:
            locked.tariff_index = tariff_index
        if base_date is not None:
            if base_date < locked.sts_base_date:
                raise LifecycleError(_("La fecha base nueva no puede ser anterior a la actual."))
            locked.base_date = base_date
        if not rollover and effective_params(locked) == effective_params(_lock(meter.pk)):
            raise LifecycleError(_("Indique una revisión de clave, un índice de tarifa o una fecha base nuevos."))
        locked.save()  # tokens.signals remembers the key it held before
        audit.record(
            "meter_key_changed",
            request=request,
            actor=admin,
            target=locked,
            changes=audit.diff(before, audit.snapshot(locked, ["key_revision", "tariff_index", "base_date"])),
        )
        if rollover:
            try:
                prepare_key_change(locked, rollover=True)
            except TokenError as e:
                raise LifecycleError(str(e)) from None
        return issue_engineering(admin=admin, meter=locked, kind=Kind.KEY_CHANGE, request=request)


# -- batch key change -----------------------------------------------------------------------------
BATCH_CHUNK = 200  # meters per request of the progress page
BATCH_TRANSACTION = 50  # meters per transaction


def start_batch(*, admin, key_revision: int | None, base_date: int | None, request=None) -> KeyChangeBatch:
    """Move the entity to a new key revision and/or base date and open a batch for its meters.

    The entity's parameters change at once (so any sale from now on uses the new key and
    carries the key change first); `advance_batch` prepares the codes meter by meter.
    """
    from licensing.models import Entity

    with transaction.atomic():
        entity = Entity.objects.select_for_update().get(pk=admin.entity_id)
        changes = {}
        if key_revision is not None and key_revision != entity.key_revision:
            changes["key_revision"] = [entity.key_revision, key_revision]
            entity.key_revision = key_revision
        if base_date is not None and base_date != entity.base_date:
            if base_date < entity.base_date:
                raise LifecycleError(_("La fecha base nueva no puede ser anterior a la actual."))
            changes["base_date"] = [entity.base_date, base_date]
            entity.base_date = base_date
        # A batch also serves after the operator set a new vending key: nothing to change here then.
        entity.save()  # tokens.signals remembers each meter's key before the change
        meters = Meter.objects.filter(entity=entity, is_active=True)
        batch = KeyChangeBatch.objects.create(entity=entity, started_by=admin, changes=changes, total=meters.count())
        audit.record("batch_key_change_started", request=request, actor=admin, target=entity, changes=changes)
    return batch


def _batch_meter(batch: KeyChangeBatch, meter: Meter) -> None:
    try:
        gen = prepare_key_change(meter, batch=batch)
    except TokenError as e:
        raise LifecycleError(str(e)) from None
    if gen is None:
        # Holds the key already (e.g. changed back): listed in the batch all the same.
        gen = MeterKey.objects.filter(meter=meter).order_by("-generation").first()
    if gen.batch_id != batch.pk:
        MeterKey.objects.filter(pk=gen.pk).update(batch=batch)


def advance_batch(batch: KeyChangeBatch, chunk: int | None = None) -> KeyChangeBatch:
    """Prepare the key change of the next `chunk` meters of the batch (BATCH_TRANSACTION per transaction)."""
    chunk = chunk or BATCH_CHUNK
    if batch.finished_at is not None:
        return batch
    done_ids = MeterKey.objects.filter(batch=batch).values("meter_id")
    todo = list(
        Meter.objects.filter(entity_id=batch.entity_id, is_active=True, created_at__lte=batch.started_at)
        .exclude(pk__in=done_ids)
        .order_by("pk")
        .values_list("pk", flat=True)[:chunk]
    )
    for i in range(0, len(todo), BATCH_TRANSACTION):
        # Several meters per transaction (a commit costs more than a meter's codes), locked in
        # primary key order like any other lock on meters, for a moment only.
        with transaction.atomic():
            meters = (
                Meter.objects.select_for_update(of=("self",))
                .select_related("entity", "customer")
                .filter(pk__in=todo[i : i + BATCH_TRANSACTION])
                .order_by("pk")
            )
            for meter in meters:
                _batch_meter(batch, meter)
    with transaction.atomic():
        batch = KeyChangeBatch.objects.select_for_update().get(pk=batch.pk)
        batch.done = MeterKey.objects.filter(batch=batch).values("meter_id").distinct().count()
        if not todo or batch.done >= batch.total:
            batch.finished_at = timezone.now()
        batch.save()
    return batch


# -- provisioning and replacement -----------------------------------------------------------------
def provisioning_file(*, admin, meter: Meter, request=None) -> bytes:
    """The provisioning file of a new meter (JSON), once: a second download is refused."""
    if admin.entity_id is None or meter.entity_id != admin.entity_id:
        raise LifecycleError(_("El medidor no pertenece a su entidad."))
    with transaction.atomic():
        meter = _lock(meter.pk)
        if Provisioning.objects.filter(meter=meter).exists():
            raise LifecycleError(_("El archivo de aprovisionamiento de este medidor ya se descargó."))
        try:
            key = decoder_key_for(meter)
            prepare_key_change(meter)  # remember the key the meter is given
        except TokenError as e:
            raise LifecycleError(str(e)) from None
        Provisioning.objects.create(meter=meter, downloaded_by=admin)
        audit.record("provisioning_downloaded", request=request, actor=admin, target=meter)
        sgc, ti, krn, kt, base_date = effective_params(meter)
        data = {
            "format": "aom-provisioning-1",
            "drn": meter.drn,
            "decoder_key": key.hex(),
            "sgc": sgc,
            "ti": int(ti),
            "krn": krn,
            "kt": kt,
            "ken": 255,
            "base_date": base_date,
            "entity": meter.entity.name[:40],
        }
    return (json.dumps(data, indent=2) + "\n").encode()


def replace_meter(*, admin, old: Meter, new_meter: Meter, reason: str = "", request=None) -> MeterReplacement:
    """Move the customer of `old` to `new_meter` (unsaved, validated): the old meter sells no more."""
    if admin.entity_id is None or old.entity_id != admin.entity_id:
        raise LifecycleError(_("El medidor no pertenece a su entidad."))
    with transaction.atomic():
        old = _lock(old.pk)
        if not old.is_active or MeterReplacement.objects.filter(old_meter=old).exists():
            raise LifecycleError(_("El medidor %(drn)s ya no está activo.") % {"drn": old.drn})
        new_meter.entity = old.entity
        new_meter.customer = old.customer
        new_meter.subsidy_kwh = old.subsidy_kwh
        new_meter.emergency_kwh = old.emergency_kwh
        new_meter.save()
        Meter.objects.filter(pk=old.pk).update(is_active=False)
        replacement = MeterReplacement.objects.create(
            old_meter=old, new_meter=new_meter, reason=reason, replaced_by_user=admin
        )
        audit.record(
            "meter_replaced",
            request=request,
            actor=admin,
            target=old,
            changes={"drn": [old.drn, new_meter.drn]},
            detail=reason,
        )
    return replacement
