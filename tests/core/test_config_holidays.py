"""Holidays in [sla.follow_up]: a country, optionally a subdivision, and extra closed days reach the
working-hours clock; each bad value is reported naming its key."""

import datetime as dt

import pytest

from dashboard.compliance.working_hours import WorkingCalendar
from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config

SAMPLE = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
WORKING_DAYS = 'working_days = ["Mon", "Tue", "Wed", "Thu", "Fri"]\n'


def with_follow_up(extra: str) -> str:
    """The sample with `extra` lines in its last [sla.follow_up] block (FY2026 H2's)."""
    head, found, tail = SAMPLE.rpartition(WORKING_DAYS)
    assert found, "the sample's last [sla.follow_up] block changed"
    return head + WORKING_DAYS + extra + "\n" + tail


def load(tmp_path, text):
    path = tmp_path / "sla_config.toml"
    path.write_text(text.replace('folder = "data/sample"', f'folder = "{DEFAULT_CONFIG_PATH.parent / "data/sample"}"'),
                    encoding="utf-8")
    return load_config(path)


def problems(tmp_path, text):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return caught.value.problems


def test_holidays_and_extra_closed_days_reach_the_working_calendar(tmp_path):
    config = load(tmp_path, with_follow_up('holidays = "US"\nholidays_subdivision = "NY"\n'
                                           "extra_closed_days = [2026-12-31, 2026-12-24]"))
    follow_up = config.sla_named("FY2026 H2").follow_up
    assert (follow_up.holidays_country, follow_up.holidays_subdivision) == ("US", "NY")
    assert follow_up.extra_closed_days == (dt.date(2026, 12, 24), dt.date(2026, 12, 31))
    calendar = WorkingCalendar.from_follow_up(follow_up)
    assert calendar.business_day(dt.date(2026, 11, 26)) is None  # Thanksgiving
    assert calendar.business_day(dt.date(2026, 12, 24)) is None  # an extra closed day
    assert calendar.business_day(dt.date(2026, 11, 27)) is not None  # the Friday after is a working day
    assert WorkingCalendar.from_follow_up(config.sla_named("FY2026 H1").follow_up).business_day(dt.date(2026, 5, 25))


@pytest.mark.parametrize("extra, expected", [
    ('holidays = "XX"', "follow_up.holidays: unknown country 'XX'"),
    ('holidays = "US"\nholidays_subdivision = "ZZ"', "follow_up.holidays_subdivision: US has no subdivision 'ZZ'"),
    ('holidays_subdivision = "NY"', "follow_up.holidays_subdivision: needs its country"),
    ('extra_closed_days = ["24 Dec"]', "follow_up.extra_closed_days: must be a list of dates"),
])
def test_a_bad_holiday_setting_names_its_key(tmp_path, extra, expected):
    found = problems(tmp_path, with_follow_up(extra))
    assert any(expected in problem for problem in found), found
