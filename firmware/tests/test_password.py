"""Each meter has its own administration password, derived from its decoder key; sane CREDITO and SUBSIDIO maxima."""

from fakehw import DK, LOGIN, OTHER_DK, PW, make_meter, screen_text, type_keys
from meter import password


def test_the_password_is_derived_from_the_decoder_key():
    assert PW == "31999858"  # HMAC-SHA-256(DK, "AOM-ADMIN-PASSWORD"), 8 digits; tokens.sts agrees
    assert password.derive(OTHER_DK) != PW
    assert len(password.derive(OTHER_DK)) == 8 and password.derive(OTHER_DK).isdigit()


def test_a_provisioned_meter_refuses_the_factory_password():
    m = make_meter()
    type_keys(m, "#1234A")
    assert m.keys.mode == "main" and m.message == ["Contraseña incorrecta"]
    type_keys(m, LOGIN)
    assert m.keys.mode == "admin"


def test_the_factory_password_opens_only_a_meter_without_a_key():
    m = make_meter(init=False)
    type_keys(m, "#1234A")
    assert m.keys.mode == "admin"


def test_another_meters_password_does_not_open_this_one():
    m = make_meter(key=OTHER_DK)
    type_keys(m, LOGIN)
    assert m.keys.mode == "main"
    type_keys(m, "#" + password.derive(OTHER_DK) + "A")
    assert m.keys.mode == "admin"
    assert m.admin_password() == password.derive(OTHER_DK)


def test_credito_and_subsidio_have_maxima():
    m = make_meter()
    type_keys(m, LOGIN + "DDD" + "21A")  # CREDITO above the default 20 kWh
    assert m.message == ["Máximo 20 kWh"]
    assert m.keys.field == 3
    type_keys(m, "C" * 5 + "20A")
    assert m.keys.field == 4
    type_keys(m, "201A")  # SUBSIDIO above 200 kWh
    assert m.message == ["Máximo 200 kWh"]
    type_keys(m, "CCC" + "150A" + "DA")
    assert (m.state.emergency_wh, m.state.subsidy_wh) == (20000, 150000)


def test_the_maxima_are_set_at_provisioning():
    m = make_meter(init=False)
    m.setup(DK, "47500150231", max_emergency_wh=5000, max_subsidy_wh=50000)
    type_keys(m, LOGIN + "DDD" + "5*5A")
    assert m.message == ["Máximo 5 kWh"]
    assert "CREDITO" in screen_text(m)
