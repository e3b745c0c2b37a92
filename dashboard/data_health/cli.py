"""`python -m dashboard validate [--config sla_config.toml] [--json]`: the Data health checks on
the command line. Exits 0 when clean, 1 with warnings only, 2 with errors (a broken config or
data folder included), so a scheduled export can stop before a bad extract reaches the review."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path

from dashboard.core.config import DEFAULT_CONFIG_PATH
from dashboard.data_health.checks import ACCEPTED, ERROR, WARNING, ValidationReport, validate_config_file


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")


def run(args: argparse.Namespace) -> int:
    report = validate_config_file(args.config)
    print(json.dumps(report.to_dict(), indent=2) if args.json else render_text(report))
    return report.exit_code


SEVERITY_WORDS = {ERROR: "ERROR", WARNING: "warning", ACCEPTED: "accepted"}


def render_text(report: ValidationReport) -> str:
    lines = [f"Data health of {report.config_path}"]
    if report.data_folder is not None:
        source = {"config": "data.as_of in the config", "data": "the latest record"}.get(report.as_of_source or "", "")
        as_of = f", as of {report.as_of} ({source})" if report.as_of else ""
        lines.append(f"extracts in {report.data_folder}{as_of}")
    passed, run = len(report.passed_checks), len(report.checks_run)
    lines.append(f"{_plural(len(report.errors), 'error')}, {_plural(len(report.warnings), 'warning')}"
                 + (f"; {passed} of {run} checks passed" if run > 1 else ""))
    for finding in report.findings:
        where = finding.table + (f".{finding.column}" if finding.column else "")
        count = f" ({finding.count:,} record{'' if finding.count == 1 else 's'})" if finding.count else ""
        lines.append("")
        lines.append(f"{SEVERITY_WORDS.get(finding.severity, finding.severity)}  {finding.check}  {where}{count}")
        lines += textwrap.wrap(finding.message, width=100, initial_indent="    ", subsequent_indent="    ")
        if finding.accepted_reason:
            lines += textwrap.wrap(f"accepted in the config: {finding.accepted_reason}", width=100,
                                   initial_indent="    ", subsequent_indent="    ")
        for example in finding.examples[:3]:
            lines.append("    e.g. " + ", ".join(f"{key}={value}" for key, value in example.items() if value is not None))
    if report.tables:
        lines += ["", f"{'table':<9}{'status':<16}{'rows':>12}  {'first day':<11} {'latest day':<11} lag (days)"]
        for table in report.tables:
            rows = f"{table.rows:,}" if table.rows is not None else "—"
            lag = str(table.lag_days) if table.lag_days is not None else "—"
            lines.append(f"{table.table:<9}{table.status:<16}{rows:>12}  {_day(table.first_day):<11} "
                         f"{_day(table.latest_day):<11} {lag}")
    return "\n".join(lines)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def _day(day) -> str:
    return day.isoformat() if day else "—"
