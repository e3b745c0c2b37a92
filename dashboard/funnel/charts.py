"""Plotly figures built from small aggregates; no Streamlit here, so figures are testable."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from dashboard.core.contract import STAGE_LABELS
from dashboard.funnel.domain import AT_RISK, MATURING, NOT_APPLICABLE, OFF_TRACK, ON_TRACK, FunnelStep, step_label
from dashboard.funnel.journey import NOT_HANDED_OFF, OUTCOME_NODES, RECYCLED_AND_BACK, STAGE_NODES, Journey

STATUS_COLOURS = {ON_TRACK: "#2e7d32", AT_RISK: "#ef6c00", OFF_TRACK: "#c62828", MATURING: "#9e9e9e",
                  NOT_APPLICABLE: "#bdbdbd", None: "#5c6bc0"}
FUNNEL_STAGES = ("lead", "mql", "sql", "opportunity", "proposal", "won")


def funnel_figure(steps: list[FunnelStep]) -> go.Figure:
    """Leads (or, on an opportunity-only export, opportunities) to won as a funnel; sessions are
    left out because they dwarf every other stage."""
    shown = [step for step in steps if step.stage in FUNNEL_STAGES and step.count is not None]
    title = f"{shown[0].label} to won" if shown and shown[0].stage != "won" else "Leads to won"
    figure = go.Figure(go.Funnel(
        y=[step.label for step in shown],
        x=[step.count for step in shown],
        texttemplate="%{value:,}<br>%{percentInitial:.0%}",  # 11,809 as on the cards, never 11.809k
        marker={"color": "#3949ab"},
    ))
    figure.update_layout(margin={"l": 10, "r": 10, "t": 30, "b": 10}, height=320, title=title)
    return figure


def conversion_figure(steps: list[FunnelStep]) -> go.Figure:
    """Each step's conversion rate as a bar coloured by status, with its target as a marker."""
    rated = [step for step in steps if step.rate_from_previous is not None]
    labels = [step_label(step) for step in rated]
    figure = go.Figure()
    # One trace per status, so the legend names each bar colour; the x order stays the funnel's.
    for status, colour in STATUS_COLOURS.items():
        bars = [(label, step) for label, step in zip(labels, rated) if step.status == status]
        if not bars:
            continue
        figure.add_bar(
            x=[label for label, _ in bars],
            y=[step.rate_from_previous for _, step in bars],
            marker_color=colour,
            text=[f"{step.rate_from_previous * 100:.1f} %" for _, step in bars],
            textposition="outside",
            name=status or "no target",
            hovertemplate="%{x}: %{y:.1%}<extra></extra>",
        )
    targets = [(label, step.target) for label, step in zip(labels, rated) if step.target is not None]
    if targets:
        figure.add_scatter(
            x=[label for label, _ in targets], y=[target for _, target in targets], mode="markers",
            marker={"symbol": "line-ew", "size": 46, "line": {"width": 4, "color": "#212121"}},
            name="SLA target", hovertemplate="target %{y:.1%}<extra></extra>",
        )
    figure.update_layout(
        yaxis={"tickformat": ".0%", "rangemode": "tozero"}, height=320,
        title="Conversion by step vs SLA target" if targets else "Conversion by step (the SLA sets no target for these)",
        xaxis={"categoryorder": "array", "categoryarray": labels},
        margin={"l": 10, "r": 10, "t": 30, "b": 10}, legend={"orientation": "h", "y": -0.2},
    )
    return figure


def monthly_stages_figure(monthly: pd.DataFrame) -> go.Figure:
    """Stage volumes per month (leads to won); stages the data lacks are left out."""
    figure = go.Figure()
    for column, stage in (("leads", "lead"), ("mqls", "mql"), ("sqls", "sql"), ("opportunities", "opportunity"), ("proposals", "proposal"), ("won", "won")):
        if column in monthly and monthly[column].notna().any():
            figure.add_scatter(x=monthly["month_start"], y=monthly[column], mode="lines+markers", name=STAGE_LABELS[stage])
    figure.update_layout(
        height=320, title="Stage volume by month", margin={"l": 10, "r": 10, "t": 30, "b": 10},
        # 3,000 as on the cards, not 3000 (seen at 1440 px)
        yaxis={"rangemode": "tozero", "tickformat": ","}, legend={"orientation": "h", "y": -0.2},
    )
    return figure


# Stages in the funnel's blues, won in green; the branches in their own tones: lost and
# disqualified are exits, recycled goes back to marketing, still open has not ended.
JOURNEY_COLOURS = {
    STAGE_NODES["lead"]: "#1f4e79", STAGE_NODES["mql"]: "#2e75b6", RECYCLED_AND_BACK: "#7fa7d6",
    STAGE_NODES["sql"]: "#4a90d9", STAGE_NODES["proposal"]: "#6baed6", STAGE_NODES["won"]: "#2e7d32",
    OUTCOME_NODES["lost"]: "#c62828", OUTCOME_NODES["disqualified"]: "#8d6e63",
    OUTCOME_NODES["recycled"]: "#f9a825", OUTCOME_NODES["still open"]: "#9e9e9e", NOT_HANDED_OFF: "#cfd8dc",
}


def journey_figure(journey: Journey) -> go.Figure:
    """The lead journey as a Sankey; hovering shows the leads on each link and through each node."""
    nodes = journey.nodes
    index = {label: position for position, label in enumerate(nodes)}
    totals = journey.node_totals()
    links = journey.links
    figure = go.Figure(go.Sankey(
        arrangement="snap",
        # dark text without the white halo: the default read light grey on the grey links at 1440 px
        textfont=dict(color="#212121", size=13, shadow="none"),
        node=dict(
            label=[f"{label} ({totals[label]:,})" for label in nodes],
            color=[JOURNEY_COLOURS.get(label, "#90a4ae") for label in nodes],
            pad=18, thickness=16,
            hovertemplate="%{label}<extra></extra>",
        ),
        link=dict(
            source=[index[source] for source in links["source"]],
            target=[index[target] for target in links["target"]],
            value=links["leads"].tolist(),
            customdata=[f"{source} → {target}" for source, target in zip(links["source"], links["target"])],
            hovertemplate="%{customdata}: %{value:,} leads<extra></extra>",
            color="rgba(120,144,156,0.35)",
        ),
    ))
    first = nodes[0] if nodes else ""
    what = "leads created in the range" if first == STAGE_NODES["lead"] else "leads of the range handed to sales"
    figure.update_layout(title=f"Where the {journey.leads:,} {what} went",
                         margin=dict(l=10, r=10, t=50, b=10), height=460)
    return figure
