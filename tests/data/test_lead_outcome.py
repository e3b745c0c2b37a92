"""A lead-scoring export: one row per lead with a converted flag (or a won date), no deals table.

The outcome is mapped with [data.tables.leads.outcome]; each converted lead is one won deal, the
deals table becomes optional, and the scoring lab reads every lead's outcome as observed.
"""

import datetime as dt

import pytest

from dashboard.core.config import ConfigError, load_config
from dashboard.data import Database
from dashboard.data_health.checks import validate
from dashboard.funnel import data as metrics
from dashboard.funnel.domain import Filters
from dashboard.scoring_lab import domain as lab
from dashboard.scoring_lab.data import lab_for
from tests.companies.builders import MINIMAL_SLA

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
# Scores under MINIMAL_SLA (company_size >= 200: 30 points, demo requested: 50; MQL at 50):
#   L1 500 yes -> 80 MQL, converted      L2 500 no  -> 30,     not converted
#   L3  10 yes -> 50 MQL, converted      L4  10 no  ->  0,     converted (a won lead the rules miss)
#   L5 300 yes -> 80 MQL, not converted  L6 1000 no -> 30,     "maybe": neither, so not converted
LEADS_CSV = """Lead Number,Created,Company Size,Demo,Converted,Won On,Value
L1,2026-03-02,500,true,1,2026-03-20,1000
L2,2026-03-03,500,false,0,,
L3,2026-03-04,10,true,1,2026-04-02,500
L4,2026-03-05,10,false,Yes,2026-03-28,250
L5,2026-03-06,300,true,0,,
L6,2026-03-07,1000,false,maybe,,
"""


def write_export(tmp_path, outcome: str, deals: bool = False, as_of: str = "2026-04-30") -> Database:
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "leads.csv").write_text(LEADS_CSV, encoding="utf-8")
    config = tmp_path / "scoring.toml"
    config.write_text(f"""
[data]
folder = "{folder.as_posix()}"
as_of = {as_of}
stages_not_tracked = ["mql", "sql"]
[data.tables.leads]
path = "leads.csv"
{outcome}
[data.tables.leads.columns]
lead_id = "Lead Number"
created_at = "Created"
company_size = "Company Size"
demo_requested = "Demo"
""" + ('[data.tables.deals]\npath = "leads.csv"\n' if deals else "") + MINIMAL_SLA, encoding="utf-8")
    return Database(load_config(config))


def test_a_converted_flag_makes_one_won_deal_per_converted_lead(tmp_path):
    database = write_export(tmp_path, 'outcome = { converted = "Converted" }')
    deals = database.cursor().sql("select deal_id, lead_id, status, closed_at from deals order by deal_id").fetchall()
    # 1 and Yes are yes; 0 is no; "maybe" is neither and is reported, not guessed
    assert deals == [("L1", "L1", "won", None), ("L3", "L3", "won", None), ("L4", "L4", "won", None)]
    catalog = database.catalog
    assert catalog.outcome_on_leads
    assert not catalog.stage_tracked("won") and catalog.stage_tracked_all_time("won")  # no date: no month to count it in
    assert not catalog.outcomes_tracked and not catalog.revenue_tracked  # no lost deals, no amounts
    warning = [p for p in catalog.problems if p.check == "wrong_type" and p.column == "converted"]
    assert len(warning) == 1 and warning[0].count == 1 and "'maybe'" in warning[0].message
    assert "data.tables.leads.outcome.converted" in warning[0].message


def test_a_won_date_dates_the_won_stage_and_an_amount_gives_revenue(tmp_path):
    database = write_export(tmp_path, 'outcome = { converted = "Converted", won_at = "Won On", amount = "Value" }')
    assert database.catalog.stage_tracked("won") and database.catalog.revenue_tracked
    summary = metrics.revenue_summary(database, *MARCH)
    # won in March: L1 (1000) and L4 (250); L3 was won on 2 April
    assert summary.won_deals == 2 and summary.won_revenue == pytest.approx(1250)
    assert summary.win_rate is None and summary.lost_deals is None  # converted or not is no lost deal


def test_the_scoring_lab_reads_every_leads_outcome_as_observed(tmp_path):
    database = write_export(tmp_path, 'outcome = { converted = "Converted" }')
    rules = database.config.slas[0].lead_definition.rules
    data = lab_for(database, *MARCH, Filters())
    assert data.won_tracked and not data.revenue_tracked
    groups = data.groups
    scores = lab.group_scores(groups, rules)
    figures = lab.evaluate(lab.score_histogram(groups, scores, rules), 50).total
    assert figures["leads"] == 6 and figures["handed_off_in_history"] == 6  # every outcome is known
    assert figures["mqls"] == 3 and figures["mqls_estimated"] == 0  # L1, L3, L5
    assert figures["won_observed"] == 2 and figures["won_estimated"] == 0  # L1, L3
    assert figures["mql_to_won_rate"] == pytest.approx(2 / 3)
    assert figures["won_missed"] == 1  # L4


def test_data_health_names_the_deals_read_from_the_leads(tmp_path):
    database = write_export(tmp_path, 'outcome = { converted = "Converted" }')
    report = validate(database)
    deals = next(table for table in report.tables if table.table == "deals")
    assert deals.status == "from leads" and deals.rows == 3


def test_without_deals_or_an_outcome_the_config_says_where_the_sale_is(tmp_path):
    with pytest.raises(ConfigError) as error:
        write_export(tmp_path, "")
    assert any(p.startswith("data.tables.deals:") and "data.tables.leads.outcome" in p for p in error.value.problems)


@pytest.mark.parametrize("outcome, key", [
    ("outcome = { }", "data.tables.leads.outcome"),
    ('outcome = { amount = "Value" }', "data.tables.leads.outcome.converted"),
    ('outcome = { converted = "Converted", won = "Won On" }', "data.tables.leads.outcome.won"),
])
def test_a_bad_outcome_mapping_names_its_key(tmp_path, outcome, key):
    with pytest.raises(ConfigError) as error:
        write_export(tmp_path, outcome)
    assert any(p.startswith(key + ":") for p in error.value.problems), error.value.problems


def test_an_outcome_and_a_deals_table_together_are_refused(tmp_path):
    with pytest.raises(ConfigError) as error:
        write_export(tmp_path, 'outcome = { converted = "Converted" }', deals=True)
    assert any(p.startswith("data.tables.leads.outcome:") for p in error.value.problems)
