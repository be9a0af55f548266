"""The status lines stay on the screen while any message shows."""

from fakehw import credit_code, make_meter, screen_text, type_keys, use
from meter import screen
from meter.keys import MSG

STATUS = ("Crédito", "Potencia", "Energía", "Batería", " Estado", "Inversor", "Relé")


def longest_messages():
    yield ["Código aceptado", "+1,50 kWh", "Crédito de emergencia devuelto: 0,30 kWh"]
    yield ["Prueba del medidor", "Versión 1.0.0", "Clave KRN 1"]
    yield [MSG["crc"], MSG["locked"] % 1280]
    for text in MSG.values():
        yield [text]
    yield ["x" * 200]  # more than the screen has room for


def test_every_message_leaves_the_status_lines_on_the_main_screen():
    m = make_meter()
    type_keys(m, "*" + credit_code(15, 1) + "A")
    use(m, 0)
    for message in longest_messages():
        m.message = message
        lines = m.lines()
        assert len(lines) == screen.ROWS
        for label in STATUS:
            assert any(line.startswith(label) for line in lines), (label, message)
        assert "Cerrado" in "\n".join(lines) and "25,6 V" in "\n".join(lines)


def test_an_emergency_credit_repaid_keeps_battery_inverter_and_relay_shown():
    m = make_meter()
    m.state.emergency_wh = 1000
    type_keys(m, "*" + credit_code(1, 1) + "A")
    use(m, 400)
    type_keys(m, "*" + credit_code(15, 2) + "A")
    text = screen_text(m)
    assert "emergencia devuelto:" in text
    for part in ("Batería       25,6 V", "Normal", "120,0 V~", "Relé         Cerrado"):
        assert part in text, part


def test_without_a_message_the_whole_status_screen_shows():
    m = make_meter()
    text = screen_text(m)
    for part in ("AOM", " Comprado", " Subsidio", " Emergencia"):
        assert part in text
