"""Figures are built from the aggregates they are given, and say what they show."""

from dashboard.funnel import charts
from dashboard.funnel.domain import build_funnel

TRACKED = dict.fromkeys(["traffic", "lead", "mql", "sql", "proposal", "won"], True)
COUNTS = {"traffic": 10000, "lead": 200, "mql": 50, "sql": 15, "proposal": 8, "won": 2}


def test_funnel_figure_leaves_out_sessions_and_untracked_stages():
    steps = build_funnel(COUNTS, {**TRACKED, "proposal": False})
    figure = charts.funnel_figure(steps)
    assert list(figure.data[0].y) == ["Leads", "MQLs", "SQLs", "Won deals"]
    assert list(figure.data[0].x) == [200, 50, 15, 2]


def test_conversion_figure_labels_steps_and_marks_targets():
    steps = build_funnel(COUNTS, {**TRACKED, "proposal": False}, targets={"lead_to_mql_rate": 0.25})
    figure = charts.conversion_figure(steps)
    *bars, targets = figure.data
    assert figure.layout.xaxis.categoryarray == ("Visit → lead", "Lead → MQL", "MQL → SQL", "SQLs → Won deals")
    rates = {x: y for trace in bars for x, y in zip(trace.x, trace.y)}
    assert rates == {"Visit → lead": 0.02, "Lead → MQL": 0.25, "MQL → SQL": 0.3, "SQLs → Won deals": 2 / 15}
    assert list(targets.x) == ["Lead → MQL"] and list(targets.y) == [0.25]


def test_conversion_legend_names_each_bar_colour():
    steps = build_funnel(COUNTS, TRACKED, targets={"lead_to_mql_rate": 0.25, "mql_to_sql_rate": 0.5,
                                                   "sql_to_proposal_rate": 0.55})
    bars = [trace for trace in charts.conversion_figure(steps).data if trace.type == "bar"]
    legend = {trace.name: (trace.marker.color, list(trace.x)) for trace in bars}
    assert legend == {
        "on track": ("#2e7d32", ["Lead → MQL"]),
        "off track": ("#c62828", ["MQL → SQL"]),
        "at risk": ("#ef6c00", ["SQL → proposal"]),
        "no target": ("#5c6bc0", ["Visit → lead", "Proposal → won"]),
    }


def test_funnel_figure_writes_counts_as_the_cards_do():
    steps = build_funnel({**COUNTS, "lead": 11809}, TRACKED)
    assert charts.funnel_figure(steps).data[0].texttemplate == "%{value:,}<br>%{percentInitial:.0%}"


def test_stage_volumes_by_month_read_with_thousands_separators():
    import pandas as pd

    from dashboard.funnel.charts import monthly_stages_figure

    monthly = pd.DataFrame({"month_start": pd.to_datetime(["2026-09-01", "2026-10-01"]), "leads": [2900, 3600],
                            "mqls": [600, 700]})
    figure = monthly_stages_figure(monthly)
    assert figure.layout.yaxis.tickformat == ","  # 3,000 as on the cards; the axis read 3000
    assert [trace.name for trace in figure.data] == ["Leads", "MQLs"]
