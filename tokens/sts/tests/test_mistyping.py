"""How often a mistyped code is caught (CRC mismatch, or a number too large to be a code).

The figures are recorded in the README's "The 20-digit code" section.
"""

import random
from collections import Counter

import pytest

from tokens.sts import DecoderKey, MalformedCode, ValidCode, decode
from tokens.sts.codes import _frame

SAMPLES = 100_000


def _random_codes(rng, count):
    """Valid class 0 and 2 codes under a handful of keys, with random fields."""
    keys = [DecoderKey(rng.randbytes(8)) for _ in range(8)]
    codes = []
    for _ in range(count):
        key = rng.choice(keys)
        codes.append((key, _frame(rng.choice((0, 2)), rng.getrandbits(48), key)))
    return codes


def _outcome(key, typed):
    """'missed' when the mistyped code still decodes as valid, else the kind of result."""
    result = decode(key, typed)
    if isinstance(result, ValidCode):
        return "missed"
    return "malformed" if isinstance(result, MalformedCode) else "crc"


@pytest.mark.slow
def test_a_single_mistyped_digit_is_caught_at_least_999_times_in_1000():
    rng = random.Random(20261126)
    outcomes = Counter()
    for key, code in _random_codes(rng, SAMPLES):
        i = rng.randrange(20)
        digit = rng.choice([d for d in "0123456789" if d != code[i]])
        outcomes[_outcome(key, code[:i] + digit + code[i + 1 :])] += 1
    caught = SAMPLES - outcomes["missed"]
    rate = caught / SAMPLES
    print(f"single mistyped digit: {caught}/{SAMPLES} caught ({rate:.4%}): {dict(outcomes)}")
    assert rate >= 0.999


@pytest.mark.slow
def test_two_swapped_neighbouring_digits_are_caught_at_least_999_times_in_1000():
    rng = random.Random(20261127)
    outcomes = Counter()
    equal = 0
    for key, code in _random_codes(rng, SAMPLES):
        i = rng.randrange(19)
        if code[i] == code[i + 1]:
            equal += 1  # swapping two equal digits changes nothing: not a typing error
            continue
        outcomes[_outcome(key, code[:i] + code[i + 1] + code[i] + code[i + 2 :])] += 1
    counted = SAMPLES - equal
    caught = counted - outcomes["missed"]
    rate = caught / counted
    print(f"swapped neighbours: {caught}/{counted} caught ({rate:.4%}): {dict(outcomes)}; {equal} equal swaps excluded")
    assert counted > 0.85 * SAMPLES
    assert rate >= 0.999
