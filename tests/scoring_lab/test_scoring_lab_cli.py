"""`python -m dashboard scoring-lab` (and its alias `scoring`) on the twenty hand-made leads of
lab_company.py; the expected figures are those worked out by hand there and in test_scoring_lab.py."""

import json

import pytest

from dashboard.cli import main
from tests.companies.builders import build_database
from tests.companies.lab_company import LAB_TABLES

RANGE = ["--start", "2026-03-01", "--end", "2026-04-30"]


@pytest.fixture
def lab_config(tmp_path):
    database = build_database(tmp_path / "lab", LAB_TABLES)
    database.close()
    return str(database.config.path)


def run_json(capsys, *args) -> dict:
    assert main(list(args)) == 0
    return json.loads(capsys.readouterr().out)


def test_the_current_definition_gives_the_hand_worked_figures(lab_config, capsys):
    payload = run_json(capsys, "scoring-lab", "--config", lab_config, *RANGE, "--json")
    current = payload["current"]
    assert (payload["leads"], current["threshold"], current["rules"]) == (20, 50, 2)
    # MQLs at 50: L03, L13, L19 (80) and L08 (50); SQLs and won: L03, L13, L19 = 90,000
    assert (current["mqls"], current["sqls_observed"], current["won_observed"]) == (4, 3, 3)
    assert current["revenue_captured_observed"] == 90_000 and current["revenue_missed"] == 55_000
    assert current["mql_to_sql_rate"] == 0.75
    assert payload["proposed"] == current and payload["changes"] == {"leads_rescored": 0, "became_mqls": 0,
                                                                     "dropped_out": 0}


def test_a_lower_threshold_hands_off_the_30_point_leads(lab_config, capsys):
    payload = run_json(capsys, "scoring", "--config", lab_config, *RANGE, "--threshold", "30", "--json")
    proposed = payload["proposed"]
    # score >= 30: the eight 30-point leads, the three 80s and L08; ten of them were handed off
    assert (proposed["threshold"], proposed["mqls"], proposed["mqls_observed"]) == (30, 12, 10)
    # every won lead now: 10,000 + 25,000 + 40,000 + 5,000 + 30,000 + 35,000
    assert proposed["revenue_captured_observed"] == 145_000 and proposed["revenue_missed"] == 0
    assert payload["changes"] == {"leads_rescored": 0, "became_mqls": 8, "dropped_out": 0}


def test_a_rules_file_from_the_lab_is_scored(lab_config, tmp_path, capsys):
    rules = tmp_path / "proposal.toml"
    rules.write_text('[sla.lead_definition]\nmql_threshold = 50\nrules = [\n'
                     '  { attribute = "demo_requested", op = "=", value = true, points = 50 },\n]\n', encoding="utf-8")
    payload = run_json(capsys, "scoring", "--config", lab_config, *RANGE, "--rules", str(rules), "--json")
    proposed = payload["proposed"]
    # demo only: L03, L08, L13, L19 score 50 and stay MQLs; the 30-point size rule is gone
    assert (proposed["rules"], proposed["mqls"], proposed["sqls_observed"]) == (1, 4, 3)
    assert payload["changes"]["leads_rescored"] == 11 and payload["changes"]["became_mqls"] == 0
    assert payload["rules_file"] == str(rules)


def test_the_text_output_sets_current_beside_proposed(lab_config, capsys):
    assert main(["scoring", "--config", lab_config, *RANGE, "--threshold", "30"]) == 0
    out = capsys.readouterr().out
    assert "20 leads" in out and "Proposed: threshold 30" in out
    line = next(line for line in out.splitlines() if line.startswith("MQLs "))
    assert line.split()[-2:] == ["4", "12"]


def test_a_bad_rules_file_is_refused_naming_the_file_and_the_key(lab_config, tmp_path, capsys):
    rules = tmp_path / "bad.toml"
    rules.write_text('[sla.lead_definition]\nmql_threshold = 50\nrules = [\n'
                     '  { attribute = "shoe_size", op = ">=", value = 3, points = 50 },\n]\n', encoding="utf-8")
    assert main(["scoring", "--config", lab_config, *RANGE, "--rules", str(rules)]) == 2
    err = capsys.readouterr().err
    assert str(rules) in err and "rules[1].attribute" in err
    assert main(["scoring", "--config", lab_config, "--rules", str(tmp_path / "missing.toml")]) == 2
    assert "cannot read the rules file" in capsys.readouterr().err


def test_a_stage_the_extract_lacks_is_null_and_not_tracked(tmp_path, capsys):
    database = build_database(tmp_path / "lab", LAB_TABLES, drop={"leads": ("sql_at",)})
    database.close()
    config = str(database.config.path)
    payload = run_json(capsys, "scoring", "--config", config, *RANGE, "--json")
    assert payload["current"]["mql_to_sql_rate"] is None and payload["current"]["sqls_observed"] is None
    assert payload["current"]["mqls"] == 4  # the hand-off is still known
    assert main(["scoring", "--config", config, *RANGE]) == 0
    line = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("MQL → SQL"))
    assert line.split()[-4:] == ["not", "tracked", "not", "tracked"]


def test_a_definition_without_rules_is_told_not_scored_as_no_mqls(lab_config, capsys, tmp_path):
    """Olist's config has no scoring rules: the lab printed MQLs 0 against the funnel's 8,000."""
    path = lab_config
    text = open(path, encoding="utf-8").read()
    without = text.replace('  { attribute = "company_size", op = ">=", value = 200, points = 30 },\n'
                           '  { attribute = "demo_requested", op = "=", value = true, points = 50 },\n', "")
    without = without.replace("mql_threshold = 50", "mql_threshold = 1")  # the highest score a rule-less one allows
    assert without != text
    open(path, "w", encoding="utf-8").write(without)
    assert main(["scoring-lab", "--config", path, *RANGE]) == 2
    error = capsys.readouterr().err
    assert "has no scoring rules" in error and "--rules FILE" in error
    rules = tmp_path / "proposal.toml"
    rules.write_text('[sla.lead_definition]\nmql_threshold = 50\nrules = [\n'
                     '  { attribute = "demo_requested", op = "=", value = true, points = 50 },\n]\n', encoding="utf-8")
    # a proposal can still be tested against the rule-less definition: demo only gives L03, L08, L13, L19
    assert run_json(capsys, "scoring", "--config", path, *RANGE, "--rules", str(rules), "--json")["proposed"]["mqls"] == 4
