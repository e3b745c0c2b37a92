"""Plotly figures of the reverse-funnel plan; no Streamlit here, so figures are testable."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.core.contract import STAGE_LABELS
from dashboard.core.formatting import money
from dashboard.planner.domain import Plan

PAST, PLAN, ACTUAL, RUN_RATE = "#b0bec5", "#3949ab", "#212121", "#ef6c00"


def schedule_figure(plan: Plan) -> go.Figure:
    """One panel per stage: the volume each month must bring for the plan's wins (grey: months
    already past, which the funnel in place had to cover; blue: the plan's months), against the
    part of what did arrive, or of today's run rate, whose wins land in the plan's months."""
    schedule = plan.schedule
    stages = [stage.stage for stage in plan.stages if stage.is_planned]
    figure = make_subplots(rows=max(len(stages), 1), cols=1, shared_xaxes=True, vertical_spacing=0.05,
                           subplot_titles=[STAGE_LABELS[stage] for stage in stages])
    for row, stage in enumerate(stages, start=1):
        rows = schedule[schedule["stage"] == stage]
        months = pd.to_datetime(rows["month_start"])
        first = row == 1
        figure.add_bar(
            x=months, y=rows["needed"], row=row, col=1, name="needed for the plan's wins",
            marker_color=[PAST if before else PLAN for before in rows["is_before_start"]],
            showlegend=first, legendgroup="needed", hovertemplate="%{x|%b %Y}: %{y:,.0f} needed<extra></extra>",
        )
        past = rows[rows["is_before_start"] & rows["actual_for_plan"].notna()]
        if len(past):
            figure.add_scatter(
                x=pd.to_datetime(past["month_start"]), y=past["actual_for_plan"], row=row, col=1, mode="lines+markers",
                name="arrived (the part feeding these wins)", line={"color": ACTUAL, "width": 1.5}, marker={"size": 5},
                customdata=past["actual"], showlegend=first, legendgroup="actual",
                hovertemplate="%{x|%b %Y}: %{y:,.0f} of the %{customdata:,.0f} that arrived feed these wins<extra></extra>",
            )
        future = rows[~rows["is_before_start"] & rows["run_rate_for_plan"].notna()]
        if len(future):
            figure.add_scatter(
                x=pd.to_datetime(future["month_start"]), y=future["run_rate_for_plan"], row=row, col=1, mode="markers",
                name="today's run rate (the part feeding these wins)", customdata=future["run_rate"],
                marker={"symbol": "line-ew", "size": 26, "line": {"width": 3, "color": RUN_RATE}},
                showlegend=first, legendgroup="run_rate",
                hovertemplate="%{x|%b %Y}: %{y:,.0f} of a run rate of %{customdata:,.0f} would feed these wins<extra></extra>",
            )
        figure.update_yaxes(rangemode="tozero", tickformat="~s", row=row, col=1)
    figure.update_layout(
        height=150 * max(len(stages), 1) + 90, margin={"l": 10, "r": 10, "t": 70, "b": 10}, barmode="overlay",
        legend={"orientation": "h", "y": 0.995, "yanchor": "top", "x": 0, "yref": "container"},
    )
    figure.update_annotations(font_size=13, x=0, xanchor="left")
    return figure


def gap_figure(stage_table: pd.DataFrame) -> go.Figure:
    """Needed per month as a multiple of today's run rate, per stage (1.0 = today's pace)."""
    rows = stage_table[stage_table["needed_vs_run_rate"].notna()]
    colours = ["#c62828" if ratio > 1 else "#2e7d32" for ratio in rows["needed_vs_run_rate"]]
    text = [f"{ratio:.2f}× · {needed:,.0f} vs {rate:,.0f} / month"
            for ratio, needed, rate in zip(rows["needed_vs_run_rate"], rows["needed_per_month"], rows["run_rate_per_month"])]
    figure = go.Figure(go.Bar(
        y=rows["stage"], x=rows["needed_vs_run_rate"], orientation="h", marker_color=colours, text=text,
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: %{x:.2f}× today's run rate<extra></extra>",
    ))
    top = float(rows["needed_vs_run_rate"].max()) if len(rows) else 1.0
    figure.add_vline(x=1.0, line_dash="dash", line_color="#424242", annotation_text="today's pace",
                     annotation_position="top")
    figure.update_layout(
        height=60 + 48 * max(len(rows), 1), margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title="Needed per month ÷ today's run rate",
        xaxis={"range": [0, max(top, 1.0) * 1.9], "tickformat": ".1f", "ticksuffix": "×"},
        yaxis={"autorange": "reversed"},
    )
    return figure


def sensitivity_figure(sensitivity: pd.DataFrame, currency: str) -> go.Figure:
    """Extra revenue by the end of the plan from +1 point on each step rate."""
    rows = sensitivity
    text = [f"+{money(value, currency)} (rate {rate * 100:.1f} % → {(rate + 0.01) * 100:.1f} %)"
            for value, rate in zip(rows["revenue_per_point"], rows["rate"])]
    figure = go.Figure(go.Bar(
        y=rows["step"], x=rows["revenue_per_point"], orientation="h", marker_color="#00897b", text=text,
        textposition="outside", cliponaxis=False, hovertemplate="%{y}: +%{x:,.0f}<extra></extra>",
    ))
    top = float(rows["revenue_per_point"].max()) if len(rows) else 1.0
    figure.update_layout(
        height=60 + 48 * max(len(rows), 1), margin={"l": 10, "r": 10, "t": 40, "b": 10},
        title="Extra revenue by the end of the plan from +1 point on each rate",
        xaxis={"range": [0, max(top, 1.0) * 2.0], "tickformat": "~s"}, yaxis={"autorange": "reversed"},
    )
    return figure
