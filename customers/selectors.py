"""Reads of an entity's customers and meters. Each begins from the entity, so that no view has
to remember the filter that keeps another entity's rows out."""

from django.db.models import QuerySet

from customers.models import Customer, Meter
from licensing.models import Entity


def customers_of(entity: Entity) -> QuerySet[Customer]:
    return Customer.objects.filter(entity=entity)


def search_customers(entity: Entity, text: str) -> QuerySet[Customer]:
    """The entity's customers whose name (ignoring case and accents), identification, phone or
    meter serial contains `text`."""
    return customers_of(entity).search(text)


def customer_by_identification(entity: Entity, identification: str) -> Customer | None:
    """The entity's customer with this identification (already in its stored form, see
    `rules.identification_lookup`), or None."""
    if not identification:
        return None
    return customers_of(entity).filter(identification=identification).first()


def identification_elsewhere(entity: Entity, identification: str) -> bool:
    """True if another entity has a customer with this identification (the seed's "no tiene
    permisos" message tells the administrator so, without showing anything of that customer)."""
    return Customer.objects.filter(identification=identification).exclude(entity=entity).exists()


def meters_of(entity: Entity) -> QuerySet[Meter]:
    return Meter.objects.filter(entity=entity)


def active_meters(customer: Customer) -> QuerySet[Meter]:
    """The meters a cashier may sell to, in serial order."""
    return customer.meters.filter(is_active=True).order_by("drn")


def taken_identifications(entity: Entity) -> set[str]:
    return set(customers_of(entity).values_list("identification", flat=True))


def taken_drns(entity: Entity) -> set[str]:
    return set(meters_of(entity).values_list("drn", flat=True))
