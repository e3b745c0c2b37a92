"""When an alert fires, and what the state remembers: pure rules on hand-made readings."""

import datetime as dt

from dashboard.alerts.domain import PENDING, SENT, Alert, AlertState, Reading, fires
from dashboard.core.config import AlertRule

OFF = AlertRule(name="win rate", measure="win_rate", condition="off track", threshold=None, webhook="https://h.example/x")
BELOW = AlertRule(name="first touch", measure="first_touch_within_sla_rate", condition="below", threshold=0.8,
                  email=("vp@example.com",))


def test_a_rule_fires_on_its_condition_and_never_on_not_tracked():
    assert fires(OFF, Reading(0.10, 0.20, "off track")) and not fires(OFF, Reading(0.19, 0.20, "at risk"))
    at_risk = AlertRule(name="x", measure="win_rate", condition="at risk", threshold=None)
    assert fires(at_risk, Reading(0.19, 0.20, "at risk")) and fires(at_risk, Reading(0.1, 0.2, "off track"))
    assert fires(BELOW, Reading(0.79, None, None)) and not fires(BELOW, Reading(0.80, None, None))
    assert not fires(BELOW, Reading(None, None, None)) and not fires(OFF, Reading(None, 0.2, None))


def alert(rule, month=dt.date(2026, 3, 1)):
    return Alert(rule, month, month.replace(day=20), Reading(0.1, 0.2, "off track"))


def test_the_state_sends_each_channel_once_a_month_and_forgets_what_cleared():
    state = AlertState()
    first = [alert(OFF), alert(BELOW)]
    messages = {a.key: {"rule": a.rule.name, "text": a.key} for a in first}
    work = state.to_send(first, messages)
    assert [(key.split("|")[0], channel) for key, channel, _ in work] == [("win rate", "webhook"), ("first touch", "email")]
    state.mark(work[0][0], "webhook", sent=True)
    state.mark(work[1][0], "email", sent=False, error="refused")
    assert state.pending == [work[1][0]]
    # next day: the win-rate alert still fires (nothing to send); the email failed before and is retried,
    # even though its rule no longer fires
    again = state.to_send([alert(OFF)], {alert(OFF).key: messages[alert(OFF).key]})
    assert [(key.split("|")[0], channel) for key, channel, _ in again] == [("first touch", "email")]
    state.mark(again[0][0], "email", sent=True)
    state.forget_cleared([alert(OFF)])
    assert list(state.entries) == [alert(OFF).key]
    assert state.entries[alert(OFF).key]["channels"] == {"webhook": SENT}
    # a new month is news again
    april = alert(OFF, dt.date(2026, 4, 1))
    assert [channel for _, channel, _ in state.to_send([april], {april.key: {"rule": "win rate", "text": ""}})] == ["webhook"]
    assert state.entries[april.key]["channels"]["webhook"] == PENDING
    assert AlertState.from_dict(state.to_dict()).entries == state.entries
