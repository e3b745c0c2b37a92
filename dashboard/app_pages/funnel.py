"""Funnel: traffic → lead → MQL → SQL → proposal → won for the selected range, against the SLA."""

from functools import partial

import pandas as pd
import streamlit as st

from dashboard.ui.downloads import download_button
from dashboard.funnel import charts
from dashboard.core import formatting
from dashboard.core.contract import OPPORTUNITY
from dashboard.core.kpis import WIN_RATE_BASES
from dashboard.funnel.domain import funnel_frame, opportunity_note, status_reasons, target_text
from dashboard.funnel.data import COHORT, PERIOD
from dashboard.funnel import cache as cached
from dashboard.ui.state import UNDATED, current_config, current_database, undated_selection
from dashboard.core.exports import csv_text
from dashboard.ui import url_params
from dashboard.ui.figures import built_figure
from dashboard.ui import tables

VIEWS = {
    PERIOD: "Period: stage events that happened in the range",
    COHORT: "Cohort: leads created in the range, followed to today",
}

selection = st.session_state.get("selection")
st.title("Funnel")


def all_time_funnel() -> None:
    """Undated leads: every lead followed to the furthest stage it reached, with no period."""
    undated = undated_selection(current_config(), current_database())
    result = cached.all_time_funnel(undated)
    st.caption(f"{undated.config.company_name} · **all time**: every lead of the extracts, followed to the furthest stage "
               "it reached. The leads have no creation date, so no period, trend or SLA target applies.")
    columns = st.columns(len(result.steps))
    for column, step in zip(columns, result.steps):
        with column:
            if step.count is None:
                st.metric(step.label, "—")
                st.caption("not tracked: the extract has no data for this stage")
                continue
            st.metric(step.label, formatting.count(step.count))
            if step.rate_from_previous is not None:
                st.markdown(f"{formatting.pct(step.rate_from_previous)} of {formatting.STAGE_NOUNS[step.previous_stage]}")
    if any(step.rate_from_previous is not None for step in result.steps):
        left, right = st.columns(2)
        left.plotly_chart(charts.funnel_figure(result.steps), key="funnel_chart")
        right.plotly_chart(charts.conversion_figure(result.steps), key="conversion_chart")
    else:
        st.info("No conversion to show: the extract tracks fewer than two stages of this funnel.")
    table = funnel_frame(result.steps)
    st.dataframe(pd.DataFrame({
        "Stage": table["stage"], "Count": [formatting.count(v, missing="") for v in table["count"]],
        "Note": table["note"], "Rate measured from": table["measured_from"].fillna(""),
        "% of previous": [formatting.pct(v, missing="") for v in table["rate_from_previous"]],
        "% of first": [formatting.pct(v, 2, missing="") for v in table["rate_from_first"]],
    }), hide_index=True)
    download_button("Download funnel (CSV)", partial(csv_text, table), file_name="funnel_all_time.csv", mime="text/csv",
                    key="download_funnel")


if selection is None:
    if st.session_state.get(UNDATED):
        all_time_funnel()
    st.stop()

currency = selection.sla.currency
st.caption(
    f"{selection.config.company_name} · SLA **{selection.sla.name}** · {selection.start:%d %b %Y} – "
    f"{selection.end:%d %b %Y} · {formatting.literal(selection.filters.describe(selection.config.display_name))}"
)

if current_database().catalog.has("leads"):
    if "funnel_view" not in st.session_state:
        st.session_state["funnel_view"] = url_params.choice("view", list(VIEWS)) or PERIOD
    view = st.radio("Conversion view", list(VIEWS), format_func=VIEWS.get, key="funnel_view", horizontal=True,
                    help="Period rates compare stage events in the same range; cohort rates follow one group of leads.")
    st.query_params["view"] = view
else:
    view = PERIOD
    st.caption("Period view: stage events that happened in the range. The cohort view needs a leads extract.")

data = cached.funnel_page(selection, view)
result, revenue = data.funnel, data.revenue
nothing_found = not any(step.count for step in result.steps)
if nothing_found and any(step.count is not None for step in result.steps):
    st.info(f"No records from {selection.start:%d %b %Y} to {selection.end:%d %b %Y} for "
            f"{formatting.literal(selection.filters.describe(selection.config.display_name))}. Pick another date range or clear a filter "
            f"(the data runs to {selection.as_of:%d %b %Y}).")

if result.maturity is not None and not result.maturity.is_mature:
    st.warning(
        f"This cohort is still maturing: {result.maturity.days_observed} days have passed since its last lead, "
        f"while three in four won deals close within {result.maturity.days_needed:.0f} days of lead creation. "
        "Its later-stage rates will still rise."
    )

columns = st.columns(len(result.steps))
for column, step in zip(columns, result.steps):
    with column:
        if step.count is None:
            st.metric(step.label, "—")
            st.caption("not tracked: the extract has no data for this stage" if step.note == "not tracked" else step.note)
            continue
        st.metric(step.label, formatting.count(step.count))
        if step.rate_from_previous is not None:
            line = f"{formatting.pct(step.rate_from_previous)} of {formatting.STAGE_NOUNS[step.previous_stage]}"
            if step.target is not None:
                line += f" · target {formatting.pct(step.target)}  \n{formatting.status(step.status)}"
            st.markdown(line, help=step.status_reason or None)

if any(step.rate_from_previous is not None for step in result.steps):
    left, right = st.columns(2)
    left.plotly_chart(built_figure(charts.funnel_figure, result.steps), key="funnel_chart")
    right.plotly_chart(built_figure(charts.conversion_figure, result.steps), key="conversion_chart")
else:
    st.info("No conversion to show: " + ("no records in this range." if nothing_found
                                         else "the extract tracks fewer than two stages of this funnel."))

table = funnel_frame(result.steps)
tables.dataframe(
    tables.status_styled(pd.DataFrame({
        "Stage": table["stage"],
        "Count": [formatting.count(v, missing="") for v in table["count"]],
        "Note": table["note"],
        "Rate measured from": table["measured_from"].fillna(""),
        "% of previous": [formatting.pct(v, missing="") for v in table["rate_from_previous"]],
        "% of first": [formatting.pct(v, 2, missing="") for v in table["rate_from_first"]],
        "SLA target": [target_text(step) for step in result.steps],
        "Status": table["status"].fillna(""),
    })),
    hide_index=True,
    column_config={"Status": st.column_config.TextColumn(help=formatting.STATUS_HELP)},
)
for reason in status_reasons(result.steps):
    st.caption(reason)
download_button("Download funnel (CSV)", partial(csv_text, table), file_name=f"funnel_{view}_{selection.start}_{selection.end}.csv",
                mime="text/csv", key="download_funnel")
if result.open_opportunities is not None:
    st.caption(opportunity_note(result.steps_count(OPPORTUNITY), result.open_opportunities,
                                result.undated_open_opportunities))
if result.sales_sourced_won:
    st.caption(f"Won deals include {result.sales_sourced_won:,} with no lead in the extract: sales-sourced, "
               "or opened before the data starts.")

st.subheader("Lead journey")
journey = cached.lead_journey(selection)
if journey is None:
    st.info("The lead journey follows each lead from creation, so it needs a leads extract (see data/README.md).")
elif journey.leads == 0:
    st.info(f"No lead was created from {selection.start:%d %b %Y} to {selection.end:%d %b %Y} for "
            f"{formatting.literal(selection.filters.describe(selection.config.display_name))}: widen the date range or clear a filter.")
else:
    st.caption(
        f"The {journey.leads:,} leads created {selection.start:%d %b %Y} – {selection.end:%d %b %Y}, each followed to the "
        f"furthest stage it reached by {selection.as_of:%d %b %Y} and to where it is now: won, lost, disqualified, "
        "recycled to marketing (or recycled and handed back to sales), or still open. A stage a lead skipped in the "
        "data counts as passed. Hover a link or a stage for its count."
        + (" With a team filter, only leads owned by the team's reps." if selection.filters.team else ""))
    if journey.not_tracked:
        st.caption("Not tracked by the extracts, so left out rather than drawn as zero: "
                   + ", ".join(journey.not_tracked) + ".")
    from_hand_off = st.toggle("Start at the hand-off (leave out the leads never handed to sales)",
                              key="journey_from_hand_off",
                              help="Most leads never become MQLs; leaving them out shows what sales did with the rest.")
    if from_hand_off:
        journey = journey.from_hand_off()
    st.plotly_chart(built_figure(charts.journey_figure, journey), key="journey_chart")
    download_button("Download lead journey (CSV)", partial(csv_text, journey.links.rename(columns={"source": "from", "target": "to"})),
                    file_name=f"lead_journey_{selection.start}_{selection.end}.csv",
                    mime="text/csv", key="download_journey")

st.subheader("Revenue")
st.caption("Deals closed in the range, whichever view is chosen above.")
cols = st.columns(4)
cols[0].metric("Won revenue", formatting.money(revenue.won_revenue, currency, missing="not tracked"))
cols[1].metric("Won deals", formatting.count(revenue.won_deals, missing="not tracked"))
cols[2].metric("Average deal size", formatting.money(revenue.avg_deal_size, currency,
                                                    missing="—" if revenue.won_revenue is not None else "not tracked"))
cols[3].metric("Win rate", formatting.pct(revenue.win_rate, missing="not tracked" if revenue.lost_deals is None else "—"),
               help="Won deals as a share of deals closed won or lost in the range.")
if revenue.win_rate is not None:  # the funnel table's won deals % of previous is proposal → won
    st.caption(WIN_RATE_BASES)
if revenue.won_deals_without_amount:
    st.warning(f"{revenue.won_deals_without_amount:,} won deals have no amount and are not in won revenue.")

st.subheader("Trend and speed")
left, right = st.columns(2)
monthly = data.monthly
if nothing_found:
    left.info("No stage volumes to chart: no records in this range.")
elif len(monthly) == 1:  # one point per line says nothing: the month's volumes as a table
    left.markdown(f"**Stage volume in {pd.Timestamp(monthly['month_start'].iloc[0]):%B %Y}**")
    tables.dataframe(container=left, data=pd.DataFrame({
        label: [formatting.count(monthly[column].iloc[0], missing="not tracked")]
        for column, label in (("leads", "Leads"), ("mqls", "MQLs"), ("sqls", "SQLs"), ("proposals", "Proposals"),
                              ("won", "Won deals")) if column in monthly
    }), hide_index=True, key="monthly_table")
else:
    left.plotly_chart(built_figure(charts.monthly_stages_figure, monthly), key="monthly_chart")
download_button("Download monthly volumes (CSV)", partial(csv_text, monthly), file_name="funnel_by_month.csv",
                mime="text/csv", key="download_monthly", container=left)
durations = data.durations
# "lead_to_mql" reads "Lead → MQL", as the review's table has it.
STEP_NAMES = {"lead": "Lead", "mql": "MQL", "sql": "SQL", "proposal": "proposal", "won": "won", "deal": "Deal opened",
              "opportunity": "opportunity"}


def transition_label(key: str) -> str:
    parts = str(key).split("_to_")
    if len(parts) != 2 or not all(part in STEP_NAMES for part in parts):
        return str(key).replace("_", " ")
    label = f"{STEP_NAMES[parts[0]]} → {STEP_NAMES[parts[1]]}"
    return label[:1].upper() + label[1:]  # "Proposal → won", as the review and the KPIs name it


right.markdown("**Days between stages** (records reaching the later stage in the range)")
tables.dataframe(
    durations.drop(columns=["transition_order"]).assign(transition=lambda f: f["transition"].map(transition_label)),
    container=right,
    hide_index=True,
    column_config={
        "transition": "Transition",
        "records": st.column_config.NumberColumn("Records", format="localized"),
        "out_of_order_count": st.column_config.NumberColumn("Out of order", format="localized"),
        "median_days": st.column_config.NumberColumn("Median days", format="%.1f"),
        "p75_days": st.column_config.NumberColumn("75th pct days", format="%.1f"),
    },
)
