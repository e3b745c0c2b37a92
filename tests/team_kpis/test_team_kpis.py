"""Team KPIs on the hand-built company in conftest.py (March 2026), with teams added to its
config; expected values worked out by hand from the rows in conftest.py.

The minimal SLA: quota 1,200,000 for 2026 spread evenly, so 100,000 a month; targets
lead→MQL 0.5 and MQL→SQL 0.6; first touch within 4 working hours (09:00-17:00 UTC, Mon-Fri),
3 attempts within 10 days. The data is as of 2026-04-10 (D6 closes then).
"""

import datetime as dt

import pandas as pd
import pytest

from dashboard.core.config import ConfigError, Team, load_config
from dashboard.funnel.domain import Filters
from dashboard.team_kpis.data import (
    TeamKpisError,
    breakdown_rates,
    find_team,
    kpi_keys,
    quota_share,
    sort_leaderboard,
    team_kpis_data,
)
from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))

TEAMS = """
[[teams]]
name = "Marketing"
function = "marketing"
kpis = ["leads", "mqls"]

[[teams]]
name = "Shared"
function = "shared"
kpis = ["won_revenue", "win_rate"]

[[teams]]
name = "East"
function = "sales"
quota_share = 0.6
kpis = ["mql_to_sql_rate", "first_touch_within_sla_rate"]

[[teams]]
name = "West"
function = "sales"
kpis = ["mql_to_sql_rate"]
"""


@pytest.fixture
def teams_company(tmp_path):
    database = build_database(
        tmp_path / "extracts",
        {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES},
        extra=TEAMS,
    )
    yield database
    database.close()


def readings(items) -> dict:
    return {reading.key: reading for reading in items}


def test_quota_shares_come_from_the_config_or_split_what_is_left():
    teams = (Team("M", "marketing", ()), Team("S", "shared", ()), Team("A", "sales", (), 0.5),
             Team("B", "sales", ()), Team("C", "sales", ()))
    assert quota_share(teams, teams[2]) == (0.5, True)
    assert quota_share(teams, teams[3]) == (0.25, False)  # (1 - 0.5) / 2 teams without a share
    assert quota_share(teams, teams[1]) == (1.0, True)  # the shared team answers for the whole quota
    assert quota_share(teams, teams[0]) == (None, True)  # marketing carries no revenue quota


def test_quota_shares_that_add_up_to_more_than_one_are_refused(tmp_path):
    database = build_database(tmp_path / "ok", {"leads": LEADS, "deals": DEALS}, extra=TEAMS)
    path = database.config.path
    database.close()
    path.write_text(path.read_text().replace('kpis = ["mql_to_sql_rate"]\n', 'kpis = ["mql_to_sql_rate"]\nquota_share = 0.5\n'))
    with pytest.raises(ConfigError, match="add up to 1.10"):
        load_config(path)
    path.write_text(path.read_text().replace('function = "marketing"\n', 'function = "marketing"\nquota_share = 0.1\n'))
    with pytest.raises(ConfigError, match=r"teams\[1\].quota_share: only a sales team"):
        load_config(path)


def test_a_team_shows_its_config_kpis_then_its_functions_then_the_shared_ones(teams_company):
    config = teams_company.config
    own, shared = kpi_keys(config, find_team(config, "East"))
    assert own[:2] == ("mql_to_sql_rate", "first_touch_within_sla_rate")
    assert "won_revenue" in own and "min_attempts_met_rate" in own
    # a sales team's own win rate is its own deals'; the shared one is the company's: both shown
    assert shared == ("won_revenue", "win_rate")
    own, shared = kpi_keys(config, find_team(config, "Marketing"))
    assert own[:2] == ("leads", "mqls") and shared == ("won_revenue", "win_rate")
    own, shared = kpi_keys(config, find_team(config, "Shared"))
    assert own == ("won_revenue", "win_rate") and shared == ()


def test_an_unknown_team_is_named_with_the_teams_that_exist(teams_company):
    with pytest.raises(TeamKpisError, match="no team named 'North'.*'Marketing', 'Shared', 'East', 'West'"):
        find_team(teams_company.config, "North")


def test_sales_team_kpis_for_march(teams_company):
    data = team_kpis_data(teams_company, "East", *MARCH)
    own = readings(data.own)
    # East = R1: D1 won 03-25 for 10,000; quota share 0.6 of 100,000 = 60,000; 10k < 54k: off track
    assert own["won_revenue"].actual == 10000 and own["won_revenue"].target == pytest.approx(60000)
    assert own["won_revenue"].status == "off track"
    # R1's MQLs in March L1 (03-02), L2 (03-03); SQL L1 (03-05): 1/2 = 0.5 < 0.54: off track
    assert own["mql_to_sql_rate"].actual == pytest.approx(0.5) and own["mql_to_sql_rate"].status == "off track"
    # L1 touched Mon 10:00 (1 working hour after 00:00 hand-off), L2 never: 1 of 2 within 4 h
    assert own["first_touch_within_sla_rate"].actual == pytest.approx(0.5)
    assert data.filters.team == "East" and data.quota == pytest.approx(60000)
    assert data.monthly["month_start"].unique().tolist() == [dt.date(2026, 3, 1)]
    revenue = data.monthly.set_index(["scope", "kpi"])
    assert revenue.loc[("team", "won_revenue"), "actual"] == 10000 and not revenue.loc[("team", "won_revenue"), "is_partial"]
    assert revenue.loc[("shared", "won_revenue"), "actual"] == 37000  # the company's, for comparison


def test_west_without_a_quota_share_takes_what_east_leaves(teams_company):
    data = team_kpis_data(teams_company, "West", *MARCH)
    assert (data.quota_share, data.quota_share_is_set) == (pytest.approx(0.4), False)
    assert any("no quota_share" in note for note in data.notes)
    # West = R2: D2 (20,000, 03-05) and D4 (7,000, 03-31) won; quota 0.4 x 100,000 = 40,000
    assert readings(data.own)["won_revenue"].actual == 27000 and data.quota == pytest.approx(40000)


def test_shared_kpis_are_company_wide_against_the_whole_quota(teams_company):
    data = team_kpis_data(teams_company, "Marketing", *MARCH)
    shared = readings(data.shared)
    # D1 10,000 + D2 20,000 + D4 7,000 = 37,000 of 100,000; won 3 of 4 closed (D5 lost)
    assert shared["won_revenue"].actual == 37000 and shared["won_revenue"].target == pytest.approx(100000)
    assert shared["win_rate"].actual == pytest.approx(0.75)
    own = readings(data.own)
    assert own["leads"].actual == 5 and own["mqls"].actual == 3
    assert own["lead_to_mql_rate"].target == 0.5 and own["lead_to_mql_rate"].status == "on track"  # 3/5 = 0.6


def test_marketing_breakdown_by_channel_and_segment(teams_company):
    data = team_kpis_data(teams_company, "Marketing", *MARCH)
    channels = data.by_channel.set_index("value")
    # paid: sessions 200 (03-01); leads L5, L6; MQLs L1, L5; SQLs L1, L5; won D1 (10,000)
    assert channels.loc["paid", ["sessions", "leads", "mqls", "sqls", "won_deals", "won_revenue"]].tolist() == [
        200, 2, 2, 2, 1, 10000]
    assert channels.loc["paid", "visit_to_lead_rate"] == pytest.approx(0.01)  # 2 / 200
    # organic: sessions 300 + 50; leads L2, L3, L8; MQL L2; no SQL; won D2 through L7 (20,000)
    assert channels.loc["organic", ["sessions", "leads", "mqls", "sqls", "won_revenue"]].tolist() == [350, 3, 1, 0, 20000]
    assert channels.loc["organic", "mql_to_sql_rate"] == 0.0
    segments = data.by_segment.set_index("value")
    # SMB: leads L2, L6; MQLs L1, L2; SQL L1; won D1 and D2 (L7 is SMB) = 30,000
    assert segments.loc["SMB", ["leads", "mqls", "sqls", "won_deals", "won_revenue"]].tolist() == [2, 2, 1, 2, 30000]
    assert segments.loc["Enterprise", ["leads", "mqls", "sqls"]].tolist() == [2, 1, 1]  # L3, L5; L5; L5
    assert "sessions" not in data.by_segment  # traffic has no segment


def test_leaderboard_per_rep(teams_company):
    board = team_kpis_data(teams_company, "Shared", *MARCH).leaderboard.set_index("rep_id")
    ada, bo = board.loc["R1"], board.loc["R2"]
    # Ada: MQLs L1, L2, SQL L1; D1 proposal 03-10, won 10,000 after 19 days (03-06 -> 03-25)
    assert (ada["mqls"], ada["sqls"], ada["proposals"], ada["won_deals"], ada["lost_deals"]) == (2, 1, 1, 1, 0)
    assert (ada["won_revenue"], ada["win_rate"], ada["sales_cycle_days"]) == (10000, 1.0, pytest.approx(19.0))
    # first touch: L1 within (1 h), L2 never touched: 1 of 2; median of touched hours = 1
    assert ada["first_touch_within_rate"] == pytest.approx(0.5) and ada["median_hours_to_first_touch"] == pytest.approx(1.0)
    # attempts: L1 converted 03-05 inside its window (met); L2's window closed with none: 1 of 2
    assert ada["attempts_met_rate"] == pytest.approx(0.5) and ada["never_touched"] == 1
    # Bo: MQL L5 and its SQL; D3 proposal 03-28; won D2 20,000 (43 days) and D4 7,000 (58.5 days), lost D5
    assert (bo["mqls"], bo["sqls"], bo["proposals"], bo["won_deals"], bo["lost_deals"]) == (1, 1, 1, 2, 1)
    assert bo["won_revenue"] == 27000 and bo["avg_deal_size"] == 13500
    assert bo["win_rate"] == pytest.approx(2 / 3) and bo["sales_cycle_days"] == pytest.approx((43 + 58.5) / 2)
    # L5 was never touched, yet met the attempt rule by converting (03-20) before its window closed (03-21)
    assert bo["first_touch_within_rate"] == 0.0 and bo["attempts_met_rate"] == 1.0


def test_a_sales_teams_leaderboard_holds_only_its_reps(teams_company):
    data = team_kpis_data(teams_company, "East", *MARCH, filters=Filters(team="West"))
    assert data.leaderboard["rep_id"].tolist() == ["R1"]
    assert any("replaced by East" in note for note in data.notes)


def test_leaderboard_sorts_best_first_by_whitelisted_columns_only():
    board = pd.DataFrame({
        "rep_id": ["A", "B", "C", "D"],
        "won_revenue": [100.0, None, 300.0, 100.0],
        "median_hours_to_first_touch": [2.0, 0.5, None, 1.0],
    })
    assert sort_leaderboard(board, "won_revenue")["rep_id"].tolist() == ["C", "A", "D", "B"]  # ties by id, gaps last
    assert sort_leaderboard(board, "median_hours_to_first_touch")["rep_id"].tolist() == ["B", "D", "A", "C"]
    with pytest.raises(TeamKpisError, match="cannot sort the leaderboard by 'name; drop table'"):
        sort_leaderboard(board, "name; drop table")


def test_breakdown_rates_leave_sessions_out_when_filters_cannot_split_them():
    frame = pd.DataFrame({"dimension": ["channel"], "value": [None], "sessions": [1000], "leads": [20], "mqls": [0],
                          "sqls": [0], "recycled": [0], "disqualified": [0], "won_deals": [0], "won_revenue": [0]})
    plain = breakdown_rates(frame).iloc[0]
    assert plain["visit_to_lead_rate"] == pytest.approx(0.02) and plain["value"] == "(none)"
    assert pd.isna(plain["mql_to_sql_rate"])  # no MQLs: no rate, not 0 %
    assert pd.isna(breakdown_rates(frame, Filters(segment="SMB")).iloc[0]["visit_to_lead_rate"])


def assert_same_values(expected: dict, actual: dict, where: str) -> None:
    for key, value in expected.items():
        if value is None:
            assert actual[key] is None, (where, key, actual[key])
        else:
            assert actual[key] == pytest.approx(value), (where, key, value, actual[key])


@pytest.mark.parametrize("filters", [Filters(), Filters(team="East"), Filters(channel="paid"), Filters(segment="SMB")],
                         ids=["all", "team", "channel", "segment"])
def test_monthly_trend_values_agree_with_the_funnel_kpis_of_each_month(teams_company, filters):
    # The trend reads every month from one grouped query; each month must equal funnel_kpis of that month.
    from dashboard.review.attainment import month_end
    from dashboard.data import date_range_params
    from dashboard.review.kpi_values import funnel_kpis
    from dashboard.team_kpis.data import monthly_funnel_kpis

    months = [dt.date(2026, m, 1) for m in (1, 2, 3, 4)]
    counts = teams_company.query("kpi_counts_by_month", {
        **date_range_params(months[0], month_end(months[-1])), **filters.params()})
    monthly = monthly_funnel_kpis(counts, teams_company.catalog, filters, months)
    for month in months:
        assert_same_values(funnel_kpis(teams_company, month, month_end(month), filters), monthly[month], month)
    # March by hand: sessions 550, leads 5, MQLs 3, SQLs 2, won D1, D2, D4 = 37,000, lost D5
    if filters == Filters():
        march = monthly[dt.date(2026, 3, 1)]
        assert (march["sessions"], march["leads"], march["mqls"], march["won_revenue"]) == (550, 5, 3, 37000)
        assert march["win_rate"] == pytest.approx(0.75) and march["sales_cycle_days"] == pytest.approx(43.0)


def test_monthly_trend_values_agree_when_stages_are_not_tracked(tmp_path):
    from dashboard.review.attainment import month_end
    from dashboard.data import date_range_params
    from dashboard.review.kpi_values import funnel_kpis
    from dashboard.team_kpis.data import monthly_funnel_kpis

    database = build_database(tmp_path / "partial", {"reps": REPS, "leads": LEADS, "deals": DEALS},
                              drop={"deals": ("proposal_at", "amount")})
    months = [dt.date(2026, 3, 1), dt.date(2026, 4, 1)]
    counts = database.query("kpi_counts_by_month", {**date_range_params(months[0], month_end(months[-1])),
                                                    **Filters().params()})
    monthly = monthly_funnel_kpis(counts, database.catalog, Filters(), months)
    for month in months:
        assert_same_values(funnel_kpis(database, month, month_end(month)), monthly[month], month)
    assert monthly[months[0]]["won_revenue"] is None and monthly[months[0]]["sql_to_proposal_rate"] is None
    database.close()


def test_under_a_sidebar_filter_the_shared_counts_and_revenue_take_no_company_target(teams_company):
    """The sidebar's team East slices the shared KPIs to East's 10,000: against the company's 100,000
    it read "off track" in red (seen in the 1440 px screenshot); the rates keep their targets."""
    data = team_kpis_data(teams_company, "East", *MARCH, Filters(team="East"))
    shared = readings(data.shared)
    assert shared["won_revenue"].actual == 10000
    assert shared["won_revenue"].target is None and shared["won_revenue"].status is None
    monthly = data.monthly.set_index(["scope", "kpi"])
    assert pd.isna(monthly.loc[("shared", "won_revenue"), "target"])
    assert pd.isna(monthly.loc[("shared", "won_revenue"), "status"])
    unfiltered = readings(team_kpis_data(teams_company, "East", *MARCH).shared)
    assert unfiltered["won_revenue"].target == pytest.approx(100000)  # company-wide: the whole quota
