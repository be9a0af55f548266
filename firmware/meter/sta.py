"""STA (EA07): the 64-bit substitution-permutation cipher of STS-format codes.

Usage::

    from meter.sta import Sta
    sta = Sta(bytes.fromhex("e653341f9d5bf36f"))
    words = sta.decrypt_words((w0, w1, w2, w3))   # 16-bit words, w0 least significant
    block = sta.decrypt(0x492083C0AE7CE455)        # same on a 64-bit int

The block is handled as four 16-bit words so that every value stays a small
int on 32-bit MicroPython ports (no big-int allocations in the rounds). One
round is a table lookup per nibble: substitution and permutation are fused
in a table indexed by (nibble position, S-box choice, nibble value) that
yields the nibble's contribution to each of the four output words.
"""

from array import array

S1 = (14, 10, 7, 9, 12, 3, 2, 5, 13, 0, 15, 1, 4, 8, 6, 11)
S2 = (12, 8, 2, 13, 7, 6, 1, 3, 11, 5, 9, 15, 0, 4, 10, 14)
# fmt: off
P = (55, 42, 10, 18, 24, 21, 44, 35, 2, 22, 56, 43, 27, 58, 9, 50,
     6, 36, 12, 61, 37, 38, 53, 16, 62, 3, 7, 4, 32, 20, 63, 25,
     51, 52, 54, 33, 49, 19, 46, 29, 48, 31, 23, 30, 41, 28, 13, 5,
     40, 60, 39, 11, 15, 17, 1, 0, 57, 34, 59, 8, 47, 14, 45, 26)
# fmt: on

_M64 = 0xFFFFFFFFFFFFFFFF


def _inverse(table):
    inv = [0] * len(table)
    for i, v in enumerate(table):
        inv[v] = i
    return inv


def _table(sboxes, perm):
    """(position n, choice c, value v) -> 4 words, flattened at ((n*2+c)*16+v)*4.

    The nibble value v at position n is first replaced by sboxes[c][v] (None:
    kept), then each of its bits j (block bit 4n+j) moves to perm[4n+j].
    """
    t = array("H", [0] * (16 * 2 * 16 * 4))
    for n in range(16):
        for c in range(2):
            box = sboxes[c]
            for v in range(16):
                s = v if box is None else box[v]
                base = ((n * 2 + c) * 16 + v) * 4
                for j in range(4):
                    if s >> j & 1:
                        dest = perm[4 * n + j]
                        t[base + (dest >> 4)] |= 1 << (dest & 15)
    return t


def _round(w, t, mask):
    o0 = o1 = o2 = o3 = 0
    n = 0
    for x in w:
        for _ in range(4):
            i = ((n << 1 | (mask >> n & 1)) << 6) | ((x & 15) << 2)
            o0 |= t[i]
            o1 |= t[i + 1]
            o2 |= t[i + 2]
            o3 |= t[i + 3]
            x >>= 4
            n += 1
    return (o0, o1, o2, o3)


def _permute(w, perm):
    """The bit permutation alone (the first decryption step): bit i moves to perm[i]."""
    o = [0, 0, 0, 0]
    for i in range(64):
        if w[i >> 4] >> (i & 15) & 1:
            d = perm[i]
            o[d >> 4] |= 1 << (d & 15)
    return (o[0], o[1], o[2], o[3])


def _substitute(w, boxes, mask):
    out = []
    n = 0
    for x in w:
        y = 0
        for j in range(4):
            y |= boxes[mask >> n & 1][x >> (4 * j) & 15] << (4 * j)
            n += 1
        out.append(y)
    return tuple(out)


def _rotl(x, r):
    r %= 64
    return ((x << r) | (x >> (64 - r))) & _M64


def _masks(k, step):
    """16 round masks: bit n = bit 4n+3 of the round key; the key rotates by step."""
    out = []
    for _ in range(16):
        m = 0
        for n in range(16):
            m |= (k >> (4 * n + 3) & 1) << n
        out.append(m)
        k = _rotl(k, step)
    return out


def words(x):
    return (x & 0xFFFF, x >> 16 & 0xFFFF, x >> 32 & 0xFFFF, x >> 48 & 0xFFFF)


def join(w):
    return w[0] | w[1] << 16 | w[2] << 32 | w[3] << 48


class _Tables:
    def __init__(self, s1, s2, p):
        self.s1, self.s2, self.p = s1, s2, p
        self._dec = None
        self._enc = None

    def dec(self):
        # Decryption: inverse permutation, then inverse substitution. Rounds are
        # regrouped as IP, (IS, IP) x 15, IS so that each loop step is one table.
        if self._dec is None:
            pinv = _inverse(self.p)
            self.is_ = (_inverse(self.s1), _inverse(self.s2))
            self.pinv = bytes(pinv)  # the first step is a plain permutation: no table (4 KB less RAM)
            self.isip = _table(self.is_, pinv)
            self._dec = True
        return self

    def enc(self):
        if self._enc is None:
            self._enc = _table((self.s1, self.s2), self.p)
        return self._enc


_default = None


def _tables(s1, s2, p):
    global _default
    if s1 is None:
        if _default is None:
            _default = _Tables(S1, S2, P)
        return _default
    return _Tables(s1, s2, p)


class Sta:
    def __init__(self, key, s1=None, s2=None, p=None):
        """key: 8 bytes (big-endian). s1, s2, p: other tables (tests only)."""
        k = int.from_bytes(key, "big") ^ _M64
        self._t = _tables(s1, s2, p)
        self._enc_masks = _masks(_rotl(k, 64 - 12), 1)
        self._dec_masks = _masks(_rotl(k, 3), 63)

    def decrypt_words(self, w):
        t = self._t.dec()
        m = self._dec_masks
        w = _permute(w, t.pinv)
        isip = t.isip
        for r in range(15):
            w = _round(w, isip, m[r])
        return _substitute(w, t.is_, m[15])

    def encrypt_words(self, w):
        t = self._t.enc()
        for m in self._enc_masks:
            w = _round(w, t, m)
        return w

    def decrypt(self, block):
        return join(self.decrypt_words(words(block)))

    def encrypt(self, block):
        return join(self.encrypt_words(words(block)))
