"""Plotly figures of the scoring lab; no Streamlit here, so figures are testable."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

CURRENT, PROPOSED = "#90a4ae", "#3949ab"
OBSERVED, ESTIMATED, MISSED = "#2e7d32", "#a5d6a7", "#c62828"


def tradeoff_figure(current: pd.DataFrame, proposed: pd.DataFrame, current_threshold: int,
                    proposed_threshold: int, rules_changed: bool) -> go.Figure:
    """Across every threshold: MQL volume, precision and revenue captured, under the proposed
    rules (and the current ones when the rules were edited), with both thresholds marked."""
    figure = make_subplots(rows=3, cols=1, shared_xaxes=True, vertical_spacing=0.07, subplot_titles=(
        "MQLs per month", "Precision: MQL → SQL and MQL → won (estimates included)",
        "Observed won revenue captured by MQLs"))
    curves = [("proposed rules", proposed, "solid", PROPOSED)]
    if rules_changed:
        curves.append(("current rules", current, "dot", CURRENT))
    for name, frame, dash, colour in curves:
        first = name == "proposed rules"
        figure.add_scatter(x=frame["threshold"], y=frame["mqls_per_month"], row=1, col=1, name=name, legendgroup=name,
                           line={"color": colour, "dash": dash}, showlegend=True,
                           hovertemplate="threshold %{x}: %{y:,.0f} MQLs / month<extra>" + name + "</extra>")
        figure.add_scatter(x=frame["threshold"], y=frame["mql_to_sql_rate"], row=2, col=1, name=f"MQL → SQL ({name})",
                           legendgroup=name, showlegend=False, line={"color": colour, "dash": dash},
                           hovertemplate="threshold %{x}: MQL → SQL %{y:.1%}<extra>" + name + "</extra>")
        figure.add_scatter(x=frame["threshold"], y=frame["mql_to_won_rate"], row=2, col=1, name=f"MQL → won ({name})",
                           legendgroup=name, showlegend=False, line={"color": colour, "dash": dash, "width": 1},
                           hovertemplate="threshold %{x}: MQL → won %{y:.1%}<extra>" + name + "</extra>")
        figure.add_scatter(x=frame["threshold"], y=frame["revenue_captured_share"], row=3, col=1, legendgroup=name,
                           name=f"revenue captured ({name})", showlegend=False, line={"color": colour, "dash": dash},
                           hovertemplate="threshold %{x}: %{y:.1%} of won revenue<extra>" + name + "</extra>")
        if first:
            last = proposed.dropna(subset=["mql_to_sql_rate"])
            if len(last):
                for column, label in (("mql_to_sql_rate", "MQL → SQL"), ("mql_to_won_rate", "MQL → won")):
                    row = last.iloc[len(last) // 3]
                    figure.add_annotation(x=row["threshold"], y=row[column], text=label, row=2, col=1, showarrow=False,
                                          yshift=10, font={"size": 11, "color": PROPOSED})
    # The lower threshold is labelled on its left, the higher on its right, so labels never overlap.
    marks = [(current_threshold, "current", "#616161"), (proposed_threshold, "proposed", PROPOSED)]
    if current_threshold == proposed_threshold:
        marks = [(current_threshold, "current = proposed", PROPOSED)]
    for threshold, label, colour in marks:
        for row in (1, 2, 3):
            figure.add_vline(x=threshold, line_dash="dash", line_color=colour, row=row, col=1)
        on_left = len(marks) == 2 and threshold == min(current_threshold, proposed_threshold)
        figure.add_annotation(x=threshold, y=1.0, yref="y domain", text=f" {label} {threshold} ", showarrow=False,
                              xanchor="right" if on_left else "left", yanchor="bottom",
                              font={"size": 11, "color": colour}, row=1, col=1)
    figure.update_yaxes(rangemode="tozero", tickformat="~s", row=1, col=1)
    figure.update_yaxes(rangemode="tozero", tickformat=".0%", row=2, col=1)
    figure.update_yaxes(range=[0, 1.05], tickformat=".0%", row=3, col=1)
    figure.update_xaxes(title_text="MQL threshold (score)", row=3, col=1)
    figure.update_layout(height=640, margin={"l": 10, "r": 10, "t": 60, "b": 10},
                         legend={"orientation": "h", "y": 0.995, "yanchor": "top", "x": 0, "yref": "container"})
    for title in ("MQLs per month", "Precision: MQL → SQL and MQL → won (estimates included)",
                  "Observed won revenue captured by MQLs"):
        figure.update_annotations(selector={"text": title}, x=0, xanchor="left", font_size=13)
    return figure


def load_figure(current: pd.DataFrame, proposed: pd.DataFrame, capacity: float | None) -> go.Figure:
    """MQLs per rep per month under the current and proposed definitions, against capacity."""
    months = pd.to_datetime(proposed["month_start"])
    figure = go.Figure()
    figure.add_bar(x=months, y=current["mqls_per_rep"], name="current", marker_color=CURRENT,
                   hovertemplate="%{x|%b %Y}: %{y:,.1f} MQLs per rep<extra>current</extra>")
    figure.add_bar(x=months, y=proposed["mqls_per_rep"], name="proposed", marker_color=PROPOSED,
                   hovertemplate="%{x|%b %Y}: %{y:,.1f} MQLs per rep<extra>proposed</extra>")
    if capacity:
        figure.add_hline(y=capacity, line_dash="dash", line_color=MISSED, annotation_text=f"capacity {capacity:,.0f}",
                         annotation_position="top left")
    figure.update_layout(height=340, barmode="group", title="MQLs per rep per month vs capacity",
                         margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.15},
                         yaxis={"rangemode": "tozero"})
    return figure


def revenue_figure(proposed: pd.DataFrame, currency_symbol: str = "$") -> go.Figure:
    """Won revenue of each month's leads: captured by the proposed MQLs (observed and
    estimated) and missed (won by leads the proposal would not have handed off)."""
    months = pd.to_datetime(proposed["month_start"])
    figure = go.Figure()
    figure.add_bar(x=months, y=proposed["revenue_captured_observed"], name="captured, observed", marker_color=OBSERVED,
                   hovertemplate="%{x|%b %Y}: %{y:,.0f} captured (observed)<extra></extra>")
    figure.add_bar(x=months, y=proposed["revenue_captured_estimated"], name="captured, estimated",
                   marker={"color": ESTIMATED, "pattern": {"shape": "/"}},
                   hovertemplate="%{x|%b %Y}: %{y:,.0f} captured (estimated)<extra></extra>")
    figure.add_bar(x=months, y=-proposed["revenue_missed"], name="missed (won, not an MQL)", marker_color=MISSED,
                   customdata=proposed["revenue_missed"], hovertemplate="%{x|%b %Y}: %{customdata:,.0f} missed<extra></extra>")
    figure.update_layout(height=340, barmode="relative", title="Won revenue of the month's leads under the proposal",
                         margin={"l": 10, "r": 10, "t": 40, "b": 10}, legend={"orientation": "h", "y": -0.15},
                         yaxis={"tickformat": "~s", "tickprefix": currency_symbol})
    return figure
