"""The reverse funnel on hand-made inputs: arithmetic, lags, the funnel in place, feasibility
and sensitivity. Every expected value is worked out by hand in the comment beside it."""

import datetime as dt

import pytest

from dashboard.planner import domain as planner
from dashboard.planner.domain import (
    CATCH_UP,
    MET,
    NOT_REACHABLE,
    ON_SCHEDULE,
    STAGE_CATCH_UP,
    TOO_LATE,
    UNLIKELY,
    Assumptions,
    PlanInputs,
    StageRate,
    build_plan,
    lag_profile,
    mix_by_segment,
    plan_horizon,
    wins_by_month,
)

OCT, NOV, DEC = dt.date(2026, 10, 1), dt.date(2026, 11, 1), dt.date(2026, 12, 1)
SEP, AUG = dt.date(2026, 9, 1), dt.date(2026, 8, 1)
AS_OF = dt.date(2026, 10, 31)
PERIOD_END = dt.date(2026, 12, 31)
SAME_MONTH = lag_profile({0: 10})


def inputs(tracked, rates, lags, history=None, run_rate=None, weights=None) -> PlanInputs:
    return PlanInputs(
        as_of=AS_OF, sla_name="H2", currency="USD", quota=500_000, won_to_date=400_000,
        period_start=dt.date(2026, 7, 1), period_end=PERIOD_END,
        month_weights=weights or {NOV: 1.0, DEC: 1.0}, trailing_months=6, window_start=dt.date(2026, 5, 1),
        window_end=AS_OF, tracked={stage: stage in tracked for stage in planner.STAGE_NAMES}, rates=tuple(rates),
        avg_deal_size=10_000, won_deals_in_window=20, sales_sourced_revenue_share=0.1, lags=lags,
        history=history or {}, history_start=dt.date(2026, 1, 1), run_rate=run_rate or {},
    )


def assume(plan_inputs: PlanInputs, target=100_000, deal_size=10_000, months_left=None) -> Assumptions:
    return planner.default_assumptions(plan_inputs, target=target, months_left=months_left, deal_size=deal_size)


# --- Case A: no lags. Rates lead→MQL 0.5, MQL→SQL 0.4, SQL→proposal 0.5, proposal→won 0.25. ---

FULL = ("lead", "mql", "sql", "proposal", "won")
FULL_RATES = [StageRate("mql", "lead", 0.5, 0.5), StageRate("sql", "mql", 0.4, 0.35),
              StageRate("proposal", "sql", 0.5, None), StageRate("won", "proposal", 0.25, 0.2)]


def case_a(**kwargs):
    lags = {stage: SAME_MONTH for stage in ("lead", "mql", "sql", "proposal")}
    history = {stage: {} for stage in FULL}
    return inputs(FULL, FULL_RATES, lags, history=history, run_rate={"proposal": 16.0}, **kwargs)


def test_volumes_are_won_deals_divided_by_each_stages_rate_to_won():
    plan = build_plan(case_a(), assume(case_a()))
    # 100,000 ÷ 10,000 = 10 won deals. Rates to won: proposal 0.25, SQL 0.5 × 0.25 = 0.125,
    # MQL 0.4 × 0.125 = 0.05, lead 0.5 × 0.05 = 0.025.
    assert plan.won_deals_needed == pytest.approx(10)
    needed = {stage.stage: stage.total_needed for stage in plan.stages}
    assert needed == pytest.approx({"won": 10, "proposal": 40, "sql": 80, "mql": 200, "lead": 400})
    # Equal quota weights for November and December: 5 won deals each, and with every lag in
    # the month of the win, 400 ÷ 2 = 200 leads in each month, none due before the plan.
    assert plan.wins_by_month == pytest.approx({NOV: 5, DEC: 5})
    leads = plan.schedule[plan.schedule["stage"] == "lead"].set_index("month_start")["needed"].to_dict()
    assert leads == pytest.approx({NOV: 200, DEC: 200})
    assert plan.stage("lead").due_before_start == 0
    assert plan.verdict == ON_SCHEDULE
    # Proposals are needed at 40 ÷ 2 = 20 a month against a run rate of 16: 1.25×.
    assert "proposals at 20 a month, 1.25× today's 16" in plan.verdict_text


def test_the_sla_target_and_a_manual_rate_replace_the_observed_ones():
    plan_inputs = case_a()
    assumptions = planner.default_assumptions(plan_inputs, target=100_000, deal_size=10_000,
                                              rate_source=planner.SLA_TARGET, manual_rates={"proposal": 0.8})
    # SLA targets where set: MQL 0.5, SQL 0.35, won 0.2; SQL→proposal has none, so observed
    # 0.5 stays unless overridden: here manually 0.8.
    assert assumptions.rates == {"mql": 0.5, "sql": 0.35, "proposal": 0.8, "won": 0.2}
    assert assumptions.rate_sources == {"mql": planner.SLA_TARGET, "sql": planner.SLA_TARGET,
                                        "proposal": planner.MANUAL, "won": planner.SLA_TARGET}
    plan = build_plan(plan_inputs, assumptions)
    # Proposals 10 ÷ 0.2 = 50; SQLs 50 ÷ 0.8 = 62.5; MQLs 62.5 ÷ 0.35 = 178.57; leads ÷ 0.5 = 357.14.
    assert plan.stage("proposal").total_needed == pytest.approx(50)
    assert plan.stage("sql").total_needed == pytest.approx(62.5)
    assert plan.stage("lead").total_needed == pytest.approx(62.5 / 0.35 / 0.5)


def test_a_missing_rate_leaves_the_stages_above_it_unplanned():
    plan_inputs = case_a()
    assumptions = planner.default_assumptions(plan_inputs, target=100_000, deal_size=10_000, manual_rates={"sql": 0})
    plan = build_plan(plan_inputs, assumptions)
    # MQL → SQL is zero: SQLs still follow from proposals (80), MQLs and leads cannot.
    assert plan.stage("sql").total_needed == pytest.approx(80)
    assert plan.stage("mql").total_needed is None and plan.stage("lead").total_needed is None
    assert plan.stage("mql").status == planner.NOT_PLANNED


def test_first_month_is_pro_rata_when_the_as_of_date_falls_inside_it():
    horizon = plan_horizon(dt.date(2026, 10, 15), PERIOD_END)
    # From 16 Oct: 16 of October's 31 days are left, then November and December.
    assert horizon.months == (OCT, NOV, DEC)
    assert horizon.first_month_share == pytest.approx(16 / 31)
    # Equal weights: October counts 16/31 of a month, so 78 deals split 16 : 31 : 31
    # (October 78 × (16/31) ÷ (2 + 16/31) = 78 × 16/78 = 16).
    wins = wins_by_month(780_000, 10_000, horizon, {OCT: 1, NOV: 1, DEC: 1})
    assert wins == pytest.approx({OCT: 16, NOV: 31, DEC: 31})


def test_months_beyond_every_sla_take_the_mean_weight_and_an_ended_period_has_no_month():
    horizon = plan_horizon(AS_OF, PERIOD_END, months_left=3)
    assert horizon.months == (NOV, DEC, dt.date(2027, 1, 1))
    # November weight 1, December 3, January none: the mean (1 + 3) ÷ 2 = 2. 12 deals split 1 : 3 : 2.
    wins = wins_by_month(120_000, 10_000, horizon, {NOV: 1, DEC: 3})
    assert list(wins.values()) == pytest.approx([2, 6, 4])
    assert plan_horizon(dt.date(2026, 12, 31), PERIOD_END).months == ()


def test_a_met_target_and_an_ended_period_get_plain_verdicts():
    assert build_plan(case_a(), assume(case_a(), target=0)).verdict == MET
    ended = build_plan(case_a(), assume(case_a(), months_left=0))
    assert ended.verdict == NOT_REACHABLE
    assert "no month is left" in ended.verdict_text


# --- Case B: leads only, lead → won 0.025, half the won deals one month after their lead,
# half two months after. ---

LEAD_LAGS = {"lead": lag_profile({1: 5, 2: 5})}
LEAD_RATES = [StageRate("won", "lead", 0.025, None)]


def case_b(run_rate=300.0):
    history = {"lead": {AUG: 0.0, SEP: 100.0, OCT: 120.0}, "won": {}}
    return inputs(("lead", "won"), LEAD_RATES, LEAD_LAGS, history=history, run_rate={"lead": run_rate})


def test_lags_spread_each_months_wins_back_over_earlier_months():
    plan = build_plan(case_b(), assume(case_b()))
    # November's 5 wins need 5 ÷ 0.025 = 200 leads: 100 in October, 100 in September.
    # December's 5 need 100 in November and 100 in October. So Sep 100, Oct 200, Nov 100, Dec 0.
    leads = plan.schedule[plan.schedule["stage"] == "lead"].set_index("month_start")["needed"].to_dict()
    assert leads == pytest.approx({SEP: 100, OCT: 200, NOV: 100, DEC: 0})
    lead = plan.stage("lead")
    assert lead.total_needed == pytest.approx(400)
    assert lead.due_before_start == pytest.approx(300)
    assert lead.to_arrive == pytest.approx(100)


def test_the_funnel_in_place_is_checked_and_a_shortfall_becomes_a_catch_up():
    plan = build_plan(case_b(), assume(case_b()))
    lead = plan.stage("lead")
    # 300 leads were due before November: 300 × 0.025 = 7.5 won deals rely on them.
    assert lead.wins_relying_on_past == pytest.approx(7.5)
    # What arrived: September's 100 leads win 2 months later (November) with share 0.5;
    # October's 120 win in November (0.5) and December (0.5). Expected wins in the plan's months:
    # 0.025 × (100 × 0.5 + 120 × 1.0) = 0.025 × 170 = 4.25.
    assert lead.wins_expected_from_past == pytest.approx(4.25)
    assert lead.shortfall_wins == pytest.approx(3.25)
    # Extra leads are spread like the plan's own new leads (all in November); a November lead
    # wins by December with share 0 (same month) + 0.5 (one month) = 0.5. So 3.25 ÷ (0.025 × 0.5) = 260.
    assert lead.in_time_share == pytest.approx(0.5)
    assert lead.catch_up == pytest.approx(260)
    assert lead.status == STAGE_CATCH_UP
    # 260 extra leads are 260 ÷ 300 = 0.87 months of the run rate, within the 2 months left.
    assert plan.verdict == CATCH_UP
    assert "260 extra leads (0.9 months of today's run rate)" in plan.verdict_text


def test_a_catch_up_beyond_the_months_left_at_todays_pace_is_out_of_reach():
    plan = build_plan(case_b(run_rate=100.0), assume(case_b(run_rate=100.0)))
    # The same 260 extra leads are 2.6 months of a 100-a-month run rate, in 2 months left.
    assert plan.verdict == UNLIKELY
    assert "2.6 months of today's run rate" in plan.verdict_text


def test_not_reachable_whatever_the_volume_when_new_volume_cannot_close_in_time():
    lags = {"lead": lag_profile({2: 4})}  # every won deal comes two months after its lead
    history = {"lead": {SEP: 100.0, OCT: 100.0}}
    plan_inputs = inputs(("lead", "won"), LEAD_RATES, lags, history=history, run_rate={"lead": 300.0})
    plan = build_plan(plan_inputs, assume(plan_inputs))
    lead = plan.stage("lead")
    # November's wins need 200 leads in September, December's 200 in October: all 400 due
    # before the plan, 10 won deals relying on them; 200 arrived and bring 0.025 × 200 = 5.
    assert lead.due_before_start == pytest.approx(400)
    assert lead.wins_expected_from_past == pytest.approx(5)
    # A lead from November closes in January at the earliest: none in time.
    assert lead.in_time_share == 0
    assert lead.status == TOO_LATE and lead.catch_up is None
    assert plan.verdict == NOT_REACHABLE
    assert "whatever the volume" in plan.verdict_text


# --- Lags by segment ---


def test_segments_with_enough_won_deals_keep_their_own_lags_thin_ones_take_the_overall():
    profile = mix_by_segment({"SMB": {0: 30, 1: 10}, "Enterprise": {2: 10}}, min_deals=30)
    # All deals: {0: 30, 1: 10, 2: 10} of 50 = (0.6, 0.2, 0.2). SMB (40 deals) keeps
    # (0.75, 0.25, 0); Enterprise (10 < 30) takes the overall profile. Weighted by deals:
    # 0.8 × (0.75, 0.25, 0) + 0.2 × (0.6, 0.2, 0.2) = (0.72, 0.24, 0.04).
    assert profile.shares == pytest.approx((0.72, 0.24, 0.04))
    assert profile.won_deals == 50
    assert profile.within(1) == pytest.approx(0.96)


# --- Sensitivity ---


def test_one_point_on_a_rate_is_worth_base_wins_times_one_point_over_the_rate():
    plan = build_plan(case_a(), assume(case_a()))
    # At the run rate: 16 proposals a month × 0.25, both months closing in time: 8 won deals,
    # $80,000, so the gap to $100,000 is $20,000.
    assert plan.expected_wins_at_run_rate == pytest.approx(8)
    assert plan.revenue_gap == pytest.approx(20_000)
    rows = plan.sensitivity.set_index("stage")
    # No lags, so every step is still ahead of every win: 8 × 0.01 ÷ rate × 10,000.
    assert rows.loc["won", "revenue_per_point"] == pytest.approx(3_200)  # ÷ 0.25
    assert rows.loc["sql", "revenue_per_point"] == pytest.approx(2_000)  # ÷ 0.4
    assert rows.loc["mql", "revenue_per_point"] == pytest.approx(1_600)  # ÷ 0.5
    assert rows.loc["won", "points_to_close_gap"] == pytest.approx(6.25)  # 20,000 ÷ 3,200
    assert rows.loc["won", "revenue_per_10pct_lift"] == pytest.approx(8_000)  # 8 × 0.1 × 10,000
    assert plan.sensitivity["stage"].tolist()[:2] == ["won", "sql"]


def test_a_rate_improvement_counts_only_for_wins_whose_step_is_still_ahead():
    rates = [StageRate("lead", "traffic", 0.02, None), StageRate("won", "lead", 0.025, None)]
    plan_inputs = inputs(("traffic", "lead", "won"), rates, LEAD_LAGS)
    plan = build_plan(plan_inputs, assume(plan_inputs))
    rows = plan.sensitivity.set_index("stage")
    # November's wins had their leads in September and October (none ahead); December's had
    # half in November: (5 × 0 + 5 × 0.5) ÷ 10 = 0.25 of the wins still ahead of the visit → lead step.
    assert rows.loc["lead", "share_still_ahead"] == pytest.approx(0.25)
    assert rows.loc["won", "share_still_ahead"] == pytest.approx(1.0)
    # No history, so the base is the plan's own 10 wins: 10 × 0.25 × 0.01 ÷ 0.02 × 10,000 = 12,500
    # and 10 × 1 × 0.01 ÷ 0.025 × 10,000 = 40,000.
    assert rows.loc["lead", "revenue_per_point"] == pytest.approx(12_500)
    assert rows.loc["won", "revenue_per_point"] == pytest.approx(40_000)


@pytest.mark.parametrize("text, amount", [("4,826,830", 4_826_830), ("$4.83M", 4_830_000), ("4.8m", 4_800_000),
                                          ("750k", 750_000), ("1 200 000", 1_200_000), ("0", 0)])
def test_a_target_reads_as_people_type_amounts(text, amount):
    assert planner.parse_amount(text) == amount


@pytest.mark.parametrize("text", ["", "abc", "-5", "4.8 millions", "nan"])
def test_what_is_not_an_amount_is_refused(text):
    assert planner.parse_amount(text) is None


def test_the_page_opens_with_a_one_line_verdict():
    # Case A: 100,000 ÷ 10,000 = 10 won deals by the end of December, on schedule.
    assert planner.verdict_line(build_plan(case_a(), assume(case_a()))) == (
        "On schedule: $100k by 31 Dec 2026 takes 10 won deals.")
    assert planner.verdict_line(build_plan(case_a(), assume(case_a(), target=0))) == "Target met."
    assert planner.verdict_line(build_plan(case_a(), assume(case_a(), months_left=0))) == "Out of reach."


def test_the_planners_run_rate_scenario_is_set_beside_the_reviews_forecast():
    plan = build_plan(case_a(), assume(case_a()))
    # Proposals at today's 16 a month × 2 months × 0.25 = 8 wins × $10k = $80k, + $400k won so far = $480k.
    assert plan.expected_revenue_at_run_rate == pytest.approx(80_000)
    text = planner.scenario_against_forecast(plan, case_a(), 470_000)
    assert text.startswith("Run-rate scenario, not the forecast: with the $400k won so far it comes to $480k for H2, "
                           "$10k above the monthly review's forecast of $470k.")
    assert planner.scenario_against_forecast(plan, case_a(), None) == ""
    shorter = build_plan(case_a(), assume(case_a(), months_left=1))  # ends in November, not with the period
    assert planner.scenario_against_forecast(shorter, case_a(), 470_000) == ""


def test_the_verdict_text_counts_the_won_deals_as_the_verdict_line_does():
    # $102,500 ÷ $10,000 = 10.25 won deals: the plan asks for 11 (rounded up); the text said 10 beside
    # the line's 11 (the sample's planner read "takes 104 won deals" over "to win 103 deals").
    plan = build_plan(case_b(), assume(case_b(), target=102_500))
    assert plan.won_deals_needed == pytest.approx(10.25)
    assert planner.verdict_line(plan).endswith("takes 11 won deals.")
    assert "to win 11 deals by" in plan.verdict_text.lower(), plan.verdict_text
