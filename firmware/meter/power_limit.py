"""The maximum power limit (class 2 code, subclass 0), and what the other class 2 settings do.

Usage::

    from meter.power_limit import PowerLimit, setting_message
    limit = PowerLimit()
    if limit.update(state.max_power_w, power_w, now):   # every tick; True when it opens or retries
        meter.message = limit.message(state.max_power_w, now)
    closed = credit_ok and not limit.tripped()
    setting_message(sub, value)                         # the screen lines after a class 2 code

As STS keypad meters do: a load above the limit for OVER_S seconds opens the relay, the screen
says why, and the relay closes again after RETRY_S seconds (it opens again if the load is still
too high). A limit of 0 means no limit. The trip lives in RAM: a reset retries at once.
"""

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


OVER_S = const(5)  # above the limit this long: the relay opens
RETRY_S = const(60)  # then it tries again after this long

SUB_TARIFF = const(2)
SUB_CLEAR_TAMPER = const(5)
SUB_UNBALANCE = const(6)
SUB_WATER_FACTOR = const(7)


class PowerLimit:
    def __init__(self):
        self.over_since = None  # when the load went above the limit
        self.open_until = 0  # while tripped: when to try again; 0 = not tripped
        self.tripped_w = 0  # the power that tripped it
        self.trips = 0

    def tripped(self):
        return self.open_until != 0

    def update(self, max_w, power_w, now):
        """Follow the load; True when the relay must change (it trips, or the retry time came)."""
        if self.open_until:
            if now >= self.open_until:
                self.open_until = 0
                self.over_since = None
                return True
            return False
        if not max_w or power_w <= max_w:
            self.over_since = None
            return False
        if self.over_since is None:
            self.over_since = now
        if now - self.over_since < OVER_S:
            return False
        self.open_until = now + RETRY_S
        self.tripped_w = power_w
        self.trips += 1
        return True

    def message(self, max_w, now):
        if self.open_until:
            return [
                "Límite de potencia superado",
                "%d W > %d W" % (self.tripped_w, max_w),
                "Reconexión en %d s" % max(0, self.open_until - now),
            ]
        return ["Reconectado tras límite de potencia"]


def setting_message(sub, value):
    """Screen lines after an accepted class 2 setting other than credit, power limit and key change.

    This single-phase electricity meter has no tamper switch, no tariff register, no phase
    unbalance and no water flow: such codes are accepted (their TID is used) and said to have
    no effect, never taken silently.
    """
    if sub == SUB_CLEAR_TAMPER:
        return ["Código aceptado", "Alarma de manipulación borrada", "(este medidor no tiene sensor)"]
    if sub == SUB_TARIFF:
        return ["Código aceptado", "Tarifa %d: sin efecto en este medidor" % value]
    if sub == SUB_UNBALANCE:
        return ["Código aceptado", "Desbalance %d W: sin efecto (monofásico)" % value]
    if sub == SUB_WATER_FACTOR:
        return ["Código aceptado", "Factor de agua %d: sin efecto" % value]
    return ["Código aceptado", "Ajuste %d recibido: sin efecto" % sub]
