"""Two SLA versions side by side: their definitions with what changed, and their results on a
hand-built company, every expected value worked out by hand."""

import datetime as dt

import pytest

from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.sla_versions.data import version_results, version_span
from dashboard.sla_versions.domain import ADDED, CHANGED, REMOVED, SAME, definition_rows, per_month, result_rows
from tests.companies.builders import write_config, write_table

TWO_VERSIONS = """
[[sla]]
name = "Winter"
start = 2026-01-01
end = 2026-02-28
quota = 200000

[sla.lead_definition]
mql_threshold = 50
rules = [
  { attribute = "company_size", op = ">=", value = 200, points = 30 },
  { attribute = "demo_requested", op = "=", value = true, points = 50 },
]

[sla.follow_up]
first_touch_within_hours = 4
min_attempts = 3
attempt_window_days = 10

[sla.targets]
lead_to_mql_rate = 0.5
mqls = 2
win_rate = 0.2

[[sla]]
name = "Spring"
start = 2026-03-01
end = 2026-04-30
quota = 300000

[sla.lead_definition]
mql_threshold = 60
rules = [
  { attribute = "company_size", op = ">=", value = 500, points = 30 },
  { attribute = "demo_requested", op = "=", value = true, points = 50 },
  { attribute = "webinar_attended", op = "=", value = true, points = 10 },
]

[sla.follow_up]
first_touch_within_hours = 2
min_attempts = 3
attempt_window_days = 10
holidays = "US"

[sla.targets]
lead_to_mql_rate = 0.6
mqls = 3
"""


@pytest.fixture
def config(tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    # January: 4 leads, 2 handed off; February: 2 leads, 1; March: 4 leads, 3.
    leads = []
    for month, created, handed_off in ((1, 4, 2), (2, 2, 1), (3, 4, 3)):
        for number in range(created):
            lead = {"lead_id": f"L{month}{number}", "created_at": f"2026-{month:02d}-{number + 2:02d}"}
            if number < handed_off:
                lead["mql_at"] = f"2026-{month:02d}-{number + 10:02d}"
            leads.append(lead)
    write_table(folder, "leads", leads)
    write_table(folder, "deals", [])
    return load_config(write_config(folder, ("leads", "deals"), sla=TWO_VERSIONS, data_extra="as_of = 2026-03-31"))


def test_definitions_set_side_by_side_mark_what_changed(config):
    rows = definition_rows(config.sla_named("Winter"), config.sla_named("Spring")).set_index("item")
    assert rows.loc["Quota", ["first", "second", "change"]].tolist() == ["$200k", "$300k", CHANGED]
    assert rows.loc["MQL threshold", "change"] == CHANGED
    # a rule whose value changed is one changed row; a new rule is added
    assert rows.loc["company_size >=", ["first", "second", "change"]].tolist() == [
        "200: +30 points", "500: +30 points", CHANGED]
    assert rows.loc["demo_requested =", "change"] == SAME
    assert rows.loc["webinar_attended =", ["first", "change"]].tolist() == [None, ADDED]
    assert rows.loc["First touch within", ["first", "second"]].tolist() == ["4 working hours", "2 working hours"]
    assert rows.loc["Public holidays", ["first", "second", "change"]].tolist() == ["none", "US", CHANGED]
    assert rows.loc["Win rate", ["first", "second", "change"]].tolist() == ["20.0 %", None, REMOVED]
    assert rows.loc["MQLs", ["first", "second"]].tolist() == ["2 a month", "3 a month"]
    assert rows.loc["Minimum attempts", "change"] == SAME


def test_results_judge_each_version_on_its_own_period_and_targets(config):
    database = Database(config)
    try:
        results = version_results(database, config.sla_named("Winter"), config.sla_named("Spring"),
                                  dt.date(2026, 3, 31)).set_index("measure")
    finally:
        database.close()
    # Winter, Jan-Feb (2 months): 6 leads, 3 MQLs: 50 % (target 50 %: on track); 1.5 MQLs a month
    # against 2 (more than 10 % short: off track). Spring to 31 Mar (1 month): 4 leads, 3 MQLs: 75 %
    # against 60 %; 3 MQLs a month against 3.
    lead_to_mql = results.loc["lead_to_mql_rate"]
    assert (lead_to_mql["first_actual"], lead_to_mql["first_status"]) == (0.5, "on track")
    assert (lead_to_mql["second_actual"], lead_to_mql["second_target"], lead_to_mql["second_status"]) == (
        0.75, 0.6, "on track")
    assert lead_to_mql["change"] == pytest.approx(0.25)
    mqls = results.loc["mqls"]
    assert (mqls["first_actual"], mqls["first_target"], mqls["first_status"]) == (1.5, 2, "off track")
    assert (mqls["second_actual"], mqls["second_target"], mqls["change"]) == (3, 3, 1.5)
    # no deals extract rows: won revenue is tracked and zero a month, against a quota of 100k / 150k
    assert results.loc["won_revenue", "first_target"] == pytest.approx(100_000)


def test_a_version_after_the_as_of_date_has_no_results_and_untracked_measures_are_left_out(config):
    span = version_span(config.sla_named("Spring"), dt.date(2026, 2, 15))
    assert span.end is None and span.months == 0
    rows = result_rows({"mqls": 4.0, "win_rate": None}, {"mqls": 3.0}, {}, {}, 0.1)
    assert rows["measure"].tolist() == ["mqls"]
    assert rows.loc[0, "second_actual"] is None and rows.loc[0, "change"] is None
    assert rows.loc[0, "first_status"] == "on track"


def test_counts_and_revenue_become_a_month_s_average_rates_stay():
    assert per_month({"mqls": 300.0, "won_revenue": 90.0, "win_rate": 0.2, "sales_cycle_days": 40.0}, 3) == {
        "mqls": 100.0, "won_revenue": 30.0, "win_rate": 0.2, "sales_cycle_days": 40.0}
