from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from licensing.models import Entity, License, LicenseError


@pytest.fixture
def entity(db):
    return Entity.objects.create(name="Cooperativa", nit="900123456", supply_group_code="123456")


def make_license(entity, **kw):
    fields = {
        "valid_until": timezone.now() + timedelta(days=365),
        "max_customers": 10,
        "receipt_from": 1,
        "receipt_to": 3,
    }
    fields.update(kw)
    return License.objects.create(entity=entity, **fields)


def test_numbers_are_consecutive_until_the_range_is_used_up(entity):
    make_license(entity, receipt_prefix="FE", receipt_from=7, receipt_to=9)
    taken = []
    for _ in range(3):
        with transaction.atomic():
            taken.append(License.take_receipt_number(entity)[1])
    assert taken == [7, 8, 9]
    with pytest.raises(LicenseError, match="ha excedido la cantidad de comprobantes asignadas"), transaction.atomic():
        License.take_receipt_number(entity)


def test_a_rolled_back_transaction_gives_its_number_back(entity):
    make_license(entity)
    with pytest.raises(ZeroDivisionError), transaction.atomic():
        License.take_receipt_number(entity)
        1 / 0  # noqa: B018
    with transaction.atomic():
        assert License.take_receipt_number(entity)[1] == 1


def test_an_expired_license_says_when_it_expired_in_local_time(entity):
    import zoneinfo
    from datetime import datetime

    bogota = zoneinfo.ZoneInfo("America/Bogota")
    make_license(entity, valid_until=datetime(2020, 7, 28, 23, 59, tzinfo=bogota))
    with pytest.raises(LicenseError) as excinfo, transaction.atomic():
        License.take_receipt_number(entity)
    assert str(excinfo.value) == "La licencia ha expirado el dia 2020-07-28 23:59:00"


@pytest.mark.django_db(transaction=True)
def test_numbering_outside_a_transaction_is_refused():
    entity = Entity.objects.create(name="Cooperativa", nit="900123456", supply_group_code="123456")
    make_license(entity)
    with pytest.raises(RuntimeError):
        License.take_receipt_number(entity)
