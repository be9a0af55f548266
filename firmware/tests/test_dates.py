from meter import dates


def test_worked_vector_tid_on_base_1993():
    assert dates.tid(dates.seconds(2004, 3, 1, 13, 55), 1993) == 0x599863


def test_base_1993_runs_out_on_the_published_minute():
    assert dates.fmt(dates.from_tid(0xFFFFFF, 1993)) == "2024-11-24 20:15"


def test_base_2014_and_2035_start_at_zero():
    assert dates.tid(dates.seconds(2014, 1, 1), 2014) == 0
    assert dates.tid(dates.seconds(2035, 1, 1, 0, 1), 2035) == 1


def test_civil_round_trip_over_leap_years_and_centuries():
    for y in (1993, 1999, 2000, 2023, 2024, 2100):
        for m in (1, 2, 3, 12):
            for d in (1, 28):
                s = dates.seconds(y, m, d, 23, 59, 59)
                assert dates.civil(s) == (y, m, d, 23, 59, 59)
    assert dates.civil(dates.seconds(2024, 2, 29) + 86400)[:3] == (2024, 3, 1)


def test_valid_date_rejects_impossible_days():
    assert dates.valid_date(2024, 2, 29)
    assert not dates.valid_date(2023, 2, 29)
    assert not dates.valid_date(2024, 13, 1)
    assert not dates.valid_date(2024, 4, 31)


def test_month_index_follows_local_time():
    s = dates.seconds(2024, 4, 1, 3, 0)  # 22:00 on 31 March in Colombia
    assert dates.month_index(s, 0) == 2024 * 12 + 3
    assert dates.month_index(s, -5 * 3600) == 2024 * 12 + 2
