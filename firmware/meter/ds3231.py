"""DS3231 real-time clock on I2C, kept in UTC; it runs on its coin cell when the power is off.

Usage::

    from meter.ds3231 import DS3231
    rtc = DS3231(i2c)
    rtc.now()          # seconds since 2000-01-01 UTC
    rtc.set(seconds)
"""

from meter import dates

ADDR = 0x68


def _bcd(b):
    return (b >> 4) * 10 + (b & 15)


def _tobcd(n):
    return (n // 10) << 4 | n % 10


class DS3231:
    def __init__(self, i2c, addr=ADDR):
        self.i2c = i2c
        self.addr = addr

    def now(self):
        """Seconds since 2000 UTC; ValueError when the registers hold no time (e.g. all 0xFF)."""
        r = self.i2c.readfrom_mem(self.addr, 0, 7)
        for i, mask in ((0, 0x7F), (1, 0x7F), (4, 0x3F), (5, 0x1F), (6, 0xFF)):
            if r[i] & mask & 0x0F > 9 or r[i] & mask >> 4 > 9:
                raise ValueError("RTC registers are not a time")
        hour = r[2]
        if hour & 0x40:  # 12-hour mode
            h = _bcd(hour & 0x1F) % 12 + (12 if hour & 0x20 else 0)
        else:
            h = _bcd(hour & 0x3F)
        year = 2000 + _bcd(r[6]) + (100 if r[5] & 0x80 else 0)
        mo, d, mi, sec = _bcd(r[5] & 0x1F), _bcd(r[4] & 0x3F), _bcd(r[1] & 0x7F), _bcd(r[0] & 0x7F)
        if not dates.valid_date(year, mo, d) or h > 23 or mi > 59 or sec > 59:
            raise ValueError("RTC registers are not a time")
        return dates.seconds(year, mo, d, h, mi, sec)

    def __call__(self):
        return self.now()

    def set(self, s):
        y, mo, d, h, mi, sec = dates.civil(s)
        dow = (dates.days_from_civil(y, mo, d) + 5) % 7 + 1  # 2000-01-01 was a Saturday: 1 = Monday
        century = 0x80 if y >= 2100 else 0
        data = bytes((_tobcd(sec), _tobcd(mi), _tobcd(h), dow, _tobcd(d), _tobcd(mo) | century, _tobcd(y % 100)))
        self.i2c.writeto_mem(self.addr, 0, data)
        # clear the oscillator-stop flag: the time is valid from now on
        status = self.i2c.readfrom_mem(self.addr, 0x0F, 1)[0]
        self.i2c.writeto_mem(self.addr, 0x0F, bytes((status & 0x7F,)))

    def lost_power(self):
        """True when the oscillator stopped (coin cell flat): the time needs setting."""
        return bool(self.i2c.readfrom_mem(self.addr, 0x0F, 1)[0] & 0x80)
