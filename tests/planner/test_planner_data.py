"""The planner's queries and inputs on the hand-built company of conftest.py, and the `plan`
command. Won deals (closed, lead created / MQL / SQL / proposal):
    D1 L1  2026-03-25  lead 02-20, MQL 03-02, SQL 03-05, proposal 03-10  SMB   10,000
    D2 L7  2026-03-05  lead 01-05, MQL 01-06, SQL 01-20, proposal 02-10  SMB   20,000
    D4 --  2026-03-31 12:00  sales-sourced, proposal 02-15                       7,000
    D6 L1  2026-04-10  lead 02-20, MQL 03-02, SQL 03-05, proposal 04-02  SMB    4,000
"""

import datetime as dt
import json

import pytest

from dashboard.planner import domain as planner
from dashboard.cli import main
from dashboard.data import date_range_params
from dashboard.funnel.domain import Filters
from dashboard.planner.data import PlanError, plan_for, planner_inputs
from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS
from tests.funnel.test_funnel_page import hand_built_config  # noqa: F401  (fixture)

ALL = {"channel": None, "segment": None, "team": None}


def test_lag_months_count_won_deals_by_calendar_months_back_from_the_win(company):
    frame = company.query("planner_won_lag_months", {**date_range_params(dt.date(2026, 1, 1), dt.date(2026, 4, 30)), **ALL})
    got = {(r.stage, r.segment if isinstance(r.segment, str) else None, r.months_before_won): r.won_deals
           for r in frame.itertuples()}
    assert got == {
        # Leads: D1 Feb → Mar = 1; D2 Jan → Mar = 2; D6 Feb → Apr = 2.
        ("lead", "SMB", 1): 1, ("lead", "SMB", 2): 2,
        # MQLs: D1 Mar → Mar 0; D2 Jan → Mar 2; D6 Mar → Apr 1 (and the same months for SQLs).
        ("mql", "SMB", 0): 1, ("mql", "SMB", 1): 1, ("mql", "SMB", 2): 1,
        ("sql", "SMB", 0): 1, ("sql", "SMB", 1): 1, ("sql", "SMB", 2): 1,
        # Proposals: D1 Mar → Mar 0, D6 Apr → Apr 0, D2 Feb → Mar 1; D4 (no lead, no segment) Feb → Mar 1.
        ("proposal", "SMB", 0): 2, ("proposal", "SMB", 1): 1, ("proposal", None, 1): 1,
        # Opportunities (the deal's created_at): D1 Mar → Mar 0, D2 Jan → Mar 2, D6 Mar → Apr 1;
        # D4 (no lead) Feb → Mar 1.
        ("opportunity", "SMB", 0): 1, ("opportunity", "SMB", 1): 1, ("opportunity", "SMB", 2): 1,
        ("opportunity", None, 1): 1,
    }


def test_lag_days_give_medians_per_segment_and_over_all_segments(company):
    frame = company.query("planner_won_lag_days", {**date_range_params(dt.date(2026, 1, 1), dt.date(2026, 4, 30)), **ALL})
    lead = frame[(frame["stage"] == "lead") & ~frame["is_all_segments"]].iloc[0]
    # Lead → won: D1 02-20 → 03-25 = 33 days, D2 01-05 → 03-05 = 59, D6 02-20 → 04-10 = 49.
    # Median 49; 75th percentile 49 + 0.5 × (59 - 49) = 54.
    assert (lead["segment"], lead["won_deals"], lead["median_days"], lead["p75_days"]) == ("SMB", 3, 49, 54)
    proposal = frame[(frame["stage"] == "proposal") & frame["is_all_segments"]].iloc[0]
    # Proposal → won over all four: 15 (D1), 23 (D2), 44.5 (D4, 02-15 → 03-31 noon), 8 (D6).
    # Sorted 8, 15, 23, 44.5: median 19; 75th at position 2.25: 23 + 0.25 × 21.5 = 28.375.
    assert (proposal["won_deals"], proposal["median_days"], proposal["p75_days"]) == (4, 19, 28.375)


def test_planner_inputs_of_the_hand_built_company(company):
    inputs = planner_inputs(company, trailing_months=6)
    # The latest event is D6's close on 10 April; the minimal SLA (FY2026, quota 1,200,000)
    # has won 10,000 + 20,000 + 7,000 + 4,000 = 41,000 by then.
    assert inputs.as_of == dt.date(2026, 4, 10)
    assert inputs.quota_left == 1_159_000
    assert inputs.window_start == dt.date(2025, 10, 11)  # six months before 11 April
    assert inputs.avg_deal_size == pytest.approx(10_250)  # 41,000 ÷ 4
    assert inputs.sales_sourced_revenue_share == pytest.approx(7_000 / 41_000)
    observed = {rate.stage: rate.observed for rate in inputs.rates}
    # Period funnel of the window: 1,649 sessions, 8 leads, 6 MQLs, 3 SQLs, 5 proposals, 4 won.
    assert observed == pytest.approx({"lead": 8 / 1649, "mql": 6 / 8, "sql": 3 / 6, "proposal": 5 / 3, "won": 4 / 5})
    assert {rate.stage: rate.target for rate in inputs.rates} == {
        "lead": None, "mql": 0.5, "sql": 0.6, "proposal": None, "won": None}
    # Three SMB won deals (< 30, so all deals' profile): lead lags 1, 2, 2 months.
    assert inputs.lags["lead"].shares == pytest.approx((0, 1 / 3, 2 / 3))
    assert inputs.lags["proposal"].shares == pytest.approx((0.5, 0.5))  # 0, 0, 1, 1
    assert inputs.run_rate["lead"] == pytest.approx(8 / 6)
    assert inputs.run_rate["traffic"] == pytest.approx(1649 / 6)
    assert inputs.history["lead"][dt.date(2026, 3, 1)] == 5  # L2, L3, L5, L6, L8
    assert inputs.history_start == dt.date(2026, 1, 1)


def test_the_plan_starts_the_day_after_the_as_of_date_with_april_pro_rata(company):
    plan = plan_for(company, target=130_000, deal_size=10_000)
    horizon = plan.assumptions.horizon
    # 11 April to 31 December: April keeps 20 of its 30 days; equal weights (the minimal SLA
    # sets none). 13 deals split 2/3 : 1 : ... : 1 over 8 2/3 months: April 1, then 1.5 a month.
    assert horizon.months[0] == dt.date(2026, 4, 1) and len(horizon.months) == 9
    assert horizon.first_month_share == pytest.approx(2 / 3)
    assert plan.wins_by_month[dt.date(2026, 4, 1)] == pytest.approx(1)
    assert plan.wins_by_month[dt.date(2026, 5, 1)] == pytest.approx(1.5)
    # Proposals needed: 13 ÷ 0.8 = 16.25.
    assert plan.stage("proposal").total_needed == pytest.approx(16.25)


def test_under_a_segment_filter_the_default_target_is_its_share_of_the_quota_left(company):
    inputs = planner_inputs(company, filters=Filters(segment="SMB"))
    # SMB won revenue in the window: D1 10,000 + D2 20,000 + D6 4,000 = 34,000 of 41,000.
    assert inputs.filter_share == pytest.approx(34_000 / 41_000)
    assert inputs.default_target == pytest.approx(1_159_000 * 34_000 / 41_000)
    # Sessions cannot be split by segment: they drop out of the plan.
    assert inputs.tracked["traffic"] is False
    assert [rate.stage for rate in inputs.rates][0] == "mql"


def test_an_extract_without_won_deals_is_refused_with_the_key_to_map(tmp_path):
    database = build_database(tmp_path / "x", {"leads": LEADS, "deals": DEALS, "reps": REPS},
                              drop={"deals": ("closed_at",)})
    with pytest.raises(PlanError, match=r"deals.status and deals.closed_at"):
        planner_inputs(database)
    database.close()


def test_plan_command_prints_the_same_plan_as_json(hand_built_config, capsys):  # noqa: F811
    code = main(["plan", "--config", str(hand_built_config), "--target", "130000", "--deal-size", "10000", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert payload["won_deals_needed"] == pytest.approx(13)
    assert payload["won_deals_by_month"]["2026-04"] == pytest.approx(1)
    assert payload["months"][0] == "2026-04" and payload["months"][-1] == "2026-12"
    stages = {row["stage"]: row for row in payload["stages"]}
    assert stages["Proposals"]["needed_total"] == pytest.approx(16.25)
    assert payload["verdict"]["status"] in {planner.ON_SCHEDULE, planner.CATCH_UP, planner.UNLIKELY}
    assert {rate["stage"]: rate["source"] for rate in payload["assumptions"]["rates"]}["mql"] == "observed"
    assert payload["assumptions"]["lags"]["lead"]["share_by_months_before_win"] == pytest.approx([0, 1 / 3, 2 / 3])


def test_plan_command_takes_sla_and_manual_rates(hand_built_config, capsys):  # noqa: F811
    code = main(["plan", "--config", str(hand_built_config), "--target", "130000", "--deal-size", "10000",
                 "--rates", "sla", "--rate", "proposal=0.5", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    sources = {rate["stage"]: (rate["rate"], rate["source"]) for rate in payload["assumptions"]["rates"]}
    assert sources["mql"] == (0.5, "SLA target") and sources["sql"] == (0.6, "SLA target")
    assert sources["proposal"] == (0.5, "manual") and sources["won"] == (0.8, "observed")


def test_plan_command_refuses_bad_input_with_exit_2(hand_built_config, capsys):  # noqa: F811
    assert main(["plan", "--config", str(hand_built_config), "--months-left", "-1"]) == 2
    assert "--months-left" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_info:
        main(["plan", "--config", str(hand_built_config), "--rate", "mql=35"])
    assert exit_info.value.code == 2
    assert "a rate is a fraction in (0, 1]" in capsys.readouterr().err


def test_observed_rates_start_at_the_reset_that_changed_the_lead_definition():
    from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config
    from dashboard.planner.data import rate_window

    slas = load_config(DEFAULT_CONFIG_PATH).slas  # FY2026 H2 (from 1 Jul) changed H1's lead definition
    start, note = rate_window(slas, dt.date(2026, 5, 1), dt.date(2026, 10, 31))
    assert start == dt.date(2026, 7, 1)
    assert note.startswith("Measured from 01 Jul 2026, when FY2026 H2's lead definition replaced FY2026 H1's")
    # Ten days of the new definition are too few: the window stays and the note says what it mixes.
    start, note = rate_window(slas, dt.date(2026, 1, 11), dt.date(2026, 7, 10))
    assert start == dt.date(2026, 1, 11) and note.startswith("These rates mix the lead definitions of FY2026 H1 and")
    assert rate_window(slas, dt.date(2026, 8, 1), dt.date(2026, 10, 31)) == (dt.date(2026, 8, 1), "")


def test_a_window_before_the_first_sla_version_is_not_cut(company):
    inputs = planner_inputs(company, trailing_months=6)
    assert inputs.rate_window_start == inputs.window_start == dt.date(2025, 10, 11) and inputs.rate_window_note == ""
