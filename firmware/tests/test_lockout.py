from fakehw import OTHER_DK, credit_code, make_meter, reboot, type_keys
from meter import lockout
from meter.state import State


def wrong(m, tid=1):
    type_keys(m, "*" + credit_code(10, tid, key=OTHER_DK) + "A")


def test_lock_durations_double_from_10_to_1280_seconds():
    assert [lockout.duration(n) for n in range(1, 13)] == [0, 0, 10, 20, 40, 80, 160, 320, 640, 1280, 1280, 1280]


def test_three_wrong_codes_lock_the_keypad_for_ten_seconds():
    m = make_meter()
    wrong(m)
    wrong(m)
    assert lockout.remaining(m.state, m.now()) == 0
    wrong(m)
    assert lockout.remaining(m.state, m.now()) == 10
    assert "Teclado bloqueado: espere 10 s" in m.message
    type_keys(m, "*")
    assert m.last_result == "locked"
    assert m.keys.mode == "main"
    m.clock.advance(10)
    type_keys(m, "*" + credit_code(10, 5) + "A")
    assert m.last_result == "accepted"
    assert m.state.misses == 0


def test_each_further_miss_doubles_the_lock():
    m = make_meter()
    for _ in range(3):
        wrong(m)
    for expected in (20, 40, 80):
        m.clock.advance(lockout.remaining(m.state, m.now()))
        wrong(m)
        assert lockout.remaining(m.state, m.now()) == expected


def test_the_lock_survives_a_reset():
    m = make_meter()
    for _ in range(4):
        m.clock.advance(lockout.remaining(m.state, m.now()))
        wrong(m)
    assert lockout.remaining(m.state, m.now()) == 20
    m.clock.advance(5)
    again = reboot(m)
    assert lockout.remaining(again.state, again.now()) == 15
    type_keys(again, "*" + credit_code(10, 5) + "A")
    assert again.last_result == "locked"
    assert again.state.credit_wh == 0
    again.clock.advance(15)
    wrong(again)  # the count went on across the reset: fifth miss, 40 s
    assert lockout.remaining(again.state, again.now()) == 40


def test_a_reset_does_not_reset_the_miss_count():
    m = make_meter()
    wrong(m)
    wrong(m)
    again = reboot(m)
    wrong(again)
    assert lockout.remaining(again.state, again.now()) == 10


def test_a_clock_set_back_does_not_lengthen_the_lock():
    s = State(misses=3, lock_until=10_000)
    assert lockout.remaining(s, 0) == 10


def test_used_codes_are_not_counted_as_wrong():
    m = make_meter()
    code = credit_code(10, 9)
    for _ in range(5):
        type_keys(m, "*" + code + "A")
    assert m.last_result == "used"
    assert lockout.remaining(m.state, m.now()) == 0


def test_wrong_passwords_count_too():
    m = make_meter()
    for _ in range(3):
        type_keys(m, "#9999A")
    assert lockout.remaining(m.state, m.now()) == 10
    type_keys(m, "#")
    assert m.keys.mode == "main"
