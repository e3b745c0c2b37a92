"""The stage duration facts and the queries that read them, on a hand-built company whose
expected values were worked out by hand (in the comments). Each reading query is checked both
ways: the direct query over the extracts and its `_from_facts` twin must give the hand values."""

import datetime as dt

import pandas as pd
import pytest

from dashboard.data import date_range_params
from dashboard.facts.build import ensure_all_facts
from dashboard.facts.durations import durations_query, monthly_durations_query
from dashboard.funnel.domain import Filters
from dashboard.data.facts import facts_ready
from tests.companies.builders import build_database

DAY = 86_400
ALL = {"channel": None, "segment": None, "team": None, "transition": None}
MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
APRIL = (dt.date(2026, 4, 1), dt.date(2026, 4, 30))
SPRING = (dt.date(2026, 3, 1), dt.date(2026, 4, 30))
REPS = [{"rep_id": "R1", "name": "Ada", "team": "East", "role": "SDR"},
        {"rep_id": "R2", "name": "Bo", "team": "West", "role": "AE"}]
LEADS = [
    {"lead_id": "L1", "created_at": "2026-03-01 00:00", "mql_at": "2026-03-02 00:00", "sql_at": "2026-03-04 12:00",
     "owner_id": "R1", "channel": "paid", "segment": "SMB"},
    {"lead_id": "L2", "created_at": "2026-03-01 00:00", "mql_at": "2026-03-05 00:00",
     "owner_id": "R1", "channel": "organic", "segment": "SMB"},
    # MQL a day before it was created: out of order
    {"lead_id": "L3", "created_at": "2026-03-10 00:00", "mql_at": "2026-03-09 00:00",
     "owner_id": "R1", "channel": "paid", "segment": "SMB"},
    {"lead_id": "L4", "created_at": "2026-04-01 00:00", "mql_at": "2026-04-01 06:00", "sql_at": "2026-04-03 06:00",
     "owner_id": "R1", "channel": "paid", "segment": "SMB"},
]
DEALS = [
    {"deal_id": "D1", "lead_id": "L1", "owner_id": "R2", "created_at": "2026-03-05 00:00",
     "proposal_at": "2026-03-06 00:00", "closed_at": "2026-03-11 00:00", "status": "won", "amount": 1000},
    {"deal_id": "D2", "lead_id": "L2", "owner_id": "R2", "created_at": "2026-03-06 00:00",
     "proposal_at": "2026-03-08 00:00", "closed_at": "2026-04-08 00:00", "status": "won", "amount": 3000},
    {"deal_id": "D3", "lead_id": "L4", "owner_id": "R2", "created_at": "2026-04-04 00:00",
     "closed_at": "2026-04-10 00:00", "status": "lost", "amount": 500},
    # no lead, won a day before it was created (out of order), no amount
    {"deal_id": "D4", "owner_id": "R2", "created_at": "2026-04-02 00:00", "closed_at": "2026-04-01 00:00",
     "status": "won"},
]
TRAFFIC = [{"date": "2026-03-01", "channel": "paid", "sessions": 100},
           {"date": "2026-04-01", "channel": "paid", "sessions": 50}]


@pytest.fixture
def company(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    database = build_database(tmp_path / "extracts", {"reps": REPS, "leads": LEADS, "deals": DEALS,
                                                      "traffic": TRAFFIC, "touches": []})
    yield database
    database.close()


@pytest.fixture
def with_facts(company):
    ensure_all_facts(company)
    assert facts_ready(company, "stage_duration_facts")
    return company


def test_the_facts_hold_each_record_s_seconds_since_the_stage_before(company):
    facts = company.query("stage_duration_facts", date_range_params(*SPRING))
    by_text = lambda row: tuple("" if value is None else str(value) for value in row)  # noqa: E731
    got = sorted(((row.transition, row.seconds, bool(row.is_in_order), None if pd.isna(row.channel) else row.channel,
                   row.owner_team) for row in facts.itertuples()), key=by_text)
    assert got == sorted([
        ("lead_to_mql", 1 * DAY, True, "paid", "East"),  # L1
        ("lead_to_mql", 4 * DAY, True, "organic", "East"),  # L2
        ("lead_to_mql", -1 * DAY, False, "paid", "East"),  # L3 out of order
        ("lead_to_mql", 6 * 3600, True, "paid", "East"),  # L4
        ("mql_to_sql", int(2.5 * DAY), True, "paid", "East"),  # L1
        ("mql_to_sql", 2 * DAY, True, "paid", "East"),  # L4
        ("sql_to_proposal", int(1.5 * DAY), True, "paid", "West"),  # D1 from L1's SQL; D2's lead has none
        ("proposal_to_won", 5 * DAY, True, "paid", "West"),  # D1
        ("proposal_to_won", 31 * DAY, True, "organic", "West"),  # D2
        ("deal_to_won", 6 * DAY, True, "paid", "West"),  # D1
        ("deal_to_won", 33 * DAY, True, "organic", "West"),  # D2
        ("deal_to_won", -1 * DAY, False, None, "West"),  # D4 out of order; D3 was lost
        ("mql_to_won", 9 * DAY, True, "paid", "West"),  # D1
        ("mql_to_won", 34 * DAY, True, "organic", "West"),  # D2; D4 has no lead
        ("lead_to_won", 10 * DAY, True, "paid", "West"),  # D1
        ("lead_to_won", 38 * DAY, True, "organic", "West"),  # D2
    ], key=by_text)


def test_the_facts_leave_out_stages_outside_the_range(company):
    facts = company.query("stage_duration_facts", date_range_params(*APRIL))
    assert sorted(facts["transition"]) == sorted(["lead_to_mql", "mql_to_sql", "proposal_to_won", "deal_to_won",
                                                  "deal_to_won", "mql_to_won", "lead_to_won"])


def durations(database, start, end, **filters):
    name = durations_query(database, "stage_durations", start, end)
    return name, database.query(name, {**date_range_params(start, end), **ALL, **filters}).set_index("transition")


@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_stage_durations_give_medians_and_count_out_of_order_apart(company, built):
    if built:
        ensure_all_facts(company)
    name, frame = durations(company, *MARCH)
    assert name == ("stage_durations_from_facts" if built else "stage_durations")
    expected = {
        # transition: (records, out of order, median days, p75 days)
        "lead_to_mql": (2, 1, 2.5, 3.25),  # L1 1, L2 4; L3 out of order
        "mql_to_sql": (1, 0, 2.5, 2.5),  # L1
        "sql_to_proposal": (1, 0, 1.5, 1.5),  # D1
        "proposal_to_won": (1, 0, 5.0, 5.0),  # D1 (D2 is won in April)
        "deal_to_won": (1, 0, 6.0, 6.0),
        "mql_to_won": (1, 0, 9.0, 9.0),
        "lead_to_won": (1, 0, 10.0, 10.0),
    }
    assert list(frame.index) == list(expected)
    for transition, (records, out_of_order, median, p75) in expected.items():
        row = frame.loc[transition]
        assert (row["records"], row["out_of_order_count"]) == (records, out_of_order), transition
        assert (row["median_days"], row["p75_days"]) == pytest.approx((median, p75)), transition


@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_stage_durations_filter_by_channel_and_team(company, built):
    if built:
        ensure_all_facts(company)
    _, paid = durations(company, *APRIL, channel="paid")
    assert list(paid.index) == ["lead_to_mql", "mql_to_sql"]  # L4; D2 is organic, D4 has no channel
    assert paid.loc["lead_to_mql", "median_days"] == pytest.approx(0.25)
    _, west = durations(company, *APRIL, team="West")
    assert list(west.index) == ["proposal_to_won", "deal_to_won", "mql_to_won", "lead_to_won"]
    assert (west.loc["deal_to_won", "records"], west.loc["deal_to_won", "out_of_order_count"]) == (1, 1)  # D2, D4
    assert west.loc["deal_to_won", "median_days"] == pytest.approx(33.0)
    _, west_cycle = durations(company, *APRIL, team="West", transition="deal_to_won")
    assert list(west_cycle.index) == ["deal_to_won"]
    pd.testing.assert_series_equal(west_cycle.loc["deal_to_won"], west.loc["deal_to_won"])


@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_monthly_medians_by_transition(company, built):
    if built:
        ensure_all_facts(company)
    name = durations_query(company, "stage_durations_by_month", *SPRING)
    assert name.endswith("_from_facts") == built
    frame = company.query(name, {**date_range_params(*SPRING), **ALL})
    got = [(str(row.month_start)[:7], row.transition, row.records, row.median_days) for row in frame.itertuples()]
    assert got == [
        ("2026-03", "lead_to_mql", 2, pytest.approx(2.5)),  # L1 1, L2 4 (L3 out of order)
        ("2026-03", "mql_to_sql", 1, pytest.approx(2.5)),
        ("2026-03", "sql_to_proposal", 1, pytest.approx(1.5)),
        ("2026-03", "proposal_to_won", 1, pytest.approx(5.0)),
        ("2026-03", "deal_to_won", 1, pytest.approx(6.0)),
        ("2026-04", "lead_to_mql", 1, pytest.approx(0.25)),
        ("2026-04", "mql_to_sql", 1, pytest.approx(2.0)),
        ("2026-04", "proposal_to_won", 1, pytest.approx(31.0)),
        ("2026-04", "deal_to_won", 1, pytest.approx(33.0)),  # D2; D4 out of order
    ]


MONTHLY_MEDIANS = {
    # as test_monthly_medians_by_transition
    Filters(): [
        ("2026-03", "lead_to_mql", 2, 2.5), ("2026-03", "mql_to_sql", 1, 2.5), ("2026-03", "sql_to_proposal", 1, 1.5),
        ("2026-03", "proposal_to_won", 1, 5.0), ("2026-03", "deal_to_won", 1, 6.0), ("2026-04", "lead_to_mql", 1, 0.25),
        ("2026-04", "mql_to_sql", 1, 2.0), ("2026-04", "proposal_to_won", 1, 31.0), ("2026-04", "deal_to_won", 1, 33.0),
    ],
    # paid: L1 (1 day; L3 out of order), its SQL and its deal D1; L4 in April. D2 is organic, D4 has no lead.
    Filters(channel="paid"): [
        ("2026-03", "lead_to_mql", 1, 1.0), ("2026-03", "mql_to_sql", 1, 2.5), ("2026-03", "sql_to_proposal", 1, 1.5),
        ("2026-03", "proposal_to_won", 1, 5.0), ("2026-03", "deal_to_won", 1, 6.0), ("2026-04", "lead_to_mql", 1, 0.25),
        ("2026-04", "mql_to_sql", 1, 2.0),
    ],
    # West owns the deals (R2): their transitions only; the leads' are East's (R1)
    Filters(team="West"): [
        ("2026-03", "sql_to_proposal", 1, 1.5), ("2026-03", "proposal_to_won", 1, 5.0), ("2026-03", "deal_to_won", 1, 6.0),
        ("2026-04", "proposal_to_won", 1, 31.0), ("2026-04", "deal_to_won", 1, 33.0),
    ],
    Filters(segment="SMB"): [
        ("2026-03", "lead_to_mql", 2, 2.5), ("2026-03", "mql_to_sql", 1, 2.5), ("2026-03", "sql_to_proposal", 1, 1.5),
        ("2026-03", "proposal_to_won", 1, 5.0), ("2026-03", "deal_to_won", 1, 6.0), ("2026-04", "lead_to_mql", 1, 0.25),
        ("2026-04", "mql_to_sql", 1, 2.0), ("2026-04", "proposal_to_won", 1, 31.0), ("2026-04", "deal_to_won", 1, 33.0),
    ],
}


@pytest.mark.parametrize("filters", list(MONTHLY_MEDIANS), ids=lambda filters: filters.describe() or "all")
@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_the_review_s_monthly_medians_come_from_the_medians_kept_with_the_facts(company, built, filters):
    if built:
        ensure_all_facts(company)
    name = monthly_durations_query(company, *SPRING, filters)
    assert name == ("stage_durations_by_month_from_medians" if built else "stage_durations_by_month")
    frame = company.query(name, {**date_range_params(*SPRING), **ALL, **filters.params()})
    got = [(str(row.month_start)[:7], row.transition, row.records, row.median_days) for row in frame.itertuples()]
    assert got == [(*row[:3], pytest.approx(row[3])) for row in MONTHLY_MEDIANS[filters]]


@pytest.mark.parametrize("start, end, filters", [
    (dt.date(2026, 3, 1), dt.date(2026, 3, 20), Filters()),  # ends mid-March, before the data's last day (04-10)
    (dt.date(2026, 3, 5), dt.date(2026, 4, 30), Filters()),  # starts mid-March
    (*SPRING, Filters(channel="paid", team="West")),  # two filters: no median kept for the pair
], ids=["ends mid-month", "starts mid-month", "two filters"])
def test_monthly_medians_of_part_months_or_two_filters_read_each_record(with_facts, start, end, filters):
    assert monthly_durations_query(with_facts, start, end, filters) == "stage_durations_by_month_from_facts"


def test_monthly_medians_of_a_month_still_running_are_the_kept_ones(with_facts):
    # April ends after the data's last day (D3 closed 04-10): the kept April holds every record to it
    assert monthly_durations_query(with_facts, dt.date(2026, 3, 1), dt.date(2026, 4, 12), Filters()) == \
        "stage_durations_by_month_from_medians"


def kpi_months(database, **filters) -> dict[str, dict]:
    name = durations_query(database, "kpi_counts_by_month", *SPRING, with_counts=True)
    frame = database.query(name, {**date_range_params(*SPRING), **ALL, **filters})
    return name, {str(row["month_start"])[:7]: row for row in frame.to_dict("records")}


@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_monthly_kpi_counts_and_sales_cycle(company, built):
    if built:
        ensure_all_facts(company)
    name, months = kpi_months(company)
    assert name == ("kpi_counts_by_month_from_facts" if built else "kpi_counts_by_month")
    counts = ("sessions", "leads", "mqls", "sqls", "proposals", "won", "lost")
    march, april = months["2026-03"], months["2026-04"]
    assert tuple(int(march[key]) for key in counts) == (100, 3, 3, 1, 2, 1, 0)  # D1 won; proposals D1, D2
    assert (float(march["won_revenue"]), march["avg_deal_size"], march["sales_cycle_days"]) == (1000.0, 1000.0, 6.0)
    assert tuple(int(april[key]) for key in counts) == (50, 1, 1, 1, 0, 2, 1)  # won D2, D4; lost D3
    # D4 has no amount and is out of order: revenue and average are D2's, the cycle D2's 33 days
    assert (float(april["won_revenue"]), april["avg_deal_size"], april["sales_cycle_days"]) == (3000.0, 3000.0, 33.0)


@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_monthly_kpi_counts_follow_the_channel(company, built):
    if built:
        ensure_all_facts(company)
    _, months = kpi_months(company, channel="paid")
    counts = ("sessions", "leads", "mqls", "sqls", "proposals", "won", "lost")
    march, april = months["2026-03"], months["2026-04"]
    assert tuple(int(march[key]) for key in counts) == (100, 2, 2, 1, 1, 1, 0)  # L1, L3; D1
    assert march["sales_cycle_days"] == 6.0
    assert tuple(int(april[key]) for key in counts) == (50, 1, 1, 1, 0, 0, 1)  # L4; D3 lost
    assert float(april["won_revenue"]) == 0.0
    assert pd.isna(april["avg_deal_size"]) and pd.isna(april["sales_cycle_days"])


def test_a_range_outside_the_facts_months_reads_the_extracts(with_facts):
    assert durations_query(with_facts, "stage_durations", *MARCH) == "stage_durations_from_facts"
    assert durations_query(with_facts, "stage_durations", dt.date(2025, 12, 1), MARCH[1]) == "stage_durations"


def test_a_stage_less_than_a_second_before_the_one_before_it_reads_the_same_both_ways(tmp_path, monkeypatch):
    """Whole seconds make it 0 days (in order for the period medians), to_at < from_at leaves it out
    of the monthly ones: the facts keep both tests."""
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    deals = [dict(DEALS[0], created_at=dt.datetime(2026, 3, 11, 0, 0, 0, 500_000))]
    database = build_database(tmp_path / "extracts", {"reps": REPS, "leads": LEADS, "deals": deals,
                                                      "traffic": TRAFFIC, "touches": []})
    params = {**date_range_params(*MARCH), **ALL}
    direct = [database.query(name, params) for name in ("stage_durations", "stage_durations_by_month")]
    ensure_all_facts(database)
    facts = [database.query(f"{name}_from_facts", params) for name in ("stage_durations", "stage_durations_by_month")]
    for one, other in zip(direct, facts):
        pd.testing.assert_frame_equal(one, other, check_dtype=False)
    assert "deal_to_won" not in set(facts[1]["transition"])
    database.close()
