"""`python -m dashboard audit --since DATE`: who signed in, viewed which page and downloaded what,
under which scope, from the audit log (dashboard/access/log.py)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard.access.log import audit_path, read
from dashboard.cli_options import date_arg
from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")
    parser.add_argument("--since", type=date_arg, help="first day (UTC, YYYY-MM-DD) of the events shown (default: all)")
    parser.add_argument("--who", help="only this person's events (their email)")
    parser.add_argument("--json", action="store_true", help="print one JSON line per event, as the log holds them")


def run(args: argparse.Namespace) -> int:
    try:
        config = load_config(args.config)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    path = audit_path(config)
    events, unreadable = read(path, args.since)
    if args.who:
        events = [event for event in events if str(event.get("who", "")).lower() == args.who.strip().lower()]
    if unreadable:
        print(f"warning: {unreadable} line(s) of {path} are not audit events and were skipped", file=sys.stderr)
    if args.json:
        for event in events:
            print(json.dumps(event, ensure_ascii=False))
        return 0
    if not events:
        print(f"No events in {path}" + (f" since {args.since}" if args.since else "") + ".")
        return 0
    for event in events:
        print(f"{event['at']}  {event['event']:<9}  {event.get('who') or '-':<32}  {event.get('role') or '-':<13}  "
              f"{event.get('scope') or '-':<24}  {event.get('what') or ''}")
    return 0
