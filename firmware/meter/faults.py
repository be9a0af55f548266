"""Faults: counted in RAM, logged to a small ring buffer in flash (the fault policy is in README.md).

Usage::

    from meter.faults import FaultLog, Faults, I2C
    log = FaultLog(region)              # 32 entries of 16 bytes
    faults = Faults(log, clock)
    faults.note(I2C, relay=1)           # count it; log it on the 1st, 2nd, 4th, 8th... time
    faults.counts[I2C]                  # since boot
    log.entries()                       # newest first: (seq, t, code, n, relay)

Each entry is `seq u32 | t u32 | code u8 | relay u8 | n u16 | crc32 u32`, written over the
oldest one; a power cut while writing spoils that entry only (its CRC fails). Logging a fault
that repeats every second on the 1st, 2nd, 4th, 8th... occurrence keeps the flash from wearing.
"""

import struct

try:
    from binascii import crc32
except ImportError:  # pragma: no cover
    from zlib import crc32

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


I2C = const(1)  # the real-time clock did not answer
FLASH = const(2)  # a save failed
MEMORY = const(3)  # MemoryError
CLOCK_LOST = const(4)  # the clock's oscillator stopped (lost-power flag)
CLOCK_RANGE = const(5)  # a time outside 2024-2099, or not a time at all (all 0xFF)
CLOCK_BACK = const(6)  # a time before the last saved one
CLOCK_JUMP = const(7)  # a jump of the clock, believed only when it persists
PULSE = const(8)  # an energy pulse the pin level or the maximum rate refuses
KEY_STUCK = const(9)  # a key held for 300 scans (about 8 s): ignored until released
RESET_AFTER_CLOSE = const(10)  # a reset right after the relay closed (brown-out)
TICK = const(11)  # another error in the once-a-second work
KEY = const(12)  # an error while handling a key
BOOT = const(13)  # the boot failed (retried)
ADC = const(14)  # a measurement failed
WATCHDOG = const(15)  # the board was reset by its watchdog (the loop hung)

NAMES = {
    I2C: "Reloj I2C",
    FLASH: "Memoria flash",
    MEMORY: "Sin memoria RAM",
    CLOCK_LOST: "Reloj sin pila",
    CLOCK_RANGE: "Hora imposible",
    CLOCK_BACK: "Hora hacia atrás",
    CLOCK_JUMP: "Salto de hora",
    PULSE: "Pulso falso",
    KEY_STUCK: "Tecla pegada",
    RESET_AFTER_CLOSE: "Reinicio al cerrar",
    TICK: "Error interno",
    KEY: "Error de teclado",
    BOOT: "Error al arrancar",
    ADC: "Error de medida",
    WATCHDOG: "Reinicio watchdog",
}

ENTRY = const(16)


class FaultLog:
    def __init__(self, flash, size=512):
        self.flash = flash
        self.n = getattr(flash, "size", size) // ENTRY
        self.seq = None

    def _read(self, i):
        b = self.flash.read(i * ENTRY, ENTRY)
        if len(b) < ENTRY or b[:4] == b"\xff\xff\xff\xff":
            return None
        if crc32(b[:12]) & 0xFFFFFFFF != struct.unpack("<I", b[12:])[0]:
            return None
        seq, t, code, relay, n = struct.unpack("<IIBBH", b[:12])
        return (seq, t, code, n, relay)

    def entries(self):
        """The valid entries, newest first."""
        out = []
        for i in range(self.n):
            e = self._read(i)
            if e:
                out.append(e)
        out.sort(key=lambda e: -e[0])
        return out

    def append(self, t, code, n, relay):
        if self.seq is None:
            found = self.entries()
            self.seq = found[0][0] if found else 0
        self.seq += 1
        head = struct.pack("<IIBBH", self.seq, max(0, t) & 0xFFFFFFFF, code, relay, min(n, 0xFFFF))
        self.flash.write((self.seq % self.n) * ENTRY, head + struct.pack("<I", crc32(head) & 0xFFFFFFFF))
        self.flash.sync()


class Faults:
    """Counts every fault since boot and logs it (rate-limited) to the FaultLog."""

    def __init__(self, log, clock):
        self.log = log
        self.clock = clock
        self.counts = {}
        self.total = 0
        self.last = None  # the last fault's code

    def note(self, code, relay=0):
        n = self.counts.get(code, 0) + 1
        self.counts[code] = n
        self.total += 1
        self.last = code
        if self.log is not None and n & (n - 1) == 0:  # 1st, 2nd, 4th, 8th...
            try:
                self.log.append(self.clock(), code, n, 1 if relay else 0)
            except OSError:
                # the flash itself is failing: the fault stays counted in RAM
                self.counts[FLASH] = self.counts.get(FLASH, 0) + 1
        return n
