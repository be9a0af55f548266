from fakehw import DK, LOGIN, OTHER_DK, credit_code, make_meter, management_code, screen_text, sta, type_keys
from meter import token


def test_star_starts_code_entry_and_shows_the_digits_in_groups():
    m = make_meter()
    type_keys(m, "*23716100")
    assert m.keys.mode == "code"
    text = screen_text(m)
    assert "Ingrese el código" in text
    assert "2371 6100" in text
    assert "8 de 20 dígitos" in text


def test_a_good_code_is_accepted_with_its_kwh():
    m = make_meter()
    type_keys(m, "*23716100501183194197A")
    assert m.last_result == "accepted"
    assert m.keys.mode == "main"
    assert "Código aceptado" in screen_text(m)
    assert "+0,10 kWh" in screen_text(m)


def test_each_outcome_has_its_own_message():
    m = make_meter()
    m.state.ken = 0x10
    cases = (
        (credit_code(10, 100), "accepted", "Código aceptado"),
        (credit_code(10, 100), "used", "Código ya usado"),
        (credit_code(10, 101, key=OTHER_DK), "invalid", "Código inválido: revise los dígitos o el medidor"),
        (credit_code(10, 0x110000), "expired", "Código vencido: la clave del medidor expiró"),
        (credit_code(10, 102, sub=2), "invalid", "Código inválido: no es de energía eléctrica"),
    )
    for code, result, message in cases:
        type_keys(m, "*" + code + "A")
        assert m.last_result == result
        assert m.message[0] == message


def test_an_old_code_says_so():
    m = make_meter()
    m.state.tids = list(range(500, 532))
    type_keys(m, "*" + credit_code(10, 10) + "A")
    assert m.last_result == "old"
    assert "Código antiguo" in screen_text(m)


def test_a_short_code_is_not_tried():
    m = make_meter()
    type_keys(m, "*1234A")
    assert m.message == ["El código debe tener 20 dígitos"]
    assert m.keys.mode == "code"
    assert m.last_result is None
    assert m.state.misses == 0


def test_c_deletes_and_b_cancels_code_entry():
    m = make_meter()
    type_keys(m, "*129C")
    assert m.keys.buf == "12"
    type_keys(m, "B")
    assert m.keys.mode == "main"
    assert m.message == ["Cancelado"]


def test_a_digit_on_the_main_screen_starts_code_entry():
    m = make_meter()
    type_keys(m, "23716100501183194197A")
    assert m.last_result == "accepted"


def test_d_shows_the_meter_data_screen():
    m = make_meter()
    type_keys(m, "D")
    assert "Datos del medidor" in screen_text(m)
    assert "47500150231" in screen_text(m)
    type_keys(m, "D")
    assert "Crédito" in screen_text(m)


def test_key_change_messages():
    m = make_meter()
    p1, p2 = token.encode_kct(sta(DK), bytes.fromhex("0123456789abcdef"), krn=2, kt=2, ti=1)
    type_keys(m, "*" + p1 + "A")
    assert m.message == ["Cambio de clave: parte 1 de 2 recibida"]
    type_keys(m, "*" + p2 + "A")
    assert m.message == ["Código aceptado", "Clave del medidor cambiada"]


def test_clear_credit_message():
    m = make_meter()
    type_keys(m, "*" + credit_code(10, 1) + "A")
    type_keys(m, "*" + management_code(1, 0, 2) + "A")
    assert m.message == ["Código aceptado", "Crédito borrado"]
    assert m.state.credit_wh == 0


def test_admin_needs_the_password():
    m = make_meter()
    type_keys(m, "#")
    assert "Contraseña:" in screen_text(m)
    type_keys(m, "1111A")
    assert m.keys.mode == "main"
    assert m.message == ["Contraseña incorrecta"]
    type_keys(m, LOGIN)
    assert m.keys.mode == "admin"
    assert "UID" in screen_text(m)


def test_admin_sets_every_field_and_salir_saves_and_applies():
    m = make_meter()
    type_keys(m, LOGIN)
    type_keys(m, "900123456A")  # UID
    type_keys(m, "1098765432A")  # DID
    type_keys(m, "20240301A")  # FECHA
    type_keys(m, "2*5A")  # CREDITO 2,5 kWh
    type_keys(m, "30A")  # SUBSIDIO 30 kWh
    type_keys(m, "D")  # CLAVE unchanged
    assert "SALIR" in screen_text(m)
    assert m.state.uid == ""  # nothing applied before SALIR
    type_keys(m, "A")
    s = m.state
    assert (s.uid, s.did, s.fecha, s.emergency_wh, s.subsidy_wh) == ("900123456", "1098765432", "20240301", 2500, 30000)
    assert m.message == ["Cambios guardados"]
    assert m.relay  # subsidy and emergency credit close the relay
    again = make_meter(flash=m.flash.copy(), init=False)
    assert again.state.subsidy_wh == 30000


def test_admin_rejects_bad_values():
    m = make_meter()
    type_keys(m, LOGIN)
    type_keys(m, "DD")  # to FECHA
    type_keys(m, "20241331A")
    assert m.message == ["Valor inválido"]
    assert m.keys.field == 2
    type_keys(m, "CCCC0230A")  # 2024-02-30
    assert m.message == ["Valor inválido"]


def test_admin_b_goes_back_and_hash_leaves_without_saving():
    m = make_meter()
    type_keys(m, LOGIN)
    type_keys(m, "555A")
    assert m.keys.field == 1
    type_keys(m, "B")
    assert m.keys.field == 0
    assert m.keys.buf == "555"
    type_keys(m, "#")
    assert m.keys.mode == "main"
    assert m.message == ["Cambios descartados"]
    assert m.state.uid == ""


def test_password_change_needs_the_same_password_twice():
    m = make_meter()
    type_keys(m, LOGIN)
    type_keys(m, "DDDDD")  # to CLAVE
    assert "CLAVE" in screen_text(m)
    type_keys(m, "4321A")
    assert m.message == ["Repita la contraseña"]
    type_keys(m, "4322A")
    assert m.message == ["Las contraseñas no coinciden"]
    type_keys(m, "4321A4321A")
    assert "SALIR" in screen_text(m)
    type_keys(m, "A")
    assert m.state.password == "4321"
    type_keys(m, LOGIN)
    assert m.keys.mode == "main"
    type_keys(m, "#4321A")
    assert m.keys.mode == "admin"


def test_a_short_password_is_refused():
    m = make_meter()
    type_keys(m, LOGIN + "DDDDD12A")
    assert m.message == ["Valor inválido"]


def test_after_two_idle_minutes_the_screen_goes_back_to_main():
    m = make_meter()
    type_keys(m, "*123")
    m.clock.advance(119)
    m.tick()
    assert m.keys.mode == "code"
    m.clock.advance(1)
    m.tick()
    assert m.keys.mode == "main"


def test_admin_typing_replaces_the_value_shown_and_c_edits_it():
    m = make_meter()
    type_keys(m, LOGIN + "DDDD" + "30A" + "D" + "A")  # SUBSIDIO 30
    type_keys(m, LOGIN + "DDDD")
    assert m.keys.buf == "30"
    type_keys(m, "25")
    assert m.keys.buf == "25"
    type_keys(m, "B" + "D")  # leave and come back: 30 again
    type_keys(m, "C7")
    assert m.keys.buf == "37"


def test_management_and_test_code_messages():
    m = make_meter()
    type_keys(m, "*" + management_code(0, token.amount_field(2000), 10) + "A")
    assert m.message == ["Código aceptado", "Límite de potencia 2000 W"]
    type_keys(m, "*" + management_code(2, token.amount_field(5), 11) + "A")
    assert m.message == ["Código aceptado", "Tarifa 5: sin efecto en este medidor"]
    test_code = token.encode_words(token.CLASS_TEST, 0x0FFF, 0xFFFF, 0xFF00, sta(DK))
    type_keys(m, "*" + test_code + "A")
    assert m.message[0] == "Prueba del medidor"
    assert m.message[1] == "Versión " + m.version


def test_a_meter_without_a_key_says_so():
    m = make_meter(init=False)
    assert "Medidor sin clave" in screen_text(m)
    type_keys(m, "*23716100501183194197A")
    assert m.last_result == "invalid"
    assert m.message == ["Medidor sin clave: no acepta códigos"]
    assert m.state.misses == 0
