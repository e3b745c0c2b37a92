"""`python -m dashboard facts`: build or refresh the facts the pages read, for the extracts as they
are now (say, after a nightly export lands), so the first visit after it finds them ready.
Progress goes to a terminal only; a pipe or a log file gets just the summary."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config
from dashboard.data import Database
from dashboard.facts.build import ensure_all_facts, terminal_progress


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not config.cache.facts:
        print(f"facts are turned off ([cache] facts = false in {config.path.name}): pages read the extracts",
              file=sys.stderr)
        return 0
    database = Database(config)
    started = time.perf_counter()
    outcomes = ensure_all_facts(database, terminal_progress(sys.stderr))
    seconds = time.perf_counter() - started
    rows = [{"facts": outcome.name, "action": outcome.action, "months_built": outcome.months_built,
             "months": outcome.months_total, "folder": str(outcome.folder)} for outcome in outcomes]
    if args.json:
        print(json.dumps({"data_version": database.version, "seconds": round(seconds, 3), "facts": rows}, indent=2))
    else:
        for row in rows:
            print(f"{row['facts']:<20} {row['action']:<10} {row['months_built']:>3} of {row['months']:>3} months  "
                  f"{row['folder']}")
        print(f"done in {seconds:.1f} s")
    return 0
