"""AppTest for the planner and the scoring lab: each renders, and one interaction changes
what it shows in the direction worked out by hand."""

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.companies.builders import build_database
from tests.companies.lab_company import LAB_TABLES
from tests.funnel.test_funnel_page import hand_built_config  # noqa: F401  (fixture)

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PLANNER, LAB = "app_pages/planner.py", "app_pages/scoring_lab.py"


def open_page(page: str, query_params: dict | None = None) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    for key, value in (query_params or {}).items():
        app.query_params[key] = value
    app.switch_page(page)
    return app.run()


def metrics(app: AppTest) -> dict[str, str]:
    return {metric.label: metric.value for metric in app.metric}


@pytest.fixture
def lab_config(tmp_path, monkeypatch):
    database = build_database(tmp_path / "lab", LAB_TABLES)
    database.close()
    monkeypatch.setenv("SLA_CONFIG", str(database.config.path))
    return database.config.path


def test_planner_plans_the_quota_left_and_follows_a_new_target(hand_built_config):  # noqa: F811
    app = open_page(PLANNER)
    assert not app.exception
    # Quota left 1,159,000 ÷ average deal 10,250 = 113.07 won deals, rounded up to 114.
    assert metrics(app)["Won deals"] == "114"
    assert app.text_input(key="plan_target").value == "1,159,000"  # the field shows a formatted amount
    assert any(m.value.startswith("### Needs a catch-up") or m.value.startswith("### On schedule")
               or m.value.startswith("### Out of reach") for m in app.markdown)  # the verdict comes first
    app.text_input(key="plan_target").input("102.5k").run()
    assert not app.exception
    # 102,500 ÷ 10,250 = 10 won deals; proposals 10 ÷ 0.8 (observed proposal → won) = 12.5 → 13.
    assert metrics(app)["Won deals"] == "10"
    assert metrics(app)["Proposals"] == "13"


def test_planner_takes_the_sla_target_rate_one_click_away(hand_built_config):  # noqa: F811
    app = open_page(PLANNER, {"plan_target": "102500"})  # the target comes from the URL
    assert app.text_input(key="plan_target").value == "102500"
    # SQLs 12.5 ÷ (5/3) = 7.5; MQLs 7.5 ÷ 0.5 (observed MQL → SQL) = 15.
    assert metrics(app)["MQLs"] == "15"
    app.segmented_control(key="plan_rate_source_sql").set_value("SLA target").run()
    assert not app.exception
    # The SLA's MQL → SQL target is 0.6: 7.5 ÷ 0.6 = 12.5 MQLs, rounded up to 13.
    assert metrics(app)["MQLs"] == "13"


def test_scoring_lab_threshold_moves_mql_volume_the_right_way(lab_config):
    app = open_page(LAB)
    assert not app.exception
    # Threshold 50 under size >= 200 (30) and demo (50): L03, L08, L13, L19.
    assert metrics(app)["MQLs"] == "4"
    app.slider(key="lab_threshold").set_value(30).run()
    assert not app.exception
    # Lowering it to 30 adds the eight leads of 200+ employees without a demo: 12.
    assert metrics(app)["MQLs"] == "12"
    app.slider(key="lab_threshold").set_value(80).run()
    # Raising it to 80 keeps the three 80-point leads (size and demo).
    assert metrics(app)["MQLs"] == "3"


def test_scoring_lab_reads_its_threshold_from_the_url(lab_config):
    app = open_page(LAB, {"lab_threshold": "30"})
    assert not app.exception
    assert app.slider(key="lab_threshold").value == 30
    assert metrics(app)["MQLs"] == "12"


def test_scoring_lab_rule_edit_rescores_exactly_the_leads_it_reads(lab_config):
    app = open_page(LAB)
    assert metrics(app)["Leads re-scored"] == "0"
    app.number_input(key="lab_r0_points").set_value(50).run()  # company_size >= 200: 30 → 50 points
    assert not app.exception
    values = metrics(app)
    # The 11 leads of 200+ employees change score; the 8 of them without a demo reach 50.
    assert values["Leads re-scored"] == "11"
    assert values["Become MQLs"] == "8"
    assert values["Drop out"] == "0"
    assert values["MQLs"] == "12"
    snippet = app.code[0].value
    assert '{ attribute = "company_size", op = ">=", value = 200, points = 50 },' in snippet
    assert not app.error


def test_scoring_lab_keeps_an_edited_rule_after_a_visit_to_another_page(lab_config):
    app = open_page(LAB)
    app.number_input(key="lab_r0_points").set_value(50).run()
    assert metrics(app)["MQLs"] == "12"
    app.switch_page(PLANNER).run()  # Streamlit drops the lab's widget state on this run
    assert not app.exception
    app.switch_page(LAB).run()
    assert not app.exception
    assert app.number_input(key="lab_r0_points").value == 50
    assert metrics(app)["MQLs"] == "12"


def test_scoring_lab_asks_for_attributes_when_the_extract_has_none(hand_built_config):  # noqa: F811
    app = open_page(LAB)
    assert not app.exception
    # The hand-built company's leads have the attribute columns, but every value is empty.
    assert any("none of the leads of the range has a value" in info.value for info in app.info)


def test_scoring_lab_opens_a_shared_proposal_from_the_url(lab_config):
    from dashboard.core.config import ScoringRule
    from dashboard.scoring_lab.rule_editor import decode, encode

    proposal = (ScoringRule("company_size", ">=", 200, 50), ScoringRule("demo_requested", "=", True, 50))
    assert decode(encode(proposal)) == (proposal, None)
    assert decode("not json") == (None, "not JSON")
    app = open_page(LAB, {"lab_rules": encode(proposal)})
    assert not app.exception
    # The same edit as above, read from a shared link: 11 leads re-scored, 8 new MQLs.
    assert metrics(app)["Leads re-scored"] == "11"
    assert metrics(app)["Become MQLs"] == "8"


def test_scoring_lab_opens_on_the_latest_mature_range_of_the_sample(monkeypatch):
    monkeypatch.delenv("SLA_CONFIG", raising=False)
    app = open_page(LAB)
    assert not app.exception
    # As of 31 Oct 2026 three in four won deals close within 116 days of lead creation: leads created up to
    # 7 Jul have had that long, so the latest six whole months are January to June 2026.
    assert app.date_input(key="date_range").value == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert app.selectbox(key="sla").value == "FY2026 H1"  # the version in force over that range
    assert any("latest six months whose leads have had time to close" in info.value for info in app.info)
    assert not any("still maturing" in warning.value for warning in app.warning)


def test_a_threshold_move_explains_why_no_lead_is_re_scored(lab_config):
    app = open_page(LAB)
    app.slider(key="lab_threshold").set_value(30).run()
    assert metrics(app)["Leads re-scored"] == "0"
    assert any(caption.value.startswith("0 leads re-scored: moving the threshold (50 → 30)") for caption in app.caption)


def test_scoring_lab_states_its_counting_basis(lab_config):
    app = open_page(LAB)
    assert any(caption.value.startswith("Counting basis: leads created in the range") for caption in app.caption)


def test_the_lab_says_a_definition_without_rules_has_nothing_to_re_score(lab_config):
    text = lab_config.read_text(encoding="utf-8")
    without = text.replace('  { attribute = "company_size", op = ">=", value = 200, points = 30 },\n'
                           '  { attribute = "demo_requested", op = "=", value = true, points = 50 },\n', "")
    lab_config.write_text(without.replace("mql_threshold = 50", "mql_threshold = 1"), encoding="utf-8")
    app = open_page(LAB)
    assert not app.exception
    assert any("has scoring rules, so re-scoring would make no lead an MQL" in info.value for info in app.info)
    assert not app.metric  # no "MQLs 0" under a definition that scores nobody
