"""Brute-force lock of the keypad, kept in the persistent state.

Usage::

    from meter import lockout
    lockout.remaining(state, now)   # seconds still locked, 0 when free
    lockout.miss(state, now)        # a wrong code or password
    lockout.success(state)          # a good one

Three wrong entries in a row lock the keypad for 10 s; each further miss
doubles the time, up to 1280 s. The lock is stored with the credit, so a
reset does not lift it.
"""

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


FREE_MISSES = const(3)
FIRST_LOCK_S = const(10)
MAX_LOCK_S = const(1280)


def duration(misses):
    if misses < FREE_MISSES:
        return 0
    return min(MAX_LOCK_S, FIRST_LOCK_S << min(misses - FREE_MISSES, 8))


def remaining(s, now):
    left = s.lock_until - now
    if left <= 0:
        return 0
    # A clock set backwards must not lock the keypad for longer than the rule says.
    d = duration(s.misses)
    if left > d:
        s.lock_until = now + d
        left = d
    return left


def miss(s, now):
    s.misses += 1
    d = duration(s.misses)
    if d:
        s.lock_until = now + d
    return d


def success(s):
    s.misses = 0
    s.lock_until = 0
