"""Sending alerts: a JSON POST to an incoming webhook (Slack- or Teams-compatible) and/or an
email, each retried with exponential backoff. A send that still fails is reported and left
pending in the state, so the next run sends it."""

from __future__ import annotations

import json
import os
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Callable

from dashboard.core.config import AlertRule
from dashboard.core.mail import MailError, MailSettings, build_message, send_mail

ATTEMPTS = 3
FIRST_DELAY_SECONDS = 1.0  # then 2 s, 4 s, ...
TIMEOUT_SECONDS = 10


class DeliveryError(RuntimeError):
    """One send failed after every attempt; says where and why."""


@dataclass(frozen=True)
class Retry:
    attempts: int = ATTEMPTS
    first_delay: float = FIRST_DELAY_SECONDS
    sleep: Callable[[float], None] = time.sleep

    def run(self, send: Callable[[], None]) -> int:
        """Call `send` until it succeeds; returns the attempts it took, raises the last DeliveryError."""
        delay = self.first_delay
        for attempt in range(1, self.attempts + 1):
            try:
                send()
                return attempt
            except DeliveryError:
                if attempt == self.attempts:
                    raise
                self.sleep(delay)
                delay *= 2
        raise AssertionError("unreachable")


def webhook_url(rule: AlertRule) -> str:
    if rule.webhook:
        return rule.webhook
    url = os.environ.get(rule.webhook_env or "")
    if not url:
        raise DeliveryError(f"alert {rule.name!r}: the environment variable {rule.webhook_env} (webhook_env) is not set")
    return url


def post_json(url: str, body: dict) -> None:
    data = json.dumps(body).encode("utf-8")
    request = urllib.request.Request(url, data=data, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "sla-dashboard-alerts"})
    host = urllib.parse.urlsplit(url).netloc
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            response.read()
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"the webhook at {host} answered {error.code} {error.reason}") from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise DeliveryError(f"cannot reach the webhook at {host} ({reason})") from None


def send_email(settings: MailSettings, recipients: tuple[str, ...], subject: str, text: str) -> None:
    try:
        send_mail(settings, build_message(subject, recipients, text))
    except MailError as error:
        raise DeliveryError(str(error)) from None
