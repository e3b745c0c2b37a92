"""Config values without bounds: a number that is not finite, or so large it can only be a typo,
is refused naming its key (they once overflowed the date arithmetic of `kpis` and `compliance`),
and a data folder that opens the sandbox to a whole disk or home directory is refused."""

import re
from pathlib import Path

import pytest

from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config

SAMPLE = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
H2 = "sla[3] (FY2026 H2)"


def problems_for(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "sla_config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    return caught.value.problems


def with_value(text: str, key: str, value: str) -> str:
    """`text` with the last `key = ...` line (the H2 version's) set to `value`."""
    matches = list(re.finditer(rf"^(\s*{key}\s*=\s*)[^#\n]*", text, flags=re.MULTILINE))
    assert matches, key
    last = matches[-1]
    return text[: last.start()] + last.group(1) + value + " " + text[last.end():]


UNBOUNDED = [
    ("quota", "inf", f"{H2}.quota: must be a finite number"),
    ("quota", "nan", f"{H2}.quota: must be a finite number"),
    ("quota", "1e308", f"{H2}.quota: must be at most"),
    ("first_touch_within_hours", "1e9", f"{H2}.follow_up.first_touch_within_hours: must be at most"),
    ("attempt_window_days", "1_000_000_000", f"{H2}.follow_up.attempt_window_days: must be at most"),
    ("min_attempts", "1_000_000_000", f"{H2}.follow_up.min_attempts: must be at most"),
    ("not_ready_after_days", "1_000_000_000", f"{H2}.recycle.not_ready_after_days: must be at most"),
    ("mql_capacity_per_rep_month", "inf", f"{H2}.mql_capacity_per_rep_month: must be a finite number"),
]


@pytest.mark.parametrize("key, value, expected", UNBOUNDED, ids=[f"{key}={value}" for key, value, _ in UNBOUNDED])
def test_a_value_that_is_not_finite_or_absurd_is_refused_naming_its_key(tmp_path, key, value, expected):
    problems = problems_for(tmp_path, with_value(SAMPLE, key, value))
    assert any(problem.startswith(expected) for problem in problems), problems


def test_rule_points_beyond_a_thousand_are_refused(tmp_path):
    rule = '{ attribute = "demo_requested", op = "=", value = true, points = 30 }'
    head, _, tail = SAMPLE.rpartition(rule)
    problems = problems_for(tmp_path, head + rule.replace("30", "10_000_000") + tail)
    assert any(problem.startswith(f"{H2}.lead_definition.rules[9].points: must be between") for problem in problems), problems


@pytest.mark.parametrize("folder", ["/", str(Path.home())])
def test_a_data_folder_that_is_a_filesystem_root_or_a_home_directory_is_refused(tmp_path, folder):
    changed = SAMPLE.replace('folder = "data/sample"', f'folder = "{folder}"')
    assert changed != SAMPLE
    problems = problems_for(tmp_path, changed)
    assert any(problem.startswith("data.folder:") and "only your extracts" in problem for problem in problems), problems


def test_the_bounds_leave_the_sample_and_ordinary_values_alone(tmp_path):
    path = tmp_path / "sla_config.toml"
    path.write_text(with_value(SAMPLE, "quota", "1e12"), encoding="utf-8")
    assert load_config(path).slas[-1].quota == 1e12
