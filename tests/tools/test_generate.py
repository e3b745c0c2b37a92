"""Tests for the sample-data generator (dashboard/generate.py)."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dashboard.core.contract import TABLES
from dashboard.core.config import load_config
from dashboard.tools.generate import DEFAULT_LEADS, generate, new_york_to_utc
from dashboard.scoring_lab.scoring import score_leads

CONFIG = Path(__file__).resolve().parents[2] / "sla_config.toml"
LEADS = 3_000
AS_OF_END = dt.datetime(2026, 10, 31, 23, 59, 59)
FIRST_INSTANT = dt.datetime(2025, 1, 1)
ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
    "DECIMAL(18,2)": pa.decimal128(18, 2),
}
MAIN_DATE = {"traffic": "date", "leads": "created_at", "touches": "touched_at", "deals": "created_at"}
# The opening pipeline: deals already open when the extract starts, whose leads predate it.
OPENING_DEAL = "(created_at < TIMESTAMP '2025-01-01' AND lead_id IS NULL)"


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    rows = generate(out, leads=LEADS, seed=7)
    assert rows["leads"] == LEADS
    return out


@pytest.fixture(scope="module")
def db(sample: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    for table in TABLES:
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{sample / (table + '.parquet')}')")
    return con


@pytest.fixture(scope="module")
def full_db(tmp_path_factory) -> duckdb.DuckDBPyConnection:
    """The default-size set (as committed in data/sample): big enough for monthly revenue."""
    out = tmp_path_factory.mktemp("full")
    generate(out, leads=DEFAULT_LEADS, seed=7)
    con = duckdb.connect()
    for table in ("leads", "deals", "reps"):
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{out / (table + '.parquet')}')")
    return con


@pytest.fixture(scope="module")
def config():
    return load_config(CONFIG)


def scalar(con: duckdb.DuckDBPyConnection, sql: str):
    return con.execute(sql).fetchone()[0]


def rows_where(con: duckdb.DuckDBPyConnection, source: str, condition: str) -> int:
    return scalar(con, f"SELECT count(*) FROM {source} WHERE {condition}")


def test_new_york_to_utc_matches_tz_database():
    new_york = zoneinfo.ZoneInfo("America/New_York")
    moments = [dt.datetime(2025, 1, 1, 9), dt.datetime(2025, 3, 9, 3), dt.datetime(2025, 7, 4, 12),
               dt.datetime(2025, 11, 2, 3), dt.datetime(2026, 3, 7, 23), dt.datetime(2026, 10, 31, 19)]
    local_us = np.array([int((m - dt.datetime(1970, 1, 1)).total_seconds()) * 1_000_000 for m in moments])
    expected = [int(m.replace(tzinfo=new_york).timestamp()) * 1_000_000 for m in moments]
    np.testing.assert_array_equal(new_york_to_utc(local_us), expected)


# --- Determinism and contract --------------------------------------------------------------


def test_same_seed_gives_identical_files(sample: Path, tmp_path: Path):
    generate(tmp_path, leads=LEADS, seed=7)
    for table in TABLES:
        name = table + ".parquet"
        assert (tmp_path / name).read_bytes() == (sample / name).read_bytes(), name


def test_different_seed_gives_different_data(sample: Path, tmp_path: Path):
    generate(tmp_path, leads=LEADS, seed=8)
    for table in ("traffic", "leads", "touches", "deals"):
        other, original = (pq.read_table(folder / f"{table}.parquet") for folder in (tmp_path, sample))
        assert not other.equals(original), table


def test_files_match_the_contract_exactly(sample: Path):
    for table, contract in TABLES.items():
        schema = pq.read_schema(sample / f"{table}.parquet")
        assert tuple(schema.names) == contract.column_names, table
        for column in contract.columns:
            assert schema.field(column.name).type == ARROW_TYPES[column.sql_type], (table, column.name)


def test_files_are_sorted_by_their_main_date(sample: Path):
    for table, column in MAIN_DATE.items():
        values = pq.read_table(sample / f"{table}.parquet", columns=[column]).column(column).to_numpy()
        assert (values[1:] >= values[:-1]).all(), table


def test_ids_are_unique(db):
    for table, key in (("leads", "lead_id"), ("touches", "touch_id"), ("deals", "deal_id"), ("reps", "rep_id")):
        assert scalar(db, f"SELECT count(*) = count(DISTINCT {key}) AND count({key}) = count(*) FROM {table}"), table
    assert scalar(db, "SELECT count(*) = count(DISTINCT (date, channel)) FROM traffic")


def test_reps_teams_match_the_config(db, config):
    sales_teams = {team.name for team in config.teams if team.function == "sales"}
    teams = {row[0] for row in db.execute("SELECT DISTINCT team FROM reps").fetchall()}
    assert teams == sales_teams
    per_team = db.execute("SELECT team, count(*), count(*) FILTER (role = 'SDR') FROM reps GROUP BY team").fetchall()
    for _, members, sdrs in per_team:
        assert 4 <= members <= 6 and 0 < sdrs < members


# --- Time window and event order -----------------------------------------------------------


def test_no_event_outside_the_window(db):
    # The opening pipeline (deals open on 2025-01-01, without a lead) alone may be created and
    # proposed before the window; test_opening_pipeline checks those deals.
    checks = {
        "leads": ["created_at", "mql_at", "sql_at", "recycled_at", "disqualified_at"],
        "touches": ["touched_at"],
        "deals": ["created_at", "proposal_at", "closed_at"],
    }
    for table, columns in checks.items():
        for column in columns:
            exempt = f"NOT {OPENING_DEAL}" if table == "deals" and column != "closed_at" else "true"
            latest, earliest = db.execute(f"SELECT max({column}), min({column}) FROM {table} WHERE {exempt}").fetchone()
            assert latest <= AS_OF_END and earliest >= FIRST_INSTANT, (table, column)
    traffic_days = db.execute("SELECT min(date), max(date) FROM traffic").fetchone()
    assert traffic_days == (dt.date(2025, 1, 1), dt.date(2026, 10, 31))


def test_lead_events_are_in_order(db):
    assert rows_where(db, "leads", "mql_at < created_at") == 0
    for column in ("sql_at", "disqualified_at"):
        assert rows_where(db, "leads", f"{column} IS NOT NULL AND ({column} < mql_at OR mql_at IS NULL)") == 0
    # A re-engaged lead's hand-off replaces the first: its recycled_at is the earlier one.
    assert rows_where(db, "leads", "recycled_at IS NOT NULL AND (mql_at IS NULL OR recycled_at < created_at)") == 0
    assert rows_where(db, "leads", "(mql_at IS NULL) <> (owner_id IS NULL)") == 0


def test_touches_follow_hand_off_by_the_owner(db):
    touched_leads = "touches t JOIN leads l USING (lead_id)"
    # Touches before a re-MQL are those of the first hand-off, which ended with the recycle.
    first_life = "l.recycled_at < l.mql_at AND t.touched_at <= l.recycled_at"
    assert rows_where(db, touched_leads, f"(t.touched_at < l.mql_at AND NOT ({first_life})) OR l.mql_at IS NULL") == 0
    assert rows_where(db, touched_leads, "t.rep_id <> l.owner_id") == 0
    assert scalar(db, "SELECT count(*) FROM touches t ANTI JOIN leads l USING (lead_id)") == 0
    kinds = {row[0] for row in db.execute("SELECT DISTINCT kind FROM touches").fetchall()}
    assert kinds <= {"call", "email", "meeting", "social"}


def test_deals_are_in_order_and_consistent(db):
    assert rows_where(db, "deals", "proposal_at < created_at OR closed_at < created_at OR closed_at < proposal_at") == 0
    assert rows_where(db, "deals", "(status = 'open') <> (closed_at IS NULL)") == 0
    assert rows_where(db, "deals", "status = 'won' AND proposal_at IS NULL") == 0
    assert rows_where(db, "deals", "status NOT IN ('open', 'won', 'lost') OR amount <= 0") == 0
    # Every SQL has exactly one deal, created after it, owned by an AE of the SDR's team.
    assert rows_where(db, "leads", "sql_at IS NOT NULL") == rows_where(db, "deals", "lead_id IS NOT NULL")
    assert scalar(db, "SELECT count(DISTINCT lead_id) = count(lead_id) FROM deals")
    mismatched = """
        SELECT count(*) FROM deals d JOIN leads l USING (lead_id)
        JOIN reps ae ON ae.rep_id = d.owner_id JOIN reps sdr ON sdr.rep_id = l.owner_id
        WHERE d.created_at < l.sql_at OR ae.role <> 'AE' OR ae.team <> sdr.team"""
    assert scalar(db, mismatched) == 0
    assert scalar(db, "SELECT count(*) FROM deals d JOIN reps r ON r.rep_id = d.owner_id WHERE r.role <> 'AE'") == 0


def test_opening_pipeline(db, full_db):
    """Deals open on 2025-01-01 (opened in H2 2024, leads before the extract) close in H1 2025 or stay
    open, and fill the first months' revenue to about the run-rate of the months after."""
    for con in (db, full_db):
        assert rows_where(con, "deals", "created_at < TIMESTAMP '2025-01-01' AND NOT " + OPENING_DEAL) == 0
        outside = """created_at < TIMESTAMP '2024-07-01' OR proposal_at < created_at OR closed_at < proposal_at
                     OR closed_at < TIMESTAMP '2025-01-01' OR closed_at > TIMESTAMP '2025-06-30 23:59:59'
                     OR (status = 'open') <> (closed_at IS NULL) OR (status = 'won' AND proposal_at IS NULL)"""
        assert rows_where(con, "deals", f"{OPENING_DEAL} AND ({outside})") == 0
        assert scalar(con, f"""SELECT count(*) FROM deals d JOIN reps r ON r.rep_id = d.owner_id
                               WHERE {OPENING_DEAL} AND r.role <> 'AE'""") == 0
        # Scaled with the size of the set: a few months of deal flow.
        share = scalar(con, f"SELECT avg({OPENING_DEAL}::INT) FROM deals")
        assert 0.05 <= share <= 0.16, share

    outcomes = dict(full_db.execute(f"SELECT status, count(*) FROM deals WHERE {OPENING_DEAL} GROUP BY 1").fetchall())
    assert outcomes["won"] > 50 and outcomes["lost"] > outcomes["won"] and 0 < outcomes["open"] < outcomes["won"]
    proposed_in_2024, proposed_in_2025 = full_db.execute(f"""
        SELECT count(*) FILTER (proposal_at < TIMESTAMP '2025-01-01'), count(*) FILTER (proposal_at >= TIMESTAMP '2025-01-01')
        FROM deals WHERE {OPENING_DEAL}""").fetchone()
    assert proposed_in_2024 > 0 and proposed_in_2025 > 0

    won = dict(full_db.execute("""
        SELECT month(closed_at), sum(amount)::DOUBLE FROM deals
        WHERE status = 'won' AND closed_at < TIMESTAMP '2025-07-01' GROUP BY 1""").fetchall())
    run_rate = (won[4] + won[5] + won[6]) / 3
    for month in (1, 2, 3):
        assert 0.4 * run_rate <= won.get(month, 0.0) <= 1.75 * run_rate, (month, won.get(month), run_rate)


# --- Scoring and hand-off ------------------------------------------------------------------


def rules_in_force(config, day: dt.date) -> tuple[tuple, int]:
    sla = config.sla_for(day)
    assert sla is not None, f"no SLA version on {day}"
    return sla.lead_definition.rules, sla.lead_definition.mql_threshold


def test_scores_follow_the_rules_in_force_on_both_sides_of_the_reset(sample: Path, config):
    leads = pq.read_table(sample / "leads.parquet").to_pandas()
    days = leads["created_at"].dt.date
    checked = 0
    for day_filter in (days < dt.date(2026, 7, 1), days >= dt.date(2026, 7, 1)):
        part = leads[day_filter]
        assert len(part) > 100
        for day, group in part.groupby(part["created_at"].dt.date):
            rules, _ = rules_in_force(config, day)
            attrs = {column: group[column].to_numpy() for column in ("company_size", "job_level", "industry",
                     "pricing_page_views", "content_downloads", "webinar_attended", "demo_requested")}
            np.testing.assert_array_equal(group["score"].to_numpy(), score_leads(attrs, rules))
            checked += len(group)
    assert checked == LEADS


def test_every_mql_passed_the_threshold_or_asked_for_a_demo(sample: Path, config):
    leads = pq.read_table(sample / "leads.parquet").to_pandas()
    mqls = leads[leads["mql_at"].notna()]
    thresholds = mqls["created_at"].dt.date.map(lambda day: rules_in_force(config, day)[1])
    assert ((mqls["score"] >= thresholds) | mqls["demo_requested"]).all()
    # Conversely, qualifying leads become MQLs unless their hand-off is still pending at the as-of date.
    all_thresholds = leads["created_at"].dt.date.map(lambda day: rules_in_force(config, day)[1])
    qualifying = (leads["score"] >= all_thresholds) | leads["demo_requested"]
    missing = leads[qualifying & leads["mql_at"].isna()]
    assert (missing["created_at"] >= dt.datetime(2026, 10, 26)).all()


# --- Realised rates ------------------------------------------------------------------------


def test_rates_are_near_the_benchmarks(db):
    rates = db.execute("""
        WITH l AS (SELECT count(*) AS leads, count(mql_at) AS mqls, count(sql_at) AS sqls,
                          count(recycled_at) AS recycled, count(disqualified_at) AS disqualified,
                          avg(demo_requested::INT) AS demo FROM leads),
             d AS (SELECT count(*) AS deals, count(proposal_at) AS proposals,
                          count(*) FILTER (status = 'won') AS won,
                          count(*) FILTER (lead_id IS NULL) AS sourced
                   FROM deals WHERE created_at >= TIMESTAMP '2025-01-01')
        SELECT leads / (SELECT sum(sessions) FROM traffic), mqls / leads, sqls / mqls, proposals / deals,
               won / proposals, recycled / mqls, disqualified / mqls, demo, sourced / deals
        FROM l, d""").fetchone()
    bands = [(0.015, 0.025), (0.20, 0.30), (0.25, 0.45), (0.35, 0.65), (0.12, 0.40), (0.08, 0.25), (0.08, 0.25),
             (0.04, 0.10), (0.06, 0.14)]
    names = ["visit_to_lead", "lead_to_mql", "mql_to_sql", "sql_to_proposal", "proposal_to_won", "recycled",
             "disqualified", "demo", "sales_sourced"]
    for name, rate, (low, high) in zip(names, rates, bands):
        assert low <= rate <= high, f"{name} = {rate:.3f} outside [{low}, {high}]"


def test_segments_channels_and_follow_up_look_realistic(db):
    shares = dict(db.execute("SELECT segment, count(*) / sum(count(*)) OVER () FROM leads GROUP BY 1").fetchall())
    assert 0.50 <= shares["SMB"] <= 0.70
    assert 0.22 <= shares["Mid-Market"] <= 0.38
    assert 0.05 <= shares["Enterprise"] <= 0.16
    sizes = dict(db.execute("SELECT segment, median(company_size) FROM leads GROUP BY 1").fetchall())
    assert sizes["SMB"] < sizes["Mid-Market"] < sizes["Enterprise"]
    sql_rate = dict(db.execute("SELECT channel, count(sql_at) / count(*) FROM leads GROUP BY 1").fetchall())
    assert sql_rate["referral"] > sql_rate["paid_social"] and sql_rate["events"] > sql_rate["paid_social"]
    never_touched = scalar(db, """SELECT avg((t.lead_id IS NULL)::INT) FROM leads l
                                  LEFT JOIN (SELECT DISTINCT lead_id FROM touches) t USING (lead_id)
                                  WHERE l.mql_at < '2026-10-01'""")
    assert 0.01 <= never_touched <= 0.10
    weekend_share = scalar(db, "SELECT avg((dayofweek(created_at - INTERVAL 5 HOUR) IN (0, 6))::INT) FROM leads")
    assert weekend_share < 0.15
    cycle = scalar(db, """SELECT median(date_diff('day', l.created_at, d.closed_at))
                          FROM deals d JOIN leads l USING (lead_id) WHERE d.status = 'won'""")
    assert 45 <= cycle <= 110


def test_recycled_leads_have_a_later_life(full_db):
    """Nurture brings some recycled leads back as MQLs months later; some of those convert."""
    recycled, re_mql, later_sql, later_won, soonest_days = full_db.execute("""
        SELECT count(*), count(*) FILTER (mql_at > recycled_at), count(*) FILTER (sql_at > recycled_at),
               count(*) FILTER (won.lead_id IS NOT NULL),
               min(date_diff('day', recycled_at, mql_at)) FILTER (mql_at > recycled_at)
        FROM leads
        LEFT JOIN (SELECT lead_id, closed_at FROM deals WHERE status = 'won') won USING (lead_id)
        WHERE recycled_at < TIMESTAMP '2026-05-01'""").fetchone()
    assert 0.08 <= re_mql / recycled <= 0.25, (re_mql, recycled)
    assert 0.25 <= later_sql / re_mql <= 0.55, (later_sql, re_mql)
    assert later_won >= 10
    assert soonest_days >= 14
    # Their later deals open after the new hand-off and are won after the recycle.
    assert scalar(full_db, """SELECT count(*) FROM deals d JOIN leads l USING (lead_id)
                              WHERE l.mql_at > l.recycled_at AND (d.created_at < l.sql_at OR d.closed_at <= l.recycled_at)""") == 0
