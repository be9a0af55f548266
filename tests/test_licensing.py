"""License ranges: validation of new and edited licenses, and the customer limit rule."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from licensing.models import License, LicenseError
from tests import factories as f


def new_license(entity, **kw):
    fields = {"valid_until": entity.current_license().valid_until, "max_customers": 10}
    fields.update(kw)
    return License(entity=entity, **fields)


def test_a_range_must_end_after_it_starts(entity):
    with pytest.raises(ValidationError) as e:
        new_license(entity, receipt_from=50, receipt_to=10).full_clean()
    assert "receipt_to" in e.value.message_dict


def test_a_new_range_may_not_overlap_the_entitys_previous_one(entity):
    # The persona's license covers 1..1000.
    with pytest.raises(ValidationError) as e:
        new_license(entity, receipt_from=1000, receipt_to=2000).full_clean()
    assert "se cruza" in e.value.message_dict["receipt_from"][0]


def test_a_range_after_the_previous_one_is_accepted(entity):
    new_license(entity, receipt_from=1001, receipt_to=2000).full_clean()


def test_the_same_numbers_with_another_prefix_do_not_overlap(entity):
    new_license(entity, receipt_prefix="FE", receipt_from=1, receipt_to=1000).full_clean()


def test_another_entitys_range_does_not_count(entity, other_entity):
    f.make_license(entity, receipt_prefix="ZZ", receipt_from=1, receipt_to=10)
    new_license(other_entity, receipt_prefix="ZZ", receipt_from=1, receipt_to=10).full_clean()


def test_the_start_of_an_existing_range_cannot_change(entity):
    license = entity.current_license()
    license.receipt_from = 5
    with pytest.raises(ValidationError) as e:
        license.full_clean()
    assert "receipt_from" in e.value.message_dict


def test_a_range_cannot_end_before_the_last_number_issued(entity):
    for _ in range(5):
        with transaction.atomic():
            License.take_receipt_number(entity)
    license = entity.current_license()
    license.receipt_to = 4
    with pytest.raises(ValidationError) as e:
        license.full_clean()
    assert "comprobante 5" in e.value.message_dict["receipt_to"][0]
    license.receipt_to = 5
    license.full_clean()


def test_saving_a_stale_copy_never_rewinds_the_numbering(entity):
    stale = entity.current_license()
    with transaction.atomic():
        License.take_receipt_number(entity)
    stale.max_customers = 7
    stale.save()
    fresh = License.objects.get(pk=stale.pk)
    assert (fresh.max_customers, fresh.next_receipt) == (7, 2)


def test_customer_room_follows_the_license(entity):
    license = entity.current_license()
    license.max_customers = 2
    license.save()
    f.make_customer(entity)
    entity.check_can_add_customers()
    with pytest.raises(LicenseError, match="se han completado 2 usuarios"):
        entity.check_can_add_customers(adding=2)


def test_an_entity_without_license_cannot_add_customers(db):
    bare = f.make_entity()
    with pytest.raises(LicenseError, match="no tiene una licencia"):
        bare.check_can_add_customers()
