"""Receipts for the report tests, written directly (the recharge service is built elsewhere)."""

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from itertools import count
from zoneinfo import ZoneInfo

from billing.models import Receipt

BOGOTA = ZoneInfo("America/Bogota")
_tid = count(1)


def bogota(*args) -> datetime:
    return datetime(*args, tzinfo=BOGOTA)


def make_receipt(biller, meter, issued_at, *, total="5000", kwh=None, price="500", iva_percent="19") -> Receipt:
    """A receipt as the recharge service would store it; money fields given or derived once."""
    entity = meter.entity
    license = entity.current_license()
    total = Decimal(total)
    price = Decimal(price)
    kwh = Decimal(kwh) if kwh is not None else (total / price).quantize(Decimal("0.1"))
    rate = Decimal(iva_percent) / 100
    subtotal = (total / (1 + rate)).quantize(Decimal("1"), rounding=ROUND_HALF_UP)
    number = license.next_receipt
    license.next_receipt = number + 1
    license.save(update_fields=["next_receipt"])
    customer = meter.customer
    return Receipt.objects.create(
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
        description="Energía Eléctrica Kilo watt hora (KWH)",
        price_per_kwh=price,
        iva_percent=Decimal(iva_percent),
        amount_received=total,
        kwh=kwh,
        subtotal=subtotal,
        iva=total - subtotal,
        total=total,
        tid=next(_tid),
        code=f"{next(_tid):020d}",
        issued_at=issued_at,
    )
