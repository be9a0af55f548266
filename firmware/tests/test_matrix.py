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
