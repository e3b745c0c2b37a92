"""Scorecard, headlines and trends of the monthly review: pure functions on hand-made values."""

import datetime as dt

import pandas as pd
import pytest

from dashboard.review.attainment import Attainment, Forecast
from dashboard.core.config import Team
from dashboard.review.headlines import headlines, month_texts, pace_sentence
from dashboard.review.scorecard import build_scorecard, scorecard_frame
from dashboard.review.trends import monthly_rates
from dashboard.review.view import scorecard_table, signed_points

TEAMS = [
    Team("Marketing", "marketing", ("mqls", "lead_to_mql_rate")),
    Team("Shared", "shared", ("won_revenue",)),
    Team("East", "sales", ("mql_to_sql_rate", "win_rate")),
    Team("Ops", "marketing", ("mql_to_sql_rate",)),
]
ACTUALS = {"mqls": 500, "lead_to_mql_rate": 0.2, "won_revenue": 90_000.0, "mql_to_sql_rate": 0.3, "win_rate": None,
           "sqls": 100}
TARGETS = {"mqls": 600, "lead_to_mql_rate": 0.25, "won_revenue": 100_000.0, "mql_to_sql_rate": 0.35, "sqls": 120,
           "win_rate": 0.2}
LAST_MONTH = {"mqls": 450, "lead_to_mql_rate": 0.22, "won_revenue": 80_000.0, "mql_to_sql_rate": 0.4,
              "win_rate": None, "sqls": 90}


def test_scorecard_groups_kpis_by_owner_and_judges_each_against_its_target():
    rows = build_scorecard(TEAMS, ACTUALS, TARGETS, 0.10, LAST_MONTH, None)
    assert [(row.owner, row.key) for row in rows] == [
        ("marketing", "lead_to_mql_rate"), ("marketing", "mqls"),
        ("sales", "win_rate"),
        ("shared", "mql_to_sql_rate"),  # listed by a sales and a marketing team: both answer for it
        ("shared", "won_revenue"),
        ("unassigned", "sqls"),  # has a target, no team lists it
    ]
    by_key = {row.key: row for row in rows}
    assert by_key["lead_to_mql_rate"].status == "off track"  # 20 % < 25 % × 0.9 = 22.5 %
    assert by_key["mqls"].status == "off track"  # 500 < 540
    assert by_key["won_revenue"].status == "at risk"  # 90,000 ≥ 90,000
    assert by_key["mql_to_sql_rate"].teams == ("East", "Ops")
    assert by_key["win_rate"].note == "not tracked" and by_key["win_rate"].status is None
    assert by_key["mqls"].delta_month == 50 and by_key["mqls"].delta_year is None
    assert by_key["mql_to_sql_rate"].delta_month == pytest.approx(-0.1)
    assert by_key["won_revenue"].delta_month == 10_000


def test_under_a_filter_company_wide_count_and_revenue_targets_are_not_applied():
    rows = {row.key: row for row in build_scorecard(TEAMS, ACTUALS, TARGETS, 0.10, LAST_MONTH, None, is_filtered=True)}
    assert rows["mqls"].target is None and rows["mqls"].note == "company-wide target"
    assert rows["won_revenue"].target is None and rows["won_revenue"].status is None
    assert rows["mql_to_sql_rate"].target == 0.35 and rows["mql_to_sql_rate"].status == "off track"


def test_scorecard_reads_in_each_kpis_unit():
    rows = build_scorecard(TEAMS, ACTUALS, TARGETS, 0.10, LAST_MONTH, None)
    table = scorecard_table(rows, "USD").set_index("KPI")
    assert table.loc["Lead → MQL", "vs last month"] == "-2.0 pts"  # 20 % - 22 %
    assert table.loc["MQLs", "vs last month"] == "+50"
    assert table.loc["Won revenue", "vs last month"] == "+$10k" and table.loc["Won revenue", "Target"] == "$100k"
    assert table.loc["Win rate", "Actual"] == "not tracked"
    assert signed_points(0.00001) == "0.0 pts"  # never "-0.0"
    assert list(scorecard_frame(rows)["kpi"]) == [row.key for row in rows]


def row(key, actual, target, status, last_month, unit="rate", label=None):
    from dashboard.core.kpis import KPIS
    from dashboard.review.scorecard import ScorecardRow

    return ScorecardRow(key=key, label=label or KPIS[key].label, unit=unit, owner="shared", teams=(), target=target,
                        actual=actual, status=status, last_month=last_month, year_ago=None, note="")


def attainment_of(won_to_date, quota_to_date, forecast_total=11_400_000, cutoff=dt.date(2026, 10, 31)):
    forecast = Forecast(method="pipeline", total=forecast_total, won_to_date=won_to_date, pipeline_expected=0,
                        new_deals_expected=0, horizon_days=61, windows=5, stages=(), run_rate_total=0,
                        attainment_rate=forecast_total / 12_000_000, explanation="")
    return Attainment(sla_name="H2", currency="USD", period_start=dt.date(2026, 7, 1), period_end=dt.date(2026, 12, 31),
                      cutoff=cutoff, period_quota=12_000_000, won_to_date=won_to_date, quota_to_date=quota_to_date,
                      month_won=2_000_000, month_quota=2_200_000, forecast=forecast)


def test_headlines_state_pace_forecast_the_month_and_the_rates_furthest_behind():
    att = attainment_of(7_360_000, 8_000_000)
    rows = [
        row("won_revenue", 2_000_000, 2_200_000, "at risk", 2_280_000, unit="currency"),
        row("mql_to_sql_rate", 0.33, 0.35, "at risk", 0.41),
        row("lead_to_mql_rate", 0.18, 0.22, "off track", 0.19),
        row("proposal_to_won_rate", 0.30, 0.25, "on track", 0.28),
        row("mqls", 540, 620, "off track", 600, unit="count"),
    ]
    assert headlines("October", "September", att, rows, "USD") == [
        # gap 7.36M - 8.00M = -640k, -8 % of pace
        "Won revenue in H2 is 8.0 % behind pace: $7.36M won against $8.00M expected by 31 Oct 2026, a gap of $640k.",
        # (12.00M - 7.36M) / (61 days / 30.44) = $2.32M a month
        "The forecast for 31 Dec 2026 is $11.40M, 95.0 % of the $12.00M quota; "
        "making quota takes $2.32M a month from here.",
        "October brought $2.00M of won revenue, 90.9 % of its $2.20M share of the quota; September brought $2.28M.",
        # furthest below target first: Lead → MQL 18.2 % short, MQL → SQL 5.7 % short
        "Lead → MQL fell from 19.0 % in September to 18.0 %, below the 22.0 % target.",
        "MQL → SQL fell from 41.0 % in September to 33.0 %, below the 35.0 % target.",
    ]


def test_headlines_when_every_rate_is_on_track_name_the_biggest_mover_and_short_volumes():
    att = attainment_of(8_120_000, 8_000_000)
    rows = [
        row("mql_to_sql_rate", 0.40, 0.35, "on track", 0.36),
        row("lead_to_mql_rate", 0.25, 0.22, "on track", 0.245),
        row("mqls", 540, 620, "off track", 600, unit="count"),
    ]
    lines = headlines("October", "September", att, rows, "USD")
    assert lines[0] == "Won revenue in H2 is 1.5 % ahead of pace: $8.12M won against $8.00M expected by 31 Oct 2026."
    assert "Every funnel conversion with a target is on track." in lines
    assert "MQL → SQL rose from 36.0 % in September to 40.0 %, above the 35.0 % target." in lines
    assert "MQLs: 540 against a target of 620 (12.9 % short)." in lines  # 80 / 620
    assert 3 <= len(lines) <= 5


def test_a_closed_period_reads_as_its_result():
    att = attainment_of(11_040_000, 12_000_000, cutoff=dt.date(2026, 12, 31))
    assert pace_sentence(att) == "H2 closed at $11.04M, 92.0 % of its $12.00M quota."


def test_a_running_month_is_compared_with_the_same_days():
    assert month_texts(dt.date(2026, 4, 1), dt.date(2026, 4, 10)) == ("April to 10 Apr", "1–10 March")
    assert month_texts(dt.date(2026, 3, 1), dt.date(2026, 3, 30)) == ("March to 30 Mar", "1–28 February")
    assert month_texts(dt.date(2026, 3, 1), dt.date(2026, 3, 31)) == ("March", "February")


def test_monthly_rates_are_the_step_rates_with_each_months_target():
    monthly = pd.DataFrame({
        "month_start": [dt.date(2026, 6, 1), dt.date(2026, 7, 1)],
        "sessions": [1000, 2000], "leads": [20, 50], "mqls": [5, 10], "sqls": [2, 0], "proposals": [1, 0],
        "won": [1, 0], "won_revenue": [100.0, 0.0],
    })
    tracked = dict.fromkeys(["traffic", "lead", "mql", "sql", "proposal", "won"], True)
    targets = {dt.date(2026, 6, 1): {"lead_to_mql_rate": 0.25}, dt.date(2026, 7, 1): {"lead_to_mql_rate": 0.22}}
    trend = monthly_rates(monthly, tracked, targets).set_index(["month_start", "kpi"])
    assert trend.loc[(dt.date(2026, 6, 1), "visit_to_lead_rate"), "rate"] == pytest.approx(0.02)  # 20 / 1000
    assert trend.loc[(dt.date(2026, 6, 1), "lead_to_mql_rate"), "status"] == "on track"  # 5 / 20 = 25 %
    assert trend.loc[(dt.date(2026, 7, 1), "lead_to_mql_rate"), "rate"] == pytest.approx(0.2)  # 10 / 50
    assert trend.loc[(dt.date(2026, 7, 1), "lead_to_mql_rate"), "target"] == 0.22
    assert trend.loc[(dt.date(2026, 7, 1), "lead_to_mql_rate"), "status"] == "at risk"  # 20 % ≥ 19.8 %
    assert pd.isna(trend.loc[(dt.date(2026, 7, 1), "sql_to_proposal_rate"), "rate"])  # no SQLs to divide by
    untracked = monthly_rates(monthly, {**tracked, "proposal": False}, targets)
    assert "sql_to_proposal_rate" not in set(untracked["kpi"]) and "proposal_to_won_rate" not in set(untracked["kpi"])


def test_teams_read_short_when_every_team_of_a_function_owns_the_kpi():
    from dashboard.review.scorecard import teams_label

    teams = [Team("Shared", "shared", ()), Team("East", "sales", ()), Team("West", "sales", ()),
             Team("Brand", "marketing", ()), Team("Demand", "marketing", ())]
    assert teams_label(("Shared", "East", "West"), teams) == "all sales teams, Shared"
    assert teams_label(("East", "Demand"), teams) == "Demand, East"
