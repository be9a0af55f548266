"""A receipt with the longest realistic value in every field, to measure the printed widths."""

from datetime import UTC, date, datetime
from decimal import Decimal

from billing.models import Receipt
from tests import factories as f


def sixty(text: str) -> str:
    """`text` cut or padded (with its own words) to 60 characters."""
    while len(text) < 60:
        text += " " + text
    return text[:60].rstrip() + "x" * (60 - len(text[:60].rstrip()))


LONG = {
    "entity_name": sixty("Asociación Comunitaria de Usuarios de Energía Solar Fotovoltaica Rural"),
    "address": sixty("Kilómetro 23 vía Puerto López, vereda Caño Hondo, finca La Esperanza"),
    "city": "San Juan de Arama, Meta",
    "phone": "+57 (608) 6700000 ext. 1234",
    "email": "facturacion.electronica.comunitaria@energiasolarrural.org.co",  # 60, no space
    "web": "https://www.asociacioncomunitariaenergiasolarrural.org.co/pagos"[:60],
    "sponsor": sixty("Gobernación del Departamento del Meta y Ministerio de Minas y Energía"),
    "seller": sixty("María Fernanda de los Ángeles Castañeda-Villavicencio Rodríguez"),
    "customer": sixty("José Gregorio Hernández Castro de la Santísima Trinidad Bolívar"),
    "title": sixty("Documento equivalente electrónico de servicios públicos"),
}


def long_receipt() -> Receipt:
    """A receipt as long as one gets: 60-character names, a 7-digit number with its prefix, a
    total of $ 99.999.999, a DIAN resolution and a chosen title."""
    entity = f.make_entity(
        name=LONG["entity_name"],
        nit="900123456-7",
        address=LONG["address"],
        city=LONG["city"],
        phone=LONG["phone"],
        email=LONG["email"],
        web=LONG["web"],
        sponsor=LONG["sponsor"],
        receipt_title=LONG["title"],
    )
    license = f.make_license(
        entity,
        receipt_prefix="SETP",
        receipt_from=9_990_000,
        receipt_to=9_999_999,
        dian_resolution="18764003520321",
        dian_resolution_date=date(2026, 1, 15),
        dian_prefix="SETP",
        dian_from=9_990_000,
        dian_to=9_999_999,
        dian_valid_until=date(2028, 1, 15),
    )
    biller = f.make_user(entity, full_name=LONG["seller"])
    customer = f.make_customer(
        entity, full_name=LONG["customer"], identification="1234567890123", phone="+573001234567"
    )
    meter = f.make_meter(customer)
    return Receipt.objects.create(
        entity=entity,
        license=license,
        prefix="SETP",
        number=9_999_999,
        biller=biller,
        customer=customer,
        meter=meter,
        customer_name=customer.full_name,
        customer_id_type="NIT",
        customer_identification=customer.identification,
        customer_phone=customer.phone,
        meter_drn=meter.drn,
        description="Energía Eléctrica Kilo watt hora (KWH)",
        price_per_kwh=Decimal("683.50"),
        iva_percent=Decimal("19"),
        amount_received=Decimal("99999999"),
        kwh=Decimal("146305.8"),
        subtotal=Decimal("84033613"),
        iva=Decimal("15966386"),
        total=Decimal("99999999"),
        tid=1,
        code="88888888888888888888",
        issued_at=datetime(2026, 12, 1, 17, 0, tzinfo=UTC),
        title=entity.receipt_title_for(license),
        resolution_text=license.resolution_text(),
    )
