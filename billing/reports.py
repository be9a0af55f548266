"""Report queries: the one place where report totals are computed.

Totals always add up the receipts' stored `total`, `kwh`, `subtotal` and `iva`; nothing is
recomputed from prices. Dates are local (America/Bogota): a day runs from local midnight to the
next, so a receipt issued at 23:30 local belongs to that local day even though it is the next
day in UTC.
"""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, DecimalField, Q, Sum, Value
from django.db.models.functions import Coalesce, TruncDate

from aom.models import User
from billing.models import Product, Receipt, ReceiptVoid
from customers.models import Customer, Meter
from licensing.models import Entity

ZERO = Decimal("0")
ZERO_KWH = Decimal("0.0")


def local_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def day_bounds(start: date, end: date) -> tuple[datetime, datetime]:
    """[local midnight of start, local midnight after end) as aware datetimes."""
    tz = local_tz()
    return datetime.combine(start, time.min, tz), datetime.combine(end + timedelta(days=1), time.min, tz)


@dataclass(frozen=True)
class SalesFilter:
    entity: Entity
    start: date
    end: date
    biller: User | None = None
    customer: Customer | None = None

    def _issued(self):
        since, until = day_bounds(self.start, self.end)
        qs = Receipt.objects.filter(entity=self.entity, issued_at__gte=since, issued_at__lt=until)
        if self.biller is not None:
            qs = qs.filter(biller=self.biller)
        if self.customer is not None:
            qs = qs.filter(customer=self.customer)
        return qs

    def receipts(self):
        """The receipts that count: issued in the range, not voided."""
        return self._issued().exclude(void__status=ReceiptVoid.Status.GRANTED)

    def voided(self):
        """The voided receipts issued in the range: listed apart, never in the totals."""
        return self._issued().filter(void__status=ReceiptVoid.Status.GRANTED)


@dataclass(frozen=True)
class Totals:
    count: int = 0
    total: Decimal = ZERO
    kwh: Decimal = ZERO_KWH
    subtotal: Decimal | None = None  # only in the detailed totals
    iva: Decimal | None = None


def _money(name: str, places: int = 0):
    return Coalesce(Sum(name), Value(Decimal("0")), output_field=DecimalField(max_digits=20, decimal_places=places))


TOTALS = {
    "count": Count("*"),
    "total": _money("total"),
    "kwh": _money("kwh", 1),
}
DETAILED_TOTALS = {**TOTALS, "subtotal": _money("subtotal"), "iva": _money("iva")}


def totals_of(qs, *, detailed: bool = False) -> Totals:
    """One aggregate query over `qs`: count, total and kWh, plus subtotal and IVA if detailed
    (each sum costs time over a million rows, and the pages show only the first three)."""
    return Totals(**qs.aggregate(**(DETAILED_TOTALS if detailed else TOTALS)))


def sales_summary(f: SalesFilter, *, detailed: bool = False) -> Totals:
    return totals_of(f.receipts(), detailed=detailed)


def voided_summary(f: SalesFilter) -> Totals:
    """How many receipts of the filter were voided and what they came to (not in any total)."""
    return totals_of(f.voided())


@dataclass(frozen=True)
class VoidedRow:
    number: str
    customer_name: str
    issued_at: datetime  # local time
    total: Decimal
    reason: str
    voided_at: datetime | None


def voided_rows(f: SalesFilter) -> list[VoidedRow]:
    tz = local_tz()
    qs = f.voided().order_by("issued_at", "number").select_related("void")
    return [
        VoidedRow(
            r.full_number,
            r.customer_name,
            r.issued_at.astimezone(tz),
            r.total,
            r.void.reason,
            r.void.decided_at.astimezone(tz) if r.void.decided_at else None,
        )
        for r in qs
    ]


@dataclass(frozen=True)
class SalesRow:
    number: str
    customer_name: str
    customer_identification: str
    issued_at: datetime  # local time
    kwh: Decimal
    total: Decimal
    biller_name: str


def sales_rows(f: SalesFilter, chunk_size: int = 2000) -> Iterator[SalesRow]:
    """The receipts of the filter, oldest first, streamed (for PDF and .xlsx)."""
    tz = local_tz()
    qs = (
        f.receipts()
        .order_by("issued_at", "number")
        .values_list(
            "prefix",
            "number",
            "customer_name",
            "customer_identification",
            "issued_at",
            "kwh",
            "total",
            "biller__full_name",
        )
    )
    for prefix, number, name, ident, issued_at, kwh, total, biller_name in qs.iterator(chunk_size=chunk_size):
        yield SalesRow(f"{prefix}{number}", name, ident, issued_at.astimezone(tz), kwh, total, biller_name)


# -- cash-up -------------------------------------------------------------------------------------
@dataclass
class CashupDay:
    day: date
    totals: Totals
    receipts: list = field(default_factory=list)


@dataclass
class Cashup:
    biller: User
    start: date
    end: date
    days: list[CashupDay]
    totals: Totals
    voided: list = field(default_factory=list)
    voided_totals: Totals = Totals()


def cashup(entity: Entity, biller: User, start: date, end: date) -> Cashup:
    """A biller's receipts per local day over [start, end], with the totals per day and overall."""
    f = SalesFilter(entity=entity, start=start, end=end, biller=biller)
    qs = f.receipts()
    per_day = {
        row.pop("day"): Totals(**row)
        for row in qs.annotate(day=TruncDate("issued_at", tzinfo=local_tz()))
        .values("day")
        .order_by("day")
        .annotate(**TOTALS)
    }
    days = {d: CashupDay(d, t) for d, t in per_day.items()}
    tz = local_tz()
    for r in qs.order_by("issued_at", "number").only(
        "prefix", "number", "customer_name", "customer_identification", "issued_at", "kwh", "total", "meter_drn"
    ):
        r.local_issued_at = r.issued_at.astimezone(tz)
        days[r.local_issued_at.date()].receipts.append(r)
    return Cashup(
        biller, start, end, list(days.values()), totals_of(qs, detailed=True), voided_rows(f), voided_summary(f)
    )


# -- subsidy -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SubsidyRow:
    drn: str
    customer_name: str
    customer_id_type: str
    customer_identification: str
    subsidy_kwh: Decimal
    value: Decimal | None


@dataclass
class SubsidyReport:
    month: date  # first day of the month
    price_per_kwh: Decimal | None
    rows: list[SubsidyRow]
    total_kwh: Decimal
    total_value: Decimal | None


def month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def subsidy_value(kwh: Decimal, price: Decimal) -> Decimal:
    """The value of subsidised energy at a price (IVA included), to the whole peso, half up."""
    return (kwh * price).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


def subsidy_report(entity: Entity, month: date) -> SubsidyReport:
    """Every active meter's configured monthly subsidy and its value at the current price.

    Meters installed after the month are left out; meters without an installation date count.
    """
    month = month.replace(day=1)
    product = Product.objects.filter(entity=entity).first()
    price = product.price_per_kwh if product is not None else None
    meters = (
        Meter.objects.filter(entity=entity, is_active=True)
        .filter(Q(installed_on__isnull=True) | Q(installed_on__lte=month_end(month)))
        .select_related("customer")
        .order_by("customer__full_name", "drn")
    )
    rows = []
    total_kwh = ZERO_KWH
    total_value = ZERO if price is not None else None
    for m in meters.iterator(chunk_size=2000):
        value = subsidy_value(m.subsidy_kwh, price) if price is not None else None
        rows.append(
            SubsidyRow(m.drn, m.customer.full_name, m.customer.id_type, m.customer.identification, m.subsidy_kwh, value)
        )
        total_kwh += m.subsidy_kwh
        if value is not None:
            total_value += value
    return SubsidyReport(month, price, rows, total_kwh, total_value)


# -- dashboard -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class DayPoint:
    day: date
    total: Decimal
    kwh: Decimal
    count: int


@dataclass(frozen=True)
class BillerPoint:
    biller_id: int
    name: str
    total: Decimal
    kwh: Decimal
    count: int


def sales_per_day(entity: Entity, end: date, days: int = 90) -> list[DayPoint]:
    """One point per local day of the `days` days ending on `end`, zero where nothing was sold."""
    start = end - timedelta(days=days - 1)
    f = SalesFilter(entity=entity, start=start, end=end)
    found = {
        r["day"]: r
        for r in f.receipts()
        .annotate(day=TruncDate("issued_at", tzinfo=local_tz()))
        .values("day")
        .order_by("day")
        .annotate(**TOTALS)
    }
    points = []
    for i in range(days):
        d = start + timedelta(days=i)
        r = found.get(d)
        points.append(DayPoint(d, r["total"], r["kwh"], r["count"]) if r else DayPoint(d, ZERO, ZERO_KWH, 0))
    return points


def sales_per_biller(entity: Entity, start: date, end: date) -> list[BillerPoint]:
    f = SalesFilter(entity=entity, start=start, end=end)
    rows = f.receipts().values("biller_id", "biller__full_name").order_by().annotate(**TOTALS).order_by("-total")
    return [BillerPoint(r["biller_id"], r["biller__full_name"], r["total"], r["kwh"], r["count"]) for r in rows]
