"""Plotly figures of the Follow-up compliance page; no Streamlit here, so every figure can be built
and checked in a test."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.core import formatting
from dashboard.compliance.follow_up import (
    BREACHED_ATTEMPTS,
    BREACHED_FIRST_TOUCH,
    LATER_OUTCOMES,
    MET,
    NEVER_TOUCHED,
    OUTCOME_COLUMNS,
    STATUSES,
    STILL_OPEN,
)

FOLLOW_UP_COLOURS = {
    MET: "#2e7d32",
    BREACHED_FIRST_TOUCH: "#ef6c00",
    BREACHED_ATTEMPTS: "#f9a825",
    STILL_OPEN: "#90a4ae",
    NEVER_TOUCHED: "#c62828",
}
OUTCOME_COLOURS = dict(zip(LATER_OUTCOMES, ("#2e7d32", "#66bb6a", "#5c6bc0", "#b0bec5")))
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def status_by_rep_figure(by_rep: pd.DataFrame) -> go.Figure:
    """Each rep's handed-off leads stacked by follow-up status, worst share of on-time first
    touch at the top."""
    frame = by_rep.assign(rep=[formatting.rep_label(n, i) for n, i in zip(by_rep["owner_name"], by_rep["owner_id"])])
    frame = frame.sort_values("first_touch_within_rate", ascending=False, na_position="first")
    figure = go.Figure()
    for status in STATUSES:
        column = status.replace(" ", "_")
        figure.add_bar(
            y=frame["rep"], x=frame[column], name=status, orientation="h", marker_color=FOLLOW_UP_COLOURS[status],
            hovertemplate="%{y}: %{x} " + status + "<extra></extra>",
        )
    figure.update_layout(
        barmode="stack", height=max(260, 30 * len(frame) + 130),
        title={"text": "Follow-up status of each rep's hand-offs (leads handed off)", "y": 0.98},
        margin={"l": 10, "r": 10, "t": 70, "b": 10},
        legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"},
    )
    return figure


def response_band_figure(bands: pd.DataFrame) -> go.Figure:
    """Conversion to SQL and to won by working hours to first touch."""
    labels = [f"{band}<br>({leads:,} leads)" for band, leads in zip(bands["response_band"], bands["leads"])]
    figure = go.Figure()
    for column, name, colour in (("sql_rate", "became SQL", "#3949ab"), ("won_rate", "won", "#2e7d32")):
        values = bands[column].astype(float)
        figure.add_bar(
            x=labels, y=values, name=name, marker_color=colour,
            text=[formatting.pct(v, missing="") for v in values], textposition="outside",
            hovertemplate="%{x}: %{y:.1%} " + name + "<extra></extra>",
        )
    figure.update_layout(
        barmode="group", height=360, title="Conversion by working hours to first touch",
        yaxis={"tickformat": ".0%", "rangemode": "tozero"}, margin=MARGIN, legend={"orientation": "h", "y": -0.25},
    )
    return figure


def hand_back_figure(reasons: pd.DataFrame) -> go.Figure:
    """Leads handed back to marketing (or disqualified) by reason, split by what happened later."""
    figure = go.Figure()
    frame = reasons.iloc[::-1]
    for outcome in LATER_OUTCOMES:
        column = OUTCOME_COLUMNS[outcome]
        # named as the table's columns are ("Became SQL later", not "became sql later": seen at 1440 px)
        in_sentence = outcome[:1].lower() + outcome[1:]
        figure.add_bar(y=frame["reason"], x=frame[column], name=outcome, orientation="h",
                       marker_color=OUTCOME_COLOURS[outcome], hovertemplate="%{y}: %{x} " + in_sentence + "<extra></extra>")
    figure.update_layout(barmode="stack", height=max(240, 40 * len(frame) + 130),
                         margin={"l": 10, "r": 10, "t": 70, "b": 10},
                         title={"text": "Why leads left sales (leads), and what happened to them since", "y": 0.98},
                         legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "traceorder": "normal"})
    return figure
