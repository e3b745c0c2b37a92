"""Data health: every check on the extracts and the SLA config, what failed, a few example rows
and what to do; how fresh each table is. The same report as `python -m dashboard validate`."""

from functools import partial

import pandas as pd
import streamlit as st

from dashboard.ui.downloads import download_button
from dashboard.core import formatting
from dashboard.data_health import charts as health_charts
from dashboard.data_health.checks import ACCEPTED, CHECKS, ERROR, LAG_TOLERANCE_DAYS
from dashboard.data_health.cache import current_report
from dashboard.core.exports import csv_text
from dashboard.ui import url_params
from dashboard.ui.figures import built_figure
from dashboard.ui import tables

SHOW = {"all": "All findings", "errors": "Errors", "warnings": "Warnings"}
ALL_TABLES = "All tables"
TABLE_STATUS = {
    "ok": "up to date",
    "no dates": "no dates to check",
    "lags": "lags the as-of date",
    "empty": "empty",
    "not configured": "not configured: not tracked",
    "not read": "not read: see the errors above",
}

st.title("Data health")
with st.spinner("Checking the extracts: a moment on the sample, 10-20 seconds per ten million leads…"):
    report = current_report(wait=None)
if report is None:
    st.error("The checks could not run. Run `python -m dashboard validate` in a terminal to see why.")
    st.stop()

if report.data_folder is not None:
    source = {"config": "set by data.as_of", "data": "the latest record"}.get(report.as_of_source or "", "")
    as_of = f" · data as of **{report.as_of:%d %b %Y}** ({source})" if report.as_of else ""
    st.caption(f"Config {formatting.literal(report.config_path.name)} · extracts in "
               f"{formatting.literal(report.data_folder)}{as_of}")
else:
    st.caption(f"Config {formatting.literal(report.config_path)}")
st.caption("The checks cover the whole extracts: the dates and filters in the sidebar do not apply to this page.")

errors, warnings = report.errors, report.warnings
passed, checks = len(report.passed_checks), len(report.checks_run)
columns = st.columns(4)
columns[0].metric("Errors", f"{len(errors):,}", help="A page that uses a table with an error cannot be trusted.")
columns[1].metric("Warnings", f"{len(warnings):,}", help="Worth a look: the numbers may be incomplete or surprising.")
columns[2].metric("Checks passed", f"{passed} of {checks}")
columns[3].metric("Data as of", f"{report.as_of:%d %b %Y}" if report.as_of else "—")

if errors:
    broken = sorted({f.table for f in errors if f.table not in ("*", "config")})
    where = f"pages that use {', '.join(broken)}" if broken else "every page"
    st.error(f"**{len(errors)} error{'s' if len(errors) > 1 else ''}**: the numbers on {where} cannot be trusted "
             "until they are fixed. Each is listed below with what to do.", icon=":material/error:")
elif warnings:
    verb = "is" if len(warnings) == 1 else "are"
    st.warning(f"**No errors.** {len(warnings)} warning{'s' if len(warnings) > 1 else ''} below {verb} worth a look.",
               icon=":material/warning:")
else:
    st.success(f"**All {checks} checks passed**: the extracts match the contract and the SLA config.",
               icon=":material/check_circle:")

if report.findings:
    st.subheader("Findings")
    if "health_show" not in st.session_state:
        st.session_state["health_show"] = url_params.choice("show", list(SHOW)) or "all"
    table_choices = [ALL_TABLES, *sorted({finding.table for finding in report.findings})]
    if "health_table" not in st.session_state:
        st.session_state["health_table"] = url_params.choice("table", table_choices) or ALL_TABLES
    elif st.session_state["health_table"] not in table_choices:
        st.session_state["health_table"] = ALL_TABLES
    left, right = st.columns([2, 1])
    show = left.segmented_control("Show", list(SHOW), format_func=SHOW.get, key="health_show", required=True)
    table = right.selectbox("Table", table_choices, key="health_table")
    st.query_params["show"] = show
    if table == ALL_TABLES:
        if "table" in st.query_params:
            del st.query_params["table"]
    else:
        st.query_params["table"] = table
    shown = [
        finding for finding in report.findings
        if (show == "all" or (finding.severity == ERROR) == (show == "errors"))
        and (table == ALL_TABLES or finding.table == table)
    ]
    if not shown:
        st.info("No finding matches this choice. Show all findings or pick another table.")
    for finding in shown:
        with st.container(border=True):
            badge = {ERROR: ":red-badge[Error]", ACCEPTED: ":gray-badge[Accepted]"}.get(finding.severity,
                                                                                    ":orange-badge[Warning]")
            where = {"*": "data folder", "config": formatting.literal(report.config_path.name)}.get(finding.table, finding.table)
            if finding.column:
                where += "." + formatting.literal(finding.column)
            failure = CHECKS[finding.check].failure if finding.check in CHECKS else finding.check
            count = f" · {finding.count:,} record{'s' if finding.count != 1 else ''}" if finding.count else ""
            st.markdown(f"{badge} **{where}**: {failure}{count}")
            st.markdown(formatting.literal(finding.message))
            if finding.accepted_reason:
                st.caption(f"Accepted in the config: {formatting.literal(finding.accepted_reason)}")
            if finding.examples:
                examples = pd.DataFrame(list(finding.examples)).astype("string").fillna("")
                examples.columns = [str(column).replace("_", " ").capitalize() for column in examples.columns]
                st.caption("Examples")
                tables.dataframe(examples, hide_index=True, width="content")
    findings_csv = pd.DataFrame([
        {**{key: value for key, value in finding.to_dict().items() if key != "examples"},
         "examples": "; ".join(", ".join(f"{k}={v}" for k, v in example.items()) for example in finding.examples)}
        for finding in report.findings
    ])
    download_button("Download findings (CSV)", partial(csv_text, findings_csv), file_name="data_health_findings.csv",
                    mime="text/csv", key="download_findings")

if report.tables:
    st.subheader("Freshness")
    st.caption(f"The latest record of each table against the as-of date; a table more than {LAG_TOLERANCE_DAYS} "
               "days behind is flagged. Dates outside the data's span are left out here and reported above.")
    freshness = pd.DataFrame([
        {
            "Table": table.table,
            "Status": TABLE_STATUS.get(table.status, table.status),
            "Rows": formatting.count(table.rows),
            "First day": table.first_day.isoformat() if table.first_day else "—",
            "Latest day": table.latest_day.isoformat() if table.latest_day else "—",
            "Days behind as-of": formatting.count(table.lag_days),
        }
        for table in report.tables
    ])
    tables.dataframe(freshness, hide_index=True, column_config={
        "Rows": st.column_config.TextColumn(alignment="right"),
        "Days behind as-of": st.column_config.TextColumn(alignment="right"),
    })
    if not report.monthly_rows.empty:
        st.plotly_chart(built_figure(health_charts.monthly_rows_figure, report.monthly_rows), key="monthly_rows_chart")
        st.caption("A month an export skipped shows as a red ×; the as-of month is partial until it ends.")
        download_button("Download records per month (CSV)", partial(csv_text, report.monthly_rows),
                        file_name="data_health_records_per_month.csv", mime="text/csv", key="download_monthly_rows")

with st.expander(f"What was checked ({checks} checks)"):
    failed = {finding.check: finding.severity for finding in report.findings}
    tables.dataframe(pd.DataFrame([
        {
            "Result": "failed" if check.id in failed else "passed",
            "Check": check.title,
            "Severity when failed": check.severity,
            "Id": check.id,
        }
        for check in (CHECKS[check_id] for check_id in report.checks_run)
    ]), hide_index=True)

command = f"python -m dashboard validate --config {report.config_path.name}".replace("`", "'")
st.caption(f"The same report in a terminal or a scheduled job: `{command}` (add `--json`); it exits 0 when clean, "
           "1 with warnings, 2 with errors.")
