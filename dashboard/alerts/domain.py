"""Alerts, pure logic: whether a rule fires on a reading, the message it sends, and the state
that keeps a daily run from repeating itself.

An alert is identified by its rule, its scope and the month it was judged on: once sent, it is
not sent again that month while it keeps firing; when it stops firing it is forgotten, so a
later slip is news again. A send that failed stays in the state as pending and is tried again
on the next run, whether or not the rule still fires, so nothing is lost.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from dashboard.core.config import FOLLOW_UP_MEASURES, AlertRule
from dashboard.funnel.domain import AT_RISK, OFF_TRACK
from dashboard.core.kpis import KPIS

SENT, PENDING = "sent", "pending"
STATE_VERSION = 1


@dataclass(frozen=True)
class Reading:
    """A measure's value for a rule's scope over the judged range, with its target and status."""

    value: float | None  # None: not tracked
    target: float | None
    status: str | None


@dataclass(frozen=True)
class Alert:
    rule: AlertRule
    month: dt.date  # the month judged (to the as-of date)
    as_of: dt.date
    reading: Reading

    @property
    def key(self) -> str:
        return f"{self.rule.name}|{self.rule.scope}|{self.month:%Y-%m}"

    @property
    def channels(self) -> tuple[str, ...]:
        return (("webhook",) if self.rule.webhook or self.rule.webhook_env else ()) + (("email",) if self.rule.email else ())


def measure_label(measure: str) -> str:
    return KPIS[measure].label if measure in KPIS else FOLLOW_UP_MEASURES[measure]


def measure_unit(measure: str) -> str:
    return KPIS[measure].unit if measure in KPIS else "count"


def fires(rule: AlertRule, reading: Reading) -> bool:
    """Not tracked never fires; nor does a status rule on a measure without a target."""
    if reading.value is None:
        return False
    if rule.condition == "off track":
        return reading.status == OFF_TRACK
    if rule.condition == "at risk":
        return reading.status in (AT_RISK, OFF_TRACK)
    if rule.condition == "below":
        return reading.value < rule.threshold
    if rule.condition == "above":
        return reading.value > rule.threshold
    raise ValueError(f"unknown condition {rule.condition!r}")


def format_value(value: float | None, unit: str, currency: str = "") -> str:
    if value is None:
        return "not tracked"
    if unit == "rate":
        return f"{value * 100:.1f} %"
    if unit == "currency":
        return f"{currency} {value:,.0f}".strip()
    if unit in ("days", "hours"):
        return f"{value:,.1f} {unit}"
    return f"{value:,.0f}"


def describe(alert: Alert, company: str, currency: str = "") -> str:
    """One sentence: what slipped, for whom, by how much against what."""
    rule, reading = alert.rule, alert.reading
    unit = measure_unit(rule.measure)
    value = format_value(reading.value, unit, currency)
    if rule.condition in ("below", "above"):
        against = f"{rule.condition} the alert's {format_value(rule.threshold, unit, currency)}"
    else:
        against = f"{reading.status} against the SLA target of {format_value(reading.target, unit, currency)}"
    where = company if rule.scope == "company" else f"{company}, {rule.scope}"
    return (f"{measure_label(rule.measure)} is {value} for {alert.month:%B %Y} to {alert.as_of:%d %b}: {against} "
            f"({where}).")


def webhook_body(webhook_format: str, name: str, text: str) -> dict:
    """Slack's incoming-webhook JSON ({"text", "blocks"}) or a Teams MessageCard, both with a `text`."""
    title = f"SLA alert: {name}"
    if webhook_format == "teams":
        return {"@type": "MessageCard", "@context": "https://schema.org/extensions", "summary": title,
                "themeColor": "B71C1C", "title": title, "text": text}
    return {"text": f"{title}\n{text}",
            "blocks": [{"type": "header", "text": {"type": "plain_text", "text": title[:150]}},
                       {"type": "section", "text": {"type": "mrkdwn", "text": text}}]}


@dataclass
class AlertState:
    """What was sent, and what waits to be sent: {alert key: {channel: SENT | PENDING}} plus the
    message of each pending alert, so a later run can send it even if the rule no longer fires."""

    entries: dict[str, dict] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, raw: dict) -> "AlertState":
        if not isinstance(raw, dict) or raw.get("version") != STATE_VERSION or not isinstance(raw.get("alerts"), dict):
            raise ValueError("not an alert state file of this version")
        return cls(entries=dict(raw["alerts"]))

    def to_dict(self) -> dict:
        return {"version": STATE_VERSION, "alerts": self.entries}

    def to_send(self, fired: list[Alert], messages: dict[str, dict]) -> list[tuple[str, str, dict]]:
        """(alert key, channel, message) for every channel of a fired alert not yet sent, and for
        every pending send of an earlier run. `messages` holds each fired alert's message by key."""
        work = []
        for alert in fired:
            entry = self.entries.setdefault(alert.key, {"channels": {}, "message": messages[alert.key]})
            for channel in alert.channels:
                status = entry["channels"].setdefault(channel, PENDING)
                if status == PENDING:
                    work.append((alert.key, channel, entry["message"]))
        fired_keys = {alert.key for alert in fired}
        for key, entry in self.entries.items():
            if key in fired_keys:
                continue
            for channel, status in entry["channels"].items():
                if status == PENDING:
                    work.append((key, channel, entry["message"]))
        return work

    def mark(self, key: str, channel: str, sent: bool, error: str | None = None) -> None:
        entry = self.entries[key]
        entry["channels"][channel] = SENT if sent else PENDING
        if error:
            entry["last_error"] = error
        elif sent:
            entry.pop("last_error", None)

    def forget_cleared(self, fired: list[Alert]) -> None:
        """Alerts that no longer fire and have nothing pending are dropped: a new slip is news."""
        fired_keys = {alert.key for alert in fired}
        for key in [key for key, entry in self.entries.items()
                    if key not in fired_keys and all(s == SENT for s in entry["channels"].values())]:
            del self.entries[key]

    @property
    def pending(self) -> list[str]:
        return [key for key, entry in self.entries.items() if PENDING in entry["channels"].values()]
