"""`python -m dashboard alerts [--as-of DATE]`: evaluates the config's `[[alerts]]` rules on the
month of the as-of date, prints what fired, sends each new alert to its webhook and/or email,
and remembers what it sent in a small state file so a daily run does not repeat itself.

Exit code: 0 nothing fired and nothing waits to be sent; 1 something fired (or an earlier alert
still could not be sent); 2 the config, the data or the state file cannot be used."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import tempfile
from pathlib import Path

from dashboard.funnel import data as metrics
from dashboard.alerts import delivery
from dashboard.alerts.data import judged_range, readings
from dashboard.alerts.domain import Alert, AlertState, describe, fires, format_value, measure_unit, webhook_body
from dashboard.core.cache_folder import cache_path
from dashboard.core.config import DEFAULT_CONFIG_PATH, Config, load_config
from dashboard.data import Database
from dashboard.core.mail import MailError, mail_settings

STATE_FILE_NAME = "state.json"


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date; use YYYY-MM-DD") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH, help="SLA config (default: sla_config.toml)")
    parser.add_argument("--as-of", type=_date, help="judge the month of this day, up to it (default: the data's as-of date)")
    parser.add_argument("--state", type=Path,
                        help=f"the state file (default: alerts/{STATE_FILE_NAME} in the cache folder, [cache] folder)")
    parser.add_argument("--dry-run", action="store_true", help="print what fires; send nothing, remember nothing")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def default_state_path(config: Config) -> Path:
    return cache_path(config, "alerts", STATE_FILE_NAME)


def load_state(path: Path) -> AlertState:
    if not path.exists():
        return AlertState()
    try:
        return AlertState.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise StateError(f"the alert state file {path} cannot be read ({error}); move it aside and run again "
                         "(alerts already sent this month will then be sent once more)") from None


def save_state(path: Path, state: AlertState) -> None:
    """Written to a temporary file and renamed, so a crash never leaves half a state file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".alerts_state", suffix=".tmp")
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        json.dump(state.to_dict(), handle, indent=2, sort_keys=True)
    os.replace(temporary, path)


class StateError(RuntimeError):
    pass


def run(args: argparse.Namespace, retry: delivery.Retry | None = None) -> int:
    config = load_config(args.config)
    if not config.alerts:
        print(f"error: {config.path.name} has no [[alerts]] rules; add one (see the README's Alerts section)", file=sys.stderr)
        return 2
    database = Database(config)
    try:
        as_of = args.as_of or metrics.data_as_of(database)
        if as_of is None:
            print("error: the extracts hold no dated events; check [data] in the config", file=sys.stderr)
            return 2
        values = readings(database, config.alerts, as_of)
    finally:
        database.close()
    month, _ = judged_range(as_of)
    currency = (config.sla_for(as_of) or config.slas[-1]).currency
    fired = [Alert(rule, month, as_of, reading) for rule, reading in zip(config.alerts, values) if fires(rule, reading)]
    results = []
    for rule, reading in zip(config.alerts, values):
        unit = measure_unit(rule.measure)
        results.append({
            "name": rule.name, "measure": rule.measure, "scope": rule.scope, "condition": rule.condition,
            "threshold": rule.threshold, "value": reading.value, "target": reading.target, "status": reading.status,
            "fired": fires(rule, reading), "value_text": format_value(reading.value, unit, currency),
        })
    state_path = args.state or default_state_path(config)
    sends: list[dict] = []
    try:
        state = load_state(state_path)
    except StateError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.dry_run:
        sends = deliver(config, fired, state, currency, retry or delivery.Retry())
        state.forget_cleared(fired)
        save_state(state_path, state)
    pending = state.pending
    if args.json:
        print(json.dumps({"as_of": as_of.isoformat(), "month": f"{month:%Y-%m}", "alerts": results, "sends": sends,
                          "pending": pending, "state_file": str(state_path)}, indent=2, ensure_ascii=False))
    else:
        print(f"Alerts for {month:%B %Y} to {as_of:%d %b %Y} ({config.company_name}): "
              f"{len(fired)} of {len(results)} rules fired")
        for result in results:
            mark = "FIRED" if result["fired"] else "ok   " if result["value"] is not None else "n/a  "
            print(f"  {mark} {result['name']}: {result['value_text']}"
                  + (f" ({result['status']})" if result["status"] else ""))
        for send in sends:
            outcome = "sent" if send["sent"] else f"NOT SENT ({send['error']}); kept for the next run"
            print(f"  {send['channel']} for {send['alert']}: {outcome}")
        if args.dry_run:
            print("  dry run: nothing sent, nothing remembered")
    for send in sends:
        if not send["sent"]:
            print(f"warning: {send['channel']} for {send['alert']} failed: {send['error']}", file=sys.stderr)
    return 1 if fired or pending else 0


def deliver(config: Config, fired: list[Alert], state: AlertState, currency: str, retry: delivery.Retry) -> list[dict]:
    rules = {rule.name: rule for rule in config.alerts}
    messages = {}
    for alert in fired:
        text = describe(alert, config.company_name, currency)
        messages[alert.key] = {"rule": alert.rule.name, "text": text, "month": f"{alert.month:%Y-%m}",
                               "as_of": alert.as_of.isoformat(), "measure": alert.rule.measure,
                               "scope": alert.rule.scope, "value": alert.reading.value,
                               "target": alert.reading.target, "status": alert.reading.status}
    sends = []
    for key, channel, message in state.to_send(fired, messages):
        rule = rules.get(message["rule"])
        if rule is None:  # the rule was removed from the config since: nowhere to send it
            state.mark(key, channel, sent=True)
            continue
        try:
            if channel == "webhook":
                url = delivery.webhook_url(rule)
                body = webhook_body(rule.webhook_format, rule.name, message["text"])
                attempts = retry.run(lambda: delivery.post_json(url, body))
            else:
                settings = mail_settings(config.email)
                subject = f"SLA alert: {rule.name} · {config.company_name}"
                attempts = retry.run(lambda: delivery.send_email(settings, rule.email, subject, message["text"]))
        except (delivery.DeliveryError, MailError) as error:
            state.mark(key, channel, sent=False, error=str(error))
            sends.append({"alert": message["rule"], "channel": channel, "sent": False, "attempts": retry.attempts,
                          "error": str(error)})
            continue
        state.mark(key, channel, sent=True)
        sends.append({"alert": message["rule"], "channel": channel, "sent": True, "attempts": attempts, "error": None})
    return sends
