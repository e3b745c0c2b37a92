"""Plotly figures of the monthly review, built from a `MonthlyReview`; no Streamlit here, so
the page and the HTML report draw the same figures."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.core import formatting
from dashboard.review.attainment import DAY
from dashboard.funnel.charts import STATUS_COLOURS
from dashboard.core.kpis import KPIS, STEP_RATE_KPIS

GOAL_COLOUR = "#757575"
WON_COLOUR = "#3949ab"
FORECAST_COLOUR = "#00897b"
MONTH_SHADE = "rgba(57, 73, 171, 0.07)"
TRANSITION_COLOURS = {
    "lead_to_mql": "#8e24aa",
    "mql_to_sql": "#1e88e5",
    "sql_to_proposal": "#fb8c00",
    "proposal_to_won": "#43a047",
    "deal_to_won": "#212121",
}
TRANSITION_LABELS = {
    "lead_to_mql": "Lead → MQL",
    "mql_to_sql": "MQL → SQL",
    "sql_to_proposal": "SQL → proposal",
    "proposal_to_won": "Proposal → won",
    "deal_to_won": "Deal opened → won (sales cycle)",
}
MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def _currency_prefix(currency: str) -> str:
    return formatting.CURRENCY_SYMBOLS.get(currency, currency + " ")


def cumulative_figure(review) -> go.Figure:
    """Cumulative won revenue of the period against the cumulative goal from the quota
    weights, with the forecast as a dotted line to the period end and the month shaded."""
    att = review.attainment
    figure = go.Figure()
    if att is None:
        return figure
    prefix = _currency_prefix(att.currency)
    goal, won = review.goal, review.cumulative
    figure.add_scatter(
        x=goal["day"], y=goal["cumulative_goal"], mode="lines", name="goal (quota by its monthly weights)",
        line={"color": GOAL_COLOUR, "dash": "dash", "width": 2},
        hovertemplate=f"%{{x|%d %b %Y}}: goal {prefix}%{{y:,.0f}}<extra></extra>",
    )
    figure.add_scatter(
        x=won["day"], y=won["cumulative_won"], mode="lines", name="won revenue", line={"color": WON_COLOUR, "width": 3},
        hovertemplate=f"%{{x|%d %b %Y}}: won {prefix}%{{y:,.0f}}<extra></extra>",
    )
    forecast = att.forecast
    if forecast is not None and forecast.method != "final":
        figure.add_scatter(
            x=[att.cutoff, att.period_end], y=[att.won_to_date, forecast.total], mode="lines+markers",
            name=f"forecast ({forecast.method})", line={"color": FORECAST_COLOUR, "dash": "dot", "width": 2},
            hovertemplate=f"%{{x|%d %b %Y}}: {prefix}%{{y:,.0f}}<extra></extra>",
        )
    figure.add_hline(y=att.period_quota, line={"color": GOAL_COLOUR, "width": 1},
                     annotation_text=f"quota {formatting.money(att.period_quota, att.currency)}",
                     annotation_position="top left")
    start = max(review.month, att.period_start)
    # A label drawn rightwards from a band in the period's last month runs off the plot: it then
    # hangs leftwards from the band's right edge.
    side = "right" if (att.period_end - start).days < 31 else "left"
    figure.add_vrect(x0=start, x1=review.cutoff + DAY, fillcolor=MONTH_SHADE, line_width=0,
                     annotation_text=f"{review.month:%B}", annotation_position=f"top {side}")
    figure.update_layout(
        title=f"{att.sla_name}: cumulative won revenue against the goal", height=380, margin=MARGIN,
        yaxis={"tickprefix": prefix, "tickformat": "~s", "rangemode": "tozero", "title": None},
        xaxis={"range": [att.period_start, att.period_end + DAY]},
        legend={"orientation": "h", "y": -0.15},
    )
    return figure


def trend_figure(trend: pd.DataFrame, month: dt.date) -> go.Figure:
    """Each conversion rate by month, points coloured by status, against its target line
    (a step, as targets change when the SLA is reset)."""
    kpis = [kpi for kpi in STEP_RATE_KPIS.values() if kpi in set(trend["kpi"])]
    if not kpis:
        return go.Figure()
    columns = min(len(kpis), 5)
    rows = (len(kpis) + columns - 1) // columns
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=[KPIS[kpi].label for kpi in kpis],
                           horizontal_spacing=0.04)
    for index, kpi in enumerate(kpis):
        row, col = index // columns + 1, index % columns + 1
        data = trend[trend["kpi"] == kpi].sort_values("month_start")
        rates = pd.to_numeric(data["rate"], errors="coerce")
        figure.add_scatter(
            x=data["month_start"], y=rates, mode="lines+markers", name="actual", showlegend=False,
            line={"color": WON_COLOUR, "width": 2},
            marker={"size": 8,
                    "color": [STATUS_COLOURS.get(s if isinstance(s, str) else None) for s in data["status"]]},
            hovertemplate="%{x|%b %Y}: %{y:.1%}<extra></extra>", row=row, col=col,
        )
        targets = pd.to_numeric(data["target"], errors="coerce")
        if targets.notna().any():
            figure.add_scatter(
                x=data["month_start"], y=targets, mode="lines", name="SLA target", showlegend=False,
                line={"color": "#212121", "dash": "dash", "width": 1.5, "shape": "hv"},
                hovertemplate="%{x|%b %Y}: target %{y:.1%}<extra></extra>", row=row, col=col,
            )
        small = rates.max() < 0.1 if rates.notna().any() else False
        figure.update_yaxes(tickformat=".1%" if small else ".0%", rangemode="tozero", row=row, col=col)
        figure.update_xaxes(tickformat="%b\n%Y", row=row, col=col)
    # The legend, once for all panels: the line, what the dot colours mean, the target.
    legend = [("actual", "lines", {"color": WON_COLOUR, "width": 2}, None)]
    shown = set(trend["status"].dropna())
    legend += [(status, "markers", None, colour) for status, colour in STATUS_COLOURS.items() if status in shown]
    legend += [("SLA target", "lines", {"color": "#212121", "dash": "dash", "width": 1.5}, None)]
    for name, mode, line, colour in legend:
        figure.add_scatter(x=[None], y=[None], mode=mode, name=name, line=line,
                           marker={"size": 8, "color": colour} if colour else None, hoverinfo="skip")
    figure.update_layout(
        title=f"Conversion by month to {month:%B %Y} against the SLA target",
        height=320 * rows, margin={**MARGIN, "t": 90}, legend={"orientation": "h", "y": -0.25},
    )
    return figure


def durations_figure(durations: pd.DataFrame, sales_cycle_target: float | None) -> go.Figure:
    """Median days between stages by month, with the SLA's sales-cycle target."""
    figure = go.Figure()
    for transition, label in TRANSITION_LABELS.items():
        data = durations[durations["transition"] == transition].sort_values("month_start")
        if data.empty:
            continue
        figure.add_scatter(
            x=data["month_start"], y=data["median_days"], mode="lines+markers", name=label,
            line={"color": TRANSITION_COLOURS[transition], "width": 3 if transition == "deal_to_won" else 2},
            customdata=data["records"], hovertemplate=f"{label}, %{{x|%b %Y}}: %{{y:.1f}} days "
                                                      "(%{customdata:,} records)<extra></extra>",
        )
    if sales_cycle_target is not None and (durations["transition"] == "deal_to_won").any():
        figure.add_hline(y=sales_cycle_target, line={"color": GOAL_COLOUR, "dash": "dash", "width": 1.5},
                         annotation_text=f"sales-cycle target {sales_cycle_target:.0f} d",
                         # on a white ground: the sales-cycle line crosses the label (seen at 1440 px)
                         annotation={"bgcolor": "rgba(255, 255, 255, 0.85)"},
                         annotation_position="top left")
    figure.update_layout(
        title="Median days between stages, by month reached", height=360, margin=MARGIN,
        yaxis={"title": "days", "rangemode": "tozero"}, xaxis={"tickformat": "%b\n%Y"},
        # below the two-line month ticks ("Jan / 2026"), which the legend covered at y = -0.2
        legend={"orientation": "h", "yanchor": "top", "y": -0.3},
    )
    return figure
