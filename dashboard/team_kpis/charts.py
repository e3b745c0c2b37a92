"""Plotly figures of the Team KPIs page; no Streamlit here, so every figure can be built and checked
in a test."""

from __future__ import annotations

import math
from typing import Callable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.core import formatting
from dashboard.funnel.charts import STATUS_COLOURS

MARGIN = {"l": 10, "r": 10, "t": 40, "b": 10}


def _symbol(currency: str) -> str:
    return formatting.CURRENCY_SYMBOLS.get(currency, "")


def not_drawn(monthly: pd.DataFrame) -> list[str]:
    """The KPIs of `monthly` without an actual in any month, which a trend chart leaves out."""
    has_actual = monthly.groupby("kpi", sort=False)["actual"].apply(lambda values: values.notna().any())
    return [key for key, drawn in has_actual.items() if not drawn]


def trend_figure(monthly: pd.DataFrame, currency: str = "USD", columns: int = 3) -> go.Figure:
    """One small chart per KPI: the monthly actual (markers coloured by status) and its target.
    A month the range covers only in part is drawn hollow. A KPI with no actual in any month (not
    tracked) gets no chart: `not_drawn` names them for the page's note."""
    untracked = set(not_drawn(monthly))
    keys = [key for key in dict.fromkeys(monthly["kpi"]) if key not in untracked]
    rows = max(1, math.ceil(len(keys) / columns))
    labels = [monthly.loc[monthly["kpi"] == key, "label"].iloc[0] for key in keys]
    figure = make_subplots(rows=rows, cols=columns, subplot_titles=labels, vertical_spacing=0.16 if rows > 1 else 0.2,
                           horizontal_spacing=0.07)
    for index, key in enumerate(keys):
        row, col = index // columns + 1, index % columns + 1
        series = monthly[monthly["kpi"] == key].sort_values("month_start")
        unit = series["unit"].iloc[0]
        months = pd.to_datetime(series["month_start"])
        texts = [formatting.format_kpi(v, unit, currency) for v in series["actual"]]
        colours = [STATUS_COLOURS.get(s if isinstance(s, str) else None, STATUS_COLOURS[None]) for s in series["status"]]
        symbols = ["circle-open" if partial else "circle" for partial in series["is_partial"]]
        figure.add_scatter(
            x=months, y=series["actual"], mode="lines+markers", line={"color": "#9fa8da", "width": 2},
            marker={"color": colours, "size": 10, "symbol": symbols, "line": {"width": 2, "color": colours}},
            text=texts, hovertemplate="%{x|%b %Y}: %{text}<extra></extra>", showlegend=False, row=row, col=col,
        )
        if series["target"].notna().any():
            figure.add_scatter(
                x=months, y=series["target"], mode="lines", line={"color": "#212121", "dash": "dash", "width": 1.5},
                text=[formatting.format_kpi(v, unit, currency) for v in series["target"]],
                hovertemplate="target %{text}<extra></extra>", showlegend=False, row=row, col=col,
            )
        axis = {"rangemode": "tozero"}
        if unit == "rate":
            highest = pd.concat([series["actual"], series["target"]]).max()
            axis["tickformat"] = ".1%" if pd.notna(highest) and highest < 0.1 else ".0%"
        elif unit in ("currency", "count"):
            # ticks as the other pages' charts read them: $150k and 4k, not $150k beside 4000
            axis["tickformat"] = "~s"
            if unit == "currency":
                axis["tickprefix"] = _symbol(currency)
        figure.update_yaxes(row=row, col=col, **axis)
        figure.update_xaxes(row=row, col=col, tickformat="%b %y", dtick="M1" if len(series) <= 12 else None)
    figure.update_layout(height=230 * rows + 40, margin={"l": 10, "r": 10, "t": 50, "b": 10})
    return figure


def channel_figure(by_channel: pd.DataFrame, name_of: Callable[[object], str] = str) -> go.Figure:
    """MQLs by channel (by display name) with the share accepted as SQL and the share recycled."""
    frame = by_channel.sort_values("mqls", ascending=False)
    frame = frame.assign(value=[name_of(value) for value in frame["value"]])
    figure = make_subplots(specs=[[{"secondary_y": True}]])
    figure.add_bar(x=frame["value"], y=frame["mqls"], name="MQLs", marker_color="#c5cae9",
                   hovertemplate="%{x}: %{y:,} MQLs<extra></extra>")
    for column, name, colour in (("mql_to_sql_rate", "accepted as SQL", "#3949ab"),
                                 ("recycle_rate", "recycled", "#ef6c00")):
        figure.add_scatter(x=frame["value"], y=frame[column], name=name, mode="markers",
                           marker={"size": 12, "color": colour, "symbol": "diamond"},
                           hovertemplate="%{x}: %{y:.1%} " + name + "<extra></extra>", secondary_y=True)
    figure.update_yaxes(title_text="MQLs", secondary_y=False, rangemode="tozero")
    figure.update_yaxes(title_text="share of MQLs", tickformat=".0%", secondary_y=True, rangemode="tozero",
                        showgrid=False, tickmode="auto", nticks=6)
    figure.update_layout(height=340, title={"text": "MQL volume and quality by channel", "y": 0.98},
                         margin={"l": 10, "r": 10, "t": 70, "b": 10},
                         legend={"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0})
    return figure


def team_revenue_figure(by_team: pd.DataFrame, currency: str = "USD", highlight: str | None = None) -> go.Figure:
    """Won revenue of each sales team against its share of the quota."""
    colours = ["#3949ab" if team == highlight or highlight is None else "#9fa8da" for team in by_team["team"]]
    figure = go.Figure()
    figure.add_bar(x=by_team["team"], y=by_team["won_revenue"], name="won revenue", marker_color=colours,
                   text=[formatting.format_kpi(v, "currency", currency) for v in by_team["won_revenue"]], textposition="inside",
                   insidetextanchor="middle", textfont={"color": "white"},
                   hovertemplate="%{x}: %{text}<extra></extra>")
    figure.add_scatter(x=by_team["team"], y=by_team["quota"], mode="markers", name="quota share",
                       marker={"symbol": "line-ew", "size": 60, "line": {"width": 4, "color": "#212121"}},
                       text=[formatting.format_kpi(v, "currency", currency) for v in by_team["quota"]],
                       hovertemplate="quota %{text}<extra></extra>")
    figure.update_layout(height=320, title="Won revenue against each team's quota share", margin=MARGIN,
                         yaxis={"rangemode": "tozero", "tickprefix": _symbol(currency)},
                         legend={"orientation": "h", "y": -0.2})
    return figure
