"""Calendar arithmetic on seconds since 2000-01-01 00:00 UTC (MicroPython's epoch).

Usage::

    from meter import dates
    s = dates.seconds(2024, 3, 1, 13, 55)
    dates.civil(s)                # (2024, 3, 1, 13, 55, 0)
    dates.tid(s, 1993)            # STS TID: minutes since the base date
    dates.month_index(s, -18000)  # year*12 + month-1 in local time (UTC-5)

No dependency on `time` or `datetime`, so it runs the same on CPython,
MicroPython and a board whose RTC only gives numbers.
"""

BASE_DATES = (1993, 2014, 2035)


def days_from_civil(y, m, d):
    """Days from 2000-01-01 to y-m-d (proleptic Gregorian)."""
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 730425


def civil_from_days(z):
    z += 730425
    era = (z if z >= 0 else z - 146096) // 146097
    doe = z - era * 146097
    yoe = (doe - doe // 1460 + doe // 36524 - doe // 146096) // 365
    y = yoe + era * 400
    doy = doe - (365 * yoe + yoe // 4 - yoe // 100)
    mp = (5 * doy + 2) // 153
    d = doy - (153 * mp + 2) // 5 + 1
    m = mp + (3 if mp < 10 else -9)
    return (y + (m <= 2), m, d)


def seconds(y, m, d, hh=0, mm=0, ss=0):
    return days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss


def civil(s):
    """Seconds -> (year, month, day, hour, minute, second)."""
    days, rest = divmod(s, 86400)
    y, m, d = civil_from_days(days)
    return (y, m, d, rest // 3600, rest // 60 % 60, rest % 60)


def valid_date(y, m, d):
    if m < 1 or m > 12 or d < 1 or y < 1900 or y > 2199:
        return False
    return civil_from_days(days_from_civil(y, m, d)) == (y, m, d)


def month_index(s, offset=0):
    y, m = civil(s + offset)[:2]
    return y * 12 + m - 1


def tid(s, base_date=1993):
    return (s - seconds(base_date, 1, 1)) // 60


def from_tid(t, base_date=1993):
    return seconds(base_date, 1, 1) + t * 60


def fmt(s, offset=0):
    y, m, d, hh, mm, _ = civil(s + offset)
    return "%04d-%02d-%02d %02d:%02d" % (y, m, d, hh, mm)
