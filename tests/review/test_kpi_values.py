"""KPI actuals on the hand-built company in conftest.py, March 2026."""

import datetime as dt

import pytest

from dashboard.review.kpi_values import kpi_actuals, kpi_readings
from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))


def test_kpi_actuals_for_march(company):
    values = kpi_actuals(company, *MARCH)
    assert values["sessions"] == 550 and values["leads"] == 5 and values["mqls"] == 3 and values["sqls"] == 2
    assert values["visit_to_lead_rate"] == pytest.approx(5 / 550)
    assert values["lead_to_mql_rate"] == pytest.approx(3 / 5)
    assert values["mql_to_sql_rate"] == pytest.approx(2 / 3)
    assert values["sql_to_proposal_rate"] == pytest.approx(2 / 2)
    assert values["proposal_to_won_rate"] == pytest.approx(3 / 2)
    assert values["win_rate"] == pytest.approx(0.75)
    assert values["won_revenue"] == 37000.0
    assert values["avg_deal_size"] == pytest.approx(37000 / 3)
    assert values["sales_cycle_days"] == pytest.approx(43.0)  # deal created → won: 19, 43, 58.5 days


def test_a_rate_across_an_untracked_stage_is_not_a_kpi(tmp_path):
    database = build_database(tmp_path / "x", {"reps": REPS, "leads": LEADS, "deals": DEALS},
                              drop={"deals": ("proposal_at",)})
    values = kpi_actuals(database, *MARCH)
    assert values["sql_to_proposal_rate"] is None and values["proposal_to_won_rate"] is None
    assert values["visit_to_lead_rate"] is None and values["sessions"] is None
    assert values["mql_to_sql_rate"] == pytest.approx(2 / 3)


def test_kpi_readings_judge_each_kpi_in_its_direction():
    readings = {r.key: r for r in kpi_readings(
        {"win_rate": 0.20, "sales_cycle_days": 80.0, "leads": None},
        {"win_rate": 0.25, "sales_cycle_days": 75.0, "leads": 100}, at_risk_band=0.10,
    )}
    assert readings["win_rate"].status == "off track"  # 20 % < 22.5 %
    assert readings["sales_cycle_days"].status == "at risk"  # 80 ≤ 82.5 days
    assert readings["leads"].status is None


def test_monthly_count_targets_scale_with_the_range():
    readings = {r.key: r for r in kpi_readings({"mqls": 1000, "mql_to_sql_rate": 0.3},
                                               {"mqls": 600, "mql_to_sql_rate": 0.35}, 0.1, months=2.0)}
    assert readings["mqls"].target == 1200 and readings["mqls"].status == "off track"  # 1000 < 1080
    assert readings["mql_to_sql_rate"].target == 0.35  # rates do not scale
