"""The findings of issue 13 (real exports of every shape), each on the hand-built company of
tests/companies/hand_built.py cut to the shape that showed it. Every expected value was worked out by hand from
those rows; each test failed on the code before the fix."""

from __future__ import annotations

import datetime as dt
import json

import pandas as pd

from dashboard.funnel import data as metrics
from dashboard.cli import main
from dashboard.core.frames import row_mask
from dashboard.funnel.domain import NOT_TRACKED, Filters, build_funnel
from dashboard.planner.data import planner_inputs
from dashboard.review import drilldown
from dashboard.scoring_lab.charts import tradeoff_panels
from dashboard.scoring_lab.data import LabData
from dashboard.team_kpis.data import team_kpis_data
from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.data_health.checks import validate
from tests.companies.builders import build_database
from tests.companies.hand_built import DEALS, LEADS, REPS, TRAFFIC

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
TEAMS = """
[[teams]]
name = "Marketing"
function = "marketing"

[[teams]]
name = "East"
function = "sales"
"""


def steps(result) -> dict:
    return {step.stage: step for step in result.steps}


# 1. A crash on an empty stage-duration result (pandas 3 string dtype) -------------------------

def test_a_mask_over_an_empty_text_column_is_boolean():
    empty = pd.Series([], dtype="str")
    mask = row_mask(empty, lambda value: True)
    assert mask.dtype == bool
    assert (mask & (empty != "x")).empty


def test_closed_deals_without_any_stage_date_give_no_durations_and_every_command_runs(tmp_path, capsys):
    """Deals with only a close date: stage_durations.sql returns no row at all."""
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "reps": REPS},
                              drop={"deals": ("created_at", "proposal_at", "lead_id")}, extra=TEAMS)
    try:
        assert metrics.stage_durations(database, *MARCH).empty
        for argv in (["kpis", "--month", "2026-03", "--json"], ["team", "--team", "East", "--json"],
                     ["report", "--month", "2026-03", "--out", str(tmp_path / "review.html")]):
            assert main([*argv, "--config", str(database.config.path)]) == 0
        capsys.readouterr()
    finally:
        database.close()


# 2. Zeros where a stage is not tracked --------------------------------------------------------

def test_a_deal_only_leaderboard_has_no_mqls_rather_than_zero(tmp_path):
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "reps": REPS},
                              drop={"deals": ("lead_id",)}, extra=TEAMS)
    try:
        board = team_kpis_data(database, "East", *MARCH).leaderboard
    finally:
        database.close()
    # R1 (East) owns D1: proposal 10 Mar, won 25 Mar for 10,000.
    row = board.set_index("rep_id").loc["R1"]
    assert pd.isna(row["mqls"]) and pd.isna(row["sqls"]) and pd.isna(row["mql_to_sql_rate"])
    assert (row["proposals"], row["won_deals"], row["won_revenue"]) == (1, 1, 10000.0)


def test_a_reps_extract_without_roles_leaves_the_role_not_tracked(tmp_path):
    """Maven's sales_teams.csv has agents, managers and offices, no SDR / AE role: the leaderboard's
    Role read "None" on every row."""
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "reps": REPS},
                              drop={"deals": ("lead_id",), "reps": ("role",)}, extra=TEAMS)
    try:
        data = team_kpis_data(database, "East", *MARCH)
    finally:
        database.close()
    assert "role" in data.untracked
    assert data.leaderboard["role"].isna().all()
    assert data.leaderboard.set_index("rep_id").loc["R1", "won_deals"] == 1  # the rest of the row stands


def test_the_records_of_a_deal_only_export_do_not_call_every_deal_sales_sourced(tmp_path):
    """On Maven's pipeline (no leads) the review's records said "Sales-sourced: yes" on every deal."""
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "reps": REPS}, drop={"deals": ("lead_id",)})
    try:
        won = drilldown.records(database, "won", *MARCH)
        untracked = database.catalog.untracked(won.columns)
    finally:
        database.close()
    # won in March: D2 (5 Mar, 20,000), D1 (25 Mar, 10,000), D4 (31 Mar, 7,000)
    assert sorted(won["deal_id"]) == ["D1", "D2", "D4"] and won["is_sales_sourced"].isna().all()
    shown = drilldown.display_records(won, "won", lambda dimension, value: str(value), "USD", untracked)
    assert shown["Sales-sourced"].tolist() == ["not tracked"] * 3
    assert sorted(shown["Amount"]) == ["$10k", "$20k", "$7,000"]  # as on the cards


def test_by_channel_without_leads_has_sessions_but_no_leads_or_visit_rate(tmp_path):
    database = build_database(tmp_path / "extracts", {"traffic": TRAFFIC, "deals": DEALS, "reps": REPS},
                              drop={"deals": ("lead_id",)}, extra=TEAMS)
    try:
        by_channel = team_kpis_data(database, "Marketing", *MARCH).by_channel.set_index("value")
    finally:
        database.close()
    assert by_channel.loc["paid", "sessions"] == 200 and by_channel.loc["organic", "sessions"] == 350
    for column in ("leads", "mqls", "visit_to_lead_rate", "lead_to_mql_rate"):
        assert by_channel[column].isna().all(), column


def test_a_cohort_of_a_deal_only_export_tracks_no_won_deals(tmp_path):
    database = build_database(tmp_path / "extracts", {"deals": DEALS, "reps": REPS}, drop={"deals": ("lead_id",)})
    try:
        cohort = steps(metrics.funnel(database, *MARCH, view=metrics.COHORT))
        by_channel = steps(metrics.funnel(database, *MARCH, Filters(channel="paid")))
    finally:
        database.close()
    assert cohort["won"].count is None and cohort["won"].note == NOT_TRACKED
    # Deals take their channel from their lead: without leads they cannot be split by one.
    assert by_channel["won"].count is None and by_channel["won"].note == "not split by channel"


def test_the_scoring_lab_leaves_untracked_outcomes_blank_and_does_not_draw_them():
    lab = LabData(groups=None, reps=None, reps_description="", as_of=None, maturity=None,
                  sql_tracked=False, won_tracked=True, revenue_tracked=False)
    assert set(lab.untracked) >= {"mql_to_sql_rate", "revenue_captured_share", "revenue_missed"}
    assert "mql_to_won_rate" not in lab.untracked
    curve = pd.DataFrame({"threshold": [0, 10], "mqls_per_month": [5.0, 2.0], "mql_to_sql_rate": [float("nan")] * 2,
                          "mql_to_won_rate": [float("nan")] * 2, "revenue_captured_share": [float("nan")] * 2})
    assert [title for title, _ in tradeoff_panels(curve)] == ["MQLs per month"]


# 3. Rates between stages the data does not link ----------------------------------------------

def test_traffic_and_deals_without_leads_give_no_rate_from_sessions_to_won(tmp_path):
    database = build_database(tmp_path / "extracts", {"traffic": TRAFFIC, "deals": DEALS, "reps": REPS},
                              drop={"deals": ("lead_id", "proposal_at")})
    try:
        assert not database.catalog.linked("traffic", "won")
        funnel = steps(metrics.funnel(database, *MARCH))
        plan_rates = planner_inputs(database).rates
    finally:
        database.close()
    # March: 200 + 300 + 50 sessions; D1, D2 and D4 won.
    assert funnel["traffic"].count == 550 and funnel["won"].count == 3
    # The deals' funnel starts afresh at their opportunities (D1 03-06, D6 03-07, D3 03-21 opened
    # in March), not at the sessions: won 3 of 3 opportunities, and nothing as a share of sessions.
    assert funnel["opportunity"].count == 3 and funnel["opportunity"].previous_stage is None
    assert funnel["opportunity"].rate_from_first is None
    assert funnel["won"].previous_stage == "opportunity"
    assert funnel["won"].rate_from_previous == 1.0 and funnel["won"].rate_from_first == 1.0
    assert not [rate for rate in plan_rates if rate.from_stage == "traffic"]


def test_a_funnel_starts_afresh_at_a_stage_not_linked_to_the_one_before():
    counts = {"traffic": 1000, "lead": None, "mql": None, "sql": None, "proposal": 40, "won": 10}
    tracked = {stage: count is not None for stage, count in counts.items()}
    linked = lambda a, b: {a, b} <= {"proposal", "won"} or a == b  # noqa: E731
    by_stage = {step.stage: step for step in build_funnel(counts, tracked, linked=linked)}
    assert by_stage["proposal"].previous_stage is None and by_stage["proposal"].rate_from_first is None
    assert by_stage["won"].rate_from_previous == 0.25 and by_stage["won"].rate_from_first == 0.25


# 8. A stage column that disappears from an export ---------------------------------------------

def test_a_stage_column_missing_from_the_export_is_a_warning_unless_the_config_says_so(tmp_path):
    database = build_database(tmp_path / "lost", {"leads": LEADS, "deals": DEALS}, drop={"leads": ("mql_at",)})
    try:
        findings = [f for f in validate(database).findings if f.check == "stage_column_missing"]
    finally:
        database.close()
    assert [(f.severity, f.table, f.column) for f in findings] == [("warning", "leads", "mql_at")]
    assert "stages_not_tracked" in findings[0].message
    declared = build_database(tmp_path / "declared", {"leads": LEADS, "deals": DEALS}, drop={"leads": ("mql_at",)},
                              data_extra='stages_not_tracked = ["mql"]')
    try:
        assert not [f for f in validate(declared).findings if f.check == "stage_column_missing"]
    finally:
        declared.close()


def test_validate_exits_1_when_the_mql_column_is_lost(tmp_path, capsys):
    database = build_database(tmp_path / "lost", {"leads": LEADS, "deals": DEALS}, drop={"leads": ("mql_at",)})
    database.close()
    assert main(["validate", "--json", "--config", str(database.config.path)]) == 1
    assert "stage_column_missing" in json.dumps(json.loads(capsys.readouterr().out)["findings"])


# 4. Event-level traffic, and a data health finding the user accepts -----------------------------

CLICKS = ("clicked_at,source\n2026-03-01 09:00:00,paid\n2026-03-01 10:30:00,paid\n2026-03-01 11:00:00,organic\n"
          "2026-03-02 08:00:00,paid\n")


def clicks_config(tmp_path, traffic_options: str, data_extra: str = ""):
    folder = tmp_path / "clicks"
    database = build_database(folder, {"leads": LEADS, "deals": DEALS}, data_extra=data_extra,
                              extra=f"""
[data.tables.traffic]
path = "clicks.csv"
{traffic_options}
[data.tables.traffic.columns]
date = "clicked_at"
channel = "source"
""")
    database.close()
    (folder / "clicks.csv").write_text(CLICKS, encoding="utf-8")
    return database.config.path


def test_event_level_traffic_counts_one_session_per_row_and_has_no_duplicate_days(tmp_path):
    database = Database(load_config(clicks_config(tmp_path, 'grain = "event"')))
    try:
        by_day = database.cursor().sql("SELECT date, channel, sessions FROM traffic ORDER BY 1, 2").fetchall()
        findings = validate(database).findings
    finally:
        database.close()
    assert [(str(day), channel, count) for day, channel, count in by_day] == [
        ("2026-03-01", "organic", 1), ("2026-03-01", "paid", 2), ("2026-03-02", "paid", 1)]
    assert not [f for f in findings if f.check == "duplicate_id"]


def test_a_finding_accepted_in_the_config_shows_as_accepted_with_its_reason(tmp_path):
    reason = "the web export has one row per click"
    # The old way of reading a click export: one "session" per row, so each day repeats.
    path = clicks_config(tmp_path, "[data.tables.traffic.constants]\nsessions = 1", data_extra=(
        f'accepted_findings = [{{ check = "duplicate_id", table = "traffic", reason = "{reason}" }}]'))
    database = Database(load_config(path))
    try:
        report = validate(database)
    finally:
        database.close()
    duplicates = [f for f in report.findings if f.check == "duplicate_id"]
    assert [(f.severity, f.accepted_reason) for f in duplicates] == [("accepted", reason)]
    assert not report.errors_in(("traffic",))
