"""Failures a user can cause end in a message naming the cause, never in Streamlit's bare
"This app has encountered an error" box: a link whose date range ends on 9999-12-31, a config
value that would overflow the date arithmetic, the first read of a parquet file whose data
pages are damaged behind a valid footer, and a run that passes its time limit."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core import run_bound
from dashboard.tools.generate import generate
from tests.companies.faults import REPO, Fault, _damage_data_pages, build, sample_config_text

APP = REPO / "dashboard" / "app.py"
PAGES = re.findall(r'st\.Page\(\s*"([^"]+\.py)"', APP.read_text(encoding="utf-8"))
DATED_PAGES = ["app_pages/funnel.py", "app_pages/team_kpis.py", "app_pages/compliance.py", "app_pages/scoring_lab.py"]


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("sample") / "clean"
    generate(folder, leads=2000)
    return folder


def run_page(page: str, query: dict | None = None) -> AppTest:
    app = AppTest.from_file(str(APP), default_timeout=120)
    for name, value in (query or {}).items():
        app.query_params[name] = value
    app.switch_page(page).run()
    return app


def texts(app: AppTest) -> str:
    return " ".join(re.sub(r"\\(.)", r"\1", element.value).replace("\u2060", "")
                    for kind in ("error", "warning", "info") for element in getattr(app, kind))


@pytest.mark.parametrize("page", DATED_PAGES)
def test_a_link_ending_on_the_last_representable_day_says_so(sample, tmp_path, monkeypatch, page):
    config = tmp_path / "sla_config.toml"
    config.write_text(sample_config_text(sample), encoding="utf-8")
    monkeypatch.setenv("SLA_CONFIG", str(config))
    app = run_page(page, {"start": "2026-07-01", "end": "9999-12-31"})
    assert not app.exception, [e.message for e in app.exception]
    if page != "app_pages/scoring_lab.py":  # the lab picks months that have had time to close, and says so
        assert "9999-12-31" in texts(app)


def test_a_config_value_that_would_overflow_names_its_key(sample, tmp_path, monkeypatch):
    config = tmp_path / "sla_config.toml"
    config.write_text(re.sub(r"first_touch_within_hours = \d+", "first_touch_within_hours = 1e9",
                             sample_config_text(sample)), encoding="utf-8")
    monkeypatch.setenv("SLA_CONFIG", str(config))
    for page in ("app_pages/team_kpis.py", "app_pages/compliance.py"):
        app = run_page(page)
        assert not app.exception, [e.message for e in app.exception]
        shown = texts(app) + " ".join(markdown.value for markdown in app.markdown)
        assert "first_touch_within_hours" in shown and "cannot be used" in shown


def test_the_first_read_of_damaged_data_pages_shows_the_table_as_unreadable(sample, tmp_path, monkeypatch):
    built = build(Fault("damaged_traffic", (), 2, "", mutate=_damage_data_pages("traffic")), sample, tmp_path)
    monkeypatch.setenv("SLA_CONFIG", str(built.config_path))
    app = run_page("app_pages/funnel.py")  # the first read of this data in the process
    assert not app.exception, [e.message for e in app.exception]
    assert "traffic" in texts(app)


def test_a_run_past_its_time_limit_stops_with_a_message(sample, tmp_path, monkeypatch):
    config = tmp_path / "sla_config.toml"
    config.write_text(sample_config_text(sample), encoding="utf-8")
    monkeypatch.setenv("SLA_CONFIG", str(config))
    monkeypatch.setenv(run_bound.LIMIT_VARIABLE, "0.000001")
    app = run_page("app_pages/funnel.py")
    assert not app.exception, [e.message for e in app.exception]
    assert "was stopped" in texts(app) and run_bound.LIMIT_VARIABLE in texts(app)
