"""A lead-scoring export used as it is (tests/companies/lead_scoring_export.py, shaped like Kaggle's
"X Education" file): no dates, no deals table, a 0/1 Converted column and attributes of its own.

The scoring lab's figures are checked against a hand count of eight leads, on the command line
and on the page; the funnel reads them all time; pages that need dates say so; and `map` drafts a
config for a seeded export of the same shape that loads and gives the same counts.
"""

import json
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.core import formatting
from dashboard.core.config import load_config
from tests.companies.lead_scoring_export import hand_rows, seeded_rows, write_export

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
# Scores of the eight hand rows under these rules (threshold 30):
#   660001 Reference 20 + 800 s 15 + 2.5/visit 0 + High 10      = 45  MQL  converted
#   660002 Google     0 + 650 s 15 + 3.0/visit 5                 = 20       not converted
#   660003 Welingak  20 + 100 s  0 + 1.0 0 + do not email -20    =  0       converted (missed)
#   660004 Olark      0                                          =  0       not converted
#   660005 Google     0 + 1200 s 15 + 3.5 5 + High 10            = 30  MQL  converted
#   660006 Reference 20 + 300 s  0 + 2.6 5                       = 25       not converted
#   660007 Direct     0 + 601 s 15 + 2.0 0 + High 10             = 25       converted (missed)
#   660008 Reference 20 + 900 s 15 + 2.0 0 + Low 0               = 35  MQL  not converted
# At 30: 3 MQLs (660001, 660005, 660008), 2 of them converted: MQL -> won 2/3; won missed 2.
# At 25: 660006 and 660007 join: 5 MQLs, 3 converted: 3/5; won missed 1 (660003).
# All time: 8 leads, 4 converted: lead -> won 4/8 = 50 %.
CONFIG = """
[data]
folder = "{folder}"
stages_not_tracked = ["mql", "sql"]

[[data.accepted_findings]]
check = "stage_column_missing"
table = "leads"
column = "created_at"
reason = "a lead-scoring export has no dates"

[data.tables.leads]
path = "Leads.csv"
outcome = {{ converted = "Converted" }}

[data.tables.leads.columns]
lead_id = "Lead Number"

[data.tables.leads.attributes]
lead_source = {{ column = "Lead Source", type = "category" }}
do_not_email = {{ column = "Do Not Email", type = "flag" }}
time_on_site = {{ column = "Total Time Spent on Website", type = "number" }}
page_views_per_visit = {{ column = "Page Views Per Visit", type = "number" }}
lead_quality = {{ column = "Lead Quality", type = "category" }}

[[sla]]
name = "FY2026"
start = 2026-01-01
end = 2026-12-31
quota = 100000

[sla.lead_definition]
mql_threshold = 30
rules = [
  {{ attribute = "lead_source", op = "in", value = ["Reference", "Welingak Website"], points = 20 }},
  {{ attribute = "time_on_site", op = ">=", value = 600, points = 15 }},
  {{ attribute = "page_views_per_visit", op = ">", value = 2.5, points = 5 }},
  {{ attribute = "do_not_email", op = "=", value = true, points = -20 }},
  {{ attribute = "lead_quality", op = "in", value = ["High in Relevance"], points = 10 }},
]

[sla.follow_up]
first_touch_within_hours = 4
min_attempts = 3
attempt_window_days = 10
"""


@pytest.fixture(scope="module")
def hand_config(tmp_path_factory):
    root = tmp_path_factory.mktemp("lead_scoring")
    folder = root / "exports"
    write_export(folder, hand_rows())
    path = root / "lead_scoring.toml"
    path.write_text(CONFIG.format(folder=folder.as_posix()), encoding="utf-8")
    return path


def run_json(capsys, *argv) -> tuple[int, dict | None, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert "Traceback" not in err
    return code, (json.loads(out) if out.strip().startswith("{") else None), err


def test_the_scoring_lab_command_matches_the_hand_count(hand_config, capsys):
    code, payload, _ = run_json(capsys, "scoring-lab", "--config", str(hand_config), "--json", "--threshold", "25")
    assert code == 0 and payload["all_time"] and payload["start"] is None
    assert payload["leads"] == 8 and payload["handed_off"] == 8  # every lead's outcome is known
    current, proposed = payload["current"], payload["proposed"]
    assert current["mqls"] == 3 and current["won_observed"] == 2 and current["won_missed"] == 2
    assert current["mql_to_won_rate"] == pytest.approx(2 / 3)
    assert current["mqls_estimated"] == 0 and current["won_estimated"] == 0
    assert proposed["mqls"] == 5 and proposed["mql_to_won_rate"] == pytest.approx(3 / 5) and proposed["won_missed"] == 1
    assert payload["changes"] == {"leads_rescored": 0, "became_mqls": 2, "dropped_out": 0}
    # no SQL stage, no amounts, no month: null, never 0
    assert current["mql_to_sql_rate"] is None and current["revenue_missed"] is None
    assert current["mqls_per_month"] is None


def test_the_funnel_command_reads_undated_leads_all_time(hand_config, capsys):
    code, payload, _ = run_json(capsys, "funnel", "--config", str(hand_config), "--json")
    assert code == 0 and payload["view"] == "all_time"
    stages = {row["stage"]: row for row in payload["stages"]}
    assert stages["Leads"]["count"] == 8 and stages["Won deals"]["count"] == 4
    assert stages["Won deals"]["rate_from_previous"] == pytest.approx(0.5)
    assert stages["MQLs"]["count"] is None and stages["Sessions"]["count"] is None


def test_commands_that_need_dates_say_so_in_one_line(hand_config, capsys):
    for command in (["kpis"], ["plan"], ["report", "--out", str(hand_config.parent / "r.html")]):
        code, _, err = run_json(capsys, command[0], "--config", str(hand_config), *command[1:])
        assert code == 2 and "no dated" in err, (command, err)
    code, payload, _ = run_json(capsys, "validate", "--config", str(hand_config), "--json")
    assert code == 0, payload["findings"]  # the undated leads are an accepted finding, not an error


def test_the_pages_on_undated_leads(hand_config, monkeypatch):
    monkeypatch.setenv("SLA_CONFIG", str(hand_config))
    app = AppTest.from_file(APP, default_timeout=60)
    app.switch_page("app_pages/scoring_lab.py").run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["MQLs"] == "3" and metrics["MQL → won"] == formatting.pct(2 / 3)
    assert metrics["MQL → SQL"] == "not tracked" and metrics["Won revenue captured"] == "not tracked"
    app.slider(key="lab_threshold").set_value(25).run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["MQLs"] == "5" and metrics["MQL → won"] == formatting.pct(3 / 5)

    app.switch_page("app_pages/funnel.py").run()
    assert not app.exception
    metrics = {metric.label: metric.value for metric in app.metric}
    assert metrics["Leads"] == "8" and metrics["Won deals"] == "4" and metrics["MQLs"] == "—"

    app.switch_page("app_pages/review.py").run()
    assert not app.exception
    assert any("needs dated records" in info.value for info in app.info)


def test_map_drafts_a_config_for_the_export_that_loads_with_the_outcome_and_typed_attributes(tmp_path, capsys):
    rows = seeded_rows(400)
    folder = tmp_path / "kaggle"
    write_export(folder, rows)
    out = tmp_path / "drafted.toml"
    assert main(["map", str(folder), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "leads <- Leads.csv" in printed
    text = out.read_text(encoding="utf-8")
    config = load_config(out)
    leads = config.data.tables["leads"]
    assert leads.outcome.converted == "Converted" and "deals" not in config.data.tables
    assert leads.columns["lead_id"] == "Lead Number" and leads.columns["channel"] == "Lead Source"
    types = {attribute.column: attribute.type for attribute in leads.attributes}
    assert types["Total Time Spent on Website"] == "number" and types["Page Views Per Visit"] == "number"
    assert types["Do Not Email"] == "flag" and types["Lead Quality"] == "category" and types["Tags"] == "category"
    assert "Prospect ID" not in types  # an id is no attribute
    assert "lead" not in config.data.stages_not_tracked  # undated leads are counted all time
    assert "# no deals file: 'Converted'" in text
    code, payload, _ = run_json(capsys, "funnel", "--config", str(out), "--json")
    stages = {row["stage"]: row["count"] for row in payload["stages"]}
    assert code == 0 and stages["Leads"] == 400 and stages["Won deals"] == sum(row["Converted"] for row in rows)
