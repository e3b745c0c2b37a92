"""The compliance page's hand-backs counted by reason, on a hand-built company whose expected
values were worked out by hand (in the comments): read from the extracts and classified row by
row, and read from the hand-back facts whose reasons were settled when they were built.
Rule (the builders' default recycle rule): no response after 6 attempts, not ready after 30 days."""

import datetime as dt

import pytest

from dashboard.compliance import data as compliance
from dashboard.compliance.follow_up import recycled_hand_backs
from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.facts.build import ensure_all_facts
from dashboard.facts.hand_backs import HAND_BACK_FACTS, hand_back_reasons_from_facts
from dashboard.funnel.domain import Filters
from tests.companies.builders import MINIMAL_SLA, build_database, write_config

MARCH = (dt.date(2026, 3, 1), dt.date(2026, 3, 31))
REPS = [{"rep_id": "R1", "name": "Ada", "team": "East", "role": "SDR"}]


def lead(lead_id: str, mql_at: str, **exit_at: str) -> dict:
    return {"lead_id": lead_id, "created_at": "2026-02-01 00:00", "mql_at": mql_at, "owner_id": "R1",
            "channel": "paid", "segment": "SMB", **exit_at}


LEADS = [
    lead("N1", "2026-03-02 00:00", recycled_at="2026-03-06 00:00"),  # 2 attempts, 4 days: early
    lead("N2", "2026-03-02 00:00", recycled_at="2026-03-12 00:00"),  # 1 attempt, 10 days: early
    lead("N3", "2026-03-02 00:00", recycled_at="2026-03-05 00:00"),  # 3 attempts, 3 days: early; won 03-20
    lead("N4", "2026-03-02 00:00", recycled_at="2026-03-10 00:00"),  # no attempt, 8 days: untouched
    lead("N5", "2026-02-01 00:00", recycled_at="2026-03-15 00:00"),  # 1 attempt, 42 days: not ready
    {**lead("N6", "2026-03-02 00:00", recycled_at="2026-03-08 00:00"),  # 4 attempts, 6 days: early
     "sql_at": "2026-03-20 00:00"},
    lead("N7", "2026-03-02 00:00", disqualified_at="2026-03-09 00:00"),  # 1 attempt, 7 days
    lead("N8", "2026-03-02 00:00", recycled_at="2026-04-02 00:00"),  # exits after March: not counted
]
TOUCHES = [
    {"touch_id": f"T{number}", "lead_id": lead_id, "rep_id": "R1", "touched_at": touched_at}
    for number, (lead_id, touched_at) in enumerate([
        ("N1", "2026-03-03 10:00"), ("N1", "2026-03-04 10:00"),
        ("N2", "2026-03-03 10:00"),
        ("N3", "2026-03-02 10:00"), ("N3", "2026-03-03 10:00"), ("N3", "2026-03-04 10:00"),
        ("N5", "2026-02-02 10:00"),
        ("N6", "2026-03-03 10:00"), ("N6", "2026-03-04 10:00"), ("N6", "2026-03-05 10:00"), ("N6", "2026-03-06 10:00"),
        ("N7", "2026-03-03 10:00"),
        ("N8", "2026-03-03 10:00"),
    ])
]
DEALS = [{"deal_id": "D1", "lead_id": "N3", "owner_id": "R1", "created_at": "2026-03-18 00:00",
          "closed_at": "2026-03-20 00:00", "status": "won", "amount": 100}]
TABLES = {"reps": REPS, "leads": LEADS, "deals": DEALS, "touches": TOUCHES, "traffic": []}
COLUMNS = ["reason", "leads", "median_attempts", "median_days_in_sales", "won_later", "sql_later", "re_mql",
           "no_later_activity"]


@pytest.fixture
def company(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    database = build_database(tmp_path / "extracts", TABLES)
    yield database
    database.close()


def reasons(database: Database, as_of: dt.date) -> list[tuple]:
    frame = compliance.hand_back_summary(database, *MARCH, Filters(), as_of)
    assert list(frame.columns) == COLUMNS
    return [tuple(row) for row in frame.itertuples(index=False)]


CASES = {
    # Early: attempts 2, 1, 3, 4 -> median 2.5; days 4, 10, 3, 6 -> median (4 + 6) / 2 = 5.
    # As of 03-31 N3 is won (03-20) and N6 an SQL (03-20); the rest did nothing since.
    # Ties of one lead each come in the reasons' alphabetical order.
    dt.date(2026, 3, 31): [
        ("Handed back early", 4, 2.5, 5.0, 1, 1, 0, 2),
        ("Disqualified", 1, 1.0, 7.0, 0, 0, 0, 1),
        ("Handed back untouched", 1, 0.0, 8.0, 0, 0, 0, 1),
        ("Not ready after 30 days", 1, 1.0, 42.0, 0, 0, 0, 1),
    ],
    # As of 03-14 N5 (recycled 03-15) has not left yet, and nothing has happened since any exit.
    dt.date(2026, 3, 14): [
        ("Handed back early", 4, 2.5, 5.0, 0, 0, 0, 4),
        ("Disqualified", 1, 1.0, 7.0, 0, 0, 0, 1),
        ("Handed back untouched", 1, 0.0, 8.0, 0, 0, 0, 1),
    ],
}


@pytest.mark.parametrize("as_of", sorted(CASES), ids=str)
@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_hand_backs_are_counted_by_reason_with_their_medians_and_later_outcomes(company, built, as_of):
    if built:
        ensure_all_facts(company)
    assert hand_back_reasons_from_facts(company) is built
    assert reasons(company, as_of) == CASES[as_of]


@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_recycled_leads_are_every_hand_back_but_the_disqualified(company, built):
    if built:
        ensure_all_facts(company)
    frame = compliance.hand_back_summary(company, *MARCH, Filters(), dt.date(2026, 3, 31))
    assert recycled_hand_backs(frame) == 6  # N1-N6; N7 was disqualified
    # of the 7 leads handed off in March (N5's hand-off was in February)
    assert compliance.compliance_data(company, *MARCH, as_of=dt.date(2026, 3, 31)).kpis["recycle_rate"] == \
        pytest.approx(6 / 7)


@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_no_hand_back_in_the_range_gives_no_reason(company, built):
    if built:
        ensure_all_facts(company)
    frame = compliance.hand_back_summary(company, dt.date(2026, 5, 1), dt.date(2026, 5, 31), Filters(),
                                         dt.date(2026, 5, 31))
    assert list(frame.columns) == COLUMNS and frame.empty
    assert recycled_hand_backs(frame) == 0


def test_a_new_recycle_rule_settles_the_reasons_again_and_reuses_the_other_facts(company, tmp_path):
    ensure_all_facts(company)
    stricter = MINIMAL_SLA + "\n[sla.recycle]\nno_response_attempts = 3\nnot_ready_after_days = 30\n"
    config = load_config(write_config(tmp_path / "extracts", tuple(TABLES), sla=stricter))
    database = Database(config)
    try:
        actions = {outcome.name: outcome.action for outcome in ensure_all_facts(database)}
        assert actions[HAND_BACK_FACTS] == "built"
        assert {action for name, action in actions.items() if name != HAND_BACK_FACTS} == {"reused"}
        # N3 (3 attempts) and N6 (4) now meet the rule's 3 attempts: no response; N1 and N2 stay early.
        assert reasons(database, dt.date(2026, 3, 31)) == [
            ("Handed back early", 2, 1.5, 7.0, 0, 0, 0, 2),
            ("No response after 3 attempts", 2, 3.5, 4.5, 1, 1, 0, 0),
            ("Disqualified", 1, 1.0, 7.0, 0, 0, 0, 1),
            ("Handed back untouched", 1, 0.0, 8.0, 0, 0, 0, 1),
            ("Not ready after 30 days", 1, 1.0, 42.0, 0, 0, 0, 1),
        ]
    finally:
        database.close()
