"""Team KPIs: the KPIs a team owns under the SLA, and the shared ones, against their targets,
month by month, with the team's breakdowns and a leaderboard per rep."""

import functools

import pandas as pd
import streamlit as st

from dashboard.ui.downloads import download_button
from dashboard.core import formatting, tracking
from dashboard.core.kpis import KPIS, WIN_RATE_BASES
from dashboard.team_kpis import charts as team_charts
from dashboard.team_kpis.data import DEAL_SORTS, LEAD_SORTS, sort_leaderboard, split_leaderboard
from dashboard.team_kpis import cache as team_cache
from dashboard.core.exports import csv_text
from dashboard.ui import url_params
from dashboard.ui.figures import built_figure
from dashboard.ui import tables
from dashboard.core.access import REP, teams_shown
from dashboard.ui.state import current_database, current_viewer

FUNCTION_NAMES = {"marketing": "marketing", "sales": "sales", "shared": "shared by marketing and sales"}
SORT_LABELS = {
    "won_revenue": "Won revenue", "won_deals": "Won deals", "win_rate": "Win rate", "mqls": "MQLs worked",
    "mql_to_sql_rate": "MQL → SQL", "first_touch_within_rate": "First touch within SLA",
    "median_hours_to_first_touch": "Median hours to first touch", "attempts_met_rate": "Attempt rule met",
    "never_touched": "Never touched", "sales_cycle_days": "Sales cycle", "avg_deal_size": "Average deal size",
}

selection = st.session_state.get("selection")
st.title("Team KPIs")
if selection is None:
    st.stop()
config = selection.config
if not config.teams:
    st.info(f"The config names no teams. Add `[[teams]]` blocks with name, function and kpis to "
            f"`{config.path.name}` to see each team's KPIs here.")
    st.stop()

every_team = [team.name for team in config.teams]
viewer = current_viewer()
names = teams_shown(viewer, [(team.name, team.function) for team in config.teams])
if not names:
    st.info("No team's KPIs are yours to see: ask whoever runs the dashboard which team you belong to.")
    st.stop()
if st.session_state.get("team_kpis_team") not in names:
    default = selection.filters.team if selection.filters.team in names else names[0]
    st.session_state["team_kpis_team"] = url_params.choice("kpi_team", names, every_team) or default
team_name = st.segmented_control("Team", names, key="team_kpis_team", required=True,
                                 help="Teams and the KPIs each owns come from the SLA config.")
st.query_params["kpi_team"] = team_name

data = team_cache.team_page(selection, team_name)
currency = selection.sla.currency
team = data.team
scope = ("your own leads and deals only" if viewer.role == REP
         else f"its own leads and deals (reps of {team.name})" if team.function == "sales"
         else formatting.literal(data.filters.describe(config.display_name)))
st.caption(
    f"{config.company_name} · **{team.name}** ({FUNCTION_NAMES[team.function]}) · {selection.start:%d %b %Y} – "
    f"{selection.end:%d %b %Y} · measured on {scope} · data as of {data.as_of:%d %b %Y}"
)
for note in data.notes:
    st.info(note)
if viewer.role == REP:
    st.info("These figures are measured on your own leads and deals only, not your whole team's.")


def cards(readings, no_target: str = "no SLA target") -> None:
    """One card per KPI with a figure or a target; the KPIs with neither (not tracked by the
    extracts, no SLA target) are named in one line instead of a row of empty cards."""
    catalog = current_database().catalog
    unmeasured = [reading for reading in readings
                  if reading.actual is None and reading.target is None and not catalog.tracks(reading.key)]
    readings = [reading for reading in readings if reading not in unmeasured]
    per_row = 5
    for first in range(0, len(readings), per_row):
        columns = st.columns(per_row)
        for column, reading in zip(columns, readings[first:first + per_row]):
            with column:
                # "not tracked" does not fit a card's value: a dash there, the words under it.
                st.metric(reading.label, formatting.format_kpi(reading.actual, reading.unit, currency, "—"),
                          border=True)
                if reading.actual is None:
                    st.caption("not tracked by the extracts" if not catalog.tracks(reading.key)
                               else "nothing to measure in the range")
                if reading.target is not None:
                    st.markdown(f"target {formatting.format_kpi(reading.target, reading.unit, currency)}  \n"
                                f"{formatting.status(reading.status)}")
                else:
                    st.caption(no_target)
    if unmeasured:
        st.caption("Not tracked by the extracts, and no SLA target: "
                   + ", ".join(reading.label for reading in unmeasured) + ".")


if team.function == "sales" and data.quota:
    revenue = next(r for r in data.own if r.key == "won_revenue")
    share = f"{data.quota_share:.0%} of the quota" + ("" if data.quota_share_is_set else " (equal split)")
    st.markdown(f"**Won revenue against {team.name}'s share of quota** ({share}): "
                f"{formatting.format_kpi(revenue.actual, 'currency', currency)} of "
                f"{formatting.format_kpi(data.quota, 'currency', currency)}")
    st.progress(min(max((revenue.actual or 0) / data.quota, 0.0), 1.0),
                text=formatting.pct((revenue.actual or 0) / data.quota) + " of the team's quota for this range")

owned = [reading for reading in data.own if reading.key in team.kpis]
also = [reading for reading in data.own if reading.key not in team.kpis]
st.subheader(f"KPIs {team.name} owns under the SLA")
if owned:
    cards(owned)
else:
    st.caption(f"The config lists no KPIs for {team.name} (`kpis` under its `[[teams]]` block).")
if also:
    st.markdown(f"**Also answered for by {FUNCTION_NAMES[team.function]}**")
    cards(also)
if data.shared:
    st.subheader("Shared KPIs")
    st.caption("Owned by marketing and sales together; measured company-wide"
               + (f" ({formatting.literal(data.filters.describe(config.display_name))})" if team.function != "sales" else "")
               + " against the whole quota and the company targets.")
    sliced = any(selection.filters.params().values())
    cards(data.shared, "company target not applied to the filtered slice" if sliced else "no SLA target")
    if sliced:
        st.caption("Count and revenue targets are the company's: under the sidebar's filters they are not applied "
                   "(rates keep their targets).")
    if {reading.key for reading in data.shared} & {"win_rate"}:
        st.caption(WIN_RATE_BASES)

st.subheader("Month by month")
st.caption("Each month against the targets of the SLA version in force that month; markers are coloured on track "
           "(green), at risk (orange), off track (red) or no target (blue); the dashed line is the target. A month "
           "the range covers only in part is hollow, with its target pro-rated.")
own_trend = data.monthly[data.monthly["scope"] == "team"]


def trend_chart(trend, key: str) -> None:
    """The small multiples of the KPIs that have numbers; the untracked ones named in one line."""
    untracked = [KPIS[kpi].label for kpi in team_charts.not_drawn(trend)]
    if len(untracked) < trend["kpi"].nunique():
        st.plotly_chart(built_figure(team_charts.trend_figure, trend, currency), key=key)
    if untracked:
        st.caption(f"Not drawn, no month has a figure (not tracked by the extracts, or nothing to measure in the "
                   f"range): {', '.join(untracked)}.")


if own_trend["month_start"].nunique() == 1:  # one dot per chart says nothing: the month as a table
    tables.dataframe(pd.DataFrame({
        "KPI": own_trend["label"],
        "Actual": [formatting.format_kpi(v, u, currency) for v, u in zip(own_trend["actual"], own_trend["unit"])],
        "Target": [formatting.format_kpi(v, u, currency) for v, u in zip(own_trend["target"], own_trend["unit"])],
        "Status": own_trend["status"].fillna(""),
    }), hide_index=True, key="trend_table")
else:
    trend_chart(own_trend, "trend_chart")
shared_trend = data.monthly[data.monthly["scope"] == "shared"]
if not shared_trend.empty:
    with st.expander("Shared KPIs month by month"):
        trend_chart(shared_trend, "shared_trend_chart")
download_button("Download monthly KPIs (CSV)", functools.partial(csv_text, data.monthly), key="download_monthly_kpis",
                file_name=f"kpis_{team.name}_{selection.start}_{selection.end}.csv".replace(" ", "_"), mime="text/csv")

rate = {"format": "%.1f %%"}
RATE_COLUMNS = ("visit_to_lead_rate", "lead_to_mql_rate", "mql_to_sql_rate", "recycle_rate", "disqualified_rate",
                "quota_share", "attainment", "sql_to_proposal_rate", "proposal_to_won_rate", "win_rate",
                "first_touch_within_sla_rate", "min_attempts_met_rate", "first_touch_within_rate", "attempts_met_rate")
count = {"format": "localized"}


def shown(frame: pd.DataFrame, columns: dict, name_of=None) -> tuple[pd.DataFrame, dict]:
    """A table as the page shows it (formatting.as_display): each untracked column reads "not
    tracked", never 0 or blank."""
    untracked = [column for column in data.untracked if column in frame.columns]
    labels = {column: (columns[column].get("label") if isinstance(columns.get(column), dict) else columns.get(column))
              or column for column in untracked}
    return (tracking.shown(formatting.as_display(frame, RATE_COLUMNS, currency, name_of), untracked),
            {**columns, **{column: st.column_config.TextColumn(labels[column]) for column in untracked}})


if data.by_channel is not None and data.by_channel.empty and data.by_segment.empty:
    st.subheader("By channel and segment")
    st.caption("Not tracked: the extracts have no leads or traffic to split by channel or segment.")
elif data.by_channel is not None:
    st.subheader("By channel")
    channel_name = functools.partial(selection.config.display_name, "channel")
    if "mqls" in data.untracked or data.by_channel.empty:
        st.caption("MQLs by channel: not tracked by the extracts, so not drawn.")
    else:
        st.plotly_chart(built_figure(team_charts.channel_figure, data.by_channel, channel_name), key="channel_chart")
    breakdown_columns = {
        "value": "Channel", "sessions": st.column_config.NumberColumn("Sessions", **count),
        "leads": st.column_config.NumberColumn("Leads", **count),
        "mqls": st.column_config.NumberColumn("MQLs", **count),
        "won_deals": st.column_config.NumberColumn("Won deals", **count),
        "won_revenue": "Won revenue",
        "visit_to_lead_rate": st.column_config.NumberColumn("Visit → lead", **rate),
        "lead_to_mql_rate": st.column_config.NumberColumn("Lead → MQL", **rate),
        "mql_to_sql_rate": st.column_config.NumberColumn("Accepted", **rate, help="MQLs accepted: SQLs ÷ MQLs"),
        "recycle_rate": st.column_config.NumberColumn("Recycled", **rate, help="MQLs handed back ÷ MQLs"),
        "disqualified_rate": st.column_config.NumberColumn("Disqualified", **rate, help="MQLs disqualified ÷ MQLs"),
    }
    order = ["value", "sessions", "visit_to_lead_rate", "leads", "lead_to_mql_rate", "mqls", "mql_to_sql_rate",
             "recycle_rate", "disqualified_rate", "won_deals", "won_revenue"]
    channel_table, channel_columns = shown(data.by_channel, breakdown_columns, channel_name)
    tables.dataframe(channel_table, hide_index=True, key="channel_table", column_order=order, column_config=channel_columns)
    st.caption("Events in the range, as in the funnel's period view: MQLs accepted = SQLs ÷ MQLs, recycled and "
               "disqualified = leads handed back or disqualified ÷ MQLs; won deals count through their lead's channel.")
    st.subheader("By segment")
    segment_name = functools.partial(selection.config.display_name, "segment")
    segment_table, segment_columns = shown(data.by_segment, {**breakdown_columns, "value": "Segment"}, segment_name)
    segments_tracked = current_database().catalog.has("leads", "segment")
    if segments_tracked:
        tables.dataframe(segment_table, hide_index=True, key="segment_table",
                     column_order=[c for c in order if c not in ("sessions", "visit_to_lead_rate")],
                     column_config=segment_columns)
    else:  # one "(none)" row holding every lead says nothing
        st.caption("Segment: not tracked by the extracts (map leads.segment to split by it).")
    if segments_tracked and "won_deals" not in data.untracked:
        segment_won = int(pd.to_numeric(data.by_segment["won_deals"], errors="coerce").fillna(0).sum())
        channel_won = int(pd.to_numeric(data.by_channel["won_deals"], errors="coerce").fillna(0).sum())
        st.caption(f"Counting basis: won deals count through their lead's segment ({segment_won:,} here"
                   + (f" against {channel_won:,} by channel" if channel_won != segment_won else "")
                   + "); deals with no lead, or a lead with no segment (sales-sourced), are in no row.")
    both = tracking.shown(pd.concat([data.by_channel.assign(dimension="channel"),
                                     data.by_segment.assign(dimension="segment")]), data.untracked)
    download_button("Download by channel and segment (CSV)", functools.partial(csv_text, both), key="download_breakdown",
                    file_name="marketing_by_channel_and_segment.csv", mime="text/csv")

if data.by_team is not None and not data.by_team.empty:
    st.subheader("By sales team")
    st.caption("Each sales team on its own leads and deals, under the sidebar's channel and segment filters.")
    left, right = st.columns([1, 1])
    left.plotly_chart(built_figure(team_charts.team_revenue_figure, data.by_team, currency,
                                                      team.name if team.function == "sales" else None),
                      key="team_revenue_chart")
    team_columns = {
        "team": "Team", "quota_share": st.column_config.NumberColumn("Quota share", **rate),
        "won_revenue": "Won", "quota": "Quota",
        "attainment": st.column_config.NumberColumn("Attained", **rate),
        "mql_to_sql_rate": st.column_config.NumberColumn("MQL → SQL", **rate),
        "sql_to_proposal_rate": st.column_config.NumberColumn("SQL → proposal", **rate),
        "proposal_to_won_rate": st.column_config.NumberColumn("Proposal → won", **rate),
        "win_rate": st.column_config.NumberColumn("Win rate", **rate),
        "avg_deal_size": "Avg deal",
        "sales_cycle_days": st.column_config.NumberColumn("Cycle (days)", format="%.0f"),
        "first_touch_within_sla_rate": st.column_config.NumberColumn("First touch in SLA", **rate),
        "min_attempts_met_rate": st.column_config.NumberColumn("Attempts met", **rate),
    }
    by_team, team_columns = shown(data.by_team, team_columns)
    tables.dataframe(by_team, container=right, hide_index=True, key="by_team_quota_table", column_config=team_columns,
                    column_order=["team", "quota_share", "won_revenue", "quota", "attainment"])
    tables.dataframe(by_team, hide_index=True, key="by_team_table", column_config=team_columns,
                 column_order=["team", "mql_to_sql_rate", "sql_to_proposal_rate", "proposal_to_won_rate", "win_rate",
                               "avg_deal_size", "sales_cycle_days", "first_touch_within_sla_rate",
                               "min_attempts_met_rate"])
    download_button("Download by sales team (CSV)", functools.partial(csv_text, tracking.shown(data.by_team, data.untracked)),
                    key="download_by_team",
                    file_name=f"by_sales_team_{selection.start}_{selection.end}.csv", mime="text/csv")

if data.by_team is not None and data.leaderboard is None:
    st.subheader("Leaderboard")
    st.caption("Not shown: your role sees no rep-level records.")
elif data.by_team is not None:
    st.subheader("Leaderboard")
    lead_board, deal_board = split_leaderboard(data.leaderboard)
    rep_columns = {
        "rep_id": "Id", "name": "Rep", "team": "Team", "role": "Role",
        "mqls": st.column_config.NumberColumn("MQLs handed over", **count),
        "first_touch_within_rate": st.column_config.NumberColumn("First touch in SLA", **rate),
        "median_hours_to_first_touch": st.column_config.NumberColumn("Median h to touch", format="%.1f",
                                                                     help="Working hours from hand-off to first touch"),
        "attempts_met_rate": st.column_config.NumberColumn("Attempt rule met", **rate),
        "never_touched": "Never touched", "sqls": st.column_config.NumberColumn("SQLs", **count),
        "mql_to_sql_rate": st.column_config.NumberColumn("MQL → SQL", **rate),
        "proposals": "Proposals", "won_deals": "Won", "lost_deals": "Lost",
        "win_rate": st.column_config.NumberColumn("Win rate", **rate, help="Won ÷ (won + lost) in the range"),
        "won_revenue": "Won revenue", "avg_deal_size": "Avg deal",
        "sales_cycle_days": st.column_config.NumberColumn("Cycle (days)", format="%.0f",
                                                          help="Median days from deal created to won"),
    }
    boards = (
        ("leads", "Working the leads handed over", "Typically SDRs: MQLs handed to them in the range, first touch and "
         "attempts under the SLA's follow-up rules (as on the Follow-up compliance page), and MQLs accepted as SQL.",
         lead_board, LEAD_SORTS, "first_touch_within_rate"),
        ("deals", "Closing deals", "Typically AEs: the deals they own, proposals sent and deals closed in the range.",
         deal_board, DEAL_SORTS, "won_revenue"),
    )
    for name, title, caption, board, sorts, default in boards:
        if board.empty:
            continue
        st.markdown(f"**{title}**")
        st.caption(caption)
        key = f"leaderboard_sort_{name}"
        if key not in st.session_state:
            st.session_state[key] = url_params.choice(f"sort_{name}", list(sorts)) or default
        sort = st.selectbox("Rank by", list(sorts), format_func=SORT_LABELS.get, key=key)
        st.query_params[f"sort_{name}"] = sort
        ranked = sort_leaderboard(board, sort)
        board_table, board_columns = shown(ranked, rep_columns)
        tables.dataframe(board_table, hide_index=True, key=f"leaderboard_{name}", column_config=board_columns,
                     column_order=[c for c in ranked.columns if c != "rep_id"])
        download_button("Download this leaderboard (CSV)", functools.partial(csv_text, tracking.shown(ranked, data.untracked)),
                        key=f"download_{name}",
                        file_name=f"leaderboard_{name}_{team.name}_{selection.start}_{selection.end}.csv".replace(" ", "_"),
                        mime="text/csv")
    if lead_board.empty and deal_board.empty:
        st.info("No rep had leads handed over or deals at a stage in this range.")
