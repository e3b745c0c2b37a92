"""Pure funnel arithmetic on hand-made counts."""

import datetime as dt

import pandas as pd
import pytest

from dashboard.funnel.domain import (
    Filters,
    build_funnel,
    cohort_maturity,
    fill_months,
    funnel_frame,
    rag_status,
    win_rate,
)

ALL_TRACKED = dict.fromkeys(["traffic", "lead", "mql", "sql", "proposal", "won"], True)
COUNTS = {"traffic": 10000, "lead": 200, "mql": 50, "sql": 15, "proposal": 8, "won": 2}


@pytest.mark.parametrize("actual, expected", [(0.35, "on track"), (0.40, "on track"), (0.32, "at risk"),
                                              (0.315, "at risk"), (0.3149, "off track")])
def test_rag_status_for_a_higher_is_better_rate(actual, expected):
    assert rag_status(actual, 0.35, higher_is_better=True, at_risk_band=0.10) == expected


@pytest.mark.parametrize("actual, expected", [(70, "on track"), (82, "at risk"), (83, "off track")])
def test_rag_status_for_a_lower_is_better_number(actual, expected):
    assert rag_status(actual, 75, higher_is_better=False, at_risk_band=0.10) == expected


def test_rag_status_without_target_is_none():
    assert rag_status(0.3, None, True, 0.1) is None


def test_build_funnel_rates_from_previous_and_first_stage():
    steps = build_funnel(COUNTS, ALL_TRACKED, targets={"mql_to_sql_rate": 0.35, "lead_to_mql_rate": 0.25})
    by_stage = {step.stage: step for step in steps}
    assert by_stage["traffic"].rate_from_previous is None
    assert by_stage["lead"].rate_from_previous == pytest.approx(0.02)
    assert by_stage["mql"].rate_from_previous == pytest.approx(0.25)
    assert by_stage["mql"].status == "on track"
    assert by_stage["sql"].rate_from_previous == pytest.approx(0.30)
    assert by_stage["sql"].status == "off track"  # 30 % < 35 % × 0.9 = 31.5 %
    assert by_stage["won"].rate_from_first == pytest.approx(0.0002)
    assert by_stage["won"].target is None


def test_build_funnel_skips_untracked_stages_and_drops_their_targets():
    tracked = {**ALL_TRACKED, "traffic": False, "sql": False, "proposal": False}
    steps = build_funnel(COUNTS, tracked, targets={"proposal_to_won_rate": 0.25})
    by_stage = {step.stage: step for step in steps}
    assert by_stage["sql"].count is None and by_stage["sql"].note == "not tracked"
    assert by_stage["lead"].rate_from_previous is None and by_stage["lead"].rate_from_first is None
    assert by_stage["won"].previous_stage == "mql"
    assert by_stage["won"].rate_from_previous == pytest.approx(2 / 50)
    assert by_stage["won"].rate_from_first == pytest.approx(2 / 200)
    assert by_stage["won"].target is None and by_stage["won"].status == "n/a"  # no target across a gap


def test_build_funnel_with_a_zero_stage_gives_no_rate_after_it():
    steps = build_funnel({**COUNTS, "sql": 0, "proposal": 0, "won": 0}, ALL_TRACKED)
    assert steps[4].rate_from_previous is None  # 0 proposals from 0 SQLs
    assert steps[3].rate_from_previous == 0.0


def test_build_funnel_team_filter_cannot_split_traffic_or_new_leads():
    steps = build_funnel(COUNTS, ALL_TRACKED, Filters(team="East"))
    assert [step.note for step in steps[:3]] == ["not split by team", "not split by team", ""]
    assert steps[2].rate_from_previous is None and steps[3].rate_from_previous == pytest.approx(0.3)


def test_funnel_frame_has_one_row_per_stage():
    frame = funnel_frame(build_funnel(COUNTS, ALL_TRACKED))
    assert frame["stage"].tolist() == ["Sessions", "Leads", "MQLs", "SQLs", "Proposals", "Won deals"]
    assert frame.loc[2, "measured_from"] == "Leads"


def test_cohort_maturity_compares_days_observed_with_the_cycle():
    assert cohort_maturity(dt.date(2026, 9, 30), dt.date(2026, 10, 31), 90.0).is_mature is False
    assert cohort_maturity(dt.date(2026, 6, 30), dt.date(2026, 10, 31), 90.0).is_mature is True
    assert cohort_maturity(dt.date(2026, 9, 30), dt.date(2026, 10, 31), None).is_mature is True


def test_win_rate_is_none_when_nothing_closed():
    assert win_rate(0, 0) is None
    assert win_rate(1, 3) == 0.25


def test_fill_months_adds_empty_months_as_zero():
    frame = pd.DataFrame({"month_start": [dt.date(2026, 1, 1), dt.date(2026, 3, 1)], "won": [2, 5]})
    filled = fill_months(frame, dt.date(2026, 1, 1), dt.date(2026, 4, 15))
    assert filled["month_start"].tolist() == [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]
    assert filled["won"].tolist() == [2, 0, 5, 0]


def test_filters_read_in_the_configs_display_names_while_their_parameters_keep_the_raw_values():
    names = {"paid_search": "Paid search", "enterprise": "Enterprise"}
    filters = Filters(channel="paid_search", segment="enterprise", team="Sales East")
    assert filters.describe(lambda dimension, value: names[value]) == "Paid search, Enterprise, Sales East"
    assert filters.describe() == "paid_search, enterprise, Sales East"
    assert filters.params() == {"channel": "paid_search", "segment": "enterprise", "team": "Sales East"}
    assert Filters().describe(lambda dimension, value: names[value]) == "all channels, segments and teams"
