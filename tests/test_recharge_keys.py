"""The code is made with the meter's own decoder key: the entity's vending key, the PAN from the
meter's serial, the meter's effective STS parameters and the entity's key derivation (DKGA)."""

import uuid
from decimal import Decimal as D

import pytest

from billing.models import Receipt
from billing.services import RechargeError, recharge_issue
from licensing.models import Entity
from tests import factories as f
from tokens.services import decoder_key_for
from tokens.sts import CrcMismatch, ValidCode, decode, derive_decoder_key, pan_from_drn

DKGA04_KEY = bytes.fromhex("abababababababab949494949494949401234567")


def issue(biller, meter, amount="1500"):
    return recharge_issue(biller=biller, meter=meter, amount=D(amount), idempotency_key=uuid.uuid4())


def test_the_decoder_key_comes_from_the_entitys_vending_key_and_the_meters_parameters(meter, entity):
    expected = derive_decoder_key(
        f.VENDING_KEY, pan=pan_from_drn(meter.drn), sgc="123456", ti="01", krn=1, kt=2, dkga="02", base_date=2014
    )
    assert decoder_key_for(meter).hex() == expected.hex()


def test_a_meter_with_its_own_parameters_gets_its_own_key(biller, customer, product):
    plain = f.make_meter(customer)
    special = f.make_meter(customer, supply_group_code="654321", tariff_index="07", key_revision=2, key_type=1)
    expected = derive_decoder_key(
        f.VENDING_KEY, pan=pan_from_drn(special.drn), sgc="654321", ti="07", krn=2, kt=1, dkga="02", base_date=2014
    )
    assert decoder_key_for(special).hex() == expected.hex()
    receipt = issue(biller, special)
    assert isinstance(decode(expected, receipt.code), ValidCode)
    # Another meter's key does not accept it: the CRC does not match.
    assert isinstance(decode(decoder_key_for(plain), receipt.code), CrcMismatch)


def test_an_entity_with_dkga04_issues_codes_under_its_hmac_key(db):
    entity = Entity(name="Cooperativa DKGA04", nit="900777888", supply_group_code="123457",
                    key_derivation=Entity.KeyDerivation.DKGA04)  # fmt: skip
    entity.set_vending_key(DKGA04_KEY)
    entity.save()
    f.make_license(entity)
    f.make_product(entity)
    biller = f.make_user(entity)
    meter = f.make_meter(f.make_customer(entity))
    receipt = issue(biller, meter, "5000")
    expected = derive_decoder_key(
        DKGA04_KEY, pan=pan_from_drn(meter.drn), sgc="123457", ti="01", krn=1, kt=2, dkga="04", base_date=2014
    )
    result = decode(expected, receipt.code)
    assert isinstance(result, ValidCode) and result.amount == D("10.0")


def test_an_entity_without_a_vending_key_issues_nothing(db):
    entity = Entity.objects.create(name="Sin llave", nit="900111222", supply_group_code="123456")
    f.make_license(entity)
    f.make_product(entity)
    biller = f.make_user(entity)
    meter = f.make_meter(f.make_customer(entity))
    with pytest.raises(RechargeError, match="no tiene llave de venta"):
        issue(biller, meter)
    assert Receipt.objects.count() == 0
    assert entity.current_license().next_receipt == 1


def test_a_meter_whose_tids_are_used_up_issues_nothing(biller, meter, product, entity):
    from customers.models import Meter
    from tokens.sts import MAX_TID as TID_MAX

    Meter.objects.filter(pk=meter.pk).update(last_tid=TID_MAX)
    meter.refresh_from_db()
    with pytest.raises(RechargeError, match="agotó sus identificadores"):
        issue(biller, meter)
    assert Receipt.objects.count() == 0
    assert entity.current_license().next_receipt == 1
