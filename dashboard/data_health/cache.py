"""Data health in the app shell: the validation report (run once per config and data version), a
banner on any page whose data has errors, and a status line in the sidebar. Both link to the
Data health page. `app.py` calls them around `pages.run()`, so every page gets them, including
pages added later: a page that is not in PAGE_TABLES is assumed to use every table."""

from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, TimeoutError
from contextlib import nullcontext

import streamlit as st

from dashboard.core.config import ConfigError
from dashboard.data import extract_bytes
from dashboard.data_health.checks import CHECKS, ValidationReport, config_report, validate
from dashboard.ui.state import company_database, config_path, current_config, current_viewer

HEALTH_PAGE = "app_pages/data_health.py"
HEALTH_TITLE = "Data health"

# The tables each page reads, by page title; a page not listed here reads them all.
PAGE_TABLES: dict[str, tuple[str, ...]] = {
    "Funnel": ("traffic", "leads", "deals", "reps"),
}

# How long a page waits for the checks before drawing without the banner. The checks take a
# fraction of a second on the sample and 10-20 s at ten million leads on two cores; they run
# once per config and data version, in the background. Small extracts are waited for, so the
# banner comes with the first render; a large extract's page is drawn at once (waiting would
# only delay it) and its banner and sidebar status appear when the checks finish.
BANNER_WAIT_SECONDS = 5.0
QUICKLY_CHECKED_BYTES = 50_000_000

_log = logging.getLogger(__name__)
_RUNS: dict[tuple, Future] = {}
_RUNS_LOCK = threading.Lock()
_ONE_AT_A_TIME = threading.Lock()


def _validate_in_background(future: Future, database, pages_first: bool) -> None:
    with _ONE_AT_A_TIME, database.in_background() if pages_first else nullcontext():
        try:
            future.set_result(validate(database))
        except Exception as error:  # noqa: BLE001 - reported through the future
            _log.exception("data health checks failed")
            future.set_exception(error)


def _run(key: tuple, database) -> Future:
    """The checks for one config and data version, started once per process (daemon thread,
    so a long run never holds up a shutdown)."""
    with _RUNS_LOCK:
        future = _RUNS.get(key)
        if future is None:
            future = Future()
            _RUNS[key] = future
            for stale in list(_RUNS)[:-16]:  # keep the latest few versions
                del _RUNS[stale]
            # A large extract's checks take seconds per query: the page that asked, and anyone's
            # page after it, are drawn first, each check waiting its turn. A small extract's are
            # waited for by the page itself, so they just run.
            pages_first = not _is_quickly_checked()
            if pages_first:
                database.foreground.page_starting()
            threading.Thread(target=_validate_in_background, args=(future, database, pages_first), daemon=True,
                             name="data-health").start()
    return future


def current_report(wait: float | None = None) -> ValidationReport | None:
    """The report for the current config and extracts, waiting at most `wait` seconds (None:
    until done). None when it is not ready yet, or when the checks themselves failed (logged:
    that must never take a page down). A config that cannot be loaded is a report too."""
    try:
        config = current_config()
    except ConfigError as error:
        return config_report(error)
    try:
        database = company_database()
        try:
            modified = config_path().stat().st_mtime_ns
        except OSError:
            modified = 0
        future = _run((str(config.path), modified, database.version), database)
        return future.result(timeout=wait)
    except TimeoutError:
        return None
    except Exception:  # noqa: BLE001 - the banner must not break the page it sits on
        _log.exception("data health checks failed")
        return None


def report_for_page() -> ValidationReport | None:
    """The report if it is ready as soon as the banner's would be: small extracts are waited for,
    large ones not (the page shows its figures' notes on a later run)."""
    return current_report(wait=BANNER_WAIT_SECONDS if _is_quickly_checked() else 0)


def _is_quickly_checked() -> bool:
    try:
        return extract_bytes(current_config()) <= QUICKLY_CHECKED_BYTES
    except ConfigError:
        return True


def is_checking() -> bool:
    """True while the checks of the current version are still running."""
    with _RUNS_LOCK:
        return any(not future.done() for future in _RUNS.values())


def banner_text(report: ValidationReport, tables: tuple[str, ...] | None) -> str | None:
    """The banner's markdown for a page reading `tables`, or None when their data has no errors.
    Only contract names and check phrases go in, never a value from the data."""
    errors = [finding for finding in report.errors_in(tables) if finding.check != "config"]
    if not errors:
        return None
    lines = []
    for finding in errors[:4]:
        where = finding.table if finding.table != "*" else "data folder"
        if finding.column:
            where += f".{finding.column}"
        count = f" ({finding.count:,} record{'' if finding.count == 1 else 's'})" if finding.count else ""
        lines.append(f"- **{where}**: {CHECKS[finding.check].failure if finding.check in CHECKS else finding.check}{count}")
    if len(errors) > 4:
        lines.append(f"- and {len(errors) - 4} more")
    noun = "error" if len(errors) == 1 else "errors"
    return (f"**The data behind this page has {len(errors)} {noun}**: numbers that use these tables "
            "cannot be trusted until they are fixed.\n" + "\n".join(lines))


# Pages that say a lagging or empty extract beside the figures it affects, so the banner does not repeat it.
NOTES_BESIDE_FIGURES = ("Monthly review",)


def findings_text(report: ValidationReport, tables: tuple[str, ...] | None, end) -> str | None:
    """The warnings about extracts the page reads that stop before the last day it shows (`end`), or
    hold nothing: the page's figures from them are incomplete. Only contract names and dates go in."""
    lines = []
    for table in report.tables:
        if tables is not None and table.table not in tables:
            continue
        if table.status == "empty":
            lines.append(f"- The **{table.table}** extract is empty: figures from it are not shown.")
        elif table.status == "lags" and table.latest_day is not None and end is not None and table.latest_day < end:
            lines.append(f"- The **{table.table}** extract ends {table.latest_day:%d %b %Y}, {table.lag_days} days before "
                         f"the as-of date: this page's figures from it after {table.latest_day:%d %b %Y} are incomplete.")
    if not lines:
        return None
    return "**Figures on this page are incomplete**\n" + "\n".join(lines)


def show_banner(page_title: str, container=None) -> None:
    """Above the page (in `container`, reserved at the top): a short warning and a link to
    Data health when the page's data has errors, or an extract it reads ends before its range."""
    wait = BANNER_WAIT_SECONDS if _is_quickly_checked() else 0.0
    report = current_report(wait=wait)  # on Data health too: the sidebar status uses it
    if page_title == HEALTH_TITLE:
        return
    with container if container is not None else st.container():
        if report is None:
            if is_checking():  # a large extract: show the banner as soon as the checks finish
                _banner_when_checked(page_title)
            return
        _draw_banner(report, page_title)


@st.fragment(run_every=5)
def _banner_when_checked(page_title: str) -> None:
    report = current_report(wait=0)
    if report is not None:
        _draw_banner(report, page_title)


def _draw_banner(report: ValidationReport, page_title: str) -> None:
    text = banner_text(report, PAGE_TABLES.get(page_title))
    selection = st.session_state.get("selection")
    findings = (None if page_title in NOTES_BESIDE_FIGURES
                else findings_text(report, PAGE_TABLES.get(page_title), getattr(selection, "end", None)))
    if text is None and findings is None:
        return
    if text is not None:
        st.warning(text, icon=":material/report:")
    if findings is not None:
        st.warning(findings, icon=":material/health_and_safety:")
    if "data_health" not in current_viewer().pages:  # a role without the Data health page
        return
    st.page_link(HEALTH_PAGE, label="See what is wrong and how to fix it on the Data health page",
                 icon=":material/arrow_forward:")


def status_label(report: ValidationReport | None, checking: bool = False) -> tuple[str, str]:
    """The sidebar's data health line and its icon."""
    if report is None:
        return ("Checking data health…", ":material/hourglass_top:") if checking else (
            "Data health: checks could not run", ":material/help:")
    errors, warnings = len(report.errors), len(report.warnings)
    if errors:
        return (f"Data health: {errors} error{'s' if errors > 1 else ''}"
                + (f", {warnings} warning{'s' if warnings > 1 else ''}" if warnings else ""), ":material/error:")
    if warnings:
        return f"Data health: {warnings} warning{'s' if warnings > 1 else ''}", ":material/warning:"
    return "Data health: all checks passed", ":material/check_circle:"


def show_sidebar_status() -> None:
    """At the foot of the sidebar: the data health in a few words, linking to its page."""
    report = current_report(wait=0)  # show_banner has already waited for it
    with st.sidebar:
        if st.session_state.get("selection") is not None:  # the sidebar has filters above
            st.divider()
        if report is None and is_checking():
            _status_when_checked()
        else:
            _draw_status(report)


@st.fragment(run_every=5)
def _status_when_checked() -> None:
    report = current_report(wait=0)
    _draw_status(report, checking=report is None)


def _draw_status(report: ValidationReport | None, checking: bool = False) -> None:
    label, icon = status_label(report, checking)
    if "data_health" not in current_viewer().pages:  # a role without the page: the status, no link
        st.caption(f"{icon} {label}")
        return
    st.page_link(HEALTH_PAGE, label=label, icon=icon)
