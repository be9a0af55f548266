"""Credit registers: purchased, this month's subsidy, emergency credit; the relay rule.

Usage::

    from meter import registers
    registers.recharge(state, 1000)        # Wh; repays lent emergency credit first
    registers.new_month(state, now, offset)
    drawn = registers.consume(state, 250)  # subsidy, then purchased, then emergency
    registers.relay_closed(state, vbat_mv)

All amounts are integer Wh.
"""

from meter.dates import month_index

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


# Battery low-voltage cut of a 24 V bank, with hysteresis (mV).
BATTERY_CUT_MV = const(22000)
BATTERY_RECONNECT_MV = const(24000)


def subsidy_left(s):
    return max(0, s.subsidy_wh - s.subsidy_used_wh)


def emergency_left(s):
    return max(0, s.emergency_wh - s.emergency_used_wh)


def available(s):
    return subsidy_left(s) + s.credit_wh + emergency_left(s)


def recharge(s, wh):
    """Add purchased energy; the emergency credit lent is taken back first."""
    back = min(wh, s.emergency_used_wh)
    s.emergency_used_wh -= back
    s.credit_wh += wh - back
    return back


def new_month(s, now, offset=0):
    """Give this month's subsidy again when the RTC has entered a later month."""
    m = month_index(now, offset)
    if m > s.subsidy_month:
        s.subsidy_month = m
        s.subsidy_used_wh = 0
        return True
    return False


def consume(s, wh):
    """Draw wh: this month's subsidy first, then purchased credit, then emergency credit.

    Returns the Wh actually drawn (less than wh when everything ran out).
    """
    left = wh
    take = min(left, subsidy_left(s))
    s.subsidy_used_wh += take
    left -= take
    take = min(left, s.credit_wh)
    s.credit_wh -= take
    left -= take
    take = min(left, emergency_left(s))
    s.emergency_used_wh += take
    left -= take
    drawn = wh - left
    s.energy_wh += drawn
    return drawn


def battery_low(s, vbat_mv):
    """Update and return the low-battery latch (only when the cut is enabled)."""
    if not s.battery_cut or vbat_mv is None:
        s.battery_low = 0
    elif s.battery_low and vbat_mv >= BATTERY_RECONNECT_MV:
        s.battery_low = 0
    elif not s.battery_low and vbat_mv < BATTERY_CUT_MV:
        s.battery_low = 1
    return s.battery_low


def relay_closed(s, vbat_mv=None):
    """SPEC §4: open when subsidy, purchased and emergency credit are all used up,
    or (optional) on a low battery; closed again when energy is added."""
    if not s.key:
        return False
    if battery_low(s, vbat_mv):
        return False
    return available(s) > 0
