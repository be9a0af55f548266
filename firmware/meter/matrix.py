"""4x4 keypad matrix scan with debounce.

Usage::

    from meter.matrix import Keypad
    kp = Keypad(rows=[Pin(13, Pin.OUT), ...], cols=[Pin(25, Pin.IN, Pin.PULL_UP), ...])
    key = kp.poll()     # call every 10-20 ms: a key once per press, else None

Rows are driven low one at a time; a pressed key pulls its column low.
"""

LAYOUT = ("123A", "456B", "789C", "*0#D")


class Keypad:
    def __init__(self, rows, cols, layout=LAYOUT, stable=2):
        self.rows = rows
        self.cols = cols
        self.layout = layout
        self.stable = stable
        self._seen = None
        self._count = 0
        self._reported = None
        for r in rows:
            r.value(1)

    def scan(self):
        """The key held now; None for no key or for several at once."""
        found = None
        for i, row in enumerate(self.rows):
            row.value(0)
            for j, col in enumerate(self.cols):
                if not col.value():
                    if found is not None:
                        row.value(1)
                        return None
                    found = self.layout[i][j]
            row.value(1)
        return found

    def poll(self):
        k = self.scan()
        if k == self._seen:
            self._count += 1
        else:
            self._seen = k
            self._count = 1
        if self._count < self.stable:
            return None
        if k != self._reported:
            self._reported = k
            return k
        return None
