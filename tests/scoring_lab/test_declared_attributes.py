"""Scoring attributes the config declares: any lead column, typed number, category or flag.

`[data.tables.leads.attributes]` names them; `[sla.lead_definition]` rules, the lab's rule editor
(its URL rules) and its binning accept them. The SQL reads fixed slot columns, so no column name
from the config reaches it, and values are bound as parameters.
"""

import datetime as dt

import pytest

from dashboard.core.config import ConfigError, ScoringRule, load_config
from dashboard.data import Database
from dashboard.funnel.domain import Filters
from dashboard.scoring_lab import domain as lab
from dashboard.scoring_lab.data import available_attributes, lab_for

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
# Rules: lead_source in [Google, Reference] +10, page_views > 1.5 +10, do_not_email -20.
#   A Google     2.5  No  -> 20, converted     B Google    1.5 No -> 10 (1.5 is not > 1.5)
#   C Olark Chat 3    No  -> 10, converted     D Direct    1.5 Yes -> -20
#   E Google     (empty) No -> 10, converted   F Reference 0.5 No -> 10
LEADS_CSV = """Lead Number,Created,Lead Source,Page Views Per Visit,Do Not Email,Converted
A,2026-03-01,Google,2.5,No,1
B,2026-03-02,Google,1.5,No,0
C,2026-03-03,Olark Chat,3,No,1
D,2026-03-04,Direct,1.5,Yes,0
E,2026-03-05,Google,,No,1
F,2026-03-06,Reference,0.5,No,0
"""
ATTRIBUTES = """
[data.tables.leads.attributes]
lead_source = { column = "Lead Source", type = "category" }
page_views = { column = "Page Views Per Visit", type = "number" }
do_not_email = { column = "Do Not Email", type = "flag" }
"""
RULES = """
  { attribute = "lead_source", op = "in", value = ["Google", "Reference"], points = 10 },
  { attribute = "page_views", op = ">", value = 1.5, points = 10 },
  { attribute = "do_not_email", op = "=", value = true, points = -20 },
"""


def config_text(folder, attributes: str = ATTRIBUTES, rules: str = RULES, threshold: int = 20) -> str:
    return f"""
[data]
folder = "{folder.as_posix()}"
as_of = 2026-04-30
stages_not_tracked = ["mql", "sql"]
[data.tables.leads]
path = "leads.csv"
outcome = {{ converted = "Converted" }}
[data.tables.leads.columns]
lead_id = "Lead Number"
created_at = "Created"
{attributes}
[[sla]]
name = "FY2026"
start = 2026-01-01
end = 2026-12-31
quota = 100000
[sla.lead_definition]
mql_threshold = {threshold}
rules = [{rules}]
[sla.follow_up]
first_touch_within_hours = 4
min_attempts = 3
attempt_window_days = 10
"""


def write(tmp_path, csv: str = LEADS_CSV, **kwargs):
    folder = tmp_path / "exports"
    folder.mkdir(exist_ok=True)
    (folder / "leads.csv").write_text(csv, encoding="utf-8")
    path = tmp_path / "scoring.toml"
    path.write_text(config_text(folder, **kwargs), encoding="utf-8")
    return path


def problems_of(path) -> list[str]:
    with pytest.raises(ConfigError) as error:
        load_config(path)
    return error.value.problems


def test_rules_read_declared_attributes_and_their_types(tmp_path):
    config = load_config(write(tmp_path))
    rules = config.slas[0].lead_definition.rules
    assert [rule.attribute for rule in rules] == ["lead_source", "page_views", "do_not_email"]
    assert config.data.scoring_attributes["page_views"] == "number"
    assert config.data.scoring_attributes["lead_source"] == "label"
    assert config.data.scoring_attributes["do_not_email"] == "flag"
    # each type its own slot of the leads view, in declaration order
    assert [a.slot for a in config.data.declared_attributes] == ["category_1", "number_1", "flag_1"]


@pytest.mark.parametrize("attributes, rules, key", [
    # a rule on an attribute nobody declared
    (ATTRIBUTES, '{ attribute = "tags", op = "in", value = ["x"], points = 5 }',
     "sla[1] (FY2026).lead_definition.rules[1].attribute"),
    # a number compared with text
    (ATTRIBUTES, '{ attribute = "page_views", op = ">", value = "two", points = 5 }',
     "sla[1] (FY2026).lead_definition.rules[1].value"),
    ('[data.tables.leads.attributes]\ntags = "label"', RULES, "data.tables.leads.attributes.tags"),
    ('[data.tables.leads.attributes]\n"Lead Source" = "category"', RULES, "data.tables.leads.attributes.Lead Source"),
    ('[data.tables.leads.attributes]\nindustry = "category"', RULES, "data.tables.leads.attributes.industry"),
    ('[data.tables.leads.attributes]\nlead_source = { column = "Lead Source" }', RULES,
     "data.tables.leads.attributes.lead_source.type"),
])
def test_a_bad_declaration_or_rule_names_its_config_key(tmp_path, attributes, rules, key):
    problems = problems_of(write(tmp_path, attributes=attributes, rules=rules))
    assert any(problem.startswith(key + ":") for problem in problems), problems


def test_more_attributes_of_a_type_than_the_lab_has_slots_for_is_refused(tmp_path):
    declared = "\n".join(f'flag_{i} = {{ column = "Do Not Email", type = "flag" }}' for i in range(1, 10))
    problems = problems_of(write(tmp_path, attributes="[data.tables.leads.attributes]\n" + declared))
    assert any(p.startswith("data.tables.leads.attributes.flag_9:") and "at most 8 flag" in p for p in problems)


def test_declared_attributes_are_read_as_their_type(tmp_path):
    database = Database(load_config(write(tmp_path)))
    rows = database.cursor().sql("select lead_id, category_1, number_1, flag_1 from leads order by lead_id").fetchall()
    assert rows[0] == ("A", "Google", 2.5, False)
    assert rows[3] == ("D", "Direct", 1.5, True)  # Yes is true
    assert rows[4] == ("E", "Google", None, False)  # an empty value stays missing
    assert available_attributes(database) == ("lead_source", "page_views", "do_not_email")


def test_a_declared_column_that_is_missing_or_of_another_type_is_reported_by_key(tmp_path):
    csv = LEADS_CSV.replace("Page Views Per Visit", "Views").replace("A,2026-03-01,Google,2.5,No", "A,2026-03-01,Google,2.5,Maybe")
    database = Database(load_config(write(tmp_path, csv=csv)))
    problems = {problem.column: problem for problem in database.catalog.problems if problem.column in
                ("page_views", "do_not_email")}
    assert problems["page_views"].check == "column_missing"
    assert problems["page_views"].message.startswith("data.tables.leads.attributes.page_views names 'Page Views Per Visit'")
    assert problems["do_not_email"].check == "wrong_type" and "'Maybe'" in problems["do_not_email"].message
    assert "data.tables.leads.attributes.do_not_email" in problems["do_not_email"].message
    # both are left out; the leads and the other attribute stay
    assert available_attributes(database) == ("lead_source",)


def test_the_lab_rescores_declared_attributes_exactly_on_a_fractional_threshold(tmp_path):
    database = Database(load_config(write(tmp_path)))
    rules = database.config.slas[0].lead_definition.rules
    data = lab_for(database, *MARCH, Filters())
    groups = data.groups
    scores = lab.group_scores(groups, rules)
    hist = lab.score_histogram(groups, scores, rules)
    at_20 = lab.evaluate(hist, 20).total
    # only A reaches 20; B's 1.5 is not > 1.5, so it shares no bin with A's 2.5
    assert at_20["leads"] == 6 and at_20["mqls"] == 1
    assert at_20["won_observed"] == 1 and at_20["mql_to_won_rate"] == pytest.approx(1.0)
    assert at_20["won_missed"] == 2  # C and E converted below the threshold
    at_10 = lab.evaluate(hist, 10).total
    # A, B, C, E, F; of them A, C, E converted
    assert at_10["mqls"] == 5 and at_10["mql_to_won_rate"] == pytest.approx(3 / 5)
    assert at_10["mqls_estimated"] == 0  # every outcome is known


def test_a_proposal_on_declared_attributes_passes_the_configs_checks(tmp_path):
    config = load_config(write(tmp_path))
    proposal = lab.LeadDefinition(mql_threshold=10, rules=(ScoringRule("page_views", ">=", 2, 10),))
    snippet = lab.lead_definition_toml(proposal, "FY2026")
    checked, problems = lab.check_lead_definition(snippet, config.data.declared_attributes)
    assert problems == [] and checked.rules[0].attribute == "page_views"
    _, problems = lab.check_lead_definition(snippet)  # without the declaration it is no attribute
    assert problems and "attribute" in problems[0]
