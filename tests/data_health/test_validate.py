"""Each data health check on the hand-built company of conftest.py, changed a few rows at a
time; every expected count and date was worked out by hand from those rows."""

import datetime as dt

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.funnel import data as metrics
from dashboard.core.config import Team, load_config
from dashboard.data import Database
from dashboard.data_health.checks import (
    ERROR,
    WARNING,
    channel_findings,
    main_span,
    rep_team_findings,
    status_findings,
    validate,
)
from tests.companies.builders import MINIMAL_SLA, build_database, write_config, write_table
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC

TABLES = {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES}


def report_for(tmp_path, changes: dict | None = None, **options):
    database = build_database(tmp_path / "extracts", {**TABLES, **(changes or {})}, **options)
    try:
        return validate(database)
    finally:
        database.close()


def by_key(report) -> dict:
    return {(f.check, f.table, f.column): f for f in report.findings}


def test_the_hand_built_company_passes_every_check_but_freshness(tmp_path):
    report = report_for(tmp_path)
    # as-of: the latest record is D6 closed 2026-04-10; the span starts with L7 created 2026-01-05
    assert report.as_of == dt.date(2026, 4, 10) and report.as_of_source == "data"
    assert report.data_span == (dt.date(2026, 1, 5), dt.date(2026, 4, 10))
    # traffic ends 04-01: 9 days behind; touches end 03-02 (T1): 29 + 10 = 39 days behind;
    # leads end 04-03 (L8's MQL): 7 days, within the 7-day tolerance; deals end on the as-of date
    lags = {table.table: table.lag_days for table in report.tables}
    assert lags == {"traffic": 9, "leads": 7, "touches": 39, "deals": 0, "reps": None}
    assert set(by_key(report)) == {("stale_table", "traffic", "date"), ("stale_table", "touches", "touched_at")}
    assert report.exit_code == 1 and not report.errors


def test_duplicate_ids_count_the_extra_rows(tmp_path):
    leads = LEADS + [LEADS[0], LEADS[0], LEADS[1]]
    finding = by_key(report_for(tmp_path, {"leads": leads}))[("duplicate_id", "leads", "lead_id")]
    # L1 three times (2 extra), L2 twice (1 extra): 3 extra rows over 2 ids, L1 first (most rows)
    assert finding.count == 3 and finding.severity == ERROR
    assert "2 lead_id value(s) appear more than once" in finding.message
    assert [example["record"] for example in finding.examples] == ["L1", "L2"]
    assert finding.examples[0]["detail"] == "3 rows"


def test_duplicate_traffic_days_are_keyed_on_day_and_channel(tmp_path):
    traffic = TRAFFIC + [{"date": "2026-03-01", "channel": "paid", "sessions": 5},
                         {"date": "2026-03-01", "channel": "direct", "sessions": 5}]
    report = report_for(tmp_path, {"traffic": traffic})
    # 3/1 paid now twice (1 extra); 3/1 direct is a new pair, not a duplicate
    assert by_key(report)[("duplicate_id", "traffic", "date")].count == 1


def test_required_values_that_are_empty_are_counted_per_column(tmp_path):
    leads = LEADS + [{"lead_id": "L9", "created_at": None}, {"lead_id": None, "created_at": "2026-03-03"}]
    deals = DEALS + [{"deal_id": "D7", "status": None, "created_at": "2026-03-03"}]
    found = by_key(report_for(tmp_path, {"leads": leads, "deals": deals}))
    assert found[("missing_value", "leads", "created_at")].count == 1
    assert found[("missing_value", "leads", "created_at")].examples[0]["record"] == "L9"
    assert found[("missing_value", "leads", "lead_id")].count == 1
    assert found[("missing_value", "leads", "lead_id")].examples[0]["detail"] == "created_at 2026-03-03 00:00:00"
    assert found[("missing_value", "deals", "status")].count == 1


def test_references_to_unknown_leads_and_reps_are_warnings(tmp_path):
    deals = DEALS + [{"deal_id": "D7", "lead_id": "L99", "owner_id": "R2", "created_at": "2026-03-03", "status": "open"}]
    touches = TOUCHES + [
        {"touch_id": "T2", "lead_id": "L99", "rep_id": "R1", "touched_at": "2026-03-04"},
        {"touch_id": "T3", "lead_id": "L98", "rep_id": "R9", "touched_at": "2026-03-04"},
        {"touch_id": "T4", "lead_id": "L1", "rep_id": "R9", "touched_at": "2026-03-05"},
    ]
    leads = LEADS + [{"lead_id": "L9", "created_at": "2026-03-03", "owner_id": "R3"}]
    found = by_key(report_for(tmp_path, {"deals": deals, "touches": touches, "leads": leads}))
    assert found[("orphan_lead", "deals", "lead_id")].count == 1
    # T2 on L99 and T3 on L98: two touches on two missing leads
    orphan_touches = found[("orphan_lead", "touches", "lead_id")]
    assert orphan_touches.count == 2 and "on 2 lead(s)" in orphan_touches.message
    # T3 and T4 by R9: two touches by one unknown rep; L9 is owned by the unknown R3
    unknown = found[("unknown_rep", "touches", "rep_id")]
    assert unknown.count == 2 and unknown.examples[0] == {"record": "R9", "detail": "2 record(s), e.g. T3"}
    assert found[("unknown_rep", "leads", "owner_id")].count == 1
    assert all(f.severity == WARNING for f in found.values() if f.check in ("orphan_lead", "unknown_rep"))


def test_references_are_not_checked_against_a_table_the_extract_lacks(tmp_path):
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "touches": TOUCHES})
    report = validate(database)
    database.close()
    # without leads and reps every deal would look orphaned: no such findings
    assert not [f for f in report.findings if f.check in ("orphan_lead", "unknown_rep")]


def test_stages_in_an_impossible_order_are_found_per_stage(tmp_path):
    leads = LEADS + [
        {"lead_id": "L9", "created_at": "2026-03-10", "mql_at": "2026-03-09"},  # MQL before creation
        {"lead_id": "L10", "created_at": "2026-03-01", "mql_at": "2026-03-05", "sql_at": "2026-03-04"},  # SQL first
        {"lead_id": "L11", "created_at": "2026-03-01", "mql_at": "2026-03-01"},  # equal times are fine
    ]
    deals = DEALS + [
        {"deal_id": "D7", "created_at": "2026-03-10", "proposal_at": "2026-03-09", "closed_at": "2026-03-08",
         "status": "lost"},
        {"deal_id": "D8", "lead_id": "L1", "created_at": "2026-02-10", "status": "open"},  # L1 created 02-20
    ]
    touches = TOUCHES + [{"touch_id": "T2", "lead_id": "L1", "rep_id": "R1", "touched_at": "2026-02-19"}]
    found = by_key(report_for(tmp_path, {"leads": leads, "deals": deals, "touches": touches}))
    order = {key[1:]: f for key, f in found.items() if key[0] == "impossible_order"}
    assert {key: f.count for key, f in order.items()} == {
        ("leads", "mql_at"): 1, ("leads", "sql_at"): 1, ("deals", "proposal_at"): 1, ("deals", "closed_at"): 1,
        ("deals", "created_at"): 1, ("touches", "touched_at"): 1,
    }
    assert order[("leads", "sql_at")].examples[0] == {
        "record": "L10", "detail": "sql_at 2026-03-04 00:00:00 is before mql_at 2026-03-05 00:00:00"}
    assert "a touch before the lead existed" in order[("touches", "touched_at")].message


def test_a_duplicated_lead_an_orphan_touch_and_an_early_touch_are_told_apart(tmp_path):
    # ids, references and order are checked in one pass over the leads (validate_ids_and_order.sql):
    # L1 (created 2026-02-20) twice, once with a later creation date; T2 touches L1 on 02-19, before
    # the earlier of L1's two creation dates; T3 touches L99, which is not a lead
    leads = LEADS + [{**LEADS[0], "created_at": "2026-02-25"}]
    touches = TOUCHES + [{"touch_id": "T2", "lead_id": "L1", "rep_id": "R1", "touched_at": "2026-02-19"},
                         {"touch_id": "T3", "lead_id": "L99", "rep_id": "R1", "touched_at": "2026-03-04"}]
    found = by_key(report_for(tmp_path, {"leads": leads, "touches": touches}))
    assert found[("duplicate_id", "leads", "lead_id")].count == 1
    assert found[("orphan_lead", "touches", "lead_id")].count == 1
    assert found[("orphan_lead", "touches", "lead_id")].examples[0] == {
        "record": "L99", "detail": "1 record(s), e.g. T3"}
    early = found[("impossible_order", "touches", "touched_at")]
    assert early.count == 1 and early.examples[0]["record"] == "T2"
    assert not [key for key in found if key[0] == "impossible_order" and key[1] != "touches"]


def test_a_year_typo_is_a_future_date_and_does_not_move_the_as_of_date(tmp_path):
    leads = LEADS + [{"lead_id": "L9", "created_at": "2062-03-01"}]
    deals = DEALS + [{"deal_id": "D7", "created_at": "1900-01-01", "status": "open"}]
    report = report_for(tmp_path, {"leads": leads, "deals": deals})
    found = by_key(report)
    # the span with most records still ends 2026-04-10; 2062 and 1900 are runs of one record each
    assert report.as_of == dt.date(2026, 4, 10)
    future = found[("future_date", "leads", "created_at")]
    assert future.count == 1 and future.severity == ERROR and "set data.as_of = 2026-04-10" in future.message
    before = found[("date_before_data", "deals", "created_at")]
    assert before.count == 1 and before.severity == WARNING
    assert before.examples[0] == {"record": "D7", "detail": "created_at 1900-01-01 00:00:00"}
    # the freshness table leaves the outliers out: deals still start 2026-01-21 (D2)
    assert {t.table: t.first_day for t in report.tables}["deals"] == dt.date(2026, 1, 21)
    # while the pages, which take the latest record, would say 2062: hence the error
    database = build_database(tmp_path / "again", {**TABLES, "leads": leads})
    assert metrics.data_as_of(database) == dt.date(2062, 3, 1)
    database.close()


def test_records_after_a_configured_as_of_date_are_warnings(tmp_path):
    report = report_for(tmp_path, data_extra="as_of = 2026-03-31")
    found = {key[1:]: f.count for key, f in by_key(report).items() if key[0] == "future_date"}
    # from 04-01 on: traffic 04-01; L4 created 04-01 and MQL 04-02, L8 MQL 04-03; D6 proposal 04-02, closed 04-10
    assert found == {("traffic", "date"): 1, ("leads", "created_at"): 1, ("leads", "mql_at"): 2,
                     ("deals", "proposal_at"): 1, ("deals", "closed_at"): 1}
    assert report.as_of == dt.date(2026, 3, 31) and report.as_of_source == "config"
    assert all(f.severity == WARNING for f in report.findings if f.check == "future_date")


def test_won_deals_with_negative_or_no_amount(tmp_path):
    deals = [dict(deal) for deal in DEALS]
    deals[0]["amount"] = -100  # D1 won
    deals[1]["amount"] = None  # D2 won
    deals[3]["amount"] = 0  # D4 won
    deals[4]["amount"] = -5  # D5 lost: not a won deal, not counted
    found = by_key(report_for(tmp_path, {"deals": deals}))
    assert found[("won_amount_negative", "deals", "amount")].count == 1
    assert found[("won_amount_negative", "deals", "amount")].severity == ERROR
    # D2 (empty) and D4 (zero)
    missing = found[("won_amount_missing", "deals", "amount")]
    assert missing.count == 2 and missing.severity == WARNING
    assert [e["record"] for e in missing.examples] == ["D4", "D2"]  # zero sorts before empty


def test_unknown_statuses_are_an_error_with_a_mapping_to_paste(tmp_path):
    deals = [dict(deal) for deal in DEALS]
    deals[2]["status"] = "Pending"  # D3
    deals[4]["status"] = " Closed Lost"  # D5
    finding = by_key(report_for(tmp_path, {"deals": deals}))[("unknown_status", "deals", "status")]
    assert finding.count == 2 and finding.severity == ERROR
    assert 'open = ["pending"]' in finding.message and 'lost = ["closed lost"]' in finding.message


def test_a_status_mapping_matches_ignoring_case_and_spaces(tmp_path):
    deals = [dict(deal) for deal in DEALS]
    deals[0]["status"] = "Closed Won "  # D1
    deals[4]["status"] = "CLOSED LOST"  # D5
    database = build_database(tmp_path / "extracts", {**TABLES, "deals": deals},
                              extra='[data.tables.deals.values.status]\nwon = ["closed won"]\nlost = ["Closed Lost"]\n')
    report = validate(database)
    summary = metrics.revenue_summary(database, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    database.close()
    assert not [f for f in report.findings if f.check == "unknown_status"]
    assert summary.won_deals == 3 and summary.lost_deals == 1  # as in test_funnel_queries: D1, D2, D4 won; D5 lost


def test_channel_values_compared_between_leads_and_traffic():
    values = pd.DataFrame([
        ("leads", "channel", "paid", 4, "L1"), ("leads", "channel", "events", 2, "L9"),
        ("traffic", "channel", "paid", 3, "2026-03-01"), ("traffic", "channel", "direct", 5, "2026-03-01"),
        ("deals", "status", "won", 1, "D1"),
    ], columns=["table_name", "column_name", "value", "records", "example_record"])
    config = type("C", (), {"data": type("D", (), {"tables": {}})()})()
    found = {(f.table, f.check): f for f in channel_findings(values, config, True, True)}
    # leads from "events" have no traffic (2 leads); traffic for "direct" has no leads (5 rows)
    assert found[("leads", "channel_mismatch")].count == 2
    assert found[("traffic", "channel_mismatch")].count == 5
    assert channel_findings(values, config, True, False) == []  # without traffic nothing to compare


def test_status_findings_guess_the_contract_status():
    values = pd.DataFrame([
        ("deals", "status", "won", 3, "D1"), ("deals", "status", "closed won", 2, "D7"),
        ("deals", "status", "negotiation", 1, "D8"),
    ], columns=["table_name", "column_name", "value", "records", "example_record"])
    config = type("C", (), {"path": type("P", (), {"name": "sla.toml"})()})()
    (finding,) = status_findings(values, config)
    # 2 + 1 deals; most frequent first
    assert finding.count == 3 and "'closed won' (2), 'negotiation' (1)" in finding.message
    assert 'won = ["closed won"]; open = ["negotiation"]' in finding.message


def test_reps_are_checked_against_the_sales_teams_of_the_config():
    reps = pd.DataFrame([
        ("R1", "Ada", "East", "SDR"), ("R2", "Bo", "West", "AE"), ("R3", "Cy", None, "AE"), ("R4", "Di", "North", "AE"),
    ], columns=["rep_id", "name", "team", "role"])
    teams = (Team("East", "sales", ()), Team("South", "sales", ()), Team("Marketing", "marketing", ()))
    found = {f.check: f for f in rep_team_findings(reps, teams)}
    # West and North are not config teams, R3 has none: 3 reps; South has no reps
    assert found["rep_without_team"].count == 3
    assert "no team (1 rep), team 'North' (1 rep), team 'West' (1 rep)" in found["rep_without_team"].message
    assert "'South'" in found["team_without_reps"].message
    assert rep_team_findings(reps, (Team("Marketing", "marketing", ()),)) == []  # no sales teams: nothing to check


def test_the_main_span_is_the_run_with_most_records():
    runs = pd.DataFrame({
        "run_number": [1, 2, 3],
        "first_day": [dt.date(1900, 1, 1), dt.date(2025, 1, 1), dt.date(2062, 3, 1)],
        "last_day": [dt.date(1900, 1, 1), dt.date(2026, 10, 31), dt.date(2062, 3, 1)],
        "records": [2, 5000, 1],
        "active_days": [1, 600, 1],
    })
    assert main_span(runs) == (dt.date(2025, 1, 1), dt.date(2026, 10, 31))
    assert main_span(runs.iloc[0:0]) is None


def test_an_empty_table_is_an_error(tmp_path):
    found = by_key(report_for(tmp_path, {"traffic": []}))
    assert found[("empty_table", "traffic", None)].severity == ERROR


def test_values_of_the_wrong_type_leave_an_optional_column_out_and_name_it(tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    for name, rows in TABLES.items():
        write_table(folder, name, rows)
    deals = pq.read_table(folder / "deals.parquet")
    amounts = ["n/a" if deal["deal_id"] in ("D3", "D5") else str(deal["amount"]) for deal in DEALS]
    pq.write_table(deals.set_column(7, "amount", pa.array(amounts)), folder / "deals.parquet")
    database = Database(load_config(write_config(folder, tuple(TABLES))))
    (problem,) = database.catalog.problems
    assert (problem.check, problem.table, problem.column, problem.count, problem.examples) == (
        "wrong_type", "deals", "amount", 2, ("n/a",))
    assert "Column deals.amount is treated as not tracked" in problem.message
    summary = metrics.revenue_summary(database, dt.date(2026, 3, 1), dt.date(2026, 3, 31))
    assert summary.won_revenue is None and summary.won_deals == 3  # revenue not tracked, deals still counted
    database.close()


def test_a_required_column_of_the_wrong_type_leaves_the_table_out(tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    for name, rows in TABLES.items():
        write_table(folder, name, rows)
    touches = pq.read_table(folder / "touches.parquet")
    at = touches.schema.get_field_index("touched_at")
    epoch = pa.array([int(dt.datetime.fromisoformat(touch["touched_at"]).timestamp()) for touch in TOUCHES], pa.int64())
    pq.write_table(touches.set_column(at, "touched_at", epoch), folder / "touches.parquet")
    database = Database(load_config(write_config(folder, tuple(TABLES))))
    (problem,) = database.catalog.problems
    assert (problem.check, problem.column, problem.count) == ("wrong_type", "touched_at", len(TOUCHES))
    assert "(BIGINT)" in problem.message and "The touches table is left out" in problem.message
    assert not database.catalog.has("touches")
    database.close()


def test_a_creation_date_of_the_wrong_type_is_an_error_and_leaves_the_leads_undated(tmp_path):
    # leads.created_at is optional (a lead-scoring export is undated): the leads stay, without dates
    folder = tmp_path / "extracts"
    folder.mkdir()
    for name, rows in TABLES.items():
        write_table(folder, name, rows)
    leads = pq.read_table(folder / "leads.parquet")
    epoch = pa.array([int(dt.datetime.fromisoformat(lead["created_at"]).timestamp()) for lead in LEADS], pa.int64())
    pq.write_table(leads.set_column(1, "created_at", epoch), folder / "leads.parquet")
    database = Database(load_config(write_config(folder, tuple(TABLES))))
    (problem,) = database.catalog.problems
    assert (problem.check, problem.column, problem.count, problem.severity) == ("wrong_type", "created_at", 8, "error")
    assert "Column leads.created_at is treated as not tracked" in problem.message
    assert database.catalog.has("leads") and not database.catalog.dated
    database.close()


def test_files_of_one_table_that_disagree_on_columns(tmp_path):
    folder = tmp_path / "extracts"
    (folder / "deals").mkdir(parents=True)
    for name, rows in TABLES.items():
        if name != "deals":
            write_table(folder, name, rows)
    write_table(folder / "deals", "deals", DEALS[:4])
    (folder / "deals" / "deals.parquet").rename(folder / "deals" / "a.parquet")
    write_table(folder / "deals", "deals", DEALS[4:], drop=("amount",))
    (folder / "deals" / "deals.parquet").rename(folder / "deals" / "b.parquet")
    config = write_config(folder, tuple(TABLES))
    config.write_text(config.read_text().replace('path = "deals.parquet"', 'path = "deals/*.parquet"'))
    database = Database(load_config(config))
    found = by_key(validate(database))
    database.close()
    mismatch = found[("schema_mismatch", "deals", "amount")]
    # b.parquet holds D5 and D6 without amounts; D6 is won, so its revenue is missing too
    assert mismatch.count == 2 and "1 of 2 files have no column 'amount' (deals/b.parquet)" in mismatch.message
    assert found[("won_amount_missing", "deals", "amount")].count == 1


def test_unknown_team_in_the_reps_mapping_is_a_config_problem(tmp_path):
    path = write_config(tmp_path / "x", ("reps", "deals"), extra=(
        '[data.tables.reps.values.team]\n"Sales Est" = ["East"]\n\n'
        '[[teams]]\nname = "Sales East"\nfunction = "sales"\n'))
    with pytest.raises(Exception) as caught:
        load_config(path)
    assert ("data.tables.reps.values.team: 'Sales Est' is not a team of the config; did you mean 'Sales East'?"
            in caught.value.problems)


def test_a_toml_syntax_error_names_its_line(tmp_path):
    path = tmp_path / "sla.toml"
    path.write_text("[company]\nname = \"x\"\n[data\nfolder = \"x\"\n" + MINIMAL_SLA, encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_config(path)
    assert "(at line 3, column" in caught.value.problems[0]
