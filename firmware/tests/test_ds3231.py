from fakehw import FakeI2C
from meter import dates
from meter.ds3231 import DS3231


def test_reads_the_bcd_registers_as_utc_seconds():
    i2c = FakeI2C(bytes((0x56, 0x34, 0x12, 0x02, 0x29, 0x02, 0x24)) + bytes(25))
    assert DS3231(i2c).now() == dates.seconds(2024, 2, 29, 12, 34, 56)


def test_set_then_read_back_and_clear_the_stop_flag():
    i2c = FakeI2C()
    i2c.mem[0x0F] = 0x88
    rtc = DS3231(i2c)
    assert rtc.lost_power()
    s = dates.seconds(2031, 12, 31, 23, 59, 58)
    rtc.set(s)
    assert rtc.now() == s
    assert not rtc.lost_power()
    assert i2c.mem[3] == 3  # 2031-12-31 is a Wednesday


def test_twelve_hour_mode_is_understood():
    i2c = FakeI2C(bytes((0, 0, 0x40 | 0x20 | 0x01, 1, 1, 1, 0x25)) + bytes(25))
    assert dates.civil(DS3231(i2c).now())[3] == 13
