"""STA (encryption algorithm 07): 16 rounds of keyed substitution and a fixed bit permutation.

Bits are numbered from 0 (least significant) and a block or key is an int. The round structure is
the standard's; the speed comes from folding each round's substitution and permutation into
per-byte tables: a round is eight table look-ups OR-ed together instead of a 64-step bit loop.

Encryption starts from k = ROTR64(NOT K, 12) and rotates k left by one after each round. A round
substitutes nibble n with S2 when bit 4n+3 of k is set, else with S1, then moves bit i to P[i];
decryption undoes the rounds in reverse order. The two nibbles of byte j depend only on bits 8j+3
and 8j+7 of k, so each (round, byte) uses one of four combined substitute-and-permute tables, and
all 128 choices of a key are read from it at once (see Sta._choices).
"""

from operator import getitem, itemgetter

MASK64 = (1 << 64) - 1

S1 = (14, 10, 7, 9, 12, 3, 2, 5, 13, 0, 15, 1, 4, 8, 6, 11)
S2 = (12, 8, 2, 13, 7, 6, 1, 3, 11, 5, 9, 15, 0, 4, 10, 14)
P = (
    55, 42, 10, 18, 24, 21, 44, 35, 2, 22, 56, 43, 27, 58, 9, 50,
    6, 36, 12, 61, 37, 38, 53, 16, 62, 3, 7, 4, 32, 20, 63, 25,
    51, 52, 54, 33, 49, 19, 46, 29, 48, 31, 23, 30, 41, 28, 13, 5,
    40, 60, 39, 11, 15, 17, 1, 0, 57, 34, 59, 8, 47, 14, 45, 26,
)  # fmt: skip


def _rotl(x: int, n: int) -> int:
    n %= 64
    return ((x << n) | (x >> (64 - n))) & MASK64


def _choice_position(r: int, j: int) -> int:
    """Where, in _choices' 64 hex digits, the choice of round r for block byte j is written."""
    return 63 - (8 * j + 3 - r) % 64


# Encryption reads rounds 0..15; decryption undoes them from 15 down to 0.
_GATHER_ENC = itemgetter(*[_choice_position(r, j) for r in range(16) for j in range(8)])
_GATHER_DEC = itemgetter(*[_choice_position(15 - i, j) for i in range(16) for j in range(8)])


class Sta:
    """The cipher for one set of tables (the production ones, or the standard's illustrative ones)."""

    def __init__(self, s1=S1, s2=S2, p=P):
        if sorted(s1) != list(range(16)) or sorted(s2) != list(range(16)) or sorted(p) != list(range(64)):
            raise ValueError("S-boxes must be permutations of 0..15 and P of 0..63")
        inv_s1 = [0] * 16
        inv_s2 = [0] * 16
        for i in range(16):
            inv_s1[s1[i]] = i
            inv_s2[s2[i]] = i
        inv_p = [0] * 64
        for i in range(64):
            inv_p[p[i]] = i

        def byte_sub(boxes_lo_hi):
            lo, hi = boxes_lo_hi
            return [lo[b & 15] | hi[b >> 4] << 4 for b in range(256)]

        # Byte substitutions for the four (low nibble box, high nibble box) choices.
        sub = [byte_sub(c) for c in ((s1, s1), (s2, s1), (s1, s2), (s2, s2))]
        inv_sub = [byte_sub(c) for c in ((inv_s1, inv_s1), (inv_s2, inv_s1), (inv_s1, inv_s2), (inv_s2, inv_s2))]

        def perm_table(perm, j):
            """Where the 8 bits of byte j land: table[b] = the permutation of (b << 8j)."""
            table = []
            for b in range(256):
                out = 0
                for k in range(8):
                    if b >> k & 1:
                        out |= 1 << perm[8 * j + k]
                table.append(out)
            return table

        fwd = [perm_table(p, j) for j in range(8)]
        back = [perm_table(inv_p, j) for j in range(8)]
        # Encryption round: substitute, then permute.
        enc = [[[fwd[j][s[b]] for b in range(256)] for s in sub] for j in range(8)]
        # Decryption is invP, then (invS of a round key, invP) fifteen times, then a last invS.
        dec = [[[back[j][s[b]] for b in range(256)] for s in inv_sub] for j in range(8)]
        last = [[[s[b] << 8 * j for b in range(256)] for s in inv_sub] for j in range(8)]
        self._first_back = tuple(back)

        def selector(tables):
            # Indexed by a choice character '0'..'3' (48..51), as _choices writes them.
            return [None] * 48 + tables

        self._enc_sel = tuple(selector(enc[j]) for r in range(16) for j in range(8))
        self._dec_sel = tuple(selector(dec[j] if i < 15 else last[j]) for i in range(16) for j in range(8))

    @staticmethod
    def _choices(key: int, gather) -> tuple:
        """The 128 (round, byte) S-box choices of a key, as the characters '0'..'3'.

        Round r substitutes block byte j as bits 8j+3 and 8j+7 of ROTL(k0, r) say, that is bits
        i = 8j+3-r and i+4 of k0 (mod 64). Spreading k0 and ROTR(k0, 4) one bit per hex digit and
        adding them (the second doubled) writes every such pair as one hex digit; a fixed gather
        then reads the 128 choices in round order. All of it runs in C, not in a Python loop.
        """
        k0 = _rotl(~key & MASK64, -12)
        spread = int(format(k0, "064b"), 16) + 2 * int(format(_rotl(k0, -4), "064b"), 16)
        return gather(format(spread, "064x").encode())

    def encryption_schedule(self, key: int) -> tuple:
        """The sixteen rounds' tables for a key (worth caching when one key encrypts many blocks)."""
        flat = iter(tuple(map(getitem, self._enc_sel, self._choices(key, _GATHER_ENC))))
        return tuple(zip(*[flat] * 8, strict=True))

    def decryption_schedule(self, key: int) -> tuple:
        flat = iter(tuple(map(getitem, self._dec_sel, self._choices(key, _GATHER_DEC))))
        return tuple(zip(*[flat] * 8, strict=True))

    @staticmethod
    def encrypt_with(schedule: tuple, x: int) -> int:
        # Also runs the fifteen (invS, invP) steps and the last invS of a decryption schedule.
        for t0, t1, t2, t3, t4, t5, t6, t7 in schedule:
            b0, b1, b2, b3, b4, b5, b6, b7 = x.to_bytes(8, "little")
            x = t0[b0] | t1[b1] | t2[b2] | t3[b3] | t4[b4] | t5[b5] | t6[b6] | t7[b7]
        return x

    def decrypt_with(self, schedule: tuple, x: int) -> int:
        t0, t1, t2, t3, t4, t5, t6, t7 = self._first_back
        b0, b1, b2, b3, b4, b5, b6, b7 = x.to_bytes(8, "little")
        x = t0[b0] | t1[b1] | t2[b2] | t3[b3] | t4[b4] | t5[b5] | t6[b6] | t7[b7]
        return self.encrypt_with(schedule, x)

    def encrypt(self, key: int, block: int) -> int:
        return self.encrypt_with(self.encryption_schedule(key), block)

    def decrypt(self, key: int, block: int) -> int:
        return self.decrypt_with(self.decryption_schedule(key), block)


STA = Sta()
