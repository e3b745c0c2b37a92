"""Finding 6 of issue 13: an opportunity-only export (deals with a created date, no leads) starts
its funnel at the opportunities, shows the open ones, and the planner plans won deals back to
them. Every expected value was worked out by hand from the rows of tests/companies/hand_built.py;
each test failed on the code before the opportunity stage existed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dashboard.cli import main
from dashboard.funnel import data as metrics
from dashboard.funnel.domain import NOT_APPLICABLE, ON_TRACK, build_funnel, opportunity_note
from dashboard.planner.data import planner_inputs
from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
# The hand-built deals (created → proposal → closed, status):
#   D1 03-06 → 03-10 → 03-25 won    D2 01-21 → 02-10 → 03-05 won    D3 03-21 → 03-28 → open
#   D4 02-01 → 02-15 → 03-31 won    D5 01-25 → (none) → 03-15 lost  D6 03-07 → 04-02 → 04-10 won


@pytest.fixture
def opportunities_only(tmp_path):
    """The deals without their lead: an opportunity-only CRM."""
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "reps": REPS}, drop={"deals": ("lead_id",)})
    yield database
    database.close()


@pytest.fixture
def opportunities_without_proposals(tmp_path):
    """Maven's shape: deals with a created date and no proposal date."""
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "reps": REPS},
                              drop={"deals": ("lead_id", "proposal_at")},
                              data_extra='stages_not_tracked = ["proposal"]')
    yield database
    database.close()


def steps(result) -> dict:
    return {step.stage: step for step in result.steps}


def test_an_opportunity_only_funnel_starts_at_the_opportunities_and_counts_the_open_ones(opportunities_only):
    result = metrics.funnel(opportunities_only, *MARCH)
    by_stage = steps(result)
    # Opened in March: D1 (03-06), D6 (03-07), D3 (03-21) = 3, of which D3 is still open.
    assert by_stage["opportunity"].count == 3
    assert (result.open_opportunities, result.undated_open_opportunities) == (1, 0)
    # Proposals in March: D1 (03-10), D3 (03-28) = 2, measured from the 3 opportunities: 2 / 3.
    assert by_stage["proposal"].previous_stage == "opportunity"
    assert by_stage["proposal"].rate_from_previous == pytest.approx(2 / 3)
    # Won in March: D2 (03-05), D1 (03-25), D4 (03-31) = 3, from the 2 proposals: 3 / 2 (period view).
    assert (by_stage["won"].count, by_stage["won"].previous_stage) == (3, "proposal")
    assert by_stage["won"].rate_from_first == pytest.approx(3 / 3)
    # Nothing before the opportunity: the lead stages are not tracked and have no count.
    assert all(by_stage[stage].count is None for stage in ("traffic", "lead", "mql", "sql"))
    assert [step.stage for step in result.steps].index("opportunity") == 4  # after SQLs, before proposals


def test_without_proposals_won_deals_are_measured_from_the_opportunities_with_no_target(opportunities_without_proposals):
    by_stage = steps(metrics.funnel(opportunities_without_proposals, *MARCH, targets={"proposal_to_won_rate": 0.5}))
    won = by_stage["won"]
    # 3 won in March of 3 opportunities opened in March: 3 / 3 = 100 %.
    assert (won.previous_stage, won.rate_from_previous) == ("opportunity", pytest.approx(1.0))
    # Proposal → won's target is for a step from proposals: it does not apply, and says so.
    assert won.target is None and won.status == NOT_APPLICABLE
    assert "measured from Opportunities" in won.status_reason
    assert by_stage["proposal"].count is None


def test_an_export_whose_deals_come_from_leads_has_no_opportunity_stage(tmp_path):
    database = build_database(tmp_path / "extracts", {"leads": LEADS, "deals": DEALS, "reps": REPS})
    try:
        result = metrics.funnel(database, *MARCH, targets={"sql_to_proposal_rate": 0.5})
        monthly = metrics.monthly_funnel(database, *MARCH)
    finally:
        database.close()
    assert "opportunity" not in steps(result)  # neither a count nor a "not tracked" row
    assert result.open_opportunities is None
    assert "opportunities" not in monthly.columns
    # The SQL → proposal step keeps its SLA target: proposals are measured from SQLs.
    proposal = steps(result)["proposal"]
    assert proposal.previous_stage == "sql" and proposal.target == 0.5


def test_the_sql_to_proposal_target_does_not_apply_to_a_rate_from_opportunities():
    tracked = dict.fromkeys(("opportunity", "proposal", "won"), True)
    result = build_funnel({"opportunity": 10, "proposal": 6, "won": 3}, tracked,
                          targets={"sql_to_proposal_rate": 0.5, "proposal_to_won_rate": 0.4})
    by_stage = {step.stage: step for step in result}
    # 6 / 10 = 60 % from opportunities: not the SLA's SQL → proposal step.
    assert by_stage["proposal"].rate_from_previous == pytest.approx(0.6)
    assert by_stage["proposal"].status == NOT_APPLICABLE and by_stage["proposal"].target is None
    assert "the SLA's step starts at SQLs" in by_stage["proposal"].status_reason
    # 3 / 6 = 50 % from proposals against 40 %: the SLA's proposal → won step, on track.
    assert (by_stage["won"].target, by_stage["won"].status) == (0.4, ON_TRACK)
    # No SLA step ends at the opportunity stage: no target, no status.
    assert by_stage["opportunity"].target is None and by_stage["opportunity"].status is None


def test_an_untracked_opportunity_stage_is_left_out_of_the_funnel():
    result = build_funnel({"sql": 5, "proposal": 4}, {"sql": True, "proposal": True, "opportunity": False},
                          targets={"sql_to_proposal_rate": 0.7})
    assert "opportunity" not in [step.stage for step in result]
    proposal = result[-2]  # proposal, then won (not tracked)
    # 4 / 5 = 80 % against 70 %: on track, measured from SQLs as before.
    assert (proposal.stage, proposal.previous_stage, proposal.status) == ("proposal", "sql", ON_TRACK)


def test_the_monthly_funnel_counts_opportunities_by_the_month_they_opened(opportunities_only):
    monthly = metrics.monthly_funnel(opportunities_only, dt.date(2026, 1, 1), dt.date(2026, 4, 30))
    # Jan: D2 (01-21), D5 (01-25) = 2; Feb: D4 (02-01) = 1; Mar: D1, D6, D3 = 3; Apr: none.
    assert monthly["opportunities"].tolist() == [2, 1, 3, 0]
    assert list(monthly.columns).index("opportunities") == list(monthly.columns).index("proposals") - 1


def test_open_opportunities_without_a_created_date_are_counted_apart(tmp_path):
    undated = [*DEALS, {"deal_id": "D7", "owner_id": "R1", "status": "open"}]
    database = build_database(tmp_path / "extracts", {"deals": undated, "reps": REPS}, drop={"deals": ("lead_id",)})
    try:
        result = metrics.funnel(database, *MARCH)
    finally:
        database.close()
    # D7 is open with no created date: in no range's count, counted apart.
    assert (steps(result)["opportunity"].count, result.undated_open_opportunities) == (3, 1)
    note = opportunity_note(3, result.open_opportunities, result.undated_open_opportunities)
    assert "Of the 3 opportunities opened in the range, 1 are still open" in note
    assert "1 open opportunities have no created date" in note


def test_the_planner_plans_won_deals_back_to_the_opportunities_with_their_observed_lag(opportunities_without_proposals):
    inputs = planner_inputs(opportunities_without_proposals, trailing_months=6)
    # As of 10 April (D6's close), the window is 11 Oct 2025 .. 10 Apr 2026: all six deals opened
    # in it, four won (D1, D2, D4, D6): won from opportunities 4 / 6.
    rates = {(rate.from_stage, rate.stage): rate for rate in inputs.rates}
    assert set(rates) == {("opportunity", "won")}
    assert rates["opportunity", "won"].observed == pytest.approx(4 / 6)
    assert rates["opportunity", "won"].target is None  # the SLA sets no opportunity → won rate
    # Months from opening to the win: D1 Mar → Mar 0, D2 Jan → Mar 2, D4 Feb → Mar 1, D6 Mar → Apr 1.
    assert inputs.lags["opportunity"].shares == pytest.approx((0.25, 0.5, 0.25))
    # Days: D1 19, D2 43, D4 58.5 (02-01 → 03-31 noon), D6 34; sorted 19, 34, 43, 58.5: median 38.5.
    days = inputs.lag_days[inputs.lag_days["is_all_segments"]].set_index("stage")
    assert days.loc["opportunity", "median_days"] == pytest.approx(38.5)
    # Six opportunities over the six trailing months: one a month.
    assert inputs.run_rate["opportunity"] == pytest.approx(1.0)


def test_the_plan_command_names_the_opportunities_as_the_stage_to_plan(opportunities_without_proposals, capsys):
    assert main(["plan", "--config", str(opportunities_without_proposals.config.path), "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    assert [row["stage"] for row in plan["stages"]] == ["Opportunities", "Won deals"]
    assert [rate["step"] for rate in plan["assumptions"]["rates"]] == ["Opportunities → Won deals"]


def test_a_rate_from_opportunities_above_100_percent_is_not_read_as_a_conversion():
    tracked = {"opportunity": True, "won": True}
    won = build_funnel({"opportunity": 121, "won": 511}, tracked)[-1]
    # 511 won in a month whose 121 opportunities could not all be them: 511 / 121 = 422.3 %.
    assert won.rate_from_previous == pytest.approx(511 / 121)
    assert won.status == NOT_APPLICABLE and "422.3 % is above 100 %" in won.status_reason
    # 60 of 121 (49.6 %): an ordinary rate, with no target and so no status.
    assert build_funnel({"opportunity": 121, "won": 60}, tracked)[-1].status is None


def test_a_rate_without_an_sla_target_reads_no_target_in_tables():
    from dashboard.funnel.domain import target_text

    tracked = {"opportunity": True, "won": True, "proposal": False}
    opportunity, _, won = build_funnel({"opportunity": 10, "won": 4}, tracked, targets={"win_rate": 0.5})[-3:]
    assert (target_text(opportunity), target_text(won)) == ("", "no target")
    proposal_won = build_funnel({"proposal": 10, "won": 4}, {"proposal": True, "won": True},
                                targets={"proposal_to_won_rate": 0.5})[-1]
    assert target_text(proposal_won) == "50.0 %"
