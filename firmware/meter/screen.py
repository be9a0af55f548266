"""Screen text in Spanish: 20 columns x 15 rows (a 320x240 panel, 16x16 glyphs).

Usage::

    from meter import screen
    lines = screen.main(meter)     # list of strings, at most screen.COLS wide
    screen.wrap("Código inválido: revise los dígitos", 20)

Only text is produced here; a display adapter draws it (ili9341.TextPanel on
the board, the simulator's box on the host).
"""

from meter import dates, registers

COLS = 20
ROWS = 15


def kwh(wh):
    """Wh -> "12,34" (kWh, two decimals, rounded down: never show more than there is)."""
    neg = wh < 0
    wh = abs(wh) // 10
    return "%s%d,%02d" % ("-" if neg else "", wh // 100, wh % 100)


def volts(mv, decimals=1):
    if mv is None:
        return "--"
    d = mv // 100
    return "%d,%d" % (d // 10, d % 10)


def row(label, value):
    pad = COLS - len(label) - len(value)
    return label + " " * max(1, pad) + value


def center(text):
    text = text[:COLS]
    return " " * ((COLS - len(text)) // 2) + text


def wrap(text, width=COLS):
    out = []
    line = ""
    for word in text.split(" "):
        while len(word) > width:
            if line:
                out.append(line)
                line = ""
            out.append(word[:width])
            word = word[width:]
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    return out


def battery_state(mv):
    if mv is None:
        return "--"
    if mv < registers.BATTERY_CUT_MV:
        return "Crítica"
    if mv < 23500:
        return "Baja"
    if mv > 29000:
        return "Alta"
    return "Normal"


def relay_text(m):
    if m.relay:
        return "Cerrado"
    return {"fault": "Abierto: falla", "wait": "En espera", "power": "Abierto: potencia"}.get(m.relay_reason, "Abierto")


def main(m, room=ROWS - 1):
    """The status screen in at most `room` lines: the status lines (credit, power, energy,
    battery and its state, inverter, relay) always; the heading, the credit's parts and the
    warnings only while there is room (a message takes the rest)."""
    s = m.state
    # (line, rank): rank 0 always shown; higher ranks are dropped first
    lines = [(center(s.entity), 2), ("-" * COLS, 3)]
    if not s.key:
        lines.append(("Medidor sin clave", 1))
    if m.time.needs_setting:
        lines.append(("Ajuste la hora en #", 1))
    lines.append((row("Crédito", kwh(registers.available(s)) + " kWh"), 0))
    lines.append((row(" Comprado", kwh(s.credit_wh)), 4))
    lines.append((row(" Subsidio", kwh(registers.subsidy_left(s))), 4))
    lines.append((row(" Emergencia", kwh(registers.emergency_left(s))), 4))
    lines.append((row("Potencia", "%d W" % m.power_w), 0))
    lines.append((row("Energía", kwh(s.energy_wh) + " kWh"), 0))
    lines.append((row("Batería", volts(m.battery_mv) + " V"), 0))
    lines.append((row(" Estado", battery_state(m.battery_mv)), 0))
    lines.append((row("Inversor", volts(m.inverter_mv) + " V~"), 0))
    lines.append((row("Relé", relay_text(m)), 0))
    rank = 4
    while len(lines) > room and rank > 0:
        lines = [x for x in lines if x[1] != rank]
        rank -= 1
    return [x[0] for x in lines]


STATUS_ROWS = 7  # the status lines main() never drops


def info(m):
    s = m.state
    return [
        center("Datos del medidor"),
        "-" * COLS,
        row("Medidor", s.drn or "--"),
        row("UID", s.uid or "--"),
        row("DID", s.did or "--"),
        row("FECHA", fmt_fecha(s.fecha)),
        row("KRN/KT/TI", "%d/%d/%02d" % (s.krn, s.kt, s.ti)),
        row("KEN", str(s.ken)),
        row("Base", str(s.base_date)),
        row("Códigos", str(len(s.tids))),
        row("Subsidio/mes", kwh(s.subsidy_wh)),
        row("Emergencia", kwh(s.emergency_wh)),
        row("Versión", m.version),
    ]


def fmt_fecha(f):
    if len(f) != 8:
        return f or "--"
    return f[:4] + "-" + f[4:6] + "-" + f[6:]


def code_groups(digits):
    g = [digits[i : i + 4] for i in range(0, len(digits), 4)]
    return [" ".join(g[:3]), " ".join(g[3:])]


def clock(now, offset):
    return center(dates.fmt(now, offset))


def message_lines(message):
    """The message wrapped, at most the rows the status lines leave."""
    msg = []
    for part in message:
        msg.extend(wrap(part))
    return msg[: ROWS - 1 - STATUS_ROWS]


def compose(body, msg, now, offset, clock_unset=False):
    """Body lines, then the (wrapped) message at the bottom, then the clock."""
    room = ROWS - 1 - len(msg)
    lines = body[:room]
    while len(lines) < room:
        lines.append("")
    lines.extend(msg)
    lines.append(center("Hora sin ajustar") if clock_unset else clock(now, offset))
    return [line[:COLS] for line in lines[:ROWS]]


def fault_log(m, n=4):
    """The newest fault log entries, two lines each, and the counts since boot."""
    from meter import faults

    out = []
    try:
        entries = m.memory.log.entries()[:n]
    except OSError:
        entries = []
    for seq, t, code, count, relay in entries:
        out.append(dates.fmt(t, m.offset)[2:] + (" R" if relay else ""))
        out.append(" " + faults.NAMES.get(code, "Falla %d" % code) + " x%d" % count)
    if not out:
        out.append("Sin fallas")
    return out
