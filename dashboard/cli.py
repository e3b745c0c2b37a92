"""Command line: `python -m dashboard <command>`. It only routes: each feature's `cli.py` defines its
command, which prints the same numbers the page shows, computed by the same functions.

A command is named after its page (`planner`, `team-kpis`, `data-health`); the names it had before
stay as aliases (`plan`, `team`, `validate`, `kpis`), so scripts written against them keep working."""

from __future__ import annotations

import argparse
import sys

from dashboard.core.config import ConfigError


def _register(commands, name: str, module, help: str, aliases: tuple[str, ...] = (),
              add=None, handler=None) -> None:
    parser = commands.add_parser(name, aliases=list(aliases), help=help)
    (add or module.add_arguments)(parser)
    parser.set_defaults(handler=handler or module.run)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description="Sales & Marketing SLA dashboard")
    commands = parser.add_subparsers(dest="command", required=True)

    from dashboard.access import cli as access_cli
    from dashboard.alerts import cli as alerts_cli
    from dashboard.compliance import cli as compliance_cli
    from dashboard.data_health import cli as data_health_cli
    from dashboard.facts import cli as facts_cli
    from dashboard.funnel import cli as funnel_cli
    from dashboard.mapping import cli as mapping_cli
    from dashboard.planner import cli as planner_cli
    from dashboard.review import cli as review_cli
    from dashboard.scoring_lab import cli as scoring_lab_cli
    from dashboard.team_kpis import cli as team_kpis_cli
    from dashboard.tools import bench, generate

    _register(commands, "review", review_cli, "print a month's review numbers (attainment, funnel, KPIs)",
              aliases=("kpis",), add=review_cli.add_kpis_arguments, handler=review_cli.run_kpis)
    _register(commands, "report", review_cli, "write a month's review as one self-contained HTML file",
              add=review_cli.add_report_arguments, handler=review_cli.run_report)
    funnel_cli.add_command(commands)
    team_kpis_cli.add_command(commands)
    compliance_cli.add_command(commands)
    _register(commands, "planner", planner_cli, "print the reverse-funnel plan for a revenue target", aliases=("plan",))
    _register(commands, "scoring-lab", scoring_lab_cli,
              "print the scoring lab's numbers for a proposed MQL threshold or rules", aliases=("scoring",))
    _register(commands, "alerts", alerts_cli,
              "evaluate the [[alerts]] rules and send what fired (exit 1 when anything fired)")
    _register(commands, "data-health", data_health_cli,
              "check the extracts and the config (exit 0 clean, 1 warnings, 2 errors)", aliases=("validate",))
    _register(commands, "facts", facts_cli, "build or refresh the facts the pages read (in the cache folder)")
    _register(commands, "audit", access_cli, "print the audit log: sign-ins, page views and downloads, with each scope")
    _register(commands, "map", mapping_cli, "inspect a folder of exports and write a draft config for it")
    _register(commands, "generate", generate, "write a seeded sample data set")
    _register(commands, "bench", bench, "time every page's data work at a given data size")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
