"""Keypad modes: the main screens, `*` code entry, `#` administration.

Usage::

    from meter.keys import Keys
    keys = Keys(meter)
    for k in "*23716100501183194197A":
        keys.press(k)
    keys.body()          # the lines of the current mode, for the screen

Key map (4x4 keypad)::

    0-9  digits              *  code entry (a decimal comma in kWh fields)
    A    enter / confirm     #  administration (leave it without saving)
    B    back / cancel       C  delete the last digit
    D    next screen

Administration screens, in order: UID, DID, FECHA, CREDITO, SUBSIDIO, CLAVE
(password change) and SALIR (A saves and applies every change); after SALIR,
D goes on to HORA (sets the clock at once) and FALLAS (the fault log).
"""

from meter import dates, lockout, screen

MAIN = "main"
CODE = "code"
LOGIN = "password"
ADMIN = "admin"

IDLE_S = 120  # back to the main screen after two minutes without a key

# (title, state attribute, hint, kind)
FIELDS = (
    ("UID", "uid", "NIT o CC de la entidad", "id"),
    ("DID", "did", "Identificación del usuario", "id"),
    ("FECHA", "fecha", "Inicio AAAAMMDD", "date"),
    ("CREDITO", "emergency_wh", "Crédito de emergencia, kWh", "kwh"),
    ("SUBSIDIO", "subsidy_wh", "Subsidio mensual, kWh", "kwh"),
    ("CLAVE", "password", "Nueva contraseña, 4 a 8 dígitos", "password"),
    ("SALIR", None, "A: guardar y aplicar. #: salir sin guardar", "exit"),
    ("HORA", None, "Fecha y hora de Colombia AAAAMMDDHHMM", "clock"),
    ("FALLAS", None, "Registro de fallas", "log"),
)
SALIR = 6
MAXIMA = {"emergency_wh": "max_emergency_wh", "subsidy_wh": "max_subsidy_wh"}

MSG = {
    "short": "El código debe tener 20 dígitos",
    "used": "Código ya usado",
    "old": "Código antiguo: ya no es válido",
    "expired": "Código vencido: la clave del medidor expiró",
    "crc": "Código inválido: revise los dígitos o el medidor",
    "service": "Código inválido: no es de energía eléctrica",
    "class": "Código inválido para este medidor",
    "no_key": "Medidor sin clave: no acepta códigos",
    "locked": "Teclado bloqueado: espere %d s",
    "bad_password": "Contraseña incorrecta",
    "bad_value": "Valor inválido",
    "mismatch": "Las contraseñas no coinciden",
    "saved": "Cambios guardados",
    "discarded": "Cambios descartados",
    "cancelled": "Cancelado",
    "error": "Error interno: intente de nuevo",
    "too_much": "Máximo %s kWh",
    "clock_set": "Hora ajustada",
}


def kwh_text(wh):
    return screen.kwh(wh)


def parse_kwh(buf):
    """Parse "12*5" (the * is the decimal comma) -> 12500 Wh; None if not a kWh value."""
    i = buf.find("*")
    whole, frac = (buf, "") if i < 0 else (buf[:i], buf[i + 1 :])
    if not whole.isdigit() or len(whole) > 4:
        return None
    if i >= 0 and (not frac.isdigit() or len(frac) > 2):
        return None
    return int(whole) * 1000 + int((frac + "00")[:2]) * 10


def edit_text(kind, value):
    if kind == "kwh":
        return kwh_text(value).replace(",00", "")
    return value


class Keys:
    def __init__(self, meter):
        self.m = meter
        self.mode = MAIN
        self.page = 0  # main screens: 0 status, 1 meter data
        self.buf = ""
        self.field = 0
        self.pending = {}
        self.confirming = None  # first typing of a new password
        self.fresh = True
        self.last_key = None

    # --- helpers -----------------------------------------------------------
    def _say(self, *parts):
        self.m.message = list(parts)

    def reset(self):
        """Back to the main screen, nothing pending (after an error)."""
        self._main()
        self.pending = {}

    def idle(self, now):
        if self.mode != MAIN and self.last_key is not None and now - self.last_key >= IDLE_S:
            self._main()
            self.pending = {}
            return True
        return False

    # --- dispatch ----------------------------------------------------------
    def press(self, k):
        m = self.m
        now = m.now()
        self.last_key = now
        left = lockout.remaining(m.state, now)
        if left:
            self._main()
            m.last_result = "locked"
            self._say(MSG["locked"] % left)
            return
        getattr(self, "_" + self.mode)(k)

    def _main(self, k=None):
        """The key handler of MAIN; without a key, go back to MAIN."""
        if k is None:
            self.mode = MAIN
            self.buf = ""
            self.confirming = None
            return
        if k == "*" or k.isdigit():
            self.mode = CODE
            self.buf = k if k.isdigit() else ""
            self.m.message = []
        elif k == "#":
            self.mode = LOGIN
            self.buf = ""
            self.m.message = []
        elif k == "D":
            self.page = (self.page + 1) % 2
        elif k == "B":
            self.page = 0
            self.m.message = []

    def _code(self, k):
        if k.isdigit():
            if len(self.buf) < 20:
                self.buf += k
        elif k == "C":
            self.buf = self.buf[:-1]
        elif k == "B":
            self._main()
            self._say(MSG["cancelled"])
        elif k == "A":
            if len(self.buf) != 20:
                self._say(MSG["short"])
                return
            code = self.buf
            self._main()
            self.m.enter_code(code)

    def _password(self, k):
        if k.isdigit():
            if len(self.buf) < 8:
                self.buf += k
        elif k == "C":
            self.buf = self.buf[:-1]
        elif k == "B" or k == "#":
            self._main()
        elif k == "A":
            if self.m.check_password(self.buf):
                self.mode = ADMIN
                self.field = 0
                self.pending = {}
                self._load_field()
            else:
                self._main()

    def _load_field(self):
        title, attr, hint, kind = FIELDS[self.field]
        self.confirming = None
        self.fresh = True  # the first digit replaces the value shown; C edits it
        if attr is None or kind == "password":
            self.buf = ""
        else:
            value = self.pending.get(attr, getattr(self.m.state, attr))
            self.buf = "" if kind == "kwh" and not value else edit_text(kind, value).replace(",", "*")

    def _admin(self, k):
        title, attr, hint, kind = FIELDS[self.field]
        if k == "#":
            self._main()
            self.pending = {}
            self._say(MSG["discarded"])
        elif k == "D":
            self.field = (self.field + 1) % len(FIELDS)
            self._load_field()
        elif k == "B":
            if self.field == 0:
                self._main()
                self.pending = {}
                self._say(MSG["discarded"])
            else:
                self.field -= 1
                self._load_field()
        elif k == "C":
            self.buf = self.buf[:-1]
            self.fresh = False
            self.m.message = []
        elif k.isdigit() or (k == "*" and kind == "kwh"):
            if kind not in ("exit", "log"):
                if self.fresh:
                    self.buf = ""
                    self.fresh = False
                if len(self.buf) < 15:
                    self.buf += k
                self.m.message = []
        elif k == "A":
            if kind == "exit":
                self.m.apply_admin(self.pending)
                self.pending = {}
                self._main()
                self._say(MSG["saved"])
                return
            if kind == "log":
                self.field = 0
                self._load_field()
                return
            value = self._validate(kind)
            if value is None:
                self._say(MSG["bad_value"])
                return
            if kind == "clock":
                self.m.set_clock(value)
                self._say(MSG["clock_set"])
                self.field = SALIR
                self._load_field()
                return
            top = MAXIMA.get(attr)
            if top and value > getattr(self.m.state, top):
                self._say(MSG["too_much"] % screen.kwh(getattr(self.m.state, top)).replace(",00", ""))
                return
            if kind == "password":
                if self.confirming is None:
                    self.confirming = value
                    self.buf = ""
                    self._say("Repita la contraseña")
                    return
                if value != self.confirming:
                    self.confirming = None
                    self.buf = ""
                    self._say(MSG["mismatch"])
                    return
                self._say("Contraseña nueva lista: SALIR y A para guardar")
            else:
                self.m.message = []
            self.pending[attr] = value
            self.field += 1
            self._load_field()

    def _validate(self, kind):
        b = self.buf
        if kind == "id":
            return b if b.isdigit() and len(b) <= 15 else (b if b == "" else None)
        if kind == "date":
            if b == "":
                return b
            if len(b) == 8 and b.isdigit() and dates.valid_date(int(b[:4]), int(b[4:6]), int(b[6:])):
                return b
            return None
        if kind == "kwh":
            return parse_kwh(b)
        if kind == "password":
            return b if b.isdigit() and 4 <= len(b) <= 8 else None
        if kind == "clock":
            if len(b) != 12 or not b.isdigit():
                return None
            y, mo, d, hh, mi = int(b[:4]), int(b[4:6]), int(b[6:8]), int(b[8:10]), int(b[10:])
            if not dates.valid_date(y, mo, d) or hh > 23 or mi > 59:
                return None
            t = dates.seconds(y, mo, d, hh, mi) - self.m.offset
            return t if t >= dates.seconds(2024, 1, 1) else None
        return None

    # --- screen ------------------------------------------------------------
    def body(self, room=screen.ROWS - 1):
        """The lines of the current mode; room: rows left above the message and the clock."""
        m = self.m
        if self.mode == CODE:
            return (
                [screen.center("Ingrese el código"), "-" * screen.COLS, ""]
                + screen.code_groups(self.buf)
                + [
                    "",
                    "%d de 20 dígitos" % len(self.buf),
                    "A aceptar  C borrar",
                    "B cancelar",
                ]
            )
        if self.mode == LOGIN:
            return [
                screen.center("Administración"),
                "-" * screen.COLS,
                "",
                "Contraseña:",
                "*" * len(self.buf),
                "",
                "A aceptar  B salir",
            ]
        if self.mode == ADMIN:
            title, attr, hint, kind = FIELDS[self.field]
            shown = "*" * len(self.buf) if kind == "password" else self.buf.replace("*", ",")
            lines = [screen.center(title), "-" * screen.COLS]
            lines.extend(screen.wrap(hint))
            if kind == "password" and self.confirming is not None:
                lines.append("Repita:")
            if kind == "log":
                lines.extend(screen.fault_log(m))
            elif kind != "exit":
                lines.append("> " + shown + ("" if kind != "kwh" else " kWh"))
            lines.append("")
            lines.append("A ok  D siguiente")
            lines.append("B atrás  C borrar")
            lines.append("# salir sin guardar")
            return lines
        if self.page == 1:
            return screen.info(m)
        return screen.main(m, room)
