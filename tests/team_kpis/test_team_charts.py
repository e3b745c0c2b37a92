"""The Team KPIs and Follow-up compliance figures are built from the page data, labelled, and
show every status, band and KPI they are given."""

import datetime as dt

import pandas as pd

from dashboard.compliance import data as compliance
from dashboard.core import formatting
from dashboard.compliance import charts as compliance_charts
from dashboard.team_kpis import charts as team_charts
from dashboard.compliance.follow_up import STATUSES
from tests.compliance.test_follow_up import JUNE, follow_up_company  # noqa: F401  (fixture)


def test_compliance_figures_from_the_hand_built_june(follow_up_company):  # noqa: F811
    data = compliance.compliance_data(follow_up_company, *JUNE)
    status = compliance_charts.status_by_rep_figure(data.by_rep)
    assert [trace.name for trace in status.data] == list(STATUSES)
    assert "(unassigned)" in status.data[0].y  # L11 has no owner
    bands = compliance_charts.response_band_figure(data.bands)
    assert bands.data[0].x[0] == "under 1 h<br>(4 leads)" and bands.data[0].text[0] == "25.0 %"
    backs = compliance_charts.hand_back_figure(data.hand_back_reasons)
    assert sum(sum(trace.x) for trace in backs.data) == 5
    # the legend names the outcomes as the table's columns do (it read "became sql later", "re-mql'd")
    assert [trace.name for trace in backs.data] == ["Won later", "Became SQL later", "Re-MQL'd", "No later activity"]


def test_trend_figure_draws_a_panel_per_kpi_with_targets_and_hollow_partial_months():
    monthly = pd.DataFrame({
        "month_start": [dt.date(2026, 7, 1), dt.date(2026, 8, 1)] * 2,
        "is_partial": [False, True] * 2,
        "kpi": ["win_rate", "win_rate", "won_revenue", "won_revenue"],
        "label": ["Win rate", "Win rate", "Won revenue", "Won revenue"],
        "unit": ["rate", "rate", "currency", "currency"],
        "actual": [0.2, 0.1, 1e6, 5e5],
        "target": [0.18, 0.18, None, None],
        "status": ["on track", "off track", None, None],
    })
    figure = team_charts.trend_figure(monthly)
    titles = [annotation.text for annotation in figure.layout.annotations]
    assert titles == ["Win rate", "Won revenue"]
    assert len(figure.data) == 3  # win rate + its target, revenue without a target
    assert list(figure.data[0].marker.symbol) == ["circle", "circle-open"]
    assert figure.data[2].text == ("$1.00M", "$500k")


def test_count_and_money_axes_read_alike_and_rates_as_per_cents():
    """Seen at 1440 px: the revenue panel's axis read 150k and the MQLs panel's 4000."""
    monthly = pd.DataFrame({
        "month_start": [dt.date(2026, 7, 1)] * 3,
        "is_partial": [False] * 3,
        "kpi": ["mqls", "won_revenue", "win_rate"],
        "label": ["MQLs", "Won revenue", "Win rate"],
        "unit": ["count", "currency", "rate"],
        "actual": [4000.0, 150_000.0, 0.2],
        "target": [None, None, None],
        "status": [None, None, None],
    })
    figure = team_charts.trend_figure(monthly)
    axes = [figure.layout[name] for name in sorted(figure.layout.to_plotly_json()) if name.startswith("yaxis")]
    assert [(axis.tickformat, axis.tickprefix) for axis in axes] == [("~s", None), ("~s", "$"), (".0%", None)]


def test_a_kpi_without_a_figure_in_any_month_gets_no_panel():
    """Finding 2 of issue 13: untracked KPIs were drawn as empty panels, axes and target only."""
    monthly = pd.DataFrame({
        "month_start": [dt.date(2026, 7, 1), dt.date(2026, 8, 1)] * 2,
        "is_partial": [False, False] * 2,
        "kpi": ["win_rate", "win_rate", "mql_to_sql_rate", "mql_to_sql_rate"],
        "label": ["Win rate", "Win rate", "MQL → SQL", "MQL → SQL"],
        "unit": ["rate"] * 4,
        "actual": [0.2, 0.1, None, None],
        "target": [0.18, 0.18, 4.0, 4.0],
        "status": ["on track", "off track", None, None],
    })
    assert team_charts.not_drawn(monthly) == ["mql_to_sql_rate"]
    figure = team_charts.trend_figure(monthly)
    assert [annotation.text for annotation in figure.layout.annotations] == ["Win rate"]


def test_format_kpi_reads_each_unit():
    assert formatting.format_kpi(0.352, "rate") == "35.2 %"
    assert formatting.format_kpi(1_200_000, "currency") == "$1.20M"
    assert formatting.format_kpi(74.4, "days") == "74 d"
    assert formatting.format_kpi(None, "count", missing="not tracked") == "not tracked"
    assert formatting.format_kpi(float("nan"), "hours") == "—"
