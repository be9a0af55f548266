"""Power-cut-safe storage: two slots, written alternately, newest valid wins.

Usage::

    from meter.storage import Store, FileFlash
    store = Store(FileFlash("/meter.bin", Store.SIZE))
    blob = store.load()          # None on a blank flash
    store.save(b"...")           # never leaves both slots invalid

Slot layout (little-endian)::

    magic "AOM1" | seq u32 | length u16 | crc32 u32 | payload | 0xFF padding

A save goes to the slot that does not hold the newest valid record. It first
clears the slot's magic, then writes seq, length, CRC and payload, and writes
the magic last: a cut at any byte leaves that slot invalid (no magic) or
complete, while the other slot still holds the previous record.

The flash is any object with read(offset, n), write(offset, data) and sync();
FileFlash is a file on the board's filesystem or on the host.
"""

import struct

try:
    from binascii import crc32
except ImportError:  # pragma: no cover - every supported port has it
    from zlib import crc32

try:
    from micropython import const
except ImportError:

    def const(x):
        return x


MAGIC = b"AOM1"
_HEAD = const(14)
_CHUNK = const(64)


class Store:
    SLOT = 2048
    SIZE = 2 * SLOT

    def __init__(self, flash, slot=2048):
        self.flash = flash  # any object with read/write/sync; a Region for a part of the flash
        self.slot = slot
        self.seq = 0
        self.current = None  # slot index holding the newest valid record

    def _read_slot(self, i):
        base = i * self.slot
        head = self.flash.read(base, _HEAD)
        if len(head) < _HEAD or head[:4] != MAGIC:
            return None
        seq, length, crc = struct.unpack("<IHI", head[4:])
        if length > self.slot - _HEAD:
            return None
        payload = self.flash.read(base + _HEAD, length)
        if len(payload) != length or crc32(head[4:10] + payload) & 0xFFFFFFFF != crc:
            return None
        return seq, payload

    def load(self):
        """The newest valid record, or None when no slot is valid."""
        best = None
        for i in (0, 1):
            rec = self._read_slot(i)
            if rec and (best is None or rec[0] > best[0]):
                best = (rec[0], rec[1], i)
        if best is None:
            self.seq, self.current = 0, None
            return None
        self.seq, self.current = best[0], best[2]
        return best[1]

    def save(self, payload):
        if len(payload) > self.slot - _HEAD:
            raise ValueError("record too large for a slot")
        i = 1 if self.current == 0 else 0
        seq = self.seq + 1
        base = i * self.slot
        meta = struct.pack("<IH", seq, len(payload))
        crc = crc32(meta + payload) & 0xFFFFFFFF
        body = meta + struct.pack("<I", crc) + payload
        f = self.flash
        f.write(base, b"\0\0\0\0")
        f.sync()
        for at in range(0, len(body), _CHUNK):
            f.write(base + 4 + at, body[at : at + _CHUNK])
        f.sync()
        f.write(base, MAGIC)
        f.sync()
        self.seq, self.current = seq, i


class Region:
    """A window of a flash: offsets start at base (the meter's flash holds three regions)."""

    def __init__(self, flash, base, size):
        self.flash = flash
        self.base = base
        self.size = size

    def read(self, offset, n):
        return self.flash.read(self.base + offset, min(n, self.size - offset))

    def write(self, offset, data):
        if offset + len(data) > self.size:
            raise ValueError("write past the end of a flash region")
        self.flash.write(self.base + offset, data)

    def sync(self):
        self.flash.sync()


# The meter's flash (Store.SIZE = 4096 bytes): the state in two 1536-byte slots, the decoder
# key's record in two 256-byte slots (written only when the key changes), the fault log.
MAIN_SLOT = const(1536)
KEY_BASE = const(3072)
KEY_SLOT = const(256)
LOG_BASE = const(3584)
LOG_SIZE = const(512)


class Memory:
    """The regions of the meter's flash: .main (state), .keys (decoder key), .log (faults)."""

    def __init__(self, flash):
        from meter.faults import FaultLog

        self.flash = flash
        self.main = Store(flash, MAIN_SLOT)
        self.keys = Store(Region(flash, KEY_BASE, 2 * KEY_SLOT), KEY_SLOT)
        self.log = FaultLog(Region(flash, LOG_BASE, LOG_SIZE))


class FileFlash:
    """A flash region kept in a file (littlefs on the board, a plain file on the host)."""

    def __init__(self, path, size):
        self.path = path
        try:
            self.f = open(path, "r+b")
        except OSError:
            self.f = open(path, "w+b")
            self.f.write(b"\xff" * size)
            self.f.flush()

    def read(self, offset, n):
        self.f.seek(offset)
        return self.f.read(n)

    def write(self, offset, data):
        self.f.seek(offset)
        self.f.write(data)

    def sync(self):
        self.f.flush()

    def close(self):
        self.f.close()
