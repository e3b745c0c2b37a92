"""Quota, pace, gap and forecast on hand-computed cases (tests/review_company.py has the SLA
versions: A to 15 March 2026, B from 16 March, quotas worked out in its docstring)."""

import datetime as dt
from pathlib import Path

import pytest

from dashboard.review.attainment import (
    PipelineSlice,
    PipelineSnapshot,
    add_months,
    attainment,
    forecast,
    goal_curve,
    month_end,
    quota_between,
    quota_by_month,
    quota_through,
    range_targets,
    run_rate_scenario,
    sla_spans,
    snapshot_moments,
)
from dashboard.core.config import parse_config
from tests.companies.review_company import RESET_SLA

import tomllib

D = dt.date


@pytest.fixture(scope="module")
def config():
    text = '[data]\nfolder = "x"\n[data.tables.deals]\npath = "deals.parquet"\n' + RESET_SLA
    return parse_config(tomllib.loads(text), Path("/tmp/reset_sla.toml"))


def test_month_helpers():
    assert month_end(D(2026, 2, 10)) == D(2026, 2, 28)
    assert add_months(D(2026, 1, 1), -1) == D(2025, 12, 1) and add_months(D(2026, 11, 1), 14) == D(2028, 1, 1)


def test_quota_by_month_follows_the_normalised_weights(config):
    a, b = config.slas
    # A: 250,000 × [1, 1, 0.5] / 2.5; B: 350,000 × [0.5, 1, 1, 1.5] / 4
    assert quota_by_month(a) == pytest.approx({D(2026, 1, 1): 100_000, D(2026, 2, 1): 100_000, D(2026, 3, 1): 50_000})
    assert quota_by_month(b)[D(2026, 3, 1)] == pytest.approx(43_750)
    assert quota_by_month(b)[D(2026, 6, 1)] == pytest.approx(131_250)


def test_pace_is_pro_rata_by_day_inside_a_month(config):
    a, b = config.slas
    assert quota_through(a, D(2025, 12, 31)) == 0
    assert quota_through(a, D(2026, 1, 31)) == pytest.approx(100_000)
    assert quota_through(a, D(2026, 2, 14)) == pytest.approx(150_000)  # 100,000 + 100,000 × 14/28
    # A ends mid-March: its March weight covers 1-15 March only: 200,000 + 50,000 × 10/15
    assert quota_through(a, D(2026, 3, 10)) == pytest.approx(233_333.333333)
    assert quota_through(a, D(2026, 3, 15)) == pytest.approx(250_000)
    # B starts mid-March: its March weight covers 16-31 March: 43,750 × 5/16 by the 20th
    assert quota_through(b, D(2026, 3, 20)) == pytest.approx(13_671.875)
    assert quota_through(b, D(2026, 9, 1)) == 350_000


def test_a_month_that_straddles_a_reset_owes_quota_under_both_versions(config):
    # A's 1-15 March (250,000 - 200,000) + B's 16-31 March (43,750)
    assert quota_between(config.slas, D(2026, 3, 1), D(2026, 3, 31)) == pytest.approx(93_750)
    # March to the 20th: 50,000 + 13,671.875
    assert quota_between(config.slas, D(2026, 3, 1), D(2026, 3, 20)) == pytest.approx(63_671.875)
    spans = sla_spans(config, D(2026, 3, 1), D(2026, 3, 31))
    assert [(s.sla.name, s.start, s.end, s.days) for s in spans] == [
        ("A", D(2026, 3, 1), D(2026, 3, 15), 15), ("B", D(2026, 3, 16), D(2026, 3, 31), 16)]


def test_days_no_version_covers_are_a_span_without_sla(config):
    spans = sla_spans(config, D(2026, 6, 20), D(2026, 7, 10))
    assert [(s.sla.name if s.sla else None, s.start, s.end) for s in spans] == [
        ("B", D(2026, 6, 20), D(2026, 6, 30)), (None, D(2026, 7, 1), D(2026, 7, 10))]
    assert quota_between(config.slas, D(2026, 7, 1), D(2026, 7, 31)) == 0


def test_count_targets_blend_across_a_reset_and_rates_come_from_the_closing_version(config):
    march = range_targets(config, D(2026, 3, 1), D(2026, 3, 31))
    assert march["mqls"] == pytest.approx(47)  # 31 × 15/31 + 62 × 16/31 = 15 + 32
    assert march["mql_to_sql_rate"] == 0.6  # B is in force on 31 March
    assert "win_rate" in march  # B sets it
    to_the_20th = range_targets(config, D(2026, 3, 1), D(2026, 3, 20))
    assert to_the_20th["mqls"] == pytest.approx(25)  # 31 × 15/31 + 62 × 5/31 = 15 + 10
    february = range_targets(config, D(2026, 2, 1), D(2026, 2, 28))
    assert february == {"mqls": pytest.approx(31), "mql_to_sql_rate": 0.5, "lead_to_mql_rate": 0.5}
    # a day without any version: no count target rather than a wrong one
    assert "mqls" not in range_targets(config, D(2026, 6, 20), D(2026, 7, 10))


def test_attainment_pace_and_gap_for_the_straddling_month(config):
    a, b = config.slas
    att = attainment(b, config.slas, D(2026, 3, 1), D(2026, 3, 31), won_to_date=17_000, month_won=37_000,
                     forecast_=None)
    assert att.sla_name == "B" and att.period_start == D(2026, 3, 16)
    assert att.quota_to_date == pytest.approx(43_750)
    assert att.attainment_rate == pytest.approx(17_000 / 350_000)  # 4.857 %
    assert att.pace_rate == pytest.approx(0.125)  # 43,750 / 350,000
    assert att.gap == pytest.approx(-26_750)  # 17,000 - 43,750
    assert att.gap_rate == pytest.approx(-26_750 / 43_750)  # 61.1 % behind
    assert att.month_quota == pytest.approx(93_750)
    assert att.month_attainment_rate == pytest.approx(37_000 / 93_750)  # 39.5 %
    assert att.days_left == 91 and att.elapsed_days == 16  # April-June; 16-31 March


def test_attainment_in_a_month_with_no_won_deals(config):
    a, _ = config.slas
    att = attainment(a, config.slas, D(2026, 2, 1), D(2026, 2, 28), won_to_date=0, month_won=0, forecast_=None)
    assert att.attainment_rate == 0 and att.month_attainment_rate == 0
    assert att.quota_to_date == pytest.approx(200_000) and att.gap == pytest.approx(-200_000)
    assert att.gap_rate == pytest.approx(-1.0)


HISTORY = [
    PipelineSnapshot({"proposal": PipelineSlice(2, 20_000, 1, 5_000),
                      "no_proposal": PipelineSlice(4, 40_000, 1, 2_000)}, new_won_amount=3_000),
    PipelineSnapshot({"proposal": PipelineSlice(3, 30_000, 2, 10_000),
                      "no_proposal": PipelineSlice(6, 60_000, 1, 3_000)}, new_won_amount=5_000),
]
NOW = {"proposal": PipelineSlice(1, 5_000), "no_proposal": PipelineSlice(2, 10_000)}


def test_forecast_weights_open_pipeline_by_its_stage_history_and_adds_new_deals():
    fc = forecast(17_000, 350_000, elapsed_days=16, horizon_days=91, pipeline_now=NOW, history=HISTORY)
    stages = {s.stage: s for s in fc.stages}
    # Rates by count of deals, not by amount: won deals / deals open at each past moment.
    assert stages["proposal"].win_rate == pytest.approx(0.6)  # (1 + 2) / (2 + 3)
    assert stages["no_proposal"].win_rate == pytest.approx(0.2)  # (1 + 1) / (4 + 6)
    assert stages["proposal"].expected == pytest.approx(3_000)  # 5,000 × 0.6
    assert stages["no_proposal"].expected == pytest.approx(2_000)  # 10,000 × 0.2
    assert fc.new_deals_expected == pytest.approx(4_000)  # (3,000 + 5,000) / 2 windows
    assert fc.total == pytest.approx(26_000)  # 17,000 + 3,000 + 2,000 + 4,000
    assert fc.attainment_rate == pytest.approx(26_000 / 350_000)
    assert fc.method == "pipeline" and fc.windows == 2
    assert fc.run_rate_total == pytest.approx(113_687.5)  # 17,000 + 17,000 / 16 × 91
    assert "91 days" in fc.explanation and "60.0 %" in fc.explanation and "by count" in fc.explanation


def test_the_run_rate_is_a_scenario_beside_the_forecast_with_the_difference_explained():
    fc = forecast(17_000, 350_000, elapsed_days=16, horizon_days=91, pipeline_now=NOW, history=HISTORY)
    scenario = run_rate_scenario(fc)
    assert scenario.total == pytest.approx(113_687.5) and scenario.difference == pytest.approx(87_687.5)  # 113,687.5 - 26,000
    assert scenario.explanation.startswith("Run-rate scenario: won so far $17k continued")
    assert "= $114k, $88k above the forecast" in scenario.explanation and "not the forecast" in scenario.explanation
    # when the forecast is the run rate itself, or the result, there is no second figure
    assert run_rate_scenario(forecast(17_000, 350_000, 16, 91, pipeline_now=NOW, history=[])) is None
    assert run_rate_scenario(forecast(340_000, 350_000, 107, 0, pipeline_now=NOW, history=HISTORY)) is None


def test_forecast_with_no_won_deals_yet_is_the_pipeline_and_new_deals_alone():
    fc = forecast(0, 350_000, elapsed_days=16, horizon_days=91, pipeline_now=NOW, history=HISTORY)
    assert fc.total == pytest.approx(9_000)  # 0 + 3,000 + 2,000 + 4,000
    assert fc.run_rate_total == 0


def test_forecast_without_history_falls_back_to_the_run_rate_and_says_so():
    fc = forecast(17_000, 350_000, elapsed_days=16, horizon_days=91, pipeline_now=NOW, history=[])
    assert fc.method == "run rate" and fc.total == pytest.approx(113_687.5)
    assert "91 days" in fc.explanation
    no_dates = forecast(17_000, 350_000, 16, 91, pipeline_now=None, history=HISTORY)
    assert no_dates.method == "run rate" and "creation dates" in no_dates.explanation


def test_forecast_after_the_period_is_the_result():
    fc = forecast(340_000, 350_000, elapsed_days=107, horizon_days=0, pipeline_now=NOW, history=HISTORY)
    assert fc.method == "final" and fc.total == 340_000 and fc.pipeline_expected == 0


def test_a_stage_without_history_adds_nothing_and_is_named():
    history = [PipelineSnapshot({"no_proposal": PipelineSlice(1, 1_000, 1, 500)}, new_won_amount=0)]
    fc = forecast(0, 1_000, 10, 30, {"proposal": PipelineSlice(1, 9_000), "no_proposal": PipelineSlice(1, 2_000)},
                  history)
    stages = {s.stage: s for s in fc.stages}
    assert stages["proposal"].win_rate is None and stages["proposal"].expected == 0
    assert fc.total == pytest.approx(2_000)  # 2,000 × 1 (the one deal open then was won)
    assert "proposal sent no history" in fc.explanation


def test_snapshots_step_back_one_horizon_at_a_time_within_the_data_and_a_year():
    cutoff_end = dt.datetime(2026, 11, 1)
    moments = snapshot_moments(cutoff_end, 61, earliest=dt.datetime(2026, 3, 1))
    # 1 Nov - 61 d = 1 Sep; - 122 d = 2 Jul; - 183 d = 2 May; - 244 d = 2 Mar; - 305 d is before 1 Mar
    assert moments == [dt.datetime(2026, 9, 1), dt.datetime(2026, 7, 2), dt.datetime(2026, 5, 2),
                       dt.datetime(2026, 3, 2)]
    assert len(snapshot_moments(cutoff_end, 30, earliest=None)) == 12  # 365 days back at most
    assert snapshot_moments(cutoff_end, 0, earliest=None) == []


def test_goal_curve_runs_from_the_first_day_to_the_quota(config):
    _, b = config.slas
    curve = dict(goal_curve(b))
    assert curve[D(2026, 3, 16)] == pytest.approx(43_750 / 16)
    assert curve[D(2026, 3, 31)] == pytest.approx(43_750)
    assert curve[D(2026, 6, 30)] == pytest.approx(350_000)


def test_lost_deals_without_an_amount_do_not_inflate_the_win_rate():
    """Finding 7: an export whose lost deals carry 0 gave an amount-weighted rate near 100 %."""
    history = [PipelineSnapshot({"open": PipelineSlice(open_deals=10, open_amount=3_000, won_deals=3,
                                                       won_amount=3_000, lost_deals=7)}, new_won_amount=0)]
    now = {"open": PipelineSlice(open_deals=4, open_amount=0, open_deals_without_amount=4)}
    fc = forecast(0, 10_000, 10, 30, now, history)
    stage = fc.stages[0]
    assert stage.win_rate == pytest.approx(0.3)  # 3 won of 10 open, not 3,000 / 3,000
    # Open deals without an amount are valued at the stage's average won deal: 4 × 1,000 × 0.3
    assert stage.expected == pytest.approx(1_200)


def test_a_stage_without_closed_history_this_year_learns_from_the_longer_lookback_and_says_so():
    """Finding 7: a stage none of whose deals closed in the year's windows was weighted at 0 %."""
    year = [PipelineSnapshot({"proposal": PipelineSlice(open_deals=2, open_amount=2_000)}, new_won_amount=0)]
    longer = year + [PipelineSnapshot({"proposal": PipelineSlice(open_deals=3, open_amount=3_000, won_deals=1,
                                                                 won_amount=1_000, lost_deals=2)}, new_won_amount=0)]
    now = {"proposal": PipelineSlice(open_deals=1, open_amount=6_000)}
    fc = forecast(0, 10_000, 10, 30, now, year, fallback=longer, fallback_days=1095)
    stage = fc.stages[0]
    assert stage.win_rate == pytest.approx(0.2)  # 1 won of 2 + 3 open over the longer lookback
    assert stage.expected == pytest.approx(1_200) and stage.history_days == 1095
    assert "from the last 1095 days" in fc.explanation
    without = forecast(0, 10_000, 10, 30, now, year)
    assert without.stages[0].win_rate == 0 and without.stages[0].history_days is None
