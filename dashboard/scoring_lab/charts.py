"""Plotly figures of the scoring lab; no Streamlit here, so figures are testable."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

CURRENT, PROPOSED = "#90a4ae", "#3949ab"
OBSERVED, ESTIMATED, MISSED = "#2e7d32", "#a5d6a7", "#c62828"


PANELS = (
    ("MQLs per month", ("mqls_per_month",)),
    ("MQLs, all time (the leads are undated)", ("mqls_all_time",)),
    ("Precision: MQL → SQL and MQL → won (estimates included)", ("mql_to_sql_rate", "mql_to_won_rate")),
    ("Observed won revenue captured by MQLs", ("revenue_captured_share",)),
)
TRACES = {
    "mqls_per_month": ("{name}", "threshold %{{x}}: %{{y:,.0f}} MQLs / month<extra>{name}</extra>", 2),
    "mqls_all_time": ("{name}", "threshold %{{x}}: %{{y:,.0f}} MQLs<extra>{name}</extra>", 2),
    "mql_to_sql_rate": ("MQL → SQL ({name})", "threshold %{{x}}: MQL → SQL %{{y:.1%}}<extra>{name}</extra>", 2),
    "mql_to_won_rate": ("MQL → won ({name})", "threshold %{{x}}: MQL → won %{{y:.1%}}<extra>{name}</extra>", 1),
    "revenue_captured_share": ("revenue captured ({name})",
                               "threshold %{{x}}: %{{y:.1%}} of won revenue<extra>{name}</extra>", 2),
}


def tradeoff_panels(proposed: pd.DataFrame) -> list[tuple[str, tuple[str, ...]]]:
    """The panels the trade-off can draw: a panel whose every line is untracked (all blank) is left out."""
    return [(title, columns) for title, columns in PANELS
            if any(column in proposed and proposed[column].notna().any() for column in columns)]


def tradeoff_figure(current: pd.DataFrame, proposed: pd.DataFrame, current_threshold: int,
                    proposed_threshold: int, rules_changed: bool) -> go.Figure:
    """Across every threshold: MQL volume, precision and revenue captured, under the proposed
    rules (and the current ones when the rules were edited), with both thresholds marked.
    Lines the extracts cannot fill (all blank) are not drawn, nor a panel left without lines."""
    panels = tradeoff_panels(proposed)
    figure = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.07,
                           subplot_titles=[title for title, _ in panels])
    curves = [("proposed rules", proposed, "solid", PROPOSED)]
    if rules_changed:
        curves.append(("current rules", current, "dot", CURRENT))
    for name, frame, dash, colour in curves:
        for row, (_, columns) in enumerate(panels, start=1):
            for column in columns:
                if not frame[column].notna().any():
                    continue
                label, hover, width = TRACES[column]
                figure.add_scatter(x=frame["threshold"], y=frame[column], row=row, col=1, name=label.format(name=name),
                                   legendgroup=name, showlegend=column in ("mqls_per_month", "mqls_all_time"),
                                   line={"color": colour, "dash": dash, "width": width},
                                   hovertemplate=hover.format(name=name))
    precision_row = next((row for row, (_, columns) in enumerate(panels, start=1) if "mql_to_sql_rate" in columns), None)
    if precision_row:
        for column, label in (("mql_to_sql_rate", "MQL → SQL"), ("mql_to_won_rate", "MQL → won")):
            last = proposed.dropna(subset=[column])
            if len(last):
                row = last.iloc[len(last) // 3]
                figure.add_annotation(x=row["threshold"], y=row[column], text=label, row=precision_row, col=1,
                                      showarrow=False, yshift=10, font={"size": 11, "color": PROPOSED})
    # The lower threshold is labelled on its left, the higher on its right, so labels never overlap.
    marks = [(current_threshold, "current", "#616161"), (proposed_threshold, "proposed", PROPOSED)]
    if current_threshold == proposed_threshold:
        marks = [(current_threshold, "current = proposed", PROPOSED)]
    for threshold, label, colour in marks:
        for row in range(1, len(panels) + 1):
            figure.add_vline(x=threshold, line_dash="dash", line_color=colour, row=row, col=1)
        on_left = len(marks) == 2 and threshold == min(current_threshold, proposed_threshold)
        figure.add_annotation(x=threshold, y=1.0, yref="y domain", text=f" {label} {threshold} ", showarrow=False,
                              xanchor="right" if on_left else "left", yanchor="bottom",
                              font={"size": 11, "color": colour}, row=1, col=1)
    for row, (title, columns) in enumerate(panels, start=1):
        if columns in (("mqls_per_month",), ("mqls_all_time",)):
            figure.update_yaxes(rangemode="tozero", tickformat="~s", row=row, col=1)
        elif columns == ("revenue_captured_share",):
            figure.update_yaxes(range=[0, 1.05], tickformat=".0%", row=row, col=1)
        else:
            figure.update_yaxes(rangemode="tozero", tickformat=".0%", row=row, col=1)
        figure.update_annotations(selector={"text": title}, x=0, xanchor="left", font_size=13)
    figure.update_xaxes(title_text="MQL threshold (score)", row=len(panels), col=1)
    figure.update_layout(height=220 * len(panels) + 40, margin={"l": 10, "r": 10, "t": 60, "b": 10},
                         legend={"orientation": "h", "y": 0.995, "yanchor": "top", "x": 0, "yref": "container"})
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
