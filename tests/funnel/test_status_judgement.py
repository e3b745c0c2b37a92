"""A status is only given where comparing the figure with its target means something:
maturing cohort stages are "maturing", rates above 100 % and rates across untracked stages "n/a"."""

import datetime as dt

from dashboard.funnel.domain import (
    MATURING,
    NOT_APPLICABLE,
    build_funnel,
    cohort_maturity,
    kpi_status,
    latest_mature_range,
    maturing_reason,
    status_reasons,
)
from dashboard.review.kpi_values import kpi_readings

ALL_TRACKED = dict.fromkeys(["traffic", "lead", "mql", "sql", "proposal", "won"], True)
TARGETS = {"lead_to_mql_rate": 0.22, "mql_to_sql_rate": 0.40, "sql_to_proposal_rate": 0.50,
           "proposal_to_won_rate": 0.27}


def test_a_rate_above_100_pct_is_not_called_on_track():
    # August, Enterprise: 17 SQLs and 23 proposals (135.3 %) is a count of different leads.
    steps = {step.stage: step for step in build_funnel(
        {"traffic": None, "lead": 100, "mql": 40, "sql": 17, "proposal": 23, "won": 6},
        ALL_TRACKED | {"traffic": False}, targets=TARGETS)}
    assert steps["proposal"].rate_from_previous == 23 / 17
    assert steps["proposal"].status == NOT_APPLICABLE
    assert "135.3 % is above 100 %" in steps["proposal"].status_reason
    assert steps["won"].status == "at risk"  # 6 / 23 = 26.1 %, within 10 % of the 27 % target

def test_a_maturing_cohort_judges_only_the_stages_that_are_complete():
    maturity = cohort_maturity(dt.date(2026, 10, 31), dt.date(2026, 10, 31), lead_to_won_p75_days=116)
    reason = maturing_reason(maturity)
    steps = {step.stage: step for step in build_funnel(
        {"traffic": 1000, "lead": 100, "mql": 20, "sql": 8, "proposal": 0, "won": 0}, ALL_TRACKED,
        targets=TARGETS, maturing=reason)}
    assert steps["mql"].status == "at risk"  # 20 % against 22 %: a lead is an MQL within hours
    for stage in ("sql", "proposal", "won"):
        assert steps[stage].status == MATURING
        assert "0 days since the cohort's last lead" in steps[stage].status_reason
        assert "116 days" in steps[stage].status_reason
    assert maturing_reason(cohort_maturity(dt.date(2026, 5, 31), dt.date(2026, 10, 31), 116)) == ""


def test_a_rate_across_an_untracked_stage_has_no_status_and_says_why():
    steps = {step.stage: step for step in build_funnel(
        {"traffic": None, "lead": 100, "mql": 20, "sql": None, "proposal": 9, "won": 3},
        ALL_TRACKED | {"traffic": False, "sql": False}, targets=TARGETS)}
    assert steps["proposal"].previous_stage == "mql"
    assert steps["proposal"].target is None
    assert steps["proposal"].status == NOT_APPLICABLE
    assert "not tracked" in steps["proposal"].status_reason
    lines = status_reasons(steps.values())
    assert lines == [f"MQLs → Proposals: n/a, {steps['proposal'].status_reason}."]


def test_scorecard_readings_do_not_judge_a_rate_above_100_pct():
    readings = {r.key: r for r in kpi_readings({"sql_to_proposal_rate": 1.353, "mql_to_sql_rate": 0.45},
                                               TARGETS, 0.10, ("sql_to_proposal_rate", "mql_to_sql_rate"))}
    assert readings["sql_to_proposal_rate"].status == NOT_APPLICABLE
    assert readings["sql_to_proposal_rate"].status_reason
    assert readings["mql_to_sql_rate"].status == "on track"
    assert kpi_status("days", 91, 75, False, 0.10) == ("off track", "")


def test_the_latest_mature_range_is_the_last_six_whole_months_that_have_had_time_to_close():
    # 31 Oct 2026 - 116 days = 7 Jul: June is the last whole month every lead of which is 116 days old.
    assert latest_mature_range(dt.date(2026, 10, 31), 116) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    # 31 Oct - 92 days = 31 Jul, a month end: July counts.
    assert latest_mature_range(dt.date(2026, 10, 31), 92) == (dt.date(2026, 2, 1), dt.date(2026, 7, 31))
    assert latest_mature_range(dt.date(2026, 3, 15), 10, months=3) == (dt.date(2025, 12, 1), dt.date(2026, 2, 28))
