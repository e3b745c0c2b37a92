"""SLA versions: two versions of the agreement side by side, what changed and how each did."""

from functools import partial

import pandas as pd
import streamlit as st

from dashboard.ui.downloads import download_button
from dashboard.core import formatting
from dashboard.core.exports import csv_text
from dashboard.core.kpis import KPIS
from dashboard.sla_versions import cache
from dashboard.sla_versions.domain import ADDED, CHANGED, REMOVED, SAME
from dashboard.ui import tables

CHANGE_STYLES = {CHANGED: "background-color: #fff8e1", ADDED: "background-color: #e8f5e9",
                 REMOVED: "background-color: #ffebee"}

selection = st.session_state.get("selection")
st.title("SLA versions")
if selection is None:
    st.stop()
config = selection.config
names = [sla.name for sla in config.slas]
if len(names) < 2:
    st.info(f"{formatting.literal(config.path.name)} holds one SLA version ({formatting.literal(names[0])}). When the SLA is reset, add the new version "
            "as another [[sla]] block: this page then shows both side by side.")
    st.stop()

# Default: the version in force and the one before it, read from the URL when shared.
current = names.index(selection.sla.name) if selection.sla.name in names else len(names) - 1
default_second = max(current, 1)
shared = st.query_params.get("versions", "").split(",")
if "versions_first" not in st.session_state:
    st.session_state["versions_first"] = shared[0] if len(shared) == 2 and shared[0] in names else names[default_second - 1]
if "versions_second" not in st.session_state:
    st.session_state["versions_second"] = shared[1] if len(shared) == 2 and shared[1] in names else names[default_second]
left, right = st.columns(2)
first_name = left.selectbox("Compare", names, key="versions_first")
second_name = right.selectbox("with", names, key="versions_second")
st.query_params["versions"] = f"{first_name},{second_name}"
first, second = config.sla_named(first_name), config.sla_named(second_name)
second_label = second_name if second_name != first_name else f"{second_name} (again)"  # column names are unique
if first_name == second_name:
    st.info("Pick two different versions to see what changed.")

st.caption(f"{formatting.literal(config.company_name)} · data as of {selection.as_of:%d %b %Y}. Review and refine: what the agreement "
           "said in each version, and how each did against its own targets.")

definitions = cache.definitions(selection, first_name, second_name)
changed = int((definitions["change"] != SAME).sum())
st.subheader("What each version says")
st.markdown(f"**{changed} of {len(definitions)} items differ** between {formatting.literal(first_name)} and "
            f"{formatting.literal(second_name)}; "
            "changed items are highlighted (amber: changed, green: only in the second, red: only in the first).")
shown = pd.DataFrame({
    "Section": definitions["section"], "Item": definitions["item"],
    first_name: definitions["first"].fillna("—"), second_label: definitions["second"].fillna("—"),
    "Change": definitions["change"],
})
styled = shown.style.apply(lambda row: [CHANGE_STYLES.get(row["Change"], "")] * len(row), axis=1)
# A static table wraps long cells (periods, monthly weights, industry lists, business hours), which
# the grid cut off at 1440 px however its columns were shared out: the definitions are read, not sorted.
st.table(styled, hide_index=True)
download_button("Download definitions (CSV)", partial(csv_text, definitions),
                file_name=f"sla_versions_{first_name}_{second_name}_definitions.csv".replace(" ", "_"),
                mime="text/csv", key="download_versions_definitions")

st.subheader("How each did")
with st.spinner("Computing both versions' results…"):
    results = cache.results(selection, first_name, second_name)
spans = {name: cache.span_text(selection, name) for name in (first_name, second_name)}
st.caption(f"{formatting.literal(first_name)}: {spans[first_name]}. {formatting.literal(second_name)}: "
           f"{spans[second_name]}. Each against its own targets; "
           "counts and revenue are a month's average, so versions of different lengths compare.")
if results.empty:
    st.info("Neither version has data yet: both start after the data's as-of date.")
    st.stop()


def value_text(key: str, value, currency: str) -> str:
    if value is None or value != value:
        return "not tracked"
    unit = KPIS[key].unit
    if unit == "rate":
        return formatting.pct(value)
    if unit == "currency":
        return formatting.money(value, currency)
    if unit == "days":
        return formatting.days(value)
    return f"{value:,.0f}"


def change_text(key: str, value, currency: str) -> str:
    if value is None or value != value:
        return "—"
    unit = KPIS[key].unit
    if unit == "rate":
        return f"{value * 100:+.1f} pts"
    if unit == "currency":
        return ("+" if value >= 0 else "-") + formatting.money(abs(value), currency)
    return f"{value:+,.1f} d" if unit == "days" else f"{value:+,.0f}"


currency = second.currency
table = pd.DataFrame({
    "Measure": [KPIS[key].label + (" (a month)" if KPIS[key].is_additive else "") for key in results["measure"]],
    f"{first_name}": [value_text(k, v, first.currency) for k, v in zip(results["measure"], results["first_actual"])],
    f"{first_name} target": [value_text(k, v, first.currency) if v is not None else "—"
                             for k, v in zip(results["measure"], results["first_target"])],
    f"{first_name} status": [v or "" for v in results["first_status"]],
    second_label: [value_text(k, v, currency) for k, v in zip(results["measure"], results["second_actual"])],
    f"{second_label} target": [value_text(k, v, currency) if v is not None else "—"
                              for k, v in zip(results["measure"], results["second_target"])],
    f"{second_label} status": [v or "" for v in results["second_status"]],
    "Change": [change_text(k, v, currency) for k, v in zip(results["measure"], results["change"])],
})
status_columns = [f"{first_name} status", f"{second_label} status"]
styled_results = tables.status_styled(table, status_columns)
tables.dataframe(styled_results, hide_index=True, key="versions_results", height=38 + 35 * len(table))
download_button("Download results (CSV)", partial(csv_text, results),
                file_name=f"sla_versions_{first_name}_{second_name}_results.csv".replace(" ", "_"),
                mime="text/csv", key="download_versions_results")
