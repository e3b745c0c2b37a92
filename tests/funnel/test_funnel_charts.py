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
    bars, targets = figure.data
    assert list(bars.x) == ["Visit → lead", "Lead → MQL", "MQL → SQL", "SQLs → Won deals"]
    assert list(bars.y) == [0.02, 0.25, 0.3, 2 / 15]
    assert list(targets.x) == ["Lead → MQL"] and list(targets.y) == [0.25]
