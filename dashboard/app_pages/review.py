"""Monthly review: are we on track for the SLA quota, where in the funnel are we behind the
SLA's targets, and what changed since last month. Thin: widgets → cached review → figures."""

import datetime as dt
from functools import partial

import streamlit as st

from dashboard.ui.downloads import download_button
from dashboard.review import drilldown
from dashboard.core import formatting, tracking
from dashboard.core.kpis import WIN_RATE_BASES
from dashboard.review import charts as review_charts
from dashboard.review import view as review_view
from dashboard.funnel.domain import status_reasons
from dashboard.data_health.cache import report_for_page
from dashboard.review.health import health_notes
from dashboard.review.report import render_report
from dashboard.review.data import ReviewError, drill_choices, month_label, parse_month
from dashboard.review import cache as review_cache
from dashboard.ui.state import current_database, current_scope
from dashboard.core.exports import csv_text
from dashboard.ui import url_params
from dashboard.ui.figures import built_figure
from dashboard.ui import tables

SHOWN_ROWS = 1_000

selection = st.session_state.get("selection")
if selection is None:
    st.title("Monthly review")
    st.stop()

months = review_cache.months(selection)
if not months.months:
    st.title("Monthly review")
    st.info("The extracts hold no dated leads, traffic or closed deals yet, so there is no month to review.")
    st.stop()


def _month_text(month: dt.date) -> str:
    return month_label(month) + ("" if months.is_complete(month) else f" (to {months.as_of:%d %b})")


# The month: from the URL on the first run, then from the picker; the URL follows the picker.
options = list(reversed(months.months))
if st.session_state.get("review_month") not in options:
    wanted = url_params.text("month")
    try:
        from_url = parse_month(wanted) if wanted else None
    except ReviewError:
        from_url = None
    if wanted and from_url not in options:
        st.session_state["review_month_note"] = (
            f"The link asks for month {formatting.literal(repr(wanted))} (parameter `month`), which the data does not "
            f"cover ({months.first:%Y-%m} to {months.months[-1]:%Y-%m}); showing {month_label(months.default)}.")
    st.session_state["review_month"] = from_url if from_url in options else months.default

header, picker = st.columns([3, 1], vertical_alignment="bottom")
month = picker.selectbox("Month", options, key="review_month", format_func=_month_text,
                         help="Default: the last complete month in the data. The link carries the month.")
st.query_params["month"] = f"{month:%Y-%m}"
review = review_cache.monthly_review(selection, month)
header.title(review_view.title(review))

st.caption(f"{formatting.literal(review_view.subtitle(review))} · the channel, segment and team filters in the sidebar apply to the "
           "funnel, scorecard, trends and records; the quota is the company's.")
if note := st.session_state.pop("review_month_note", None):
    st.info(note)
st.markdown(f":material/gavel: {review.sla_statement}")

# Headlines: the meeting starts from facts, never from a figure a data-health finding undermines.
health = report_for_page()
notes = health_notes(health.tables, review.cutoff) if health is not None else health_notes((), review.cutoff)
review = review_view.judged_with_health(review, notes)
lines = review_view.trusted_headlines(review, notes.undermined)
if lines:
    with st.container(border=True):
        st.markdown("**Headlines**\n" + "\n".join(f"- {formatting.literal(line)}" for line in lines))


def health_warnings() -> None:
    """The data-health notes, beside the figures they concern."""
    for note in notes.notes:
        st.warning(formatting.literal(note), icon=":material/health_and_safety:")


health_warnings()

# Goal attainment.
st.subheader("Goal attainment")
figures = review_view.attainment_figures(review)
if figures:
    for column, figure in zip(st.columns(len(figures)), figures):
        column.metric(figure.label, figure.value, figure.delta, delta_color=figure.delta_color,
                      delta_arrow="off" if figure.delta_color == "off" else "auto", help=formatting.literal(figure.help) if figure.help else None)
for note in review.notes:
    st.caption(note)
att = review.attainment
if att is not None:
    left, right = st.columns([1, 1])
    left.plotly_chart(built_figure(review_charts.cumulative_figure, review), key="review_cumulative")
    with right:
        table = review_view.forecast_table(review)
        if table is not None:
            st.markdown("**How the forecast is made**")
            tables.dataframe(table, hide_index=True, key="review_forecast_table", column_config={
                "Weight": st.column_config.TextColumn(help="The share of such pipeline's value won within the same "
                                                      "number of days, in the past"),
            })
            for note in review_view.forecast_notes(review):
                st.caption(note)
        else:
            st.markdown(f"**{att.sla_name} has ended.** Its result is final: "
                        f"{formatting.money(att.won_to_date, review.currency)}, "
                        f"{formatting.pct(att.attainment_rate)} of the quota. Month by month:")
            tables.dataframe(review_view.period_months_table(review), hide_index=True, key="review_period_months")
elif review.sla is None:
    st.info("No SLA version covers this month, so there is no quota to measure against. "
            "Add an [[sla]] block for it in the SLA config.")


STATUS_COLUMN = {"Status": st.column_config.TextColumn(help=formatting.STATUS_HELP)}


# Funnel against the SLA's targets, for the month and the period to date.
st.subheader("Funnel against the SLA targets")
health_warnings()
wide = review_view.is_wide([*review.funnel_month, *(review.funnel_period or ())])
left, right = (st.container(), st.container()) if wide else st.columns(2)
with left:
    st.markdown(f"**{review_view.month_name(review)} {review.month:%Y}**")
    month_funnel = review_view.funnel_table(review.funnel_month)
    tables.dataframe(tables.status_styled(month_funnel), hide_index=True, key="review_funnel_month", column_config=STATUS_COLUMN)
with right:
    if review.funnel_period:
        st.markdown(f"**{review.sla.name} to date** ({review.sla.start:%d %b} – {review.cutoff:%d %b %Y})")
        tables.dataframe(tables.status_styled(review_view.funnel_table(review.funnel_period)), hide_index=True,
                     key="review_funnel_period", column_config=STATUS_COLUMN)
    else:
        st.caption("No SLA period is in force, so there is no period to date.")
st.caption(f"Period view: each stage counts its events in the range. Status against the SLA target: on track when "
           f"met, at risk within {selection.config.at_risk_band:.0%} of it, off track beyond.")
for reason in status_reasons([*review.funnel_month, *(review.funnel_period or ())]):
    st.caption(reason)
if review.sales_sourced_won:
    st.caption(f"Won deals include {review.sales_sourced_won:,} with no lead in the extract (sales-sourced, or opened "
               "before the data starts).")

# KPI scorecard by owner.
st.subheader("KPI scorecard")
health_warnings()
scorecard = review_view.scorecard_table(review.scorecard, review.currency)
if scorecard.empty:
    st.info("No KPIs are owned by a team or have a target in the SLA config ([[teams]] kpis, [sla.targets]).")
else:
    # The grid sized Teams short of its longest cell (cut off at 1440 px): it gets that cell's width.
    tables.dataframe(tables.status_styled(scorecard), hide_index=True, key="review_scorecard", height=35 * (len(scorecard) + 1) + 3,
                     column_config={**STATUS_COLUMN, "Teams": st.column_config.TextColumn(
                         width=tables.fitting_width_px(scorecard["Teams"], "Teams"))})
    for reason in status_reasons(review.scorecard):
        st.caption(reason)
    if any(row.key == "win_rate" for row in review.scorecard):  # beside the funnel's proposal → won
        st.caption(WIN_RATE_BASES)
    st.caption("Owner: the function whose teams list the KPI in the SLA config; a KPI listed by teams of more than "
               "one function is shared.")
    st.caption("Change against last month and the same month last year, where the data reaches back; rates in "
               "percentage points. Count and revenue targets are per month and pro-rated by day.")

# Trends.
st.subheader("Trends")
if not review.trend.empty:
    st.plotly_chart(built_figure(review_charts.trend_figure, review.trend, review.month), key="review_trend")
left, right = st.columns([1, 1])
if not review.durations.empty:
    left.plotly_chart(built_figure(review_charts.durations_figure, review.durations, review.sales_cycle_target),
                      key="review_durations")
    right.markdown("**Median days between stages**")
    tables.dataframe(review_view.durations_table(review), container=right, hide_index=True,
                     key="review_durations_table")
if review.trend.empty and review.durations.empty:
    st.caption("No trend to draw: the extracts track no two consecutive funnel stages to take a monthly rate "
               "between, and no dated stage-to-stage step to time.")

# Downloads: the data behind each section, and the whole review as one HTML file.
st.subheader("Downloads")
cols = st.columns(5)
stamp = f"{review.month:%Y-%m}"
download_button("Funnel (CSV)", partial(review_view.funnel_csv, review), file_name=f"review_funnel_{stamp}.csv",
                mime="text/csv", key="download_review_funnel", container=cols[0])
download_button("Scorecard (CSV)", partial(review_view.scorecard_csv, review),
                file_name=f"review_scorecard_{stamp}.csv", mime="text/csv", key="download_review_scorecard", container=cols[1])
download_button("Trends (CSV)", partial(csv_text, review.trend), file_name=f"review_trends_{stamp}.csv",
                mime="text/csv", key="download_review_trends", container=cols[2])
download_button("Days between stages (CSV)", partial(csv_text, review.durations),
                file_name=f"review_durations_{stamp}.csv", mime="text/csv", key="download_review_durations", container=cols[3])
download_button("This review (HTML)", lambda: render_report(review, health), file_name=f"review-{stamp}.html",
                mime="text/html", key="download_review_html", type="primary",
                help="One self-contained file with the charts; opens offline, for the inbox.", container=cols[4])


# Drill-down: the records behind any count, capped on screen, complete in the CSV.
@st.fragment
def records_section() -> None:
    st.subheader("Records behind the numbers")
    choices = {f"{choice.key}:{choice.scope}": choice for choice in drill_choices(review)}
    if not choices:
        st.caption("No counts with records behind them.")
        return
    if st.session_state.get("review_drill") not in choices:
        st.session_state["review_drill"] = url_params.choice("drill", list(choices)) or (
            "won:month" if "won:month" in choices else next(iter(choices)))
    key = st.selectbox("Open the records behind", list(choices), key="review_drill",
                       format_func=lambda option: choices[option].label)
    st.query_params["drill"] = key
    choice = choices[key]
    database = current_database()
    record = drilldown.DRILLS[choice.key].record
    if choice.key == "traffic":  # daily totals per channel: a few rows a day, never capped
        shown = drilldown.records(database, choice.key, choice.start, choice.end, choice.filters)
        rows = len(shown)
        st.caption(f"{rows:,} daily rows per channel, {choice.count:,} sessions in all.")
    elif not current_scope().is_company:  # the count is the company's; the records only the viewer's own
        shown = drilldown.records(database, choice.key, choice.start, choice.end, choice.filters)
        rows = len(shown)
        st.caption(f"{rows:,} of the company's {choice.count:,} {record}s are yours to see.")
        shown = shown.head(SHOWN_ROWS)
    else:
        shown = drilldown.records(database, choice.key, choice.start, choice.end, choice.filters, limit=SHOWN_ROWS)
        rows = choice.count
        if choice.count > len(shown):
            st.caption(f"Showing the first {len(shown):,} of {choice.count:,} {record}s; the CSV has all of them.")
        else:
            st.caption(f"{choice.count:,} {record}{'' if choice.count == 1 else 's'}.")
    untracked = database.catalog.untracked(shown.columns)
    tables.dataframe(drilldown.display_records(shown, choice.key, selection.config.display_name, review.currency,
                                               untracked), hide_index=True, key="review_records")
    download_button(
        f"Download all {rows:,} {record}{'' if rows == 1 else 's'} (CSV)",
        lambda: csv_text(tracking.shown(drilldown.records(database, choice.key, choice.start, choice.end,
                                                          choice.filters), untracked)),
        file_name=f"review_{choice.key}_{choice.scope}_{stamp}.csv", mime="text/csv", key="download_review_records")


records_section()
