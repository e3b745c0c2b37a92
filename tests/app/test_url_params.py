"""Every URL parameter a page reads is checked before use: a crafted link gets a one-line note
naming the parameter and the page's default, never an error box, and no link can make a page's
work grow without limit (the scoring lab's rules travel in the URL).

The hostile links here are the ones that crashed or stalled pages before (a date past 9999, a
rule naming `__class__`, a rule worth a million points); `test_url_fuzz.py` throws random ones.
"""

import json
import time
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC
from tests.companies.lab_company import LAB_TABLES

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = {
    "review": "app_pages/review.py", "funnel": "app_pages/funnel.py", "team_kpis": "app_pages/team_kpis.py",
    "compliance": "app_pages/compliance.py", "planner": "app_pages/planner.py",
    "scoring_lab": "app_pages/scoring_lab.py", "data_health": "app_pages/data_health.py",
}


@pytest.fixture
def hand_built(tmp_path, monkeypatch):
    database = build_database(tmp_path / "extracts",
                              {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES})
    database.close()
    monkeypatch.setenv("SLA_CONFIG", str(database.config.path))


@pytest.fixture
def sample(monkeypatch):
    monkeypatch.setenv("SLA_CONFIG", str(Path(APP).parents[1] / "sla_config.toml"))


@pytest.fixture
def lab(tmp_path, monkeypatch):
    database = build_database(tmp_path / "lab", LAB_TABLES)
    database.close()
    monkeypatch.setenv("SLA_CONFIG", str(database.config.path))


def open_page(page: str, query_params: dict) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in query_params.items():
        app.query_params[key] = value
    app.switch_page(PAGES[page])
    return app.run()


def notes(app: AppTest) -> list[str]:
    return [info.value for info in app.info if "parameter" in info.value and "ignored" in info.value]


def assert_refused(app: AppTest, parameter: str) -> None:
    assert not app.exception, app.exception
    assert not app.error, [error.value for error in app.error]
    assert any(f"`{parameter}`" in note for note in notes(app)), notes(app)


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("params, refused", [
    ({"start": "9999-12-31", "end": "9999-12-31"}, "start"),  # was OverflowError: date value out of range
    ({"start": "0001-01-01", "end": "2026-03-31"}, "start"),
    ({"start": "2026-03-01", "end": "yesterday"}, "end"),
    ({"start": "2016-01-01", "end": "2026-03-31"}, "start"),  # ten years and more of work
    ({"team": "East' or 1=1 --"}, "team"),
    ({"channel": "x" * 5000}, "channel"),
])
def test_a_crafted_sidebar_parameter_is_ignored_with_a_note(hand_built, page, params, refused):
    app = open_page(page, params)
    assert_refused(app, refused)


@pytest.mark.parametrize("page, params, refused", [
    ("funnel", {"view": "__class__"}, "view"),
    ("review", {"drill": "lead:month; drop table leads"}, "drill"),
    ("compliance", {"rep": "Someone Else (R9)"}, "rep"),
    ("compliance", {"status": ["met", "drop"]}, "status"),
    ("planner", {"plan_target": "1e400"}, "plan_target"),  # was OverflowError inside Streamlit
    ("planner", {"plan_months": "abc"}, "plan_months"),
    ("planner", {"plan_trailing": "999"}, "plan_trailing"),
])
def test_a_crafted_page_parameter_is_ignored_with_a_note(hand_built, page, params, refused):
    app = open_page(page, params)
    assert_refused(app, refused)


@pytest.mark.parametrize("params, refused", [({"kpi_team": "Nobody"}, "kpi_team"),
                                             ({"kpi_team": "Sales East", "sort_deals": "amount desc"}, "sort_deals")])
def test_a_crafted_team_kpis_parameter_is_ignored_with_a_note(sample, params, refused):
    app = open_page("team_kpis", params)
    assert_refused(app, refused)


def test_a_month_the_data_does_not_cover_is_named_and_the_default_shown(hand_built):
    app = open_page("review", {"month": "99999-99"})
    assert not app.exception and not app.error
    assert any("(parameter `month`)" in info.value for info in app.info)


@pytest.mark.parametrize("rules", [
    [["__class__", "=", 1, 5]],  # was KeyError
    [["company_size", ">=", "abc", 5]],  # was ValueError
    [["company_size", ">=", 200, 5_000_000]],  # was an hour at 100 % CPU and 2.9 GB
    [["company_size", ">=", 200, 5]] * 51,
    [["industry", ">=", "Software", 5]],
    [["job_level", "in", ["VP"] * 60, 5]],
    [["company_size", ">=", 1e300, 5]],
    {"attribute": "company_size"},
    "[" * 3000 + "]" * 3000,
])
def test_a_hostile_scoring_lab_link_is_refused_and_the_lab_starts_from_the_sla(lab, rules):
    text = rules if isinstance(rules, str) else json.dumps(rules)
    started = time.perf_counter()
    app = open_page("scoring_lab", {"lab_rules": text})
    assert time.perf_counter() - started < 30
    assert_refused(app, "lab_rules")
    assert app.number_input(key="lab_r0_points").value == 30  # the SLA's first rule, as configured


def test_a_valid_scoring_lab_link_still_opens_its_rules(lab):
    app = open_page("scoring_lab", {"lab_rules": json.dumps([["company_size", ">=", 200, 50]])})
    assert not app.exception and not notes(app)
    assert app.number_input(key="lab_r0_points").value == 50
