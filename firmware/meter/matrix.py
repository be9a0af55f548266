"""4x4 keypad matrix scan with debounce, release debounce and stuck-key lock-out.

Usage::

    from meter.matrix import Keypad
    kp = Keypad(rows=[Pin(13, Pin.OUT), ...], cols=[Pin(25, Pin.IN, Pin.PULL_UP), ...])
    key = kp.poll()     # call every 10-40 ms: a key once per press, else None
    kp.stuck            # keys held so long they are taken as stuck (ignored until released)

Rows are driven low one at a time; a pressed key pulls its column low. A key is reported
when it reads the same `stable` scans in a row, and again only after it has read released for
`release` scans in a row: a contact bouncing when let go does not type the key twice. A key
held for `stuck` scans is stuck: it is ignored (and `stuck_new` set once, for the fault log)
until it reads released, so the other keys go on working.
"""

LAYOUT = ("123A", "456B", "789C", "*0#D")


class Keypad:
    def __init__(self, rows, cols, layout=LAYOUT, stable=2, release=4, stuck=300):
        self.rows = rows
        self.cols = cols
        self.layout = layout
        self.stable = stable
        self.release = release
        self.stuck_scans = stuck
        self._seen = None
        self._count = 0
        self._reported = None
        self._held = {}  # key -> scans held in a row
        self.stuck = set()
        self.stuck_new = None
        for r in rows:
            r.value(1)

    def scan_all(self):
        """Every key held now."""
        found = []
        for i, row in enumerate(self.rows):
            row.value(0)
            for j, col in enumerate(self.cols):
                if not col.value():
                    found.append(self.layout[i][j])
            row.value(1)
        return found

    def scan(self):
        """The key held now; None for no key or for several at once."""
        found = self.scan_all()
        return found[0] if len(found) == 1 else None

    def _track(self, found):
        held = {}
        for k in found:
            n = self._held.get(k, 0) + 1
            held[k] = n
            if n == self.stuck_scans:
                self.stuck.add(k)
                self.stuck_new = k
        self._held = held
        for k in list(self.stuck):
            if k not in held:
                self.stuck.discard(k)

    def poll(self):
        found = self.scan_all()
        self._track(found)
        live = [k for k in found if k not in self.stuck]
        k = live[0] if len(live) == 1 else None
        if k == self._seen:
            self._count += 1
        else:
            self._seen = k
            self._count = 1
        if k is None:
            if self._count >= self.release:
                self._reported = None
            return None
        if self._count >= self.stable and k != self._reported:
            self._reported = k
            return k
        return None
