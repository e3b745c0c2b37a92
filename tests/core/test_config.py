"""The SLA config: the sample loads, and each bad value is reported naming its key."""

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config

SAMPLE = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")


def test_the_sample_config_loads_three_sla_versions_with_a_mid_year_reset():
    config = load_config()
    assert [sla.name for sla in config.slas] == ["FY2025", "FY2026 H1", "FY2026 H2"]
    h2 = config.sla_named("FY2026 H2")
    assert h2.start == dt.date(2026, 7, 1)
    assert h2.lead_definition.mql_threshold != config.sla_named("FY2026 H1").lead_definition.mql_threshold
    assert config.sla_for(dt.date(2026, 6, 30)).name == "FY2026 H1"
    assert config.sla_for(dt.date(2026, 7, 1)).name == "FY2026 H2"
    assert sum(h2.monthly_quota_weights) == pytest.approx(1.0)
    assert len(config.sla_named("FY2025").monthly_quota_weights) == 12


def test_monthly_quota_weights_are_even_when_omitted(tmp_path):
    text = SAMPLE.replace("monthly_quota_weights = [0.9, 0.9, 1.0, 1.0, 1.0, 1.1, 0.8, 0.8, 1.0, 1.1, 1.1, 1.3]\n", "")
    config = load_config(write(tmp_path, text))
    assert config.sla_named("FY2025").monthly_quota_weights == tuple([1 / 12] * 12)


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sla_config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def problems_for(tmp_path, text):
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    return caught.value.problems


BAD_VALUES = [
    ("quota = 19_500_000", "quota = 0", "sla[1] (FY2025).quota: must be greater than 0"),
    ("quota = 19_500_000", "quota = -5", "sla[1] (FY2025).quota: must be greater than 0"),
    ("quota = 19_500_000\n", "", "sla[1] (FY2025).quota: is missing"),
    ("quota = 19_500_000", 'quota = "lots"', "sla[1] (FY2025).quota: must be int or float"),
    ("mql_threshold = 60", "mql_threshold = 500", "sla[3] (FY2026 H2).lead_definition.mql_threshold: must be between 1"),
    ("mql_to_sql_rate = 0.40", "mql_to_sql_rate = 40", "sla[3] (FY2026 H2).targets.mql_to_sql_rate: is a rate and must be in (0, 1]"),
    ("win_rate = 0.20", "win_ratio = 0.20", "sla[3] (FY2026 H2).targets.win_ratio: unknown key; did you mean 'win_rate'?"),
    ("start = 2026-07-01", "start = 2026-06-15", "sla: periods overlap: 'FY2026 H1' ends 2026-06-30 but 'FY2026 H2' starts 2026-06-15"),
    ("end = 2025-12-31", "end = 2024-12-31", "sla[1] (FY2025).end: is before start"),
    ('timezone = "America/New_York"', 'timezone = "Mars/Olympus"',
     "sla[3] (FY2026 H2).follow_up.timezone: unknown time zone 'Mars/Olympus'"),
    ('{ attribute = "demo_requested", op = "=", value = true, points = 30 }',
     '{ attribute = "budget", op = "=", value = true, points = 30 }',
     "sla[3] (FY2026 H2).lead_definition.rules[9].attribute: must be a lead attribute"),
    ('{ attribute = "demo_requested", op = "=", value = true, points = 30 }',
     '{ attribute = "demo_requested", op = "~", value = true, points = 30 }',
     "sla[3] (FY2026 H2).lead_definition.rules[9].op: must be one of"),
    ('kpis = ["sessions", "visit_to_lead_rate", "lead_to_mql_rate", "mqls"]', 'kpis = ["sessions", "mqls_per_rep"]',
     "teams[1].kpis: unknown KPI 'mqls_per_rep'"),
    ("at_risk_band = 0.10", "at_risk_band = 1.5", "status.at_risk_band: must be in [0, 1)"),
    ("mql_capacity_per_rep_month = 150", "mql_capacity_per_rep_month = 0",
     "sla[1] (FY2025).mql_capacity_per_rep_month: must be greater than 0"),
    ('path = "leads.parquet"', 'path = "../../etc/passwd"', "data.tables.leads.path: must be relative to data.folder and stay inside it"),
    ('path = "leads.parquet"', 'path = "/etc/passwd"', "data.tables.leads.path: must be relative to data.folder"),
    ("[company]", "[companny]", "companny: unknown key; did you mean 'company'?"),
    ("monthly_quota_weights = [0.9, 0.9, 1.0, 1.0, 1.0, 1.1, 0.8, 0.8, 1.0, 1.1, 1.1, 1.3]",
     "monthly_quota_weights = [1, 1, 1]", "sla[1] (FY2025).monthly_quota_weights: must be 12 non-negative numbers"),
    ('business_hours = ["09:00", "18:00"]', 'business_hours = ["18:00", "09:00"]',
     "sla[3] (FY2026 H2).follow_up.business_hours: end must be after start"),
]


@pytest.mark.parametrize("old, new, expected", BAD_VALUES, ids=[case[2].split(":")[0] for case in BAD_VALUES])
def test_a_bad_value_is_reported_naming_its_key(tmp_path, old, new, expected):
    assert old in SAMPLE, f"test case no longer matches the sample config: {old!r}"
    text = SAMPLE.replace(old, new, 1) if "sla[3]" not in expected else _replace_last(SAMPLE, old, new)
    problems = problems_for(tmp_path, text)
    assert any(problem.startswith(expected) for problem in problems), problems


def _replace_last(text: str, old: str, new: str) -> str:
    head, _, tail = text.rpartition(old)
    return head + new + tail


def test_every_problem_is_reported_at_once(tmp_path):
    text = SAMPLE.replace("quota = 19_500_000", "quota = 0").replace("at_risk_band = 0.10", "at_risk_band = 2")
    assert len(problems_for(tmp_path, text)) == 2


def test_a_toml_syntax_error_gives_the_line(tmp_path):
    problems = problems_for(tmp_path, SAMPLE.replace("quota = 19_500_000", "quota = = 9"))
    assert "TOML syntax error" in problems[0] and "line 34" in problems[0]  # where the quota sits in the sample


def test_a_missing_config_file_says_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="file not found"):
        load_config(tmp_path / "nope.toml")


def test_a_config_without_sla_versions_is_refused(tmp_path):
    problems = problems_for(tmp_path, SAMPLE.split("[[sla]]")[0])
    assert any(problem.startswith("sla: no SLA version") for problem in problems)


def test_channel_and_segment_values_read_by_their_display_names(tmp_path):
    config = load_config(write(tmp_path, DEFAULT_CONFIG_PATH.read_text() + '\n[display_names.segment]\nSMB = "Small business"\n'))
    assert config.display_name("channel", "paid_search") == "Paid search"  # named in the sample config
    assert config.display_name("channel", "organic") == "Organic"  # not named: the value in words
    assert config.display_name("segment", "SMB") == "Small business"
    assert config.display_name("segment", "Mid-Market") == "Mid-Market"
    assert config.display_name("segment", None) == "—"


def test_a_display_name_must_be_text(tmp_path):
    problems = problems_for(tmp_path, DEFAULT_CONFIG_PATH.read_text() + "\n[display_names.segment]\nSMB = 3\n")
    assert any(problem.startswith("display_names.segment.SMB") for problem in problems)
