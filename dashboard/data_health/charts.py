"""Figures for the Data health page; no Streamlit here, so they are testable."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.core.config import month_starts

TABLE_LABELS = {
    "leads": "Leads created",
    "deals": "Deals opened",
    "touches": "Touches",
    "traffic": "Traffic rows (days × channels)",
}
GAP_COLOUR = "#c62828"
BAR_COLOUR = "#3949ab"


def complete_months(monthly: pd.DataFrame) -> pd.DataFrame:
    """Every month from each table's first month to the last month of any table, missing months
    as 0 records, so a month an export skipped, or a table that stops early, shows as a gap
    instead of silently disappearing."""
    frames = []
    if monthly.empty:
        return pd.DataFrame({"table_name": [], "month_start": [], "records": []})
    last = pd.to_datetime(monthly["month_start"]).dt.date.max()
    for table, group in monthly.groupby("table_name", sort=False):
        months = pd.to_datetime(group["month_start"]).dt.date
        every = month_starts(months.min(), last)
        counts = dict(zip(months, group["records"]))
        frames.append(pd.DataFrame({
            "table_name": table, "month_start": every, "records": [int(counts.get(m, 0)) for m in every],
        }))
    if not frames:
        return pd.DataFrame({"table_name": [], "month_start": [], "records": []})
    return pd.concat(frames, ignore_index=True)


def monthly_rows_figure(monthly: pd.DataFrame) -> go.Figure:
    """Records per month, one small chart per table with its own scale; empty months in red."""
    frame = complete_months(monthly)
    tables = [table for table in TABLE_LABELS if table in set(frame["table_name"])]
    figure = make_subplots(rows=max(len(tables), 1), cols=1, shared_xaxes=True, vertical_spacing=0.08,
                           subplot_titles=[TABLE_LABELS[table] for table in tables])
    gap_in_legend = False
    for index, table in enumerate(tables, start=1):
        rows = frame[frame["table_name"] == table]
        figure.add_bar(x=rows["month_start"], y=rows["records"], marker_color=BAR_COLOUR, name=TABLE_LABELS[table],
                       showlegend=False, hovertemplate="%{x|%b %Y}: %{y:,} records<extra></extra>", row=index, col=1)
        empty = rows[rows["records"] == 0]
        if not empty.empty:
            figure.add_scatter(x=empty["month_start"], y=[0] * len(empty), mode="markers",
                               marker={"symbol": "x", "size": 11, "color": GAP_COLOUR}, name="month with no records",
                               showlegend=not gap_in_legend, hovertemplate="%{x|%b %Y}: no records<extra></extra>",
                               row=index, col=1)
            gap_in_legend = True
        figure.update_yaxes(rangemode="tozero", tickformat="~s", row=index, col=1)
    figure.update_layout(height=150 + 150 * max(len(tables), 1), margin={"l": 10, "r": 10, "t": 40, "b": 10},
                         legend={"orientation": "h", "y": 1.06, "x": 1, "xanchor": "right"},
                         title="Records per month")
    return figure
