"""Data health: the extracts checked against the contract and the SLA config.

`validate(database)` is the one function behind the Data health page, the banner every page
shows when the data it uses has errors, and `python -m dashboard validate`. Each finding has a
check id (see CHECKS), a severity (error: a page that uses the table cannot be trusted;
warning: worth a look), the table and column, how many records, a few example rows and a
message that says what to do.

Checks that touch data are the `validate_*.sql` files in queries/, which name the contract
tables and columns themselves (a fixed list, never a value from the config, the user or the
data) and bind every value. Mapping problems found while the views are built (a missing file
or column, a value that does not convert) come from `Database.catalog.problems`; the rules that
compare query results with the config are pure functions below, tested on hand-built frames.
The extracts are only ever read. A table whose data turns out to be damaged (a corrupt page
behind a readable footer) is taken out of use in memory, so the pages show it as not tracked
instead of failing on it.

The data's span is the longest run of days with records (no gap over MAX_GAP_DAYS): a record
far outside it (a year typed 2062, a placeholder 1900-01-01) is reported, and cannot hide a
table that lags or shift the as-of date the checks use.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

from dashboard.core.config import AcceptedFinding, Config, ConfigError, Team, load_config
from dashboard.core.contract import DEAL_STATUSES, TABLES
from dashboard.data import Database, Problem, files_for, kept_results, new_database
from dashboard.data.sql import query_files

ERROR, WARNING = "error", "warning"
ACCEPTED = "accepted"  # a finding the config accepts, with its reason: neither error nor warning
EXAMPLES = 5  # example rows per finding
MAX_GAP_DAYS = 92  # no record in any table for longer than this splits the data's span
LAG_TOLERANCE_DAYS = 7  # a table whose latest record is older than this before the as-of date lags


@dataclass(frozen=True)
class Check:
    id: str
    title: str  # what passing the check means
    severity: str
    failure: str  # what failing it means, for short notices such as the page banner


CHECKS: dict[str, Check] = {
    check.id: check
    for check in (
        Check("config", "The SLA config loads without problems", ERROR, "problems in the SLA config"),
        Check("data_folder_missing", "The data folder exists", ERROR, "does not exist"),
        Check("file_missing", "Every configured table has its file(s)", ERROR, "file not found"),
        Check("outside_folder", "Every file is inside the data folder", ERROR, "a file leads outside the data folder"),
        Check("unreadable", "Every file can be read", ERROR, "a file cannot be read"),
        Check("schema_mismatch", "The files of one table agree on their columns", ERROR,
              "its files disagree on columns"),
        Check("column_missing", "Every contract column is in the file or mapped", ERROR, "a column is missing"),
        Check("wrong_type", "Values convert to the contract types", ERROR, "values of the wrong type"),
        Check("ambiguous_dates", "Every text date reads one way under the configured timestamp formats", WARNING,
              "dates more than one format reads differently"),
        Check("mixed_time_zones", "Times either all carry a UTC offset or none does", WARNING,
              "times with and without a UTC offset"),
        Check("stage_column_missing", "Every stage's column is in the file, or the stage is in data.stages_not_tracked",
              WARNING, "a stage column is missing"),
        Check("empty_table", "No configured table is empty", ERROR, "the table is empty"),
        Check("missing_value", "Required values (ids, creation times, status) are filled in", ERROR,
              "required values are empty"),
        Check("duplicate_id", "Ids are unique; traffic has one row per day and channel", ERROR, "duplicate rows"),
        Check("unknown_status", "Deal statuses are open, won or lost", ERROR,
              "deal statuses the mapping does not know"),
        Check("won_amount_negative", "No won deal has a negative amount", ERROR, "won deals with a negative amount"),
        Check("future_date", "No date lies after the as-of date", ERROR, "dates after the as-of date"),
        Check("orphan_lead", "Deals and touches point at leads in the leads extract", WARNING,
              "records pointing at leads not in the extract"),
        Check("unknown_rep", "Reps named in leads, deals and touches are in the reps extract", WARNING,
              "reps missing from the reps extract"),
        Check("impossible_order", "Stages happen in order (MQL after creation, SQL after MQL, ...)", WARNING,
              "stages in an impossible order"),
        Check("date_before_data", "No date lies long before the rest of the data", WARNING,
              "dates long before the rest of the data"),
        Check("won_amount_missing", "Every won deal has an amount", WARNING, "won deals without an amount"),
        Check("unmapped_value", "Every channel value is in the config's channel mapping", WARNING,
              "channel values the mapping does not know"),
        Check("channel_mismatch", "Leads and traffic use the same channel names", WARNING,
              "channels that differ between leads and traffic"),
        Check("rep_without_team", "Every rep is in a team of the config", WARNING, "reps in no team of the config"),
        Check("team_without_reps", "Every sales team of the config has reps", WARNING, "a sales team without reps"),
        Check("stale_table", f"No table lags the as-of date by more than {LAG_TOLERANCE_DAYS} days", WARNING,
              "the table lags the as-of date"),
    )
}

# How an impossible order reads, by the stage that comes too early.
ORDER_MEANINGS = {
    ("leads", "mql_at"): "an MQL before the lead was created",
    ("leads", "sql_at"): "an SQL before the MQL",
    ("deals", "created_at"): "a deal opened before its lead was created",
    ("deals", "proposal_at"): "a proposal before the deal was opened",
    ("deals", "closed_at"): "a deal closed before it was opened",
    ("touches", "touched_at"): "a touch before the lead existed",
}
_DATE_COLUMN = {"traffic": "date", "leads": "created_at", "touches": "touched_at", "deals": "created_at"}


@dataclass(frozen=True)
class Finding:
    check: str
    severity: str
    table: str  # a contract table; "*" for the data folder, "config" for the SLA config
    column: str | None
    count: int | None  # records affected, where it can be counted
    message: str  # what is wrong and what to do
    examples: tuple[dict[str, object], ...] = ()
    accepted_reason: str | None = None  # set when [[data.accepted_findings]] accepts it (severity ACCEPTED)

    @property
    def title(self) -> str:
        return CHECKS[self.check].title if self.check in CHECKS else self.check

    def to_dict(self) -> dict:
        return {
            "check": self.check, "severity": self.severity, "table": self.table, "column": self.column,
            "count": self.count, "message": self.message, "examples": [dict(example) for example in self.examples],
            "accepted_reason": self.accepted_reason,
        }


@dataclass(frozen=True)
class TableHealth:
    table: str
    status: str  # "ok", "lags", "empty", "no dates" (reps), "not configured", "not read",
    # "from leads" (deals: the converted leads of a lead-scoring export, data.tables.leads.outcome)
    rows: int | None
    first_day: dt.date | None
    latest_day: dt.date | None
    lag_days: int | None  # days between the latest record and the as-of date

    def to_dict(self) -> dict:
        return {
            "table": self.table, "status": self.status, "rows": self.rows,
            "first_day": _iso(self.first_day), "latest_day": _iso(self.latest_day), "lag_days": self.lag_days,
        }


@dataclass(frozen=True)
class ValidationReport:
    config_path: Path
    data_folder: Path | None
    as_of: dt.date | None
    as_of_source: str | None  # "config" (data.as_of) or "data" (the end of the data's span)
    data_span: tuple[dt.date, dt.date] | None
    findings: tuple[Finding, ...]
    tables: tuple[TableHealth, ...] = ()
    monthly_rows: pd.DataFrame = field(default_factory=lambda: _no_monthly_rows())
    checks_run: tuple[str, ...] = ()

    @property
    def errors(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == ERROR]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.severity == WARNING]

    @property
    def exit_code(self) -> int:
        """0 clean, 1 warnings only, 2 errors: what `python -m dashboard validate` exits with."""
        return 2 if self.errors else 1 if self.warnings else 0

    @property
    def passed_checks(self) -> list[Check]:
        failed = {finding.check for finding in self.findings}
        return [CHECKS[check] for check in self.checks_run if check not in failed]

    def errors_in(self, tables: tuple[str, ...] | None = None) -> list[Finding]:
        """Errors that affect pages reading `tables` (all tables when None); folder and config
        errors affect every page."""
        return [
            finding for finding in self.errors
            if tables is None or finding.table in tables or finding.table in ("*", "config")
        ]

    def to_dict(self) -> dict:
        return {
            "config": str(self.config_path),
            "data_folder": str(self.data_folder) if self.data_folder else None,
            "as_of": _iso(self.as_of),
            "as_of_source": self.as_of_source,
            "data_span": [_iso(day) for day in self.data_span] if self.data_span else None,
            "exit_code": self.exit_code,
            "errors": len(self.errors),
            "warnings": len(self.warnings),
            "checks_run": list(self.checks_run),
            "checks_passed": [check.id for check in self.passed_checks],
            "findings": [finding.to_dict() for finding in self.findings],
            "tables": [table.to_dict() for table in self.tables],
        }


def _no_monthly_rows() -> pd.DataFrame:
    return pd.DataFrame({"table_name": pd.Series(dtype=str), "month_start": pd.Series(dtype=object),
                         "records": pd.Series(dtype="int64")})


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def _day(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


# --- Entry points -----------------------------------------------------------------------------


def validate_config_file(path: Path | str) -> ValidationReport:
    """Validate from a config path: config problems are findings too, so a broken config still
    gives a report (and exit code 2) rather than an exception."""
    try:
        config = load_config(path)
    except ConfigError as error:
        return config_report(error)
    database = new_database(config)
    try:
        return validate(database)
    finally:
        database.close()


def config_report(error: ConfigError) -> ValidationReport:
    return ValidationReport(
        config_path=error.path, data_folder=None, as_of=None, as_of_source=None, data_span=None,
        findings=tuple(config_findings(error)), checks_run=("config",),
    )


def config_findings(error: ConfigError) -> list[Finding]:
    """One finding per config problem, keyed by the config key it names."""
    findings = []
    for problem in error.problems:
        key, separator, _ = problem.partition(": ")
        # "sla[2] (FY2026 H1).quota: ..." names a key; "TOML syntax error: ..." does not
        is_key = bool(separator) and " " not in re.sub(r"\s*\([^)]*\)", "", key)
        findings.append(Finding(
            "config", ERROR, "config", key if is_key else None, None,
            f"{error.path.name}: {problem}",
        ))
    return findings


def validate(database: Database) -> ValidationReport:
    """Every check on the extracts of `database`; the data work of the Data health page."""
    unreadable = unreadable_tables(database)
    if unreadable:  # damaged data behind a readable footer: out of use, so pages do not fail on it
        database.leave_out(unreadable)
    config, catalog = database.config, database.catalog
    findings: list[Finding] = [finding_from_problem(problem) for problem in catalog.problems]
    findings += schema_findings(config)

    runs = database.query_kept("validate_activity_runs", {"max_gap_days": MAX_GAP_DAYS})
    span = main_span(runs)
    as_of = config.data.as_of or (span[1] if span else None)
    as_of_source = None if as_of is None else "config" if config.data.as_of else "data"
    last_day = as_of or dt.date.max - dt.timedelta(days=1)
    as_of_end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time())
    data_start = dt.datetime.combine(span[0], dt.time()) if span else dt.datetime(1, 1, 1)

    profile = database.query_kept("validate_table_profile", {"data_start": data_start, "as_of_end": as_of_end})
    tables = table_health(profile, config, catalog.tracked_tables, as_of)
    findings += empty_table_findings(tables, config)
    findings += stale_table_findings(tables, as_of)

    examples = {"examples": EXAMPLES}
    findings += findings_from_rows(database.query_kept("validate_missing_values", {
        **examples, "leads_dated": catalog.has("leads", "created_at")}), config)
    findings += findings_from_rows(database.query_kept("validate_ids_and_order", {
        **examples, "leads_tracked": catalog.has("leads"), "reps_tracked": catalog.has("reps"),
    }), config)
    if span:
        findings += findings_from_rows(database.query_kept("validate_dates_outside_data", {
            **examples, "data_start": data_start, "as_of_end": as_of_end,
        }), config, as_of=as_of, as_of_source=as_of_source, span=span)
    amount_tracked = catalog.has("deals", "amount") and "amount" not in catalog.constant_columns.get("deals", set())
    findings += findings_from_rows(database.query_kept("validate_won_amounts", {**examples, "amount_tracked": amount_tracked}),
                                   config)
    values = database.query_kept("validate_column_values")
    findings += status_findings(values, config)
    findings += channel_findings(values, config, catalog.has("leads", "channel"), catalog.has("traffic"))
    if catalog.has("reps", "team"):
        findings += rep_team_findings(database.query_kept("validate_reps"), config.teams)

    monthly = (database.query_kept("validate_monthly_rows", {"data_start": data_start, "as_of_end": as_of_end})
               if span else None)
    findings = accepted(findings, config.data.accepted_findings)
    return ValidationReport(
        config_path=config.path,
        data_folder=config.data.folder,
        as_of=as_of,
        as_of_source=as_of_source,
        data_span=span,
        findings=tuple(sorted(findings, key=_finding_order)),
        tables=tuple(tables),
        monthly_rows=monthly if monthly is not None else _no_monthly_rows(),
        checks_run=checks_run(config, catalog),
    )


def kept_result_names() -> tuple[str, ...]:
    """What the checks keep in the cache folder: each data health query's result and the read check's."""
    return ("unreadable_tables", *sorted(name for name, path in query_files().items() if path.parent.name == "data_health"))


def unreadable_tables(database: Database) -> list[Problem]:
    """The tables whose every value cannot be read back. Reading every column of every table takes
    seconds at ten million leads, so the answer is kept per data version like the checks' results."""
    def read_every_table() -> pd.DataFrame:
        problems = database.unreadable_tables()
        return pd.DataFrame({"table_name": [problem.table for problem in problems],
                             "message": [problem.message for problem in problems]}, dtype="str")

    found = kept_results.kept(database, "unreadable_tables", {}, read_every_table,
                              source="Database.unreadable_tables, version 1")
    return [Problem(row.table_name, row.message, check="unreadable") for row in found.itertuples()]


STRUCTURE_CHECKS = ("config", "data_folder_missing", "file_missing", "outside_folder", "unreadable",
                    "schema_mismatch", "column_missing", "wrong_type", "stage_column_missing")


def checks_run(config: Config, catalog) -> tuple[str, ...]:
    """The checks that could run: none on the data without a data folder or a readable table,
    so that "passed" never means "had nothing to look at"."""
    if not config.data.folder.is_dir():
        return ("config", "data_folder_missing")
    if not catalog.tracked_tables:
        return STRUCTURE_CHECKS
    return tuple(CHECKS)


def _finding_order(finding: Finding) -> tuple:
    checks = list(CHECKS)
    return (finding.severity != ERROR, checks.index(finding.check) if finding.check in checks else len(checks),
            finding.table, finding.column or "")


# --- Rules (pure) -----------------------------------------------------------------------------


def accepted(findings: list[Finding], accepts: tuple[AcceptedFinding, ...]) -> list[Finding]:
    """Findings the config accepts (same check and table, and column when it names one) lose
    their severity: shown as accepted with the user's reason, never as "cannot be trusted"."""
    result = []
    for finding in findings:
        match = next((accept for accept in accepts if accept.check == finding.check and accept.table == finding.table
                      and accept.column in (None, finding.column)), None)
        result.append(finding if match is None or finding.check == "config"
                      else replace(finding, severity=ACCEPTED, accepted_reason=match.reason))
    return result


def finding_from_problem(problem: Problem) -> Finding:
    """A mapping problem found by the data layer, as a finding."""
    check = problem.check if problem.check in CHECKS else "unreadable"
    examples = tuple({"value": value} for value in problem.examples)
    return Finding(check, problem.severity, problem.table, problem.column, problem.count, problem.message, examples)


def main_span(runs: pd.DataFrame) -> tuple[dt.date, dt.date] | None:
    """First and last day of the run of activity holding the most records (the latest on a tie)."""
    if runs.empty:
        return None
    best = runs.sort_values(["records", "last_day"], ascending=[False, False]).iloc[0]
    return _day(best["first_day"]), _day(best["last_day"])


def table_health(profile: pd.DataFrame, config: Config, tracked: set[str], as_of: dt.date | None) -> list[TableHealth]:
    rows = {row.table_name: row for row in profile.itertuples()}
    health = []
    for name in TABLES:
        if name == "deals" and name not in config.data.tables and name in tracked and name in rows:
            # a lead-scoring export: its deals are its converted leads (data.tables.leads.outcome)
            row = rows[name]
            health.append(TableHealth(name, "from leads", int(row.row_count), _day(row.first_at),
                                      _day(row.latest_at), None))
            continue
        if name not in config.data.tables:
            health.append(TableHealth(name, "not configured", None, None, None, None))
            continue
        if name not in tracked:
            health.append(TableHealth(name, "not read", None, None, None, None))
            continue
        row = rows[name]
        first, latest = _day(row.first_at), _day(row.latest_at)
        lag = (as_of - latest).days if as_of and latest else None
        status = ("empty" if row.row_count == 0 else "lags" if lag is not None and lag > LAG_TOLERANCE_DAYS
                  else "no dates" if name not in _DATE_COLUMN else "ok")
        health.append(TableHealth(name, status, int(row.row_count), first, latest, lag))
    return health


def empty_table_findings(tables: list[TableHealth], config: Config) -> list[Finding]:
    return [
        Finding("empty_table", ERROR, table.table, None, None,
                f"{config.data.folder.name}/{config.data.tables[table.table].path} has no rows: pages would show "
                f"zeros for {table.table}. Export it again, or remove [data.tables.{table.table}] from "
                f"{config.path.name} if you have no such data (it is then shown as not tracked).")
        for table in tables if table.status == "empty"
    ]


def stale_table_findings(tables: list[TableHealth], as_of: dt.date | None) -> list[Finding]:
    return [
        Finding("stale_table", WARNING, table.table, _DATE_COLUMN.get(table.table), None,
                f"{table.table} ends {table.latest_day:%d %b %Y}, {table.lag_days} days before the as-of date "
                f"{as_of:%d %b %Y}: numbers that use {table.table} after {table.latest_day:%d %b %Y} are missing "
                "records. Export it again together with the other tables.")
        for table in tables if table.status == "lags"
    ]


def findings_from_rows(rows: pd.DataFrame, config: Config, as_of: dt.date | None = None,
                       as_of_source: str | None = None, span: tuple[dt.date, dt.date] | None = None) -> list[Finding]:
    """Findings from a validate_* query: one per (check, table, column), with its examples."""
    findings = []
    if rows.empty:
        return findings
    for (check, table, column), group in rows.groupby(["check_id", "table_name", "column_name"], sort=False):
        first = group.iloc[0]
        count, distinct = int(first["finding_count"]), int(first["distinct_values"])
        examples = tuple(
            {"record": None if pd.isna(row.record_id) else str(row.record_id), "detail": row.detail}
            for row in group.sort_values("example_rank").itertuples()
        )
        severity, message = _describe(check, table, column, count, distinct, examples, config, as_of, as_of_source, span)
        findings.append(Finding(check, severity, table, column, count, message, examples))
    return findings


def _describe(check, table, column, count, distinct, examples, config, as_of, as_of_source, span) -> tuple[str, str]:
    mapped = config.data.tables.get(table)
    source_column = mapped.columns.get(column, column) if mapped else column
    if check == "duplicate_id":
        if table == "traffic":
            return ERROR, (f"{count:,} extra traffic row(s): {distinct:,} (date, channel) pair(s) appear more than once, "
                           "so their sessions are counted twice. Remove the duplicate rows from the extract.")
        return ERROR, (f"{count:,} extra row(s) in {table}: {distinct:,} {column} value(s) appear more than once "
                       f"(a re-run export, or a file matched twice by data.tables.{table}.path), so every page counts "
                       "them twice. Remove the duplicates from the extract.")
    if check == "missing_value":
        return ERROR, (f"{count:,} {table} row(s) have no {column}, which the contract requires: they cannot be counted "
                       f"where {column} is needed. Fill in column {source_column!r} of the extract, or map the right column "
                       f"with [data.tables.{table}.columns] {column} = \"<your column>\".")
    if check == "orphan_lead":
        if table == "deals":
            return WARNING, (f"{count:,} deal(s) point at {distinct:,} lead(s) that are not in the leads extract: they have "
                             "no channel or segment, so they drop out of channel and segment filters. Export leads over "
                             "the same period as deals (deals from leads older than the extract are expected).")
        return WARNING, (f"{count:,} touch(es) are on {distinct:,} lead(s) that are not in the leads extract, so follow-up "
                         "compliance cannot use them. Export leads and touches over the same period.")
    if check == "unknown_rep":
        return WARNING, (f"{distinct:,} rep id(s) in {table}.{column} are not in the reps extract ({count:,} {table} "
                         "record(s)): their work has no team and drops out of team views. Add these reps to the reps "
                         "extract with their team.")
    if check == "impossible_order":
        meaning = ORDER_MEANINGS.get((table, column), f"{column} too early")
        return WARNING, (f"{count:,} {table} record(s) show {meaning}. Days between stages leave them out and they "
                         "may be counted in the wrong month; correct the dates in the source system.")
    if check == "future_date":
        if as_of_source == "config":
            return WARNING, (f"{count:,} {table}.{column} value(s) are after the as-of date {as_of} set by data.as_of: "
                             "events that have not happened yet (an expected close date exported as a close date?). "
                             "Pages leave them out of ranges that end by the as-of date; check the extract.")
        return ERROR, (f"{count:,} {table}.{column} value(s) are after {span[1]}, where the rest of the data ends "
                       f"(e.g. {examples[0]['detail']}). The pages take the as-of date from the latest record, so their "
                       f"default ranges and SLA version are wrong. Fix these dates, or set data.as_of = {span[1]} "
                       f"in {config.path.name}.")
    if check == "date_before_data":
        return WARNING, (f"{count:,} {table}.{column} value(s) are before {span[0]}, long before the rest of the data "
                         f"(e.g. {examples[0]['detail']}): placeholder dates? They fall outside every SLA period and "
                         "distort days-between-stages. Correct them in the source system.")
    if check == "won_amount_negative":
        return ERROR, (f"{count:,} won deal(s) have a negative amount, which lowers won revenue and average deal size. "
                       "Correct the amounts in the extract.")
    if check == "won_amount_missing":
        return WARNING, (f"{count:,} won deal(s) have no amount (empty or zero): they are left out of won revenue and "
                         "average deal size. Fill in the amounts in the CRM.")
    return ERROR, f"{count:,} {table}.{column} record(s) fail check {check}."


def status_findings(values: pd.DataFrame, config: Config) -> list[Finding]:
    """Deal statuses other than open, won and lost: such deals count as neither won nor lost."""
    statuses = values[(values["table_name"] == "deals") & (values["column_name"] == "status")]
    unknown = statuses[~statuses["value"].isin(DEAL_STATUSES)].sort_values(["records", "value"], ascending=[False, True])
    if unknown.empty:
        return []
    guesses: dict[str, list[str]] = {}
    for value in unknown["value"]:
        guesses.setdefault(_guess_status(value), []).append(value)
    suggestion = "; ".join(f"{status} = [{', '.join(_toml_string(v) for v in found)}]" for status, found in guesses.items())
    listed = ", ".join(f"{value!r} ({records:,})" for value, records in zip(unknown["value"], unknown["records"]))
    count = int(unknown["records"].sum())
    return [Finding(
        "unknown_status", ERROR, "deals", "status", count,
        f"{count:,} deal(s) have a status that is not open, won or lost: {listed}. They count as neither won nor lost, "
        f"so won deals, revenue and win rate leave them out. Map them in {config.path.name} under "
        f"[data.tables.deals.values.status] (case is ignored), e.g. {suggestion}.",
        tuple({"value": value, "records": int(records), "example": example}
              for value, records, example in zip(unknown["value"], unknown["records"], unknown["example_record"])),
    )]


def _guess_status(value: str) -> str:
    text = value.lower()
    if "won" in text or "win" in text:
        return "won"
    if "lost" in text or "lose" in text or "closed" in text:
        return "lost"
    return "open"


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def channel_findings(values: pd.DataFrame, config: Config, leads_channel_tracked: bool, traffic_tracked: bool) -> list[Finding]:
    """Channel values the config's mapping does not know, and channels that appear in only one
    of leads and traffic (visit-to-lead rates by channel need both)."""
    findings = []
    channels = {
        table: values[(values["table_name"] == table) & (values["column_name"] == "channel")]
        for table in ("leads", "traffic")
    }
    for table, frame in channels.items():
        mapped = config.data.tables.get(table)
        mapping = mapped.values.get("channel") if mapped else None
        if not mapping or frame.empty:
            continue
        unmapped = frame[~frame["value"].isin(list(mapping))]
        if not unmapped.empty:
            count = int(unmapped["records"].sum())
            findings.append(Finding(
                "unmapped_value", WARNING, table, "channel", count,
                f"{count:,} {table} row(s) have a channel that [data.tables.{table}.values.channel] does not map: "
                f"{', '.join(repr(v) for v in unmapped['value'])}. They keep their raw name, so they form channels of "
                f"their own. Add them to the mapping in {config.path.name}.",
                tuple({"value": v, "records": int(r)} for v, r in zip(unmapped["value"], unmapped["records"])),
            ))
    if leads_channel_tracked and traffic_tracked and not channels["traffic"].empty:
        traffic_values = set(channels["traffic"]["value"])
        lead_values = set(channels["leads"]["value"])
        no_traffic = channels["leads"][~channels["leads"]["value"].isin(traffic_values)]
        if not no_traffic.empty:
            count = int(no_traffic["records"].sum())
            findings.append(Finding(
                "channel_mismatch", WARNING, "leads", "channel", count,
                f"{count:,} lead(s) come from channel(s) with no traffic rows: "
                f"{', '.join(repr(v) for v in no_traffic['value'])} (traffic has {', '.join(sorted(map(repr, traffic_values)))}). "
                "Their visit-to-lead rate cannot be computed. Use the same channel names in both extracts (map them "
                "under [data.tables.leads.values.channel]); offline channels without web traffic can be ignored.",
                tuple({"value": v, "records": int(r)} for v, r in zip(no_traffic["value"], no_traffic["records"])),
            ))
        no_leads = channels["traffic"][~channels["traffic"]["value"].isin(lead_values)]
        if not no_leads.empty and not channels["leads"].empty:
            count = int(no_leads["records"].sum())
            findings.append(Finding(
                "channel_mismatch", WARNING, "traffic", "channel", count,
                f"{count:,} traffic row(s) are for channel(s) no lead comes from: "
                f"{', '.join(repr(v) for v in no_leads['value'])}. Their sessions lower the visit-to-lead rate of all "
                "channels together. Use the same channel names in both extracts (map them under "
                "[data.tables.traffic.values.channel]).",
                tuple({"value": v, "records": int(r)} for v, r in zip(no_leads["value"], no_leads["records"])),
            ))
    return findings


def rep_team_findings(reps: pd.DataFrame, teams: tuple[Team, ...]) -> list[Finding]:
    """Reps whose team is not a sales team of the config, and sales teams without reps."""
    sales_teams = [team.name for team in teams if team.function == "sales"]
    if not sales_teams or reps.empty:
        return []
    findings = []
    config_teams = {team.name for team in teams}
    teamless = reps[reps["team"].isna() | ~reps["team"].isin(list(config_teams))]
    if not teamless.empty:
        groups = teamless.assign(team_label=teamless["team"].map(lambda t: "no team" if pd.isna(t) else f"team {t!r}"))
        listed = ", ".join(f"{label} ({len(group)} rep{'s' if len(group) > 1 else ''})"
                           for label, group in groups.groupby("team_label", sort=True))
        findings.append(Finding(
            "rep_without_team", WARNING, "reps", "team", len(teamless),
            f"{len(teamless)} rep(s) are in no team of the SLA config: {listed}. Their leads and deals drop out of "
            "team views and team KPIs. Fix reps.team, or add a [[teams]] block with that name "
            f"(the config has {', '.join(repr(t) for t in sales_teams)}).",
            tuple({"rep_id": row.rep_id, "name": row.name, "team": None if pd.isna(row.team) else row.team}
                  for row in teamless.head(EXAMPLES).itertuples()),
        ))
    present = set(reps["team"].dropna())
    for team in sales_teams:
        if team not in present:
            findings.append(Finding(
                "team_without_reps", WARNING, "reps", "team", None,
                f"Sales team {team!r} of the SLA config has no reps in the reps extract, so its team views are empty. "
                f"Check the name against reps.team (found: {', '.join(repr(t) for t in sorted(present)) or 'none'}).",
            ))
    return findings


def schema_findings(config: Config) -> list[Finding]:
    """Tables read from several files whose columns disagree: the rows of the files without a
    column get no value for it, which looks like real data."""
    findings = []
    folder = config.data.folder
    if not folder.is_dir():
        return findings
    for name, source in config.data.tables.items():
        files = files_for(folder, source)
        if len(files) < 2:
            continue
        schemas = {}
        for path in files:
            schema = _file_schema(path, source.format, source.delimiter)
            if schema is not None:
                schemas[path] = schema
        if len(schemas) < 2:
            continue
        for column in TABLES[name].columns:
            if column.name in source.constants:
                continue
            source_column = source.columns.get(column.name, column.name)
            present = {path: schema[source_column] for path, schema in schemas.items() if source_column in schema}
            if not present:
                continue
            lacking = [path for path in schemas if path not in present]
            types = sorted(set(present.values()))
            if not lacking and len(types) == 1:
                continue
            shown = lambda paths: ", ".join(str(p.relative_to(folder)) for p in paths[:3]) + (" …" if len(paths) > 3 else "")  # noqa: E731
            if lacking:
                rows = sum(_file_rows(path, source.format) or 0 for path in lacking)
                detail = (f"{len(lacking)} of {len(schemas)} files have no column {source_column!r} ({shown(lacking)}), so "
                          f"their {rows:,} rows have no {name}.{column.name}")
                examples = tuple({"file": str(p.relative_to(folder)), "column": "missing"} for p in lacking[:EXAMPLES])
            else:
                rows = None
                by_type = {kind: [p for p, t in present.items() if t == kind] for kind in types}
                detail = (f"column {source_column!r} has different types across the files: "
                          + "; ".join(f"{kind} in {shown(paths)}" for kind, paths in by_type.items()))
                examples = tuple({"file": str(p.relative_to(folder)), "column": t} for p, t in list(present.items())[:EXAMPLES])
            findings.append(Finding(
                "schema_mismatch", ERROR, name, column.name, rows,
                f"The files of {name} ({config.data.folder.name}/{source.path}) disagree: {detail}. Re-export the files "
                "with one set of columns, or point data.tables."
                f"{name}.path at the files that belong together.",
                examples,
            ))
    return findings


def _file_schema(path: Path, fmt: str, delimiter: str | None) -> dict[str, str] | None:
    try:
        if fmt == "parquet":
            return {f.name: str(f.type) for f in pq.read_schema(path)}
        with open(path, encoding="utf-8", errors="replace") as handle:
            header = handle.readline().rstrip("\r\n")
        return {column.strip().strip('"'): "text" for column in header.split(delimiter or ",")}
    except (OSError, ValueError, pq.lib.ArrowException):
        return None  # unreadable files are reported by the data layer


def _file_rows(path: Path, fmt: str) -> int | None:
    try:
        if fmt == "parquet":
            return pq.read_metadata(path).num_rows
        with open(path, encoding="utf-8", errors="replace") as handle:
            return max(sum(1 for _ in handle) - 1, 0)
    except (OSError, ValueError, pq.lib.ArrowException):
        return None


__all__ = [
    "CHECKS", "ERROR", "WARNING", "Check", "Finding", "TableHealth", "ValidationReport",
    "config_findings", "validate", "validate_config_file",
]
