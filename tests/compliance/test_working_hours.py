"""Working hours: nights, weekends, a Friday 17:59 hand-off, daylight-saving changes, and the
vectorised clock agreeing with the day-by-day one. Expected values worked out by hand.

The calendar is the sample SLA's: 09:00-18:00 New York, Monday to Friday. New York is UTC-5
in winter (EST) and UTC-4 in summer (EDT); in 2026 clocks go forward on Sunday 8 March and
back on Sunday 1 November.
"""

import datetime as dt
import itertools

import numpy as np
import pytest

from dashboard.compliance.working_hours import (
    WorkingCalendar,
    add_working_hours,
    add_working_hours_many,
    last_instant_within,
    last_instant_within_many,
    working_hours_between,
    working_hours_between_many,
)

NEW_YORK = WorkingCalendar("America/New_York", dt.time(9), dt.time(18), (0, 1, 2, 3, 4))


def utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def test_hours_inside_one_business_day_are_plain_elapsed_time():
    # Tue 2026-06-09 10:00 EDT = 14:00 UTC to 13:30 EDT = 17:30 UTC: 3.5 h
    assert working_hours_between(utc("2026-06-09 14:00"), utc("2026-06-09 17:30"), NEW_YORK) == pytest.approx(3.5)


def test_a_night_does_not_count():
    # Tue 17:00 EDT (21:00 UTC) to Wed 10:00 EDT (14:00 UTC): 1 h Tuesday + 1 h Wednesday = 2 h
    assert working_hours_between(utc("2026-06-09 21:00"), utc("2026-06-10 14:00"), NEW_YORK) == pytest.approx(2.0)


def test_a_hand_off_at_night_starts_counting_at_the_next_opening():
    # Wed 02:00 EDT (06:00 UTC) hand-off, touched 09:30 EDT (13:30 UTC): 0.5 h
    assert working_hours_between(utc("2026-06-10 06:00"), utc("2026-06-10 13:30"), NEW_YORK) == pytest.approx(0.5)
    # deadline 4 working hours later: 13:00 EDT = 17:00 UTC
    assert add_working_hours(utc("2026-06-10 06:00"), 4, NEW_YORK) == utc("2026-06-10 17:00")


def test_a_weekend_does_not_count():
    # Sat 2026-06-13 11:00 EDT (15:00 UTC) to Mon 2026-06-15 11:00 EDT (15:00 UTC): only Monday 09-11 = 2 h
    assert working_hours_between(utc("2026-06-13 15:00"), utc("2026-06-15 15:00"), NEW_YORK) == pytest.approx(2.0)
    # Fri 12:00 EDT to the next Fri 12:00 EDT: five business days of 9 h = 45 h
    assert working_hours_between(utc("2026-06-12 16:00"), utc("2026-06-19 16:00"), NEW_YORK) == pytest.approx(45.0)


def test_a_hand_off_at_17_59_on_friday_is_due_monday_at_12_59():
    # Fri 2026-06-12 17:59 EDT = 21:59 UTC; 1 minute on Friday, 3 h 59 min on Monday from 09:00:
    # due Mon 12:59 EDT = 16:59 UTC
    handed_off = utc("2026-06-12 21:59")
    assert add_working_hours(handed_off, 4, NEW_YORK) == utc("2026-06-15 16:59")
    # a touch Monday at 09:30 EDT (13:30 UTC) is 1 min + 30 min = 31 minutes in
    assert working_hours_between(handed_off, utc("2026-06-15 13:30"), NEW_YORK) == pytest.approx(31 / 60)
    # Friday evening, Saturday and Sunday add nothing: Monday 08:59 EDT is still 1 minute in
    assert working_hours_between(handed_off, utc("2026-06-15 12:59"), NEW_YORK) == pytest.approx(1 / 60)


def test_a_deadline_at_closing_time_is_that_closing_time():
    # Thu 14:00 EDT (18:00 UTC) + 4 h = Thu 18:00 EDT (22:00 UTC), not Friday 09:00
    assert add_working_hours(utc("2026-06-11 18:00"), 4, NEW_YORK) == utc("2026-06-11 22:00")


def test_a_deadline_at_closing_time_is_late_only_from_the_next_opening():
    # Fri 2026-06-12 14:00 EDT + 4 h = Fri 18:00 EDT, the close: no working time passes until Mon 09:00 EDT
    assert last_instant_within(utc("2026-06-12 18:00"), 4, NEW_YORK) == utc("2026-06-15 13:00")
    # Wed 10:00 EDT + 2 h = Wed 12:00 EDT, inside business hours: the deadline itself
    assert last_instant_within(utc("2026-06-10 14:00"), 2, NEW_YORK) == utc("2026-06-10 16:00")
    # a hand-off at night with no hours allowed: nothing passes before Wed 09:00 EDT
    assert last_instant_within(utc("2026-06-10 06:00"), 0, NEW_YORK) == utc("2026-06-10 13:00")


def test_the_spring_daylight_saving_change_moves_the_opening_in_utc():
    # Fri 2026-03-06 16:00 EST = 21:00 UTC; Mon 2026-03-09 10:00 EDT = 14:00 UTC (UTC-4 since Sunday).
    # Fri 16-18 = 2 h, Mon 09-10 = 1 h: 3 h. A fixed UTC-5 offset would say 2 h.
    assert working_hours_between(utc("2026-03-06 21:00"), utc("2026-03-09 14:00"), NEW_YORK) == pytest.approx(3.0)
    # 4 working hours after Fri 16:00 EST: 2 h Friday, then Mon 09:00 EDT + 2 h = 11:00 EDT = 15:00 UTC
    assert add_working_hours(utc("2026-03-06 21:00"), 4, NEW_YORK) == utc("2026-03-09 15:00")


def test_the_autumn_daylight_saving_change_moves_it_back():
    # Fri 2026-10-30 17:00 EDT = 21:00 UTC; Mon 2026-11-02 09:30 EST = 14:30 UTC (UTC-5 since Sunday).
    # Fri 17-18 = 1 h, Mon 09:00-09:30 = 0.5 h: 1.5 h
    assert working_hours_between(utc("2026-10-30 21:00"), utc("2026-11-02 14:30"), NEW_YORK) == pytest.approx(1.5)


def test_business_hours_across_a_clock_change_are_real_hours():
    # Open all day on Sundays too: Sunday 2026-03-08 loses its 02:00-03:00 hour in New York,
    # so 00:00-23:00 local is 22 real hours (05:00 UTC to 03:00 UTC next day).
    all_day = WorkingCalendar("America/New_York", dt.time(0), dt.time(23), (6,))
    assert working_hours_between(utc("2026-03-08 00:00"), utc("2026-03-09 12:00"), all_day) == pytest.approx(22.0)


def test_aware_input_gives_aware_output_and_reversed_ranges_are_negative():
    start = dt.datetime(2026, 6, 10, 14, 0, tzinfo=dt.timezone.utc)
    deadline = add_working_hours(start, 2, NEW_YORK)
    assert deadline == dt.datetime(2026, 6, 10, 16, 0, tzinfo=dt.timezone.utc)
    assert working_hours_between(deadline, start, NEW_YORK) == pytest.approx(-2.0)


# New York with the US public holidays and Christmas Eve closed. In 2026: Independence Day is
# observed on Friday 3 July, Thanksgiving is Thursday 26 November, Christmas Friday 25 December.
US_CLOSED = WorkingCalendar("America/New_York", dt.time(9), dt.time(18), (0, 1, 2, 3, 4), holidays_country="US",
                            closed_days=frozenset({dt.date(2026, 12, 24)}))


def test_a_hand_off_the_evening_before_thanksgiving_is_due_on_the_friday():
    # Wed 2026-11-25 17:00 EST = 22:00 UTC: 1 h on Wednesday, Thursday closed, 3 h from Friday 09:00:
    # due Fri 27 Nov 12:00 EST = 17:00 UTC. Without the holiday it would be Thursday 12:00.
    handed_off = utc("2026-11-25 22:00")
    assert add_working_hours(handed_off, 4, US_CLOSED) == utc("2026-11-27 17:00")
    assert add_working_hours(handed_off, 4, NEW_YORK) == utc("2026-11-26 17:00")
    # a touch Friday 10:00 EST (15:00 UTC) is 1 h + 1 h = 2 working hours in
    assert working_hours_between(handed_off, utc("2026-11-27 15:00"), US_CLOSED) == pytest.approx(2.0)


def test_christmas_eve_as_an_extra_closed_day_and_christmas_are_skipped():
    # Wed 2026-12-23 16:00 EST = 21:00 UTC: 2 h Wednesday; Thu 24 (closed), Fri 25 (Christmas) and
    # the weekend off; Mon 28 from 09:00 + 2 h = 11:00 EST = 16:00 UTC.
    assert add_working_hours(utc("2026-12-23 21:00"), 4, US_CLOSED) == utc("2026-12-28 16:00")
    # a hand-off on Christmas Eve itself starts counting on Monday at 09:00
    assert working_hours_between(utc("2026-12-24 15:00"), utc("2026-12-28 15:00"), US_CLOSED) == pytest.approx(1.0)
    # the same in the vectorised clock
    deadline = add_working_hours_many(np.array([utc("2026-12-24 15:00")], dtype="datetime64[us]"), 4, US_CLOSED)[0]
    assert deadline.astype(dt.datetime) == utc("2026-12-28 18:00")


def test_a_long_closure_widens_the_vectorised_clock():
    closed = frozenset(dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(60))  # to Fri 29 Jan 2027
    calendar = WorkingCalendar("UTC", dt.time(9), dt.time(17), (0, 1, 2, 3, 4), closed_days=closed)
    start = utc("2026-11-30 16:00")  # Monday: 1 h that day, then Monday 1 Feb 2027 09:00 + 1 h
    deadline = add_working_hours_many(np.array([start], dtype="datetime64[us]"), 2, calendar)[0]
    assert deadline.astype(dt.datetime) == add_working_hours(start, 2, calendar) == utc("2027-02-01 10:00")


def test_an_unknown_holiday_country_is_refused():
    with pytest.raises(ValueError, match="unknown country 'XX'"):
        WorkingCalendar("UTC", holidays_country="XX")


def test_other_calendars_use_their_own_days_and_zone():
    # Sunday-Thursday 08:00-16:00 in Dubai (UTC+4, no DST): Fri 2026-06-12 and Sat are off.
    dubai = WorkingCalendar("Asia/Dubai", dt.time(8), dt.time(16), (6, 0, 1, 2, 3))
    # Thu 2026-06-11 15:00 local (11:00 UTC) to Sun 2026-06-14 09:00 local (05:00 UTC): 1 h + 1 h
    assert working_hours_between(utc("2026-06-11 11:00"), utc("2026-06-14 05:00"), dubai) == pytest.approx(2.0)


GRID_STARTS = [
    "2026-03-06 21:00", "2026-03-06 22:59", "2026-03-07 15:00", "2026-03-08 06:30", "2026-03-09 12:59",
    "2026-06-12 21:59", "2026-06-10 06:00", "2026-10-30 21:00", "2026-11-01 05:30", "2026-12-31 23:00",
    "2026-07-02 20:00", "2026-11-25 22:00", "2026-11-26 15:00", "2026-12-23 21:00", "2026-12-24 15:00",
]
GRID_HOURS = [0, 0.25, 1, 2, 4, 8.99, 9, 24, 50]
CALENDARS = [
    NEW_YORK,
    WorkingCalendar("Europe/Berlin", dt.time(8, 30), dt.time(17), (0, 1, 2, 3, 4)),
    WorkingCalendar("America/New_York", dt.time(0), dt.time(23), (0, 1, 2, 3, 4, 5, 6)),
    WorkingCalendar("UTC", dt.time(9), dt.time(17), (0, 2, 4)),
    US_CLOSED,
]


@pytest.mark.parametrize("calendar", CALENDARS, ids=lambda c: f"{c.timezone}-{c.opens}")
def test_vectorised_and_scalar_clocks_agree_on_a_grid(calendar):
    starts = [utc(s) for s in GRID_STARTS]
    pairs = list(itertools.product(starts, GRID_HOURS))
    deadlines = add_working_hours_many(np.array([s for s, _ in pairs], dtype="datetime64[us]"),
                                       np.array([h for _, h in pairs]), calendar)
    for (start, hours), deadline in zip(pairs, deadlines):
        assert deadline.astype(dt.datetime) == add_working_hours(start, hours, calendar), (start, hours)
    ends = [utc(e) for e in GRID_STARTS]
    grid = list(itertools.product(starts, ends))
    many = working_hours_between_many(np.array([a for a, _ in grid], dtype="datetime64[us]"),
                                      np.array([b for _, b in grid], dtype="datetime64[us]"), calendar)
    for (start, end), value in zip(grid, many):
        assert value == pytest.approx(working_hours_between(start, end, calendar), abs=1e-9), (start, end)


@pytest.mark.parametrize("calendar", CALENDARS, ids=lambda c: f"{c.timezone}-{c.opens}")
def test_the_last_instant_within_is_where_more_hours_than_allowed_begin_to_pass(calendar):
    starts = [utc(s) for s in GRID_STARTS]
    pairs = list(itertools.product(starts, GRID_HOURS))
    many = last_instant_within_many(np.array([s for s, _ in pairs], dtype="datetime64[us]"),
                                    np.array([h for _, h in pairs]), calendar)
    one_us = dt.timedelta(microseconds=1)
    for (start, hours), instant in zip(pairs, many):
        last = last_instant_within(start, hours, calendar)
        assert instant.astype(dt.datetime) == last, (start, hours)
        assert working_hours_between(start, last, calendar) <= hours + 1e-12, (start, hours)
        assert working_hours_between(start, last + one_us, calendar) > hours, (start, hours)


def test_round_trip_adding_then_measuring_gives_the_hours_back():
    starts = np.array([utc(s) for s in GRID_STARTS], dtype="datetime64[us]")
    for hours in GRID_HOURS:
        deadlines = add_working_hours_many(starts, hours, NEW_YORK)
        assert working_hours_between_many(starts, deadlines, NEW_YORK) == pytest.approx(np.full(len(starts), hours))


def test_missing_instants_give_nan_and_nat():
    starts = np.array(["2026-06-10T14:00", "NaT"], dtype="datetime64[us]")
    ends = np.array(["NaT", "2026-06-10T15:00"], dtype="datetime64[us]")
    assert np.isnan(working_hours_between_many(starts, ends, NEW_YORK)).all()
    assert np.isnat(add_working_hours_many(starts, 4, NEW_YORK)[1])


def test_a_calendar_that_closes_before_it_opens_is_refused():
    with pytest.raises(ValueError, match="close after"):
        WorkingCalendar("UTC", dt.time(18), dt.time(9))
