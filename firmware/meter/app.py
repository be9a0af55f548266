"""The meter: registers, codes, keypad, screen, relay and storage tied together.

Usage::

    from meter.app import Meter
    m = Meter(store, clock, display=panel, relay=pin, energy=pulses,
              battery=battery_monitor, inverter=inverter_monitor)
    m.boot()
    m.press("*")            # on every key from the keypad scan
    m.tick()                # once a second: energy, month, relay, refresh

Board-independent: every device comes in as an object (see README.md for the
small interfaces), the clock is a function returning seconds since
2000-01-01 UTC. The screen is redrawn on every event and every 30 minutes.
"""

from meter import VERSION, lockout, registers, screen
from meter.decoder import ACCEPTED, INVALID, Decoder
from meter.keys import MSG, Keys
from meter.power_limit import PowerLimit, setting_message
from meter.state import State

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


LOCAL_OFFSET_S = const(-18000)  # Colombia, UTC-5 all year: month starts and the clock shown
REFRESH_S = const(1800)  # the screen is redrawn at least every 30 minutes
SAVE_WH = const(10)  # consumption is saved at least every 10 Wh
SAVE_S = const(3600)  # ... or every hour


class Meter:
    def __init__(
        self,
        store,
        clock,
        display=None,
        relay=None,
        energy=None,
        battery=None,
        inverter=None,
        offset=LOCAL_OFFSET_S,
    ):
        self.store = store
        self.now = clock
        self.display = display
        self.relay_pin = relay
        self.energy = energy
        self.battery = battery
        self.inverter = inverter
        self.offset = offset
        self.version = VERSION
        self.state = State()
        self.decoder = Decoder(self.state)
        self.keys = Keys(self)
        self.power_limit = PowerLimit()
        self.message = []
        self.last_result = None
        self.relay = False
        self._relay_set = False
        self.power_w = 0
        self.battery_mv = None
        self.inverter_mv = None
        self.refreshed_at = None
        self.refreshes = 0
        self._energy_seen = None
        self._energy_t = None
        self._unsaved_wh = 0
        self._saved_at = 0

    # --- life cycle --------------------------------------------------------
    def boot(self):
        blob = self.store.load()
        self.state = State.from_bytes(blob) if blob else State()
        self.decoder = Decoder(self.state)
        now = self.now()
        self._start(now)
        if self.state.key and registers.new_month(self.state, now, self.offset):
            self.save()
        self.update_relay()
        self.refresh()
        self.decoder.warm()

    def _start(self, now):
        self._saved_at = now
        if self.energy is not None:
            self._energy_seen = self.energy.wh()
            self._energy_t = now
        self.measure()

    def save(self):
        self.store.save(self.state.to_bytes())
        self._unsaved_wh = 0
        self._saved_at = self.now()

    def setup(self, key_hex, drn, ti=1, krn=1, kt=2, ken=255, base_date=1993, entity=None, battery_cut=0):
        """Factory initialisation: a new decoder key; registers and memory start empty.

        battery_cut=1 opens the relay on a low battery (22.0 V, back at 24.0 V).
        """
        s = State(key=key_hex, drn=drn, ti=ti, krn=krn, kt=kt, ken=ken, base_date=base_date, battery_cut=battery_cut)
        if entity:
            s.entity = entity
        registers.new_month(s, self.now(), self.offset)
        self.state = s
        self.decoder = Decoder(s)
        self._start(self.now())
        self.save()
        self.update_relay()
        self.refresh()

    def ram(self):
        """What only lives in RAM (message, keypad mode): the simulator keeps it between commands."""
        k = self.keys
        return {
            "message": self.message,
            "last_result": self.last_result,
            "keys": [k.mode, k.page, k.buf, k.field, k.pending, k.confirming, k.last_key, k.fresh],
        }

    def restore_ram(self, d):
        self.message = d.get("message", [])
        self.last_result = d.get("last_result")
        k = self.keys
        k.mode, k.page, k.buf, k.field, k.pending, k.confirming, k.last_key, k.fresh = d["keys"]
        self.refresh()

    # --- events ------------------------------------------------------------
    def press(self, key):
        self.keys.press(key)
        self.update_relay()
        self.refresh()

    def enter_code(self, code):
        s = self.state
        now = self.now()
        result, info = self.decoder.enter(code)
        kind = info[0]
        if result == INVALID and kind == "crc":
            d = lockout.miss(s, now)
            self.save()  # a reset must not clear the count
            msg = [MSG["crc"]]
            if d:
                msg.append(MSG["locked"] % d)
            self.message = msg
        else:
            if result == ACCEPTED:
                lockout.success(s)
                self.save()
            self.message = self._outcome(result, info)
        self.last_result = result
        self.update_relay()
        return result

    def _outcome(self, result, info):
        kind = info[0]
        if result != ACCEPTED:
            return [MSG.get(result if kind == "tid" else kind, MSG["class"])]
        if kind == "credit":
            wh, back = info[1], info[2]
            msg = ["Código aceptado", "+%s kWh" % screen.kwh(wh)]
            if back:
                msg.append("Crédito de emergencia devuelto: %s kWh" % screen.kwh(back))
            return msg
        if kind == "kct":
            return ["Cambio de clave: parte %d de 2 recibida" % info[1]]
        if kind == "key_changed":
            return ["Código aceptado", "Clave del medidor cambiada"]
        if kind == "clear_credit":
            return ["Código aceptado", "Crédito borrado"]
        if kind == "max_power":
            return ["Código aceptado", "Límite de potencia %d W" % info[1]]
        if kind == "test":
            return ["Prueba del medidor", "Versión %s" % self.version, "Clave KRN %d" % self.state.krn]
        return setting_message(info[1], self._setting_value(info[1]))

    def _setting_value(self, sub):
        s = self.state
        return {2: s.tariff, 6: s.unbalance_w, 7: s.water_factor}.get(sub, 0)

    def check_password(self, pw):
        s = self.state
        if pw == s.password:
            lockout.success(s)
            self.save()
            return True
        d = lockout.miss(s, self.now())
        self.save()
        self.message = [MSG["bad_password"]] + ([MSG["locked"] % d] if d else [])
        return False

    def apply_admin(self, changes):
        s = self.state
        for attr in changes:
            setattr(s, attr, changes[attr])
        self.save()
        self.update_relay()

    # --- time --------------------------------------------------------------
    def measure(self):
        if self.battery is not None:
            self.battery_mv = self.battery.read_mv()
        if self.inverter is not None:
            self.inverter_mv = self.inverter.read_mv()

    def tick(self):
        """Energy drawn since the last tick, month start, relay, refresh every 30 min."""
        now = self.now()
        s = self.state
        event = self.keys.idle(now)
        self.measure()
        if s.key and registers.new_month(s, now, self.offset):
            self.save()
            event = True
        if self.energy is not None:
            wh = self.energy.wh()
            delta = wh - self._energy_seen
            dt = now - self._energy_t
            self._energy_seen = wh
            self._energy_t = now
            if hasattr(self.energy, "power_w"):
                self.power_w = self.energy.power_w() if self.relay else 0
            elif dt > 0:
                self.power_w = delta * 3600 // dt
            if delta > 0:
                self._unsaved_wh += registers.consume(s, delta)
            if self.power_limit.update(s.max_power_w, self.power_w, now):
                self.message = self.power_limit.message(s.max_power_w, now)
        if self._unsaved_wh >= SAVE_WH or (self._unsaved_wh and now - self._saved_at >= SAVE_S):
            self.save()
        if self.update_relay():
            self.save()
            event = True
        if event or self.refreshed_at is None or now - self.refreshed_at >= REFRESH_S:
            self.refresh()

    def update_relay(self):
        """Apply the relay rule; True when the relay changed."""
        closed = registers.relay_closed(self.state, self.battery_mv) and not self.power_limit.tripped()
        changed = closed != self.relay
        if changed or not self._relay_set:
            self.relay = closed
            self._relay_set = True
            if self.relay_pin is not None:
                self.relay_pin.value(1 if closed else 0)
        if not closed:
            self.power_w = 0
        return changed

    # --- screen ------------------------------------------------------------
    def lines(self):
        return screen.compose(self.keys.body(), self.message, self.now(), self.offset)

    def refresh(self):
        self.refreshed_at = self.now()
        self.refreshes += 1
        if self.display is not None:
            self.display.show(self.lines())

    def status(self):
        s = self.state
        return {
            "credit_kwh": s.credit_wh / 1000,
            "available_kwh": registers.available(s) / 1000,
            "subsidy_kwh": registers.subsidy_left(s) / 1000,
            "emergency_kwh": registers.emergency_left(s) / 1000,
            "emergency_lent_kwh": s.emergency_used_wh / 1000,
            "energy_kwh": s.energy_wh / 1000,
            "power_w": self.power_w,
            "relay": "closed" if self.relay else "open",
            "max_power_w": s.max_power_w,
            "power_limit_trips": self.power_limit.trips,
            "last_result": self.last_result,
            "tid_memory": list(s.tids),
            "locked_s": lockout.remaining(s, self.now()),
            "mode": self.keys.mode,
            "message": " ".join(self.message),
        }
