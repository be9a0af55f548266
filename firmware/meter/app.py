"""The meter: registers, codes, keypad, screen, relay and storage tied together.

Usage::

    from meter.app import Meter
    from meter.storage import Memory
    m = Meter(Memory(flash), rtc, display=panel, relay=pin, energy=pulses,
              battery=battery_monitor, inverter=inverter_monitor)
    m.boot()
    m.press("*")            # on every key from the keypad scan
    m.tick()                # once a second: time, energy, month, relay, refresh

Board-independent: every device comes in as an object (see README.md for the
small interfaces); the real-time clock is a function returning seconds since
2000-01-01 UTC, checked by a TimeKeeper against the board's tick clock. The
screen is redrawn on every event and every 30 minutes.

`tick()` and `press()` never raise: every fault is counted, logged to the
flash's fault log and handled as README's "Fault policy" says.
"""

import gc

from meter import VERSION, faults, lockout, password, registers, screen
from meter.decoder import ACCEPTED, INVALID, Decoder
from meter.faults import Faults
from meter.keys import MSG, Keys
from meter.power_limit import PowerLimit, setting_message
from meter.state import State
from meter.timekeeper import TimeKeeper

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


try:
    from time import ticks_diff as _ticks_diff
    from time import ticks_ms as _ticks_ms
except ImportError:  # CPython
    import time as _time

    def _ticks_ms():
        return int(_time.monotonic() * 1000)

    def _ticks_diff(a, b):
        return a - b


LOCAL_OFFSET_S = const(-18000)  # Colombia, UTC-5 all year: month starts and the clock shown
REFRESH_S = const(1800)  # the screen is redrawn at least every 30 minutes
SAVE_WH = const(10)  # consumption is saved at least every 10 Wh
SAVE_S = const(3600)  # ... or every hour
FLOOR_SAVE_S = const(86400)  # the time is saved at least daily (the clock is never believed before it)

# Fault policy (README.md): the relay in each fault
TICK_FAILS_OPEN = const(10)  # ticks in a row failing before the relay opens (no free energy)
FLASH_RISK_WH = const(100)  # unsaved Wh while the flash fails before the relay opens
RELAY_STABLE_S = const(30)  # a close that holds this long was not the cause of a reset
RESETS_BEFORE_BACKOFF = const(3)  # resets in a row right after a close before the relay waits
BACKOFF_S = const(60)  # first wait, doubling at each further reset ...
BACKOFF_MAX_S = const(3600)  # ... up to one hour


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
        ticks_ms=None,
        ticks_diff=None,
    ):
        self.memory = store  # storage.Memory: .main, .keys, .log
        self.rtc = clock
        self.ticks_ms = ticks_ms or getattr(clock, "ticks_ms", None) or _ticks_ms
        self.ticks_diff = ticks_diff or getattr(clock, "ticks_diff", None) or _ticks_diff
        self.faults = Faults(store.log, self._log_time)
        self.time = TimeKeeper(clock, self.ticks_ms, self.ticks_diff, report=self.fault)
        self.now = self.time.now
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
        # fault handling (README "Fault policy")
        self.tick_fails = 0  # ticks in a row that raised
        self.save_failing = False  # the last save of the state failed: retried every tick
        self.key_unsaved = False  # the decoder key record still to be written
        self._key_flags = {}
        self.relay_reason = None  # why the relay is held open against the rule: "fault", "wait", "power"
        self.boot_ms = 0
        self.closed_ms = 0
        self.hold_until_ms = None
        self._phantom_seen = 0

    # --- life cycle --------------------------------------------------------
    def _log_time(self):
        return self.time.last

    def fault(self, code):
        self.faults.note(code, self.relay)

    def load(self):
        """The state from the flash: the state record and the decoder key record.

        A key record newer than the state record (a power cut between the two writes of a key
        change or of the provisioning) is finished here; returns True when the state must be saved.
        """
        mem = self.memory
        blob = mem.main.load()
        s = State.from_bytes(blob) if blob else State()
        finish = False
        kblob = mem.keys.load()
        if kblob:
            k = State.read_key_record(kblob)
            if k["kgen"] > s.kgen:
                finish = True
                if k.get("init"):
                    s = State()
                elif k.get("ro"):
                    s.tids = []
                s.kct1 = s.kct2 = None
            for name in k:
                if hasattr(s, name):
                    setattr(s, name, k[name])
        self.state = s
        self.decoder = Decoder(s)
        return finish

    def boot(self):
        """After a reset: load, check the clock, month start, relay guard, relay. May raise (the board retries)."""
        dirty = self.load()
        s = self.state
        now = self.time.start(s.saved_at)
        self.boot_ms = self.ticks_ms()
        self._start(now)
        if s.relay_trial:  # the board reset before the last close had held
            s.relay_trial = 0
            s.relay_fails += 1
            self.fault(faults.RESET_AFTER_CLOSE)
            dirty = True
        if s.relay_fails >= RESETS_BEFORE_BACKOFF:
            wait = min(BACKOFF_S << min(s.relay_fails - RESETS_BEFORE_BACKOFF, 6), BACKOFF_MAX_S)
            self.hold_until_ms = self.boot_ms + wait * 1000
        if s.key and registers.new_month(s, now, self.offset):
            dirty = True
        if dirty:
            self.save()
        self.update_relay()
        self.refresh()
        self.decoder.warm()

    def resume(self, ram):
        """The simulator between two commands: the board stayed powered, RAM is as it was."""
        self.load()
        self.restore_ram(ram)
        self.time.floor = self.state.saved_at
        self._start(self.now())
        self.update_relay()
        self.refresh()

    def _start(self, now):
        self._saved_at = now
        if self.energy is not None:
            self._energy_seen = self.energy.wh()
            self._energy_t = now
        self.measure()

    def save(self):
        """Write the state record; a flash error is counted and the save retried at the next tick."""
        s = self.state
        if self.key_unsaved and not self.save_key():
            return False
        s.saved_at = self.now()
        try:
            self.memory.main.save(s.main_bytes())
        except OSError:
            self.save_failing = True
            self.fault(faults.FLASH)
            return False
        self.save_failing = False
        self.time.floor = s.saved_at
        self._unsaved_wh = 0
        self._saved_at = s.saved_at
        return True

    def save_key(self, **flags):
        """Write the decoder key record (only when the key changes), before the state record."""
        s = self.state
        if not self.key_unsaved:
            s.kgen += 1
            self._key_flags = flags
        try:
            self.memory.keys.save(s.key_record(**self._key_flags))
        except OSError:
            self.key_unsaved = True
            self.save_failing = True
            self.fault(faults.FLASH)
            return False
        self.key_unsaved = False
        return True

    def setup(
        self,
        key_hex,
        drn,
        ti=1,
        krn=1,
        kt=2,
        ken=255,
        base_date=1993,
        entity=None,
        battery_cut=0,
        max_emergency_wh=None,
        max_subsidy_wh=None,
    ):
        """Factory initialisation: a new decoder key; registers and memory start empty.

        battery_cut=1 opens the relay on a low battery (22.0 V, back at 24.0 V);
        max_emergency_wh / max_subsidy_wh: the most CREDITO and SUBSIDIO accept.
        """
        old = self.state
        if not self.time.floor:
            self.time.start(old.saved_at)
        s = State(key=key_hex, drn=drn, ti=ti, krn=krn, kt=kt, ken=ken, base_date=base_date, battery_cut=battery_cut)
        s.kgen = old.kgen
        if entity:
            s.entity = entity
        if max_emergency_wh is not None:
            s.max_emergency_wh = max_emergency_wh
        if max_subsidy_wh is not None:
            s.max_subsidy_wh = max_subsidy_wh
        registers.new_month(s, self.now(), self.offset)
        self.state = s
        self.decoder = Decoder(s)
        self._start(self.now())
        self.save_key(init=1)
        self.save()
        self.update_relay()
        self.refresh()

    def admin_password(self):
        return password.expected(self.state)

    def ram(self):
        """What only lives in RAM (message, keypad mode): the simulator keeps it between commands."""
        k = self.keys
        return {
            "message": self.message,
            "last_result": self.last_result,
            "keys": [k.mode, k.page, k.buf, k.field, k.pending, k.confirming, k.last_key, k.fresh],
            "time": self.time.ram(),
            "relay": [self.relay, self.closed_ms, self.hold_until_ms, self.boot_ms, self.tick_fails],
            "faults": [[c, n] for c, n in self.faults.counts.items()],
            "unsaved": [self._unsaved_wh, self._saved_at, self.save_failing, self.key_unsaved],
            # what the flash could not take stays in RAM
            "state": self.state.to_dict() if self.save_failing or self.key_unsaved else None,
        }

    def restore_ram(self, d):
        self.message = d.get("message", [])
        self.last_result = d.get("last_result")
        k = self.keys
        k.mode, k.page, k.buf, k.field, k.pending, k.confirming, k.last_key, k.fresh = d["keys"]
        if "time" in d:
            self.time.restore(d["time"])
        if "relay" in d:
            self.relay, self.closed_ms, self.hold_until_ms, self.boot_ms, self.tick_fails = d["relay"]
            self._relay_set = True
            if self.relay_pin is not None:
                self.relay_pin.value(1 if self.relay else 0)
        for c, n in d.get("faults", ()):
            self.faults.counts[c] = n
        if "unsaved" in d:
            self._unsaved_wh, self._saved_at, self.save_failing, self.key_unsaved = d["unsaved"]
        if d.get("state"):
            self.state = State(**d["state"])
            self.decoder = Decoder(self.state)
        self.refresh()

    # --- events ------------------------------------------------------------
    def press(self, key):
        """One key from the keypad; an error goes back to the main screen, the relay follows its rule."""
        try:
            self.keys.press(key)
            self.update_relay()
        except Exception as e:  # noqa: BLE001 - the policy: count, log, carry on
            if isinstance(e, MemoryError):
                gc.collect()
            self.fault(faults.KEY)
            self.keys.reset()
            self.message = [MSG["error"]]
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
                if kind == "key_changed":
                    self.save_key(ro=info[2])  # the key's own record, then the state
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
        if pw == password.expected(s):
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

    def set_clock(self, t):
        """The administrator sets the clock (HORA). A month already granted stays granted, and is
        not granted again when the clock, set back, goes through it once more."""
        self.time.set(t)
        s = self.state
        m = registers.month_index(t, self.offset)
        if m < s.subsidy_month:
            s.subsidy_month = m
        lockout.remaining(s, t)
        if s.key:
            registers.new_month(s, t, self.offset)
        self._saved_at = t
        self.save()
        self.update_relay()

    # --- time --------------------------------------------------------------
    def measure(self):
        """Battery and inverter readings; a failing ADC keeps the last reading."""
        try:
            if self.battery is not None:
                self.battery_mv = self.battery.read_mv()
            if self.inverter is not None:
                self.inverter_mv = self.inverter.read_mv()
        except Exception:  # noqa: BLE001
            self.fault(faults.ADC)

    def tick(self):
        """Once a second; never raises. TICK_FAILS_OPEN failures in a row open the relay until one succeeds."""
        try:
            self._tick()
        except Exception as e:  # noqa: BLE001 - the policy: count, log, carry on
            if isinstance(e, MemoryError):
                gc.collect()
            self.tick_fails += 1
            self.fault(faults.MEMORY if isinstance(e, MemoryError) else faults.TICK)
            if self.tick_fails >= TICK_FAILS_OPEN:
                self._open("fault")
            try:
                self.refresh()
            except Exception:  # noqa: BLE001, S110 - a display fault is already counted as this one
                pass
            return
        if self.tick_fails:
            self.tick_fails = 0
            if self.update_relay():
                self.save()
            self.refresh()

    def _tick(self):
        """Time, energy drawn since the last tick, month start, relay, refresh every 30 min."""
        now = self.time.read()
        s = self.state
        event = self.keys.idle(now)
        self.measure()
        if s.key and registers.new_month(s, now, self.offset):
            self.save()
            event = True
        if self.energy is not None:
            phantom = getattr(self.energy, "phantom", 0)
            if phantom > self._phantom_seen:
                self._phantom_seen = phantom
                self.fault(faults.PULSE)
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
        if (
            self._unsaved_wh >= SAVE_WH
            or (self._unsaved_wh and now - self._saved_at >= SAVE_S)
            or self.save_failing
            or now - self._saved_at >= FLOOR_SAVE_S
        ):
            self.save()
        if self.hold_until_ms is not None and self._since(self.hold_until_ms) >= 0:
            self.hold_until_ms = None  # the wait is over (cleared now: tick differences wrap after days)
        if self.relay and s.relay_trial and self._since(self.closed_ms) >= RELAY_STABLE_S * 1000:
            s.relay_trial = 0  # the close held: it did not reset the board
            s.relay_fails = 0
            self.save()
        if self.update_relay():
            self.save()
            event = True
        if event or self.refreshed_at is None or now - self.refreshed_at >= REFRESH_S:
            self.refresh()

    def _since(self, ms):
        return self.ticks_diff(self.ticks_ms(), ms)

    def blocked(self):
        """Why the relay must stay open though the rule would close it, or None (fault policy)."""
        if self.tick_fails >= TICK_FAILS_OPEN:
            return "fault"
        if self.power_limit.tripped():
            return "power"  # above the maximum power limit: open, retried after a delay
        if self.save_failing and self._unsaved_wh >= FLASH_RISK_WH:
            return "fault"
        if self.hold_until_ms is not None:
            if self._since(self.hold_until_ms) < 0:
                return "wait"
            self.hold_until_ms = None
        return None

    def _open(self, reason):
        self.relay = False
        self.relay_reason = reason
        self.power_w = 0
        if self.relay_pin is not None:
            self.relay_pin.value(0)

    def update_relay(self):
        """Apply the relay rule and the fault policy; True when the relay changed."""
        s = self.state
        closed = registers.relay_closed(s, self.battery_mv)
        self.relay_reason = None
        if closed:
            self.relay_reason = self.blocked()
            closed = self.relay_reason is None
        changed = closed != self.relay
        if closed and (changed or not self._relay_set):
            # mark the close in flash first: a reset before it holds counts against the relay
            s.relay_trial = 1
            self.closed_ms = self.ticks_ms()
            self.save()
        elif changed and not closed:
            s.relay_trial = 0
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
        msg = screen.message_lines(self.message)
        body = self.keys.body(screen.ROWS - 1 - len(msg))
        return screen.compose(body, msg, self.now(), self.offset, self.time.needs_setting)

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
            "relay_reason": self.relay_reason,
            "clock": "needs_setting" if self.time.needs_setting else "ok",
            "faults": dict((faults.NAMES.get(c, str(c)), n) for c, n in self.faults.counts.items()),
        }
