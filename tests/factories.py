"""Plain factory functions for test data (no factory library): each makes a valid row and
takes keyword overrides."""

from datetime import timedelta
from decimal import Decimal
from itertools import count

from django.utils import timezone

from aom.models import User
from billing.models import Product
from customers.models import Customer, Meter
from licensing.models import Entity, License
from tokens.sts import luhn_digit

PASSWORD = "clave-de-prueba-2026"  # noqa: S105
VENDING_KEY = bytes.fromhex("abababababababab")
_seq = count(1)


def luhn_complete(partial: str) -> str:
    """`partial` followed by its Luhn check digit."""
    return partial + luhn_digit(partial)


def make_entity(**kw) -> Entity:
    vending_key = kw.pop("vending_key", VENDING_KEY)
    n = next(_seq)
    fields = {
        "name": f"Cooperativa Solar {n}",
        "nit": f"900{n:06d}",
        "address": "Calle 1 # 2-3",
        "city": "Villavicencio",
        "phone": "3001234567",
        "email": f"contacto{n}@example.org",
        "web": "www.example.org",
        "sponsor": "Gobernación del Meta",
        "supply_group_code": "123456",
    }
    fields.update(kw)
    entity = Entity(**fields)
    entity.set_vending_key(vending_key)
    entity.save()
    return entity


def make_license(entity: Entity, **kw) -> License:
    fields = {
        "valid_until": timezone.now() + timedelta(days=365),
        "max_customers": 100,
        "receipt_from": 1,
        "receipt_to": 1000,
    }
    fields.update(kw)
    return License.objects.create(entity=entity, **fields)


def make_user(entity: Entity | None, role: str = User.Role.BILLER, **kw) -> User:
    n = next(_seq)
    fields = {"full_name": f"Persona {n}", "identification": f"10{n:08d}", "role": role}
    fields.update(kw)
    email = fields.pop("email", f"persona{n}@example.org")
    return User.objects.create_user(email=email, password=PASSWORD, entity=entity, **fields)


def make_customer(entity: Entity, **kw) -> Customer:
    n = next(_seq)
    fields = {
        "id_type": Customer.IdType.CC,
        "identification": f"{1000000000 + n}",
        "full_name": f"Usuario Prueba {n}",
        "phone": "3000000000",
        "email": f"usuario{n}@example.org",
        "address": "Vereda La Esperanza",
    }
    fields.update(kw)
    return Customer.objects.create(entity=entity, **fields)


def make_meter(customer: Customer, **kw) -> Meter:
    n = next(_seq)
    fields = {"drn": luhn_complete(f"47{n:08d}"), "subsidy_kwh": Decimal("10.0"), "emergency_kwh": Decimal("2.0")}
    fields.update(kw)
    return Meter.objects.create(entity=customer.entity, customer=customer, **fields)


def make_product(entity: Entity, **kw) -> Product:
    fields = {"iva_percent": Decimal("19"), "price_per_kwh": Decimal("500")}
    fields.update(kw)
    return Product.objects.create(entity=entity, **fields)
