from customers.models import luhn_ok
from tests import factories as f


def test_factory_meter_serials_carry_a_valid_luhn_digit(meter):
    assert len(meter.drn) == 11
    assert luhn_ok(meter.drn)
    meter.full_clean()


def test_luhn_complete_matches_the_worked_pan():
    # TOKENS.md: PAN 600727000000000009 = IIN 600727 + DRN 00000000000 + Luhn digit 9.
    assert f.luhn_complete("60072700000000000") == "600727000000000009"


def test_personas_belong_to_their_entities(admin, biller, other_admin):
    assert admin.is_admin and not admin.is_biller
    assert biller.is_biller and not biller.is_admin
    assert other_admin.entity_id != admin.entity_id
