"""Scoring lab: test lead-scoring rules and the MQL threshold on the leads of the range."""

import dataclasses
from functools import partial

import pandas as pd
import streamlit as st

from dashboard.ui.downloads import download_button
from dashboard.core import formatting, tracking
from dashboard.scoring_lab import domain as scoring_lab
from dashboard.scoring_lab import charts as scoring_lab_charts
from dashboard.core.config import LeadDefinition
from dashboard.scoring_lab.data import available_attributes, lab_shape
from dashboard.scoring_lab import rule_editor
from dashboard.scoring_lab import cache as lab_cache
from dashboard.funnel.domain import latest_mature_range
from dashboard.ui.state import UNDATED, current_config, current_database, is_default_range, undated_selection, use_range
from dashboard.core.exports import csv_text
from dashboard.ui.figures import built_figure
from dashboard.ui import tables

selection = st.session_state.get("selection")
st.title("Scoring lab")
if selection is None and st.session_state.get(UNDATED):
    # Undated leads (a lead-scoring export): every lead is re-scored, all time, under the latest SLA version.
    selection = undated_selection(current_config(), current_database())
if selection is None:
    st.stop()
all_time = selection.start is None
leads_shown = ("every lead (all time: the leads are undated)" if all_time
               else f"leads created {selection.start:%d %b %Y} – {selection.end:%d %b %Y}")

database = current_database()
base = selection.sla
base_definition = base.lead_definition
available = available_attributes(database)
if not database.catalog.has("leads") or not available:
    st.info("The scoring lab re-scores historical leads, so it needs a leads extract with the attributes the scoring "
            "rules read (company_size, industry, job_level, pricing_page_views, ...; see data/README.md). "
            f"Map them under [data.tables.leads.columns] in {selection.config.path.name}.")
    st.stop()

rule_attributes = sorted({rule.attribute for sla in selection.config.slas for rule in sla.lead_definition.rules})
if not rule_attributes:
    st.info(f"No SLA version's lead definition has scoring rules, so re-scoring would make no lead an MQL. Add "
            f"rules under [sla.lead_definition] in {selection.config.path.name} to test a definition on these leads; "
            f"they can read {', '.join(available)} (see data/README.md).")
    st.stop()
if not set(rule_attributes) & set(available):
    st.info(f"The scoring lab re-scores historical leads with the scoring rules, but the leads extract has none of the "
            f"attributes they read ({', '.join(rule_attributes)}); it has {', '.join(available)}. Map them under "
            f"[data.tables.leads.columns] in {selection.config.path.name} (see data/README.md).")
    st.stop()

rule_editor.ensure(base_definition.rules, base.name)
rule_editor.normalise({})
proposed_rules = rule_editor.current_rules()
attributes, bounds = lab_shape(selection.config, available, proposed_rules)
key = lab_cache.lab_key(selection, attributes, bounds)
data = lab_cache.lab(key)
groups = data.groups
currency = base.currency
if groups.size == 0:
    if all_time:
        st.info("The leads extract has no leads.")
    else:
        st.info(f"No lead was created from {selection.start:%d %b %Y} to {selection.end:%d %b %Y} "
                f"({formatting.literal(selection.filters.describe(selection.config.display_name))}): widen the date range in the sidebar.")
    st.stop()

# Outcomes of leads still maturing read low, so the lab first opens on the latest months that have had
# time to close, once a session, while the sidebar still shows its untouched default range.
if not st.session_state.get("lab_range_defaulted"):
    st.session_state["lab_range_defaulted"] = True
    if data.maturity is not None and not data.maturity.is_mature and is_default_range(selection):
        start, end = latest_mature_range(data.as_of, data.maturity.days_needed)
        mature = dataclasses.replace(selection, start=start, end=end)
        if lab_cache.lab(lab_cache.lab_key(mature, attributes, bounds)).groups.size:  # the data reaches back
            use_range(selection.config, start, end)
            st.session_state["lab_range_note"] = (start, end,
                f"Showing leads created {start:%d %b %Y} – {end:%d %b %Y}, the latest six months whose leads have had "
                f"time to close (three in four won deals close within {data.maturity.days_needed:.0f} days). Pick "
                "another range in the sidebar.")
            st.rerun()
if (note := st.session_state.get("lab_range_note")) and note[:2] == (selection.start, selection.end):
    st.info(note[2], icon=":material/date_range:")

empty = [name for name in attributes if not groups.has_values(name)]
if len(empty) == len(attributes):
    st.info("The scoring lab re-scores historical leads, but none of the leads of the range has a value for the "
            f"attributes the rules read ({', '.join(empty)}). Map them under [data.tables.leads.columns] in "
            f"{selection.config.path.name} (see data/README.md), or widen the date range.")
    st.stop()
if empty:
    st.warning(f"No lead of the range has a value for {', '.join(empty)}: rules on "
               f"{'it' if len(empty) == 1 else 'them'} match no lead (except with != and not in).")
labels = {name: groups.labels(name) for name in attributes}
rule_editor.normalise(labels)

leads_total = int(groups.leads.sum())
handed_off = int(groups.observed.sum())
st.caption(
    f"{selection.config.company_name} · {leads_shown} "
    f"({formatting.literal(selection.filters.describe(selection.config.display_name))}"
    f"{'; the team filter does not apply to leads never handed off' if selection.filters.team else ''}): "
    f"**{leads_total:,} leads**, of which {handed_off:,} "
    + ("have an observed outcome (the extract says whether each converted). " if database.catalog.outcome_on_leads
       else "were handed off and have an observed sales outcome. ") +
    f"Current = the lead definition of **{base.name}** (threshold {base_definition.mql_threshold}, "
    f"{len(base_definition.rules)} rules), re-scored on these leads."
)
if data.maturity is not None and not data.maturity.is_mature:
    passed = ("the range runs up to the data's as-of date" if data.maturity.days_observed <= 0
              else f"only {data.maturity.days_observed} days have passed since the end of the range")
    st.warning(
        f"Recent leads are still maturing: three in four won deals close within {data.maturity.days_needed:.0f} days of "
        f"lead creation, and {passed}. Their SQL and won figures will still rise: for a steadier test, set the "
        "sidebar's date range to months that have had time to close."
    )

controls = st.columns([2.4, 3.2, 1.4])
SHORT_METHODS = {scoring_lab.BAND: "Nearest score band", scoring_lab.HAND_RAISERS: "Hand-raisers",
                 scoring_lab.NO_CONVERSION: "No conversion"}
low, high = scoring_lab.score_range(proposed_rules)
top = max(high, base_definition.mql_threshold, 1)
bottom = min(low, 0)
if "lab_threshold" in st.session_state and not bottom <= st.session_state["lab_threshold"] <= top:
    st.session_state["lab_threshold"] = min(max(st.session_state["lab_threshold"], bottom), top)
threshold = controls[0].slider(
    "MQL threshold (proposed)", min_value=bottom, max_value=top, value=base_definition.mql_threshold,
    key="lab_threshold", bind="query-params",
    help=f"A lead is an MQL when its score reaches the threshold. Current: {base_definition.mql_threshold}.",
)
method = controls[1].segmented_control(
    "Never-handed-off leads are estimated by", list(scoring_lab.ESTIMATE_METHODS),
    format_func=SHORT_METHODS.get, default=scoring_lab.BAND, key="lab_method", bind="query-params",
    help="Leads that were never handed off have no sales outcome; this is how the lab estimates one for those "
         "the rules would now make MQLs.",
) or scoring_lab.BAND
current_scores, current_hist = lab_cache.scored(key, base_definition.rules, method)
seen_bypass = scoring_lab.hand_raisers_bypass(groups, current_scores, base_definition.mql_threshold)
bypass = controls[2].toggle(
    "Hand-raisers bypass", value=bool(seen_bypass), key="lab_bypass",
    help="Leads who requested a demo are handed off whatever their score. "
         + ("History shows this: at least 90 % of hand-raisers below the threshold were handed off."
            if seen_bypass else "History does not show this." if seen_bypass is False else
            "No hand-raiser scored below the threshold in this range."),
)

with st.expander(f"Scoring rules ({len(proposed_rules)}) · start from {base.name}, edit, add or remove", expanded=True):
    rule_editor.draw(available, labels, base_definition.rules)
proposed_rules = rule_editor.current_rules()
if tuple(proposed_rules) != tuple(base_definition.rules):
    st.query_params[rule_editor.URL_KEY] = rule_editor.encode(proposed_rules)  # a link shares the proposal
elif rule_editor.URL_KEY in st.query_params:
    del st.query_params[rule_editor.URL_KEY]

try:
    proposed_scores, proposed_hist = lab_cache.scored(key, proposed_rules, method)
except (TypeError, ValueError) as error:
    st.error(f"A rule cannot be applied to these leads ({error}); check its attribute, condition and value.")
    st.stop()

reps, capacity = data.reps, base.mql_capacity_per_rep_month
current = scoring_lab.evaluate(current_hist, base_definition.mql_threshold, bypass, reps, capacity)
proposed = scoring_lab.evaluate(proposed_hist, threshold, bypass, reps, capacity)
changes = scoring_lab.score_changes(groups, current_scores, proposed_scores, base_definition.mql_threshold, threshold,
                                    bypass)
rules_changed = tuple(proposed_rules) != tuple(base_definition.rules)

flips = st.columns(3)
flips[0].metric("Leads re-scored", formatting.count(changes.leads_rescored),
                help="Leads whose score under the edited rules differs from the current rules.")
flips[1].metric("Become MQLs", formatting.count(changes.became_mqls),
                help="Leads that are MQLs under the proposal but not under the current definition.")
flips[2].metric("Drop out", formatting.count(changes.dropped_out),
                help="Leads that are MQLs under the current definition but not under the proposal.")
if changes.leads_rescored == 0 and threshold != base_definition.mql_threshold:
    st.caption(f"0 leads re-scored: moving the threshold ({base_definition.mql_threshold} → {threshold}) changes which "
               "leads are MQLs, not their scores. Edit a rule to re-score leads.")

st.subheader(f"Proposed vs current, {len(groups.months)} month(s) of leads")
st.caption("Counting basis: leads created in the range, each re-scored and counted in the month it was created; "
           "the funnel counts MQLs in the month they were handed off, so its total for the same range differs.")
cur, new = current.total, proposed.total


def delta(value, reference, kind):
    """The change against the current definition; none when nothing changed."""
    if value is None or reference is None or abs(value - reference) < 1e-9:
        return None
    if kind == "decimal":
        return f"{value - reference:+,.1f}"
    if kind == "rate":
        return f"{(value - reference) * 100:+.1f} pt"
    if kind == "money":
        return formatting.money(value - reference, currency)
    return f"{value - reference:+,.0f}"


cards = st.columns(6)
cards[0].metric("MQLs", formatting.count(new["mqls"]), delta(new["mqls"], cur["mqls"], "count"), delta_color="off")
cards[0].caption((f"{new['mqls_per_month']:,.0f} a month · " if new["mqls_per_month"] is not None else "all time · ")
                 + f"{formatting.count(new['mqls_estimated'])} never handed off (outcome estimated)")
sql_tracked, won_tracked = data.sql_tracked, data.won_tracked
cards[1].metric("MQL → SQL", formatting.pct(new["mql_to_sql_rate"]) if sql_tracked else "not tracked",
                delta(new["mql_to_sql_rate"], cur["mql_to_sql_rate"], "rate") if sql_tracked else None)
if sql_tracked:
    cards[1].caption(f"{new['sqls_observed']:,.0f} observed + {new['sqls_estimated']:,.1f} estimated SQLs")
cards[2].metric("MQL → won", formatting.pct(new["mql_to_won_rate"]) if won_tracked else "not tracked",
                delta(new["mql_to_won_rate"], cur["mql_to_won_rate"], "rate") if won_tracked else None)
if won_tracked:
    cards[2].caption(f"{new['won_observed']:,.0f} observed + {new['won_estimated']:,.1f} estimated won leads")
revenue_tracked = data.revenue_tracked
captured = new["revenue_captured_observed"] + new["revenue_captured_estimated"]
cards[3].metric("Won revenue captured", formatting.money(captured, currency) if revenue_tracked else "not tracked",
                delta(captured, cur["revenue_captured_observed"] + cur["revenue_captured_estimated"], "money")
                if revenue_tracked else None)
if revenue_tracked:
    cards[3].caption(f"{formatting.money(new['revenue_captured_observed'], currency)} observed + "
                     f"{formatting.money(new['revenue_captured_estimated'], currency)} estimated")
cards[4].metric("Won revenue missed", formatting.money(new["revenue_missed"], currency) if revenue_tracked else "not tracked",
                delta(new["revenue_missed"], cur["revenue_missed"], "money") if revenue_tracked else None,
                delta_color="inverse", help="Won revenue of leads that would not have been MQLs under the proposal (observed).")
if revenue_tracked:
    cards[4].caption(f"{new['won_missed']:,.0f} won lead{'' if new['won_missed'] == 1 else 's'} the proposal would not "
                     "hand off")
if reps and all_time:
    cards[5].metric("MQLs / rep / month", "not tracked")
    cards[5].caption("the leads are undated: no month to spread the MQLs over")
elif reps:
    per_rep = new["mqls_per_rep"]
    over = capacity and per_rep > capacity
    cards[5].metric("MQLs / rep / month", f"{per_rep:,.1f}", delta(per_rep, cur["mqls_per_rep"], "decimal"),
                    delta_color="inverse", help=f"MQLs a month ÷ {data.reps_description}.")
    cards[5].caption((f":red[over the capacity of {capacity:,.0f}]" if over else f"capacity {capacity:,.0f}")
                     if capacity else f"no capacity in {base.name} (mql_capacity_per_rep_month)")
else:
    cards[5].metric("MQLs / rep / month", "not tracked")
    cards[5].caption(f"{data.reps_description}: the load on sales cannot be checked")

st.caption(
    f"Observed: leads that were handed off (or reached SQL or a deal), with their real outcome. Estimated: leads the "
    f"rules make MQLs that were never handed off; {scoring_lab.ESTIMATE_METHODS[method].lower()}: "
    f"{scoring_lab.ESTIMATE_EXPLANATIONS[method]}"
)

st.subheader("Trade-off across every threshold")
current_curve = tracking.blank(scoring_lab.tradeoff(current_hist, bypass), data.untracked)
proposed_curve = tracking.blank(scoring_lab.tradeoff(proposed_hist, bypass), data.untracked)
st.plotly_chart(built_figure(scoring_lab_charts.tradeoff_figure, current_curve, proposed_curve, base_definition.mql_threshold,
                                                   threshold, rules_changed), key="lab_tradeoff_chart")
download_button("Download trade-off (CSV)", partial(csv_text, tracking.shown(proposed_curve, data.untracked)),
                file_name="scoring_tradeoff.csv",
                mime="text/csv", key="download_lab_tradeoff")


def shown_missing(column: str) -> str:
    return tracking.NOT_TRACKED if column in data.untracked else "—"


if all_time:
    st.caption("Month by month: not tracked (the leads have no creation date to put them in a month).")
else:
    st.subheader("Month by month")
    left, right = st.columns(2)
    left.plotly_chart(built_figure(scoring_lab_charts.load_figure, current.monthly, proposed.monthly, capacity),
                      key="lab_load_chart")
    if data.revenue_tracked:
        right.plotly_chart(built_figure(scoring_lab_charts.revenue_figure, proposed.monthly,
                                        formatting.CURRENCY_SYMBOLS.get(currency, "")),
                           key="lab_revenue_chart")
    else:
        right.caption("Won revenue of the month's leads: not tracked (the extracts have no won amounts linked to leads).")
    monthly = proposed.monthly.merge(current.monthly[["month_start", "mqls", "mql_to_sql_rate", "revenue_missed"]],
                                     on="month_start", suffixes=("", "_current"))
    monthly = tracking.blank(monthly, data.untracked)
    captured = monthly["revenue_captured_observed"] + monthly["revenue_captured_estimated"]

    tables.dataframe(pd.DataFrame({
        "Month": pd.to_datetime(monthly["month_start"]).dt.strftime("%b %Y"),
        "Leads": [formatting.count(v) for v in monthly["leads"]],
        "Handed off": [formatting.count(v) for v in monthly["handed_off_in_history"]],
        "MQLs current": [formatting.count(v) for v in monthly["mqls_current"]],
        "MQLs proposed": [formatting.count(v) for v in monthly["mqls"]],
        "Estimated": [formatting.count(v) for v in monthly["mqls_estimated"]],
        "MQL → SQL": [formatting.pct(v, missing=shown_missing("mql_to_sql_rate")) for v in monthly["mql_to_sql_rate"]],
        "MQL → won": [formatting.pct(v, missing=shown_missing("mql_to_won_rate")) for v in monthly["mql_to_won_rate"]],
        "Captured": [formatting.money(v, currency, missing=shown_missing("revenue_captured_observed")) for v in captured],
        "Missed": [formatting.money(v, currency, missing=shown_missing("revenue_missed")) for v in monthly["revenue_missed"]],
        "Per rep": [f"{v:,.1f}" if pd.notna(v) else "—" for v in monthly["mqls_per_rep"]],
    }), hide_index=True, column_config={
        "Handed off": st.column_config.TextColumn(help="Leads handed to sales in history, under the definition then"),
        "Estimated": st.column_config.TextColumn(help="Proposed MQLs never handed off: their outcome is estimated"),
        "Captured": st.column_config.TextColumn(help="Revenue of the proposed MQLs, observed plus estimated"),
        "Missed": st.column_config.TextColumn(help="Revenue of leads the proposal leaves out"),
        "Per rep": st.column_config.TextColumn(help="Proposed MQLs per rep working them"),
    })
    download_button("Download month by month (CSV)", partial(csv_text, tracking.shown(monthly, data.untracked)),
                    file_name="scoring_lab_by_month.csv",
                    mime="text/csv", key="download_lab_monthly")

with st.expander("How the estimate is made"):
    st.markdown(f"**{scoring_lab.ESTIMATE_METHODS[method]}**: {scoring_lab.ESTIMATE_EXPLANATIONS[method]}")
    bands = proposed_hist.bands
    if bands.empty:
        st.caption("No band rates: never-handed-off leads count as not converting.")
    else:
        tables.dataframe(pd.DataFrame({
            "Score band": [f"{a}–{b}" for a, b in zip(bands["band_start"], bands["band_end"])],
            "Observed leads": bands["observed_leads"],
            "SQL rate lent": [formatting.pct(v) for v in bands["sql_rate"]],
            "Won rate lent": [formatting.pct(v, 2) for v in bands["won_rate"]],
            "Revenue per lead lent": [formatting.money(v, currency) for v in bands["revenue_per_lead"]],
            "Borrowed from band": ["" if pd.isna(v) else f"{int(v)}–{int(v) + scoring_lab.BAND_WIDTH - 1}"
                                   for v in bands["borrowed_from"]],
        }), hide_index=True, column_config={"Observed leads": st.column_config.NumberColumn(format="localized")})

st.subheader("Propose")
proposal = LeadDefinition(mql_threshold=int(threshold), rules=tuple(proposed_rules))
note = (f"Re-scored on {leads_total:,} " + ("leads, all time" if all_time else f"leads created {selection.start} to {selection.end}")
        + f": {new['mqls']:,.0f} MQLs "
        f"({cur['mqls']:,.0f} under the current definition)"
        + (", hand-raisers bypassing the threshold." if bypass else "."))
snippet = scoring_lab.lead_definition_toml(proposal, base.name, data.as_of, note)
checked, problems = scoring_lab.check_lead_definition(snippet, selection.config.data.declared_attributes)
if problems:
    st.error("The proposal would not pass the SLA config's checks:\n" + "\n".join(f"- {p}" for p in problems))
else:
    st.caption("Ready for the next SLA review: the snippet below passes the SLA config's own checks. Paste it into "
               "the new [[sla]] block of the config."
               + (" The config has no setting for the hand-raiser bypass; it stays a routing rule." if bypass else ""))
st.code(snippet, language="toml")
download_button("Download proposal (TOML)", snippet, file_name=f"lead_definition_proposal_{base.name.replace(' ', '_')}.toml",
                mime="application/toml", key="download_lab_proposal", disabled=bool(problems))
