"""Each funnel query on the hand-built company in conftest.py; expected values by hand."""

import datetime as dt

import pandas as pd
import pytest

from dashboard.data import date_range_params
from dashboard.funnel.domain import Filters
from dashboard.funnel import data as metrics

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
ALL = {"channel": None, "segment": None, "team": None, "transition": None}


def period_counts(database, start, end, **filters):
    params = {**date_range_params(start, end), **ALL, **filters}
    return database.query("funnel_stage_counts_period", params).iloc[0].to_dict()


def test_period_counts_stage_events_inside_the_range_including_both_edges(company):
    row = period_counts(company, *MARCH)
    # sessions 3/1 200+300, 3/31 50; leads L2 (3/1 00:00) and L3 (3/31 23:59:59) are edges
    assert row == {"sessions": 550, "leads": 5, "mqls": 3, "sqls": 2, "proposals": 2, "won": 3,
                   "sales_sourced_won": 1}


def test_period_counts_filtered_by_channel_follow_deals_through_their_lead(company):
    row = period_counts(company, *MARCH, channel="paid")
    # D1 (L1 paid) won, D3 (L5 paid) proposal; D2/D5 belong to organic L7; D4 has no lead
    assert row == {"sessions": 200, "leads": 2, "mqls": 2, "sqls": 2, "proposals": 2, "won": 1,
                   "sales_sourced_won": 0}


def test_period_counts_filtered_by_team_use_the_owner_rep(company):
    row = period_counts(company, *MARCH, team="West")
    # R2 owns L5 and deals D2, D3, D4, D5: proposals D3; won D2 and D4 (sales-sourced)
    assert row == {"sessions": 550, "leads": 1, "mqls": 1, "sqls": 1, "proposals": 1, "won": 2,
                   "sales_sourced_won": 1}


def test_period_counts_for_a_range_with_no_events_are_zero(company):
    row = period_counts(company, dt.date(2025, 1, 1), dt.date(2025, 1, 31))
    assert row == {"sessions": 0, "leads": 0, "mqls": 0, "sqls": 0, "proposals": 0, "won": 0,
                   "sales_sourced_won": 0}


def cohort_counts(database, start, end, as_of, **filters):
    params = {**date_range_params(start, end), **ALL, **filters,
              "as_of_end": date_range_params(as_of, as_of)["end"]}
    return database.query("funnel_stage_counts_cohort", params).iloc[0].to_dict()


def test_cohort_follows_leads_created_in_range_to_the_as_of_date(company):
    row = cohort_counts(company, *MARCH, as_of=dt.date(2026, 4, 30))
    # L2, L3, L5, L6, L8; MQL L2, L5, L8 (4/3); SQL L5; proposal L5 via D3; nobody won yet
    assert row == {"sessions": 550, "leads": 5, "mqls": 3, "sqls": 1, "proposals": 1, "won": 0}


def test_cohort_ignores_events_after_the_as_of_date(company):
    row = cohort_counts(company, *MARCH, as_of=dt.date(2026, 3, 31))
    assert row["mqls"] == 2  # L8's MQL on 4/3 has not happened yet


def test_cohort_counts_a_lead_once_however_many_deals_it_won(company):
    row = cohort_counts(company, dt.date(2026, 1, 1), dt.date(2026, 2, 28), as_of=dt.date(2026, 4, 30))
    # L7 (D2 won, D5 lost) and L1 (D1 and D6 won)
    assert row == {"sessions": 100, "leads": 2, "mqls": 2, "sqls": 2, "proposals": 2, "won": 2}


def test_cohort_with_no_leads_still_reports_sessions(company):
    row = cohort_counts(company, dt.date(2026, 2, 28), dt.date(2026, 2, 28), as_of=dt.date(2026, 4, 30))
    assert row == {"sessions": 100, "leads": 0, "mqls": 0, "sqls": 0, "proposals": 0, "won": 0}


def test_won_revenue_summary_counts_deals_closed_in_range(company):
    row = company.query("won_revenue_summary", {**date_range_params(*MARCH), **ALL}).iloc[0]
    assert int(row["won_deals"]) == 3  # D1, D2, D4
    assert int(row["lost_deals"]) == 1  # D5
    assert float(row["won_revenue"]) == 37000.0
    assert float(row["avg_deal_size"]) == pytest.approx(37000 / 3)
    assert int(row["sales_sourced_won_deals"]) == 1
    assert float(row["sales_sourced_won_revenue"]) == 7000.0
    assert int(row["won_deals_without_amount"]) == 0


def test_one_transition_asked_for_is_the_same_row_as_among_all_of_them(company):
    everything = metrics.stage_durations(company, *MARCH).set_index("transition")
    cycle = metrics.stage_durations(company, *MARCH, transition="deal_to_won")
    assert cycle["transition"].tolist() == ["deal_to_won"]
    # deal_to_won: 19, 43 and 58.5 days (conftest.py), median 43
    assert cycle.iloc[0]["median_days"] == pytest.approx(43.0) and cycle.iloc[0]["records"] == 3
    pd.testing.assert_series_equal(cycle.set_index("transition").loc["deal_to_won"], everything.loc["deal_to_won"])
    with pytest.raises(ValueError, match="unknown transition 'deal_to_lost'"):
        metrics.stage_durations(company, *MARCH, transition="deal_to_lost")


def test_revenue_summary_gives_win_rate_from_won_and_lost(company):
    summary = metrics.revenue_summary(company, *MARCH)
    assert summary.win_rate == pytest.approx(0.75)
    assert summary.won_revenue == 37000.0


def test_stage_durations_give_median_and_75th_percentile_days(company):
    frame = company.query("stage_durations", {**date_range_params(*MARCH), **ALL}).set_index("transition")
    expected = {
        # transition: (records, median, p75) from the rows in conftest.py
        "lead_to_mql": (3, 2.0, 6.0),  # 10, 2, 1 days
        "mql_to_sql": (2, 6.0, 7.5),  # 3, 9
        "sql_to_proposal": (2, 6.5, 7.25),  # 5, 8
        "proposal_to_won": (3, 23.0, 33.75),  # 15, 23, 44.5
        "deal_to_won": (3, 43.0, 50.75),  # 19, 43, 58.5
        "mql_to_won": (2, 40.5, 49.25),  # 23, 58 (D4 has no lead)
        "lead_to_won": (2, 46.0, 52.5),  # 33, 59 (D4 has no lead)
    }
    assert list(frame.index) == list(expected)
    for transition, (records, median, p75) in expected.items():
        assert frame.loc[transition, "records"] == records, transition
        assert frame.loc[transition, "median_days"] == pytest.approx(median), transition
        assert frame.loc[transition, "p75_days"] == pytest.approx(p75), transition
        assert frame.loc[transition, "out_of_order_count"] == 0


def test_monthly_funnel_fills_months_and_sums_revenue(company):
    frame = metrics.monthly_funnel(company, dt.date(2026, 1, 1), dt.date(2026, 5, 31))
    rows = frame.set_index("month_start").astype("Int64").to_dict("index")
    assert rows[dt.date(2026, 1, 1)] == {"sessions": 0, "leads": 1, "mqls": 1, "sqls": 1, "proposals": 0,
                                         "won": 0, "won_revenue": 0}
    assert rows[dt.date(2026, 2, 1)] == {"sessions": 100, "leads": 1, "mqls": 0, "sqls": 0, "proposals": 2,
                                         "won": 0, "won_revenue": 0}
    assert rows[dt.date(2026, 3, 1)] == {"sessions": 550, "leads": 5, "mqls": 3, "sqls": 2, "proposals": 2,
                                         "won": 3, "won_revenue": 37000}
    assert rows[dt.date(2026, 4, 1)] == {"sessions": 999, "leads": 1, "mqls": 2, "sqls": 0, "proposals": 1,
                                         "won": 1, "won_revenue": 4000}
    assert rows[dt.date(2026, 5, 1)] == {"sessions": 0, "leads": 0, "mqls": 0, "sqls": 0, "proposals": 0,
                                         "won": 0, "won_revenue": 0}


def test_as_of_is_the_latest_event_in_the_data(company):
    assert metrics.latest_by_table(company) == {
        "traffic": dt.date(2026, 4, 1), "leads": dt.date(2026, 4, 3),
        "touches": dt.date(2026, 3, 2), "deals": dt.date(2026, 4, 10),
    }
    assert metrics.data_as_of(company) == dt.date(2026, 4, 10)


def test_filter_values_list_channels_segments_and_teams(company):
    assert metrics.filter_values(company) == {
        "channel": ["organic", "paid"],
        "segment": ["Enterprise", "Mid-Market", "SMB"],
        "team": ["East", "West"],
    }


def test_funnel_period_view_rates_and_targets(company):
    result = metrics.funnel(company, *MARCH, targets={"lead_to_mql_rate": 0.5, "mql_to_sql_rate": 0.6})
    steps = {step.stage: step for step in result.steps}
    assert [steps[s].count for s in ("traffic", "lead", "mql", "sql", "proposal", "won")] == [550, 5, 3, 2, 2, 3]
    assert steps["mql"].rate_from_previous == pytest.approx(3 / 5)
    assert steps["mql"].status == "on track"  # 60 % against 50 %
    assert steps["sql"].rate_from_previous == pytest.approx(2 / 3)
    assert steps["won"].rate_from_first == pytest.approx(3 / 550)
    assert result.sales_sourced_won == 1


def test_funnel_with_segment_filter_marks_traffic_not_split(company):
    result = metrics.funnel(company, *MARCH, Filters(segment="SMB"))
    traffic, lead = result.steps[0], result.steps[1]
    assert traffic.count is None and traffic.note == "not split by segment"
    assert lead.count == 2 and lead.rate_from_previous is None  # L2 and L6; nothing to convert from


def test_cohort_view_flags_an_immature_cohort(company):
    result = metrics.funnel(company, *MARCH, view="cohort", as_of=dt.date(2026, 4, 10))
    # lead→won over all history to 4/10: D1 33, D6 49, D2 59 days → 75th percentile 54
    assert result.maturity.days_observed == 10
    assert result.maturity.is_mature is False
    assert result.maturity.days_needed == pytest.approx(54.0)


def test_nulls_and_out_of_order_records_are_counted_apart(tmp_path):
    from tests.companies.builders import build_database
    from tests.companies.hand_built import LEADS, REPS

    deals = [
        # won without an amount: counted as a won deal, kept out of revenue, reported
        {"deal_id": "N1", "lead_id": "L1", "owner_id": "R1", "created_at": "2026-03-06",
         "closed_at": "2026-03-20", "status": "won", "amount": None},
        # won on 3/1, before its lead L8 was created on 3/20: out of order for lead→won
        {"deal_id": "N2", "lead_id": "L8", "owner_id": "R1", "created_at": "2026-02-25",
         "closed_at": "2026-03-01", "status": "won", "amount": 800},
    ]
    leads = LEADS + [{"lead_id": "L0", "created_at": "2026-03-02"}]  # no channel, segment or owner
    database = build_database(tmp_path / "extracts", {"reps": REPS, "leads": leads, "deals": deals})
    row = database.query("won_revenue_summary", {**date_range_params(*MARCH), **ALL}).iloc[0]
    assert (int(row["won_deals"]), float(row["won_revenue"]), int(row["won_deals_without_amount"])) == (2, 800.0, 1)
    assert float(row["avg_deal_size"]) == 800.0
    durations = database.query("stage_durations", {**date_range_params(*MARCH), **ALL}).set_index("transition")
    assert durations.loc["lead_to_won", "out_of_order_count"] == 1
    assert durations.loc["lead_to_won", "records"] == 1  # N1: L1 2/20 → 3/20
    assert durations.loc["lead_to_won", "median_days"] == pytest.approx(28.0)
    # L0 has no channel: counted under all channels, under none of them
    assert period_counts(database, *MARCH)["leads"] == 6
    assert period_counts(database, *MARCH, channel="organic")["leads"] == 3
    assert period_counts(database, *MARCH, channel="paid")["leads"] == 2
