"""Planner: the reverse funnel from the revenue target to the volumes each stage needs, and when."""

import datetime as dt
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.ui.downloads import download_button
from dashboard.core import formatting
from dashboard.planner import domain as planner
from dashboard.planner import charts as planner_charts
from dashboard.core.contract import STAGE_LABELS
from dashboard.planner.domain import MANUAL, OBSERVED, SLA_TARGET
from dashboard.planner.data import DEFAULT_TRAILING_MONTHS, PlanError
from dashboard.planner import cache as planner_cache
from dashboard.review import cache as review_cache
from dashboard.core.exports import csv_text
from dashboard.ui import url_params
from dashboard.ui.figures import built_figure
from dashboard.ui.state import current_database
from dashboard.ui import tables

VERDICT_BOXES = {
    planner.MET: st.success, planner.ON_SCHEDULE: st.success, planner.CATCH_UP: st.warning,
    planner.UNLIKELY: st.error, planner.NOT_REACHABLE: st.error, planner.NO_PLAN: st.info,
}
STATUS_TEXT = {
    planner.ON_TIME: ":green[on time]", planner.STAGE_CATCH_UP: ":orange[catch-up]",
    planner.TOO_LATE: ":red[too late]", planner.NOT_PLANNED: "not planned",
}



def _whole(value) -> str:
    return formatting.count(None if pd.isna(value) else round(value))


selection = st.session_state.get("selection")
st.title("Planner")
if selection is None:
    st.stop()

verdict_box = st.container()  # the verdict comes first; it is known once the widgets below are read
# The planner's inputs travel in the URL, checked (and bounded) before a widget takes them.
MAX_TARGET = 10**12
url_params.seed_number("plan_trailing", 3, 12, DEFAULT_TRAILING_MONTHS)
top = st.columns([1.3, 1, 1.2, 1.3])
trailing = top[2].slider(
    "Observed rates over the last", min_value=3, max_value=12, key="plan_trailing", format="%d months",
    help="Rates, deal size and run rates are measured over these months up to the data's as-of date.",
)
url_params.keep_number("plan_trailing", trailing, DEFAULT_TRAILING_MONTHS)
try:
    inputs = planner_cache.planner_inputs(selection, trailing)
except PlanError as error:
    st.error(f"The planner cannot run on these extracts: {error}.")
    st.stop()

currency = inputs.currency
horizon_default = planner.plan_horizon(inputs.as_of, inputs.period_end)
default_target = round(inputs.default_target)
if "plan_target" not in st.session_state:
    # From the link on first use, checked as an amount the planner can plan (not a bound widget:
    # a bad value must be named and dropped before the widget shows it).
    linked = url_params.text("plan_target")
    amount = planner.parse_amount(linked) if linked else None
    if linked and (amount is None or amount > MAX_TARGET):
        url_params.ignore("plan_target", f"is {url_params.shown(linked)}, not an amount up to {MAX_TARGET:,.0f}")
        linked = None
    st.session_state["plan_target"] = linked or f"{default_target:,}"
target_text = top[0].text_input(
    f"Revenue target ({currency})", key="plan_target", max_chars=40,
    help=f"An amount such as 4,800,000, 4.8M or 750k. Default: the quota left for {inputs.sla_name}, its quota minus "
         "the revenue won so far"
         + (f"; under the sidebar's filter, {formatting.pct(inputs.filter_share)} of it, the filter's share of the won "
            f"revenue of the last {trailing} months." if inputs.filter_share is not None else "."),
)
target = planner.parse_amount(target_text)
if target is None or target > MAX_TARGET:
    top[0].error(f"Revenue target: {formatting.literal(target_text)} is not an amount up to {MAX_TARGET:,.0f}; type one "
                 f"such as 4,800,000, 4.8M or 750k. Planning the default, {default_target:,}.")
    target = float(default_target)
if target_text == f"{default_target:,}":
    st.query_params.pop("plan_target", None)
else:
    st.query_params["plan_target"] = target_text
url_params.seed_number("plan_months", 0, 36, len(horizon_default.months))
months_left = top[1].number_input(
    "Months to plan", min_value=0, max_value=36, step=1, key="plan_months",
    help=f"Default: the months left in {inputs.sla_name} after the as-of date.",
)
url_params.keep_number("plan_months", months_left, len(horizon_default.months))
with top[3]:
    size_choice = st.segmented_control(
        "Average deal size", ["observed", "manual"], default="observed", key="plan_deal_size_source",
        format_func={"observed": f"observed {formatting.money(inputs.avg_deal_size, currency)}", "manual": "manual"}.get,
        help=f"Observed: average won deal over the last {trailing} months.",
    ) or "observed"
    deal_size = inputs.avg_deal_size
    if size_choice == "manual" or deal_size is None:
        deal_size = st.number_input(f"Deal size ({currency})", min_value=1, step=1_000,
                                    value=int(round(inputs.avg_deal_size or 10_000)), key="plan_deal_size")

won_text = formatting.money(inputs.won_to_date, currency, missing="not tracked")
st.caption(
    f"Plan for **{inputs.sla_name}** ({inputs.period_start:%d %b} – {inputs.period_end:%d %b %Y}): quota "
    f"{formatting.money(inputs.quota, currency)}, won so far {won_text}, **quota left "
    f"{formatting.money(inputs.quota_left, currency)}** · data as of {inputs.as_of:%d %b %Y}."
    + (f" Planned for **{formatting.literal(selection.filters.describe(selection.config.display_name))}** only: default target {formatting.money(inputs.default_target, currency)}, "
       f"its {formatting.pct(inputs.filter_share)} share of the won revenue of the last {trailing} months."
       if inputs.filter_share is not None else "")
)

# Conversion rates: observed, the SLA target or a manual value, one click apart.
rate_values: dict[str, float | None] = {}
rate_sources: dict[str, str] = {}
with st.container(border=True):
    rate_start = inputs.rate_window_start or inputs.window_start
    observed_over = (f"over the last {trailing} months ({inputs.window_start:%d %b %Y} – {inputs.window_end:%d %b %Y})"
                     if rate_start == inputs.window_start else
                     f"from {rate_start:%d %b %Y} to {inputs.window_end:%d %b %Y}, under the lead definition in force")
    st.markdown(f"**Conversion rates**: observed {observed_over}, the SLA target, or your own")
    if inputs.rate_window_note:
        st.caption(inputs.rate_window_note)
    for rate in inputs.rates:
        # the three-way choice needs about 250 px: at 2.2 parts its "manual" was cut off at 1440 px
        label, choice, shown, note = st.columns([1.2, 2.7, 1.4, 2.7], vertical_alignment="center")
        label.markdown(f"**{rate.label}**")
        options = [OBSERVED] + ([SLA_TARGET] if rate.target is not None else []) + [MANUAL]
        with choice:
            source = st.segmented_control(
                f"Rate for {rate.label}", options, default=OBSERVED, key=f"plan_rate_source_{rate.stage}",
                format_func={OBSERVED: "observed", SLA_TARGET: "SLA target", MANUAL: "manual"}.get,
                label_visibility="collapsed",
            ) or OBSERVED
        if source == MANUAL:
            value = shown.number_input(
                f"{rate.label} (%)", min_value=0.01, max_value=100.0, step=0.5, format="%.2f",
                value=round((rate.observed or rate.target or 0.1) * 100, 2), key=f"plan_rate_{rate.stage}",
                label_visibility="collapsed") / 100
        else:
            value = rate.target if source == SLA_TARGET else rate.observed
            shown.markdown(f"**{formatting.pct(value)}**")
        rate_values[rate.stage] = value
        rate_sources[rate.stage] = source
        note.caption(f"observed {formatting.pct(rate.observed)} · "
                     + (f"SLA target {formatting.pct(rate.target)}" if rate.target is not None else "no SLA target"))

horizon = planner.plan_horizon(inputs.as_of, inputs.period_end, int(months_left))
assumptions = planner.Assumptions(target=float(target), deal_size=float(deal_size) if deal_size else None,
                                   rates=rate_values, rate_sources=rate_sources, horizon=horizon)
plan = planner.build_plan(inputs, assumptions)
stage_table = planner.plan_frame(plan)

verdict_box.markdown(f"### {planner.verdict_line(plan)}")
VERDICT_BOXES[plan.verdict](plan.verdict_text)

months_text = (f"{horizon.start:%b %Y} – {horizon.end:%b %Y}" if len(horizon.months) > 1
               else f"{horizon.start:%b %Y}" if horizon.months else "no month")
st.subheader(f"Needed for {formatting.money(target, currency)} in {months_text}")
planned = [stage for stage in plan.stages if stage.is_planned]
if planned:
    cards = st.columns(len(plan.stages))
    for column, stage in zip(cards, plan.stages):
        with column:
            if not stage.is_planned:
                st.metric(stage.label, "—")
                st.caption(f"not planned: {stage.note}")
                continue
            per_month = stage.total_needed / horizon.effective_months
            st.metric(stage.label, formatting.count(planner.ceil_count(stage.total_needed)),
                      help="Expected volumes, rounded up to whole records.")
            line = f"{formatting.count(planner.ceil_count(per_month))} / month needed"
            if stage.run_rate:
                ratio = per_month / stage.run_rate
                colour = "red" if ratio > 1 else "green"
                line += f"  \n{stage.run_rate:,.0f} / month today  \n:{colour}[**{ratio:.2f}×**] today's pace"
            st.markdown(line)
    st.caption(
        f"Won deals = target ÷ average deal size ({formatting.money(deal_size, currency)}), phased over the months by the "
        "SLA's monthly quota weights; each earlier stage = won deals ÷ its rate to won (the product of the rates after it)."
    )

    st.subheader("When each volume must arrive")
    st.caption(
        "A deal won in a month passed its earlier stages months before, in the proportions observed on the won deals of "
        "the last year (by segment where a segment has 30 won deals or more). Grey bars fall before the plan starts: the "
        "funnel already in place had to bring them. The line is the part of what did arrive (the marks: of today's run "
        "rate) whose wins land in the plan's months, so it compares with the bars. The funnel must keep running after "
        "the plan's months for the next period's wins too."
    )
    st.plotly_chart(built_figure(planner_charts.schedule_figure, plan), key="plan_schedule_chart")
    by_month = planner.schedule_frame(plan)
    shown = by_month.copy()
    shown["month_start"] = pd.to_datetime(shown["month_start"]).dt.strftime("%b %Y")
    shown["is_before_plan_start"] = shown["is_before_plan_start"].map({True: "already due", False: "to arrive"})
    for column in shown.columns[2:]:
        shown[column] = [formatting.count(planner.ceil_count(v)) for v in shown[column]]
    with st.expander("The plan month by month, as a table (rounded up)"):
        tables.dataframe(shown.rename(columns={"month_start": "Month", "is_before_plan_start": "When"}), hide_index=True)

    left, right = st.columns(2)
    with left:
        st.subheader("Gap to today's run rate")
        st.plotly_chart(built_figure(planner_charts.gap_figure, stage_table), key="plan_gap_chart")
        expected = plan.expected_revenue_at_run_rate
        if expected is not None:
            gap = plan.revenue_gap
            decisive = planner.decisive_stage(plan.stages)
            st.metric(f"Run-rate scenario to {planner.month_end(horizon.end):%d %b %Y}",
                      formatting.money(expected, currency),
                      delta=f"{formatting.money(-gap, currency)} vs target" if gap else None,
                      help=f"Won deals the {planner.noun(decisive.stage)} already in flight should bring in the plan's "
                           f"months, plus those of {planner.noun(decisive.stage)} at today's run rate that close in "
                           "time, at the assumed rates and lags, times the deal size. A scenario, not the forecast.")
            forecast = review_cache.period_forecast(selection)
            if comparison := planner.scenario_against_forecast(plan, inputs, forecast.total if forecast else None):
                st.caption(comparison)
            if gap and gap > 0 and deal_size:
                behind = min(decisive.shortfall_wins * deal_size, gap)
                st.caption(
                    f"Of the {formatting.money(gap, currency)} gap, {formatting.money(behind, currency)} is the "
                    f"{planner.noun(decisive.stage)} already in flight falling short of what the plan needs from them, "
                    f"and {formatting.money(gap - behind, currency)} is today's pace of {planner.noun(decisive.stage)} "
                    "being below the plan's.")
    with right:
        st.subheader("Cheapest lever")
        sensitivity = plan.sensitivity
        if sensitivity.empty:
            st.info("No rate to test: the plan has no month or no rate.")
        else:
            st.plotly_chart(built_figure(planner_charts.sensitivity_figure, sensitivity, currency), key="plan_sensitivity_chart")
            best = sensitivity.iloc[0]
            sentence = (f"One point on **{best['step']}** brings the most by the end of the plan: "
                        f"+{formatting.money(best['revenue_per_point'], currency)}")
            if pd.notna(best["points_to_close_gap"]):
                sentence += f"; closing the gap with this rate alone would take {best['points_to_close_gap']:,.1f} points."
            st.markdown(sentence if sentence.endswith(".") else sentence + ".")
            st.caption("A point counts only where the step is still ahead of the plan's wins: leads created now mostly "
                       "close after the period. One point is a large step on a small rate (2 % → 3 % is +50 %), so "
                       "the table also gives a lift of 10 % of each rate.")
    if not sensitivity.empty:  # full width: its six columns do not fit half a 1440 px page
        tables.dataframe(pd.DataFrame({
            "Rate": sensitivity["step"],
            "Now": [formatting.pct(v) for v in sensitivity["rate"]],
            "Wins still ahead": [formatting.pct(v, 0) for v in sensitivity["share_still_ahead"]],
            "+1 point": [formatting.money(v, currency) for v in sensitivity["revenue_per_point"]],
            "+10 % of the rate": [formatting.money(v, currency) for v in sensitivity["revenue_per_10pct_lift"]],
            "Points to close gap": [f"{v:,.1f}" if pd.notna(v) else "—" for v in sensitivity["points_to_close_gap"]],
        }), hide_index=True)

    st.subheader("The funnel already in place")
    st.caption(
        f"Won deals that depend on volume due before {inputs.as_of + dt.timedelta(days=1):%d %b %Y}, against what the "
        "volume that did arrive is expected to bring at the same rates and lags. A catch-up is extra volume at that one "
        "stage (stages are alternatives, not a sum), counting only its won deals that land in time."
    )
    tables.dataframe(pd.DataFrame({
        "Stage": stage_table["stage"],
        "Status": stage_table["status"],
        "Due before the plan": [formatting.count(planner.ceil_count(v)) for v in stage_table["due_before_plan_start"]],
        # Whole deals, as everywhere (94.9 reads 95); the CSV keeps the fractions.
        "Wins relying on it": [_whole(v) for v in stage_table["won_deals_relying_on_funnel_in_place"]],
        "Wins expected": [_whole(v) for v in stage_table["won_deals_expected_from_funnel_in_place"]],
        "Short by (wins)": [_whole(v) for v in stage_table["shortfall_won_deals"]],
        "Catch-up volume": [("no volume can" if status == planner.TOO_LATE else formatting.count(planner.ceil_count(v)))
                            for v, status in zip(stage_table["catch_up_volume"], stage_table["status"])],
        "New wins in time": [formatting.pct(v, 0) for v in stage_table["in_time_share"]],
    }), hide_index=True, column_config={
        "Wins expected": st.column_config.TextColumn(help="Won deals expected from the volume that did arrive"),
        "New wins in time": st.column_config.TextColumn(help="The share of new volume's won deals that land in time"),
    })

st.subheader("Assumptions")
# Without leads every deal would read "sales-sourced": the split says nothing, so it is not shown.
deals_from_leads = current_database().catalog.lead_source_tracked
assumptions_table = pd.DataFrame(
    [{"assumption": "revenue target", "value": float(target), "source": "manual" if target != default_target else "quota left" + (" x filter share" if inputs.filter_share is not None else "")},
     {"assumption": "average deal size", "value": deal_size, "source": size_choice if inputs.avg_deal_size else "manual"},
     {"assumption": "months planned", "value": horizon.effective_months, "source": months_text},
     *([{"assumption": "sales-sourced share of won revenue", "value": inputs.sales_sourced_revenue_share,
         "source": "observed; inside the proposal and won rates"}] if deals_from_leads else [])]
    + [{"assumption": f"rate {rate.label}", "value": rate_values.get(rate.stage), "source": rate_sources.get(rate.stage)}
       for rate in inputs.rates]
)
left, right = st.columns(2)
with left:
    tables.dataframe(pd.DataFrame({
        "Assumption": assumptions_table["assumption"],
        "Value": [formatting.money(v, currency) if a in ("revenue target", "average deal size")
                  else f"{v:.2f}" if a == "months planned" else formatting.pct(v)
                  for a, v in zip(assumptions_table["assumption"], assumptions_table["value"])],
        "Source": assumptions_table["source"],
    }), hide_index=True)
    st.caption(
        "Rates are period rates as on the funnel page (events in the window): proposals and won deals include "
        "sales-sourced deals, so the volumes above assume sales keeps sourcing deals in the same proportion."
        if deals_from_leads else
        "Rates are period rates as on the funnel page (events in the window), between the stages the deals carry."
    )
with right:
    lag_days = inputs.lag_days
    if lag_days.empty:
        st.info("No won deal with dated earlier stages in the last year: volumes are placed in the month of the win.")
    else:
        st.markdown("**Days from each stage to the win** (won deals of the last year)")
        # Without leads, or leads without a segment, the per-segment rows only repeat the total.
        by_segment = deals_from_leads and current_database().catalog.has("leads", "segment")
        if not by_segment:
            lag_days = lag_days[lag_days["is_all_segments"]].reset_index(drop=True)
        lag_table = pd.DataFrame({
            "From": [STAGE_LABELS[s] for s in lag_days["stage"]],
            "Segment": ["all segments" if all_ else ("no lead (sales-sourced)" if pd.isna(seg) else seg)
                        for seg, all_ in zip(lag_days["segment"], lag_days["is_all_segments"])],
            "Won deals": lag_days["won_deals"],
            "Median days": lag_days["median_days"].round(0),
            "75th pct days": lag_days["p75_days"].round(0),
        })
        tables.dataframe(lag_table if by_segment else lag_table.drop(columns="Segment"), hide_index=True,
                     height=min(280, 35 * (len(lag_table) + 1) + 3))

downloads = st.columns(3)
download_button("Download plan by stage (CSV)", partial(csv_text, stage_table), file_name="plan_by_stage.csv",
                mime="text/csv", key="download_plan_stages", container=downloads[0])
download_button("Download plan by month (CSV)", partial(csv_text, planner.schedule_frame(plan)),
                file_name="plan_by_month.csv", mime="text/csv", key="download_plan_months", container=downloads[1])
download_button("Download assumptions (CSV)", partial(csv_text, assumptions_table),
                file_name="plan_assumptions.csv", mime="text/csv", key="download_plan_assumptions", container=downloads[2])
