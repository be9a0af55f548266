from fakehw import FakePin
from meter.matrix import Keypad


class Board:
    """A 4x4 matrix: a column reads low while the row of a held key is driven low."""

    def __init__(self):
        self.rows = [FakePin(1) for _ in range(4)]
        self.held = set()
        board = self

        class Col:
            def __init__(self, j):
                self.j = j

            def value(self):
                for i, r in enumerate(board.rows):
                    if r.v == 0 and (i, self.j) in board.held:
                        return 0
                return 1

        self.cols = [Col(j) for j in range(4)]


def test_each_key_of_the_layout_is_found():
    b = Board()
    kp = Keypad(b.rows, b.cols)
    layout = ("123A", "456B", "789C", "*0#D")
    for i in range(4):
        for j in range(4):
            b.held = {(i, j)}
            assert kp.scan() == layout[i][j]
    b.held = set()
    assert kp.scan() is None
    assert all(r.v == 1 for r in b.rows)


def test_a_press_is_reported_once_after_debounce():
    b = Board()
    kp = Keypad(b.rows, b.cols)
    b.held = {(3, 0)}
    assert kp.poll() is None  # first sight: not yet stable
    assert kp.poll() == "*"
    assert kp.poll() is None  # still held
    b.held = set()
    for _ in range(kp.release):  # released long enough: a new press
        kp.poll()
    b.held = {(3, 0)}
    kp.poll()
    assert kp.poll() == "*"


def test_two_keys_at_once_are_ignored():
    b = Board()
    kp = Keypad(b.rows, b.cols)
    b.held = {(0, 0), (1, 1)}
    assert kp.scan() is None


def poll_sequence(kp, b, key, pattern):
    """Poll once per entry of pattern: 1 = key held, 0 = not; the keys reported."""
    out = []
    for held in pattern:
        b.held = {key} if held else set()
        k = kp.poll()
        if k:
            out.append(k)
    return out


def test_a_release_that_bounces_types_the_key_once():
    b = Board()
    kp = Keypad(b.rows, b.cols)
    five = (1, 1)
    # held, let go, bounces back for two scans (twice), then released for good
    assert poll_sequence(kp, b, five, (1, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0)) == ["5"]
    assert poll_sequence(kp, b, five, (1, 1, 0, 0, 0, 0)) == ["5"]  # the next real press


def test_a_stuck_key_does_not_block_the_others():
    b = Board()
    kp = Keypad(b.rows, b.cols, stuck=20)
    b.held = {(0, 0)}  # "1" stuck down
    typed = [kp.poll() for _ in range(25)]
    assert typed.count("1") == 1  # typed once, then taken as stuck
    assert kp.stuck == {"1"} and kp.stuck_new == "1"
    for i, j in ((1, 1), (2, 2), (3, 3)):  # "5", "9", "D" with "1" still down
        b.held = {(0, 0), (i, j)}
        kp.poll()
        typed.append(kp.poll())
        b.held = {(0, 0)}
        for _ in range(kp.release):
            kp.poll()
    assert typed[-3:] == ["5", "9", "D"]
    b.held = set()
    kp.poll()
    assert kp.stuck == set()  # released: an ordinary key again
    b.held = {(0, 0)}
    kp.poll()
    assert kp.poll() == "1"
