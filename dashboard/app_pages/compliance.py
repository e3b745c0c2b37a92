"""Follow-up compliance: was every lead handed to sales worked as the SLA says? Sales checking
themselves, rep by rep, with the leads to call today."""

from functools import partial

import pandas as pd
import streamlit as st

from dashboard.ui.downloads import download_button
from dashboard.core import formatting
from dashboard.compliance import charts as compliance_charts
from dashboard.compliance.follow_up import (
    STATUSES,
    OverdueLists,
    business_time,
    never_touched_note,
    recycled_hand_backs,
)
from dashboard.funnel.domain import rag_status
from dashboard.compliance import cache as compliance_cache
from dashboard.core.exports import csv_text
from dashboard.ui import url_params
from dashboard.ui.figures import built_figure
from dashboard.ui import tables

ALL_REPS = "All reps"

selection = st.session_state.get("selection")
st.title("Follow-up compliance")
if selection is None:
    st.stop()

data = compliance_cache.compliance_page(selection)
st.caption(
    f"{selection.config.company_name} · leads handed to sales {selection.start:%d %b %Y} – {selection.end:%d %b %Y} · "
    f"{formatting.literal(selection.filters.describe(selection.config.display_name))} · statuses as of **{data.as_of:%d %b %Y}**, the data's last day"
)
for reason in data.tracking.missing:
    st.warning(f"Not tracked: {reason}.", icon="⚠️")
if not data.tracking.touches:
    st.stop()
for rule in data.rules:
    st.caption(f"Rule of {rule.describe()}.")
if data.uncovered_days:
    st.warning(f"{data.uncovered_days} days of this range fall under no SLA version in the config; leads handed "
               "off on them are not judged.")
if data.totals["handed_off"] == 0:
    st.info("No lead was handed to sales in this range. Pick another range in the sidebar." if selection.scope.is_company
            else "None of the leads handed to sales in this range is yours to see (your scope: "
                 f"{formatting.literal(selection.scope.describe())}). Pick another range in the sidebar.")
    st.stop()

totals = data.totals
target = selection.sla.targets.get("first_touch_within_sla_rate")
attempts_target = selection.sla.targets.get("min_attempts_met_rate")
band = selection.config.at_risk_band
top = st.columns(3)
top[0].metric("Leads handed to sales", formatting.count(totals["handed_off"]), border=True,
              help="Leads that became MQLs (handed to sales) in the range.")
top[0].caption(f"{totals['still_open']:,} still open: their first touch or attempt window is still running")
top[1].metric("First touch within SLA", formatting.pct(totals["first_touch_within_rate"]), border=True,
              help="Of the leads whose first touch is done or overdue: touched within the rule's working hours.")
if target is not None:
    status = rag_status(totals["first_touch_within_rate"], target, True, band)
    top[1].markdown(f"target {formatting.pct(target)} · {formatting.status(status)}")
top[2].metric("Median working hours to first touch", formatting.format_kpi(totals["median_hours_to_first_touch"], "hours"),
              border=True, help="Working hours from hand-off to first touch, of touched leads.")
top[2].caption(f"90th percentile: {formatting.format_kpi(totals['p90_hours_to_first_touch'], 'hours')}")
bottom = st.columns(3)
bottom[0].metric("Attempt rule met", formatting.pct(totals["attempts_met_rate"]), border=True,
                 help="Of the leads whose attempt window has ended (or that met the rule early): enough attempts "
                      "in the window, or converted / disqualified before it ended.")
if attempts_target is not None:
    status = rag_status(totals["attempts_met_rate"], attempts_target, True, band)
    bottom[0].markdown(f"target {formatting.pct(attempts_target)} · {formatting.status(status)}")
bottom[1].metric("Never touched", formatting.count(totals["never_touched"]), border=True,
                 help="No touch at all, and the first-touch time has run out.")
bottom[2].metric("Overdue now", formatting.count(totals["overdue_now"]), border=True,
                 help="Never touched, still with sales, past the first-touch deadline on the as-of date.")

RATES = ("first_touch_within_rate", "attempts_met_rate")
rate_columns = {
    "first_touch_within_rate": st.column_config.NumberColumn("First touch in SLA", format="%.1f %%"),
    "median_hours_to_first_touch": st.column_config.NumberColumn("Median h to touch", format="%.1f",
                                                                 help="Working hours from hand-off to first touch"),
    "p90_hours_to_first_touch": st.column_config.NumberColumn("90th pct h", format="%.1f"),
    "attempts_met_rate": st.column_config.NumberColumn("Attempt rule met", format="%.1f %%"),
}
count_columns = {  # 1,112 as on the cards
    column: st.column_config.NumberColumn(label, format="localized") for column, label in {
        "handed_off": "Handed off", "never_touched": "Never touched", "overdue_now": "Overdue now", "met": "Met",
        "breached_first_touch": "Late first touch", "breached_attempts": "Too few attempts", "still_open": "Still open",
    }.items()}

st.subheader("By rep")
by_rep = formatting.as_percent_points(data.by_rep, RATES).assign(
    rep=[formatting.rep_label(n, i) for n, i in zip(data.by_rep["owner_name"], data.by_rep["owner_id"])])
tables.dataframe(
    by_rep, hide_index=True, key="by_rep_table",
    column_order=["rep", "owner_team", "handed_off", "first_touch_within_rate", "median_hours_to_first_touch",
                  "p90_hours_to_first_touch", "attempts_met_rate", "never_touched", "overdue_now"],
    column_config={"rep": "Rep", "owner_team": "Team", **count_columns, **rate_columns},
)
download_button("Download per rep, with each status's count (CSV)", partial(csv_text, data.by_rep),
                file_name="follow_up_by_rep.csv", mime="text/csv", key="download_by_rep")
st.plotly_chart(built_figure(compliance_charts.status_by_rep_figure, data.by_rep), key="status_by_rep_chart")
st.markdown("**By team**")
tables.dataframe(
    formatting.as_percent_points(data.by_team, RATES).assign(owner_team=data.by_team["owner_team"].fillna("(no team)")),
    hide_index=True, key="by_team_table",
    column_order=["owner_team", "handed_off", "first_touch_within_rate", "median_hours_to_first_touch",
                  "p90_hours_to_first_touch", "attempts_met_rate", "never_touched", "overdue_now"],
    column_config={"owner_team": "Team", **count_columns, **rate_columns},
)

st.subheader("Overdue now: call today or recycle")
# One rep's label to the rows of the per-rep summary: its owner id, or no owner at all.
rep_rows = {formatting.rep_label(n, i): row for n, i, row in
            zip(data.by_rep["owner_name"], data.by_rep["owner_id"], data.by_rep.to_dict("records"))}
reps = sorted(rep_rows)
if "compliance_rep" not in st.session_state:
    st.session_state["compliance_rep"] = url_params.choice("rep", reps) or ALL_REPS
rep = st.selectbox("Rep", [ALL_REPS, *reps], key="compliance_rep",
                   help="Show one rep's leads here and in the lead list below.")
if rep == ALL_REPS:
    st.query_params.pop("rep", None)
else:
    st.query_params["rep"] = rep
# The counts of the rep picked (or of everyone): what the lists below are drawn from.
picked = data.totals if rep == ALL_REPS else rep_rows[rep]
owner_id = None if rep == ALL_REPS or pd.isna(picked["owner_id"]) else picked["owner_id"]
owner_missing = rep != ALL_REPS and owner_id is None  # the "(unassigned)" row: leads without an owner


def for_rep(frame: pd.DataFrame) -> pd.DataFrame:
    if rep == ALL_REPS:
        return frame
    labels = [formatting.rep_label(n, i) for n, i in zip(frame["owner_name"], frame["owner_id"])]
    return frame[[label == rep for label in labels]]


timezone = data.rules[-1].calendar.timezone if data.rules else "UTC"
overdue = for_rep(data.overdue)
lists = OverdueLists(call_today=for_rep(data.overdue_lists.call_today),
                     recycle_now=for_rep(data.overdue_lists.recycle_now))
recycle_days = sorted({rule.not_ready_after_days for rule in data.rules}) or ["the rule's"]
st.caption(
    f"Leads handed off in the range, never touched and still with sales on {data.as_of:%d %b %Y}: "
    f"**{len(lists.call_today):,}** to call today ({lists.late:,} past their first-touch deadline, "
    f"{len(lists.call_today) - lists.late:,} with time left) and **{len(lists.recycle_now):,}** older than the "
    f"recycle rule's {' / '.join(map(str, recycle_days))} days, to hand back to marketing now. Hours are working "
    f"hours; times are {timezone}."
)
never = int(picked["never_touched"])
late_all = int((overdue["hours_overdue"] > 0).sum())
st.caption(never_touched_note(never, late_all, len(overdue) - late_all))


def overdue_table(frame: pd.DataFrame, key: str) -> None:
    shown = pd.DataFrame({
        "Lead": frame["lead_id"],
        "Owner": [formatting.rep_label(n, i) for n, i in zip(frame["owner_name"], frame["owner_id"])],
        "Team": frame["owner_team"],
        "Channel": [selection.config.display_name("channel", value) for value in frame["channel"]],
        "Segment": [selection.config.display_name("segment", value) for value in frame["segment"]],
        "Handed off": business_time(frame["mql_at"], timezone),
        "Days": frame["days_since_hand_off"],
        "Hours overdue": frame["hours_overdue"],
    })
    tables.dataframe(shown, hide_index=True, key=key, column_config={
        "Handed off": st.column_config.DatetimeColumn(format="ddd D MMM, HH:mm"),
        "Days": st.column_config.NumberColumn(help="Calendar days since hand-off"),
        "Hours overdue": st.column_config.NumberColumn(format="%.1f", help="Working hours past the first-touch "
                                                        "deadline; negative: working hours left"),
    })


if overdue.empty:
    st.success("Nothing overdue: every lead still with sales has been touched.")
else:
    if lists.call_today.empty:
        st.info("No lead to call today: every untouched lead is past the recycle rule's days.")
    else:
        st.markdown("**Call today**: past the first-touch deadline first, then those with time left, each freshest "
                    "first: the sooner after hand-off a lead is called, the likelier it converts (see *response time "
                    "and conversion* below).")
        overdue_table(lists.call_today, "overdue_table")
    if not lists.recycle_now.empty:
        with st.expander(f"Recycle now: {len(lists.recycle_now):,} leads past the recycle rule, oldest first"):
            st.caption("Never touched and older than the SLA's not-ready days: hand them back to marketing "
                       "rather than call them cold.")
            overdue_table(lists.recycle_now, "recycle_now_table")
    download_button("Download overdue leads (CSV)",
                    lambda frame=pd.concat([lists.call_today.assign(action="call today"),
                                            lists.recycle_now.assign(action="recycle now")]): csv_text(frame),
                    key="download_overdue", file_name=f"overdue_{data.as_of}.csv", mime="text/csv")

st.subheader("Every lead handed off")
if "compliance_status" not in st.session_state:
    st.session_state["compliance_status"] = url_params.choices("status", list(STATUSES)) or []
statuses = st.pills("Status", list(STATUSES), selection_mode="multi", key="compliance_status",
                    help="Pick statuses to list; none picked lists every lead.")
if statuses:
    st.query_params["status"] = statuses
else:
    st.query_params.pop("status", None)
status_counts = {status: int(picked[status.replace(" ", "_")]) for status in STATUSES}
st.caption(" · ".join(f"{status}: **{count:,}**" for status, count in status_counts.items()))
listed_statuses = tuple(statuses) or STATUSES
matching = sum(status_counts[status] for status in listed_statuses)
# The table shows the latest hand-offs, formatted; at ten million leads a range holds hundreds
# of thousands, so only the shown rows are read and the CSV is read when asked for.
LIMIT = 2000
latest = compliance_cache.latest_leads(selection, owner_id, owner_missing, listed_statuses, LIMIT)
listed = pd.DataFrame({
    "Lead": latest["lead_id"],
    "Owner": [formatting.rep_label(n, i) for n, i in zip(latest["owner_name"], latest["owner_id"])],
    "Status": latest["status"].astype(str),
    "Handed off": business_time(latest["mql_at"], timezone),
    # A lead not touched yet has no hours to first touch: it reads "not yet", never a blank "None".
    "Hours to first touch": [formatting.hours(value, missing="not yet") for value in latest["hours_to_first_touch"]],
    "Attempts in window": latest["attempts_in_window"],
    "Attempts needed": latest["min_attempts"],
    "Channel": [selection.config.display_name("channel", value) for value in latest["channel"]],
    "SLA": latest["sla_name"],
})
tables.dataframe(listed, hide_index=True, key="leads_table", column_config={
    "Handed off": st.column_config.DatetimeColumn(format="ddd D MMM YYYY, HH:mm"),
    "Hours to first touch": st.column_config.TextColumn(help="Working hours"),
})
if matching > LIMIT:
    st.caption(f"Showing the latest {LIMIT:,} of {matching:,} leads; the download has them all.")
download_button(
    "Download these leads (CSV)",
    lambda: csv_text(compliance_cache.every_listed_lead(selection, owner_id, owner_missing, listed_statuses)),
    key="download_leads", file_name=f"follow_up_{selection.start}_{selection.end}.csv", mime="text/csv")

st.subheader("Why it matters: response time and conversion")
st.plotly_chart(built_figure(compliance_charts.response_band_figure, data.bands), key="response_band_chart")
st.caption(
    "Leads handed off in the range, grouped by working hours from hand-off to first touch; conversion as of the "
    "data's last day, so recent hand-offs have had less time to become SQLs and close: widen the date range in the "
    "sidebar for older, more settled hand-offs. Never-touched leads cannot convert through sales follow-up."
)
download_button("Download conversion by response time (CSV)", partial(csv_text, data.bands),
                key="download_bands", file_name="conversion_by_response_time.csv", mime="text/csv")

st.subheader("Handed back to marketing")
if not data.tracking.recycling:
    st.info("Recycling is not tracked: the leads extract has no recycled_at or disqualified_at.")
elif data.hand_back_reasons.empty:
    st.info("No lead was recycled or disqualified in this range.")
else:
    recycled = recycled_hand_backs(data.hand_back_reasons)
    disqualified = int(data.hand_back_reasons["leads"].sum()) - recycled
    st.caption(
        f"**{recycled:,}** leads recycled and **{disqualified:,}** disqualified in the range. "
        "The reason follows from the data and the recycle rule in force at hand-off: at least the rule's number of "
        "attempts = no response; fewer, but after the rule's days = not ready; none at all = handed back untouched; "
        "fewer and sooner = handed back early (outside the rule). A lead handed off again since keeps only its new "
        "hand-off date, so its days with sales count from its first touch: the rule's days or more = not ready, "
        "fewer = hand-off date unknown."
    )
    st.plotly_chart(built_figure(compliance_charts.hand_back_figure, data.hand_back_reasons), key="hand_back_chart")
    if (data.hand_back_reasons["no_later_activity"] == data.hand_back_reasons["leads"]).all():
        st.caption(f"None of these leads has been handed off again, become an SQL or been won since, as of "
                   f"{data.as_of:%d %b %Y}.")
    reasons = data.hand_back_reasons.assign(median_days_in_sales=[  # unknown when a re-MQL replaced the hand-off
        "unknown" if pd.isna(value) else formatting.count(round(value))
        for value in data.hand_back_reasons["median_days_in_sales"]])
    tables.dataframe(reasons, hide_index=True, key="hand_back_table", column_config={
        "reason": "Reason", "leads": "Leads",
        "median_attempts": st.column_config.NumberColumn("Median attempts", format="%.0f"),
        "median_days_in_sales": st.column_config.TextColumn("Median days with sales"),
        "won_later": "Won later", "sql_later": "SQL later", "re_mql": "Re-MQL'd", "no_later_activity": "Nothing since",
    })
    download_button("Download the leads handed back (CSV)",
                    lambda: csv_text(compliance_cache.every_hand_back(selection)),
                    key="download_hand_backs", file_name="hand_backs.csv", mime="text/csv")
