from meter import dates, registers
from meter.state import State

MARCH = dates.seconds(2024, 3, 15, 12, 0)


def test_consumption_draws_subsidy_then_purchased_then_emergency():
    s = State(key="00", credit_wh=1000, subsidy_wh=500, emergency_wh=300)
    assert registers.consume(s, 400) == 400
    assert (registers.subsidy_left(s), s.credit_wh, registers.emergency_left(s)) == (100, 1000, 300)
    registers.consume(s, 600)
    assert (registers.subsidy_left(s), s.credit_wh, registers.emergency_left(s)) == (0, 500, 300)
    registers.consume(s, 700)
    assert (registers.subsidy_left(s), s.credit_wh, registers.emergency_left(s)) == (0, 0, 100)
    assert s.emergency_used_wh == 200
    assert s.energy_wh == 1700


def test_consumption_stops_when_everything_is_used_up():
    s = State(key="00", credit_wh=100, emergency_wh=50)
    assert registers.consume(s, 1000) == 150
    assert registers.available(s) == 0
    assert s.energy_wh == 150


def test_emergency_credit_lent_is_taken_back_from_the_next_recharge():
    s = State(key="00", emergency_wh=2000, emergency_used_wh=1500)
    assert registers.recharge(s, 1000) == 1000
    assert (s.credit_wh, s.emergency_used_wh) == (0, 500)
    assert registers.recharge(s, 3000) == 500
    assert (s.credit_wh, s.emergency_used_wh, registers.emergency_left(s)) == (2500, 0, 2000)


def test_subsidy_is_given_again_at_the_start_of_each_local_month():
    s = State(key="00", subsidy_wh=5000)
    assert registers.new_month(s, MARCH, -18000)
    registers.consume(s, 4000)
    assert registers.subsidy_left(s) == 1000
    end = dates.seconds(2024, 4, 1, 4, 59)  # 23:59 on 31 March in Colombia
    assert not registers.new_month(s, end, -18000)
    assert registers.subsidy_left(s) == 1000
    start = dates.seconds(2024, 4, 1, 5, 0)  # midnight in Colombia
    assert registers.new_month(s, start, -18000)
    assert registers.subsidy_left(s) == 5000


def test_unused_subsidy_does_not_pile_up():
    s = State(key="00", subsidy_wh=5000)
    registers.new_month(s, MARCH)
    registers.new_month(s, dates.seconds(2024, 5, 2))
    assert registers.subsidy_left(s) == 5000


def test_a_clock_set_back_gives_no_second_subsidy():
    s = State(key="00", subsidy_wh=5000)
    registers.new_month(s, MARCH)
    registers.consume(s, 5000)
    assert not registers.new_month(s, dates.seconds(2024, 2, 10))
    assert registers.subsidy_left(s) == 0


def test_relay_opens_only_when_all_three_registers_are_empty():
    s = State(key="00", credit_wh=0, subsidy_wh=100, emergency_wh=100)
    registers.new_month(s, MARCH)
    assert registers.relay_closed(s)
    registers.consume(s, 150)
    assert registers.relay_closed(s)
    registers.consume(s, 50)
    assert not registers.relay_closed(s)
    registers.recharge(s, 200)  # repays the 100 lent, then 100 purchased
    assert registers.relay_closed(s)


def test_relay_stays_open_on_an_uninitialised_meter():
    assert not registers.relay_closed(State(credit_wh=1000))


def test_battery_cut_has_hysteresis():
    s = State(key="00", credit_wh=1000, battery_cut=1)
    assert registers.relay_closed(s, 24500)
    assert not registers.relay_closed(s, 21900)
    assert not registers.relay_closed(s, 23000)  # above the cut, below the reconnection
    assert registers.relay_closed(s, 24000)
    assert registers.relay_closed(s, 22500)


def test_battery_cut_is_off_unless_enabled():
    s = State(key="00", credit_wh=1000)
    assert registers.relay_closed(s, 15000)
