"""The [[alerts]] rules: a measure, a condition, a scope and where to send, each bad value
reported naming its key."""

import pytest

from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config

SAMPLE = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")


def load(tmp_path, text):
    path = tmp_path / "sla_config.toml"
    path.write_text(text.replace('folder = "data/sample"', f'folder = "{DEFAULT_CONFIG_PATH.parent / "data/sample"}"'),
                    encoding="utf-8")
    return load_config(path)


def problems(tmp_path, text):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return caught.value.problems


ALERT = '\n[[alerts]]\nmeasure = "{measure}"\nwhen = "{when}"\n{extra}\n'


def test_alert_rules_load_with_their_scope_and_a_default_name(tmp_path):
    text = SAMPLE + ALERT.format(measure="first_touch_within_sla_rate", when="below 80 %", extra='team = "Sales East"')
    text += ALERT.format(measure="overdue_leads", when="above 10", extra='rep = "R001"\nwebhook = "https://hooks.example.com/x"')
    first, second = load(tmp_path, text).alerts
    assert (first.condition, first.threshold, first.scope) == ("below", 0.8, "team Sales East")
    assert first.name == "First touch within SLA below 80 % (team Sales East)"
    assert (second.condition, second.threshold, second.scope, second.webhook_format) == ("above", 10, "rep R001", "slack")


@pytest.mark.parametrize("measure, when, extra, expected", [
    ("mql_to_sql", "off track", "", "alerts[1].measure: unknown measure 'mql_to_sql'; did you mean 'mql_to_sql_rate'?"),
    ("mql_to_sql_rate", "sometimes", "", "alerts[1].when: must be \"off track\", \"at risk\", \"below N\" or \"above N\""),
    ("mqls", "below 80 %", "", "alerts[1].when: mqls is not a rate"),
    ("mql_to_sql_rate", "below 80", "", "alerts[1].when: a rate is a fraction"),
    ("overdue_leads", "off track", "", "alerts[1].when: overdue_leads has no SLA target"),
    ("win_rate", "at risk", 'team = "Sales North"', "alerts[1].team: 'Sales North' is not a team of the config"),
    ("win_rate", "at risk", 'rep = "R001"', "alerts[1].rep: a rep's alert watches a follow-up measure"),
    ("win_rate", "at risk", 'webhook = "hooks.slack.com/x"', "alerts[1].webhook: must be an http(s) URL"),
    ("win_rate", "at risk", 'webhook_format = "discord"', "alerts[1].webhook_format: must be one of slack, teams"),
    ("win_rate", "at risk", 'email = ["nobody"]', "alerts[1].email: must be email addresses"),
])
def test_a_bad_alert_rule_names_its_key(tmp_path, measure, when, extra, expected):
    found = problems(tmp_path, SAMPLE + ALERT.format(measure=measure, when=when, extra=extra))
    assert any(problem.startswith(expected) for problem in found), found
