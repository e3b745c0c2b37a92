"""`python -m dashboard alerts` against a real webhook receiver and SMTP server on 127.0.0.1.

The company: four leads created in March 2026, one handed off (L1) and accepted (SQL).
As of 2026-03-31: lead → MQL = 1 / 4 = 25 %, against the target of 50 % more than 10 % short:
off track. MQL → SQL = 1 / 1 = 100 %, target 60 %: on track.
"""

import json

import pytest

from dashboard.alerts import cli as alerts_cli
from dashboard.alerts.delivery import Retry
from dashboard.cli import build_parser
from tests.companies.builders import write_config, write_table
from tests.receivers import SmtpServer, WebhookReceiver

LEADS = [
    {"lead_id": "L1", "created_at": "2026-03-02", "mql_at": "2026-03-03", "sql_at": "2026-03-05", "channel": "paid"},
    {"lead_id": "L2", "created_at": "2026-03-04", "channel": "paid"},
    {"lead_id": "L3", "created_at": "2026-03-10", "channel": "organic"},
    {"lead_id": "L4", "created_at": "2026-03-20", "channel": "organic"},
]
DEALS = [{"deal_id": "D1", "lead_id": "L1", "created_at": "2026-03-06", "status": "open"}]


def company(tmp_path, alerts: str):
    folder = tmp_path / "extracts"
    folder.mkdir()
    write_table(folder, "leads", LEADS)
    write_table(folder, "deals", DEALS)
    return write_config(folder, ("leads", "deals"), extra=alerts)


@pytest.fixture
def receiver():
    server = WebhookReceiver()
    yield server
    server.stop()


def run_alerts(config, state, *extra, sleeps=None):
    args = build_parser().parse_args(["alerts", "--config", str(config), "--as-of", "2026-03-31",
                                      "--state", str(state), *extra])
    return alerts_cli.run(args, retry=Retry(first_delay=0.5, sleep=(sleeps if sleeps is not None else []).append))


def webhook_rules(url: str, webhook_format: str = "slack") -> str:
    return f"""
[[alerts]]
name = "Lead to MQL slipping"
measure = "lead_to_mql_rate"
when = "off track"
webhook = "{url}"
webhook_format = "{webhook_format}"

[[alerts]]
name = "MQL to SQL below 50 %"
measure = "mql_to_sql_rate"
when = "below 50 %"
webhook = "{url}"
"""


def test_a_rule_that_fires_is_posted_once_and_the_command_exits_1(tmp_path, receiver, capsys):
    config, state = company(tmp_path, webhook_rules(receiver.url)), tmp_path / "state.json"
    assert run_alerts(config, state) == 1
    out = capsys.readouterr().out
    assert "1 of 2 rules fired" in out and "FIRED Lead to MQL slipping: 25.0 % (off track)" in out
    assert "ok    MQL to SQL below 50 %: 100.0 % (on track)" in out
    assert len(receiver.requests) == 1
    body = receiver.requests[0]["body"]
    assert receiver.requests[0]["content_type"] == "application/json"
    assert body["text"].startswith("SLA alert: Lead to MQL slipping\nLead → MQL is 25.0 % for March 2026 to 31 Mar")
    assert "off track against the SLA target of 50.0 %" in body["text"]
    assert body["blocks"][0]["text"]["text"] == "SLA alert: Lead to MQL slipping"
    # the next daily run remembers it: still fired, nothing posted again
    assert run_alerts(config, state) == 1
    assert len(receiver.requests) == 1
    saved = json.loads(state.read_text())
    assert saved["alerts"]["Lead to MQL slipping|company|2026-03"]["channels"] == {"webhook": "sent"}


def test_teams_gets_a_message_card(tmp_path, receiver):
    config = company(tmp_path, webhook_rules(receiver.url, "teams"))
    run_alerts(config, tmp_path / "state.json")
    body = receiver.requests[0]["body"]
    assert body["@type"] == "MessageCard" and body["title"] == "SLA alert: Lead to MQL slipping"
    assert "25.0 %" in body["text"]


def test_a_failing_webhook_is_retried_with_backoff(tmp_path, receiver):
    receiver.fail_first = 2
    sleeps = []
    config = company(tmp_path, webhook_rules(receiver.url))
    assert run_alerts(config, tmp_path / "state.json", sleeps=sleeps) == 1
    assert receiver.attempts == 3 and len(receiver.requests) == 1
    assert sleeps == [0.5, 1.0]  # doubling between attempts


def test_a_send_that_keeps_failing_is_reported_and_sent_on_the_next_run(tmp_path, receiver, capsys):
    receiver.fail_all = True
    config, state = company(tmp_path, webhook_rules(receiver.url)), tmp_path / "state.json"
    assert run_alerts(config, state) == 1
    captured = capsys.readouterr()
    assert "NOT SENT" in captured.out and "kept for the next run" in captured.out
    assert "answered 500" in captured.err
    assert receiver.attempts == 3 and receiver.requests == []
    assert json.loads(state.read_text())["alerts"]["Lead to MQL slipping|company|2026-03"]["channels"] == {"webhook": "pending"}
    receiver.fail_all = False
    assert run_alerts(config, state) == 1
    assert len(receiver.requests) == 1 and "25.0 %" in receiver.requests[0]["body"]["text"]
    assert run_alerts(config, state) == 1
    assert len(receiver.requests) == 1


def test_nothing_fired_exits_0_and_an_alert_that_cleared_is_forgotten(tmp_path, receiver):
    rules = f"""
[[alerts]]
name = "MQL to SQL below 50 %"
measure = "mql_to_sql_rate"
when = "below 50 %"
webhook = "{receiver.url}"
"""
    config, state = company(tmp_path, rules), tmp_path / "state.json"
    assert run_alerts(config, state) == 0
    assert receiver.requests == [] and json.loads(state.read_text())["alerts"] == {}


def test_dry_run_sends_and_remembers_nothing(tmp_path, receiver):
    config, state = company(tmp_path, webhook_rules(receiver.url)), tmp_path / "state.json"
    assert run_alerts(config, state, "--dry-run") == 1
    assert receiver.attempts == 0 and not state.exists()


def test_an_alert_by_email_reaches_a_real_smtp_server(tmp_path, monkeypatch):
    smtp = SmtpServer(tmp_path)
    try:
        rules = f"""
[email]
smtp_host = "127.0.0.1"
smtp_port = {smtp.port}
user = "reports"
from = "sla@northwind.example"
ca_file = "{smtp.certificate.as_posix()}"

[[alerts]]
name = "Lead to MQL slipping"
measure = "lead_to_mql_rate"
when = "at risk"
email = ["vp.sales@northwind.example"]
"""
        monkeypatch.setenv("SLA_SMTP_PASSWORD", "s3cret")
        config = company(tmp_path, rules)
        assert run_alerts(config, tmp_path / "state.json") == 1
        assert len(smtp.messages) == 1
        received = smtp.messages[0]
        assert received["to"] == ["vp.sales@northwind.example"] and received["authenticated"]
        message = received["message"]
        assert message["Subject"].startswith("SLA alert: Lead to MQL slipping")
        assert "Lead → MQL is 25.0 %" in message.get_content()
    finally:
        smtp.stop()


def test_the_state_file_lives_in_the_cache_folder_by_default(tmp_path, receiver, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    config = company(tmp_path, webhook_rules(receiver.url))
    args = build_parser().parse_args(["alerts", "--config", str(config), "--as-of", "2026-03-31"])
    assert alerts_cli.run(args, retry=Retry(first_delay=0, sleep=lambda _: None)) == 1
    saved = json.loads((tmp_path / "cache" / "alerts" / "state.json").read_text())
    assert list(saved["alerts"]) == ["Lead to MQL slipping|company|2026-03"]
    assert alerts_cli.run(args) == 1 and len(receiver.requests) == 1


def test_a_config_without_alert_rules_says_how_to_add_one(tmp_path, capsys):
    assert run_alerts(company(tmp_path, ""), tmp_path / "state.json") == 2
    assert "has no [[alerts]] rules" in capsys.readouterr().err
