"""The hand-back facts and sales_hand_backs_from_facts.sql on a hand-built company whose expected
values were worked out by hand (in the comments): the direct query and the twin reading the
facts must both give them, for any range and as-of date (what depends on those is decided
when the facts are read)."""

import datetime as dt

import pandas as pd
import pytest

from dashboard.core.config import load_config
from dashboard.data import Database, date_range_params
from dashboard.facts.build import ensure_all_facts
from dashboard.facts.hand_backs import hand_backs_query
from tests.companies.builders import build_database, ts, write_config, write_table

ALL = {"channel": None, "segment": None, "team": None}
REPS = [{"rep_id": "R1", "name": "Ada", "team": "East", "role": "SDR"}]
LEADS = [
    # recycled 03-10, then disqualified 03-20
    {"lead_id": "L1", "created_at": "2026-03-01 00:00", "mql_at": "2026-03-02 00:00",
     "recycled_at": "2026-03-10 00:00", "disqualified_at": "2026-03-20 00:00", "owner_id": "R1",
     "channel": "paid", "segment": "SMB"},
    # recycled 03-05, handed off again 03-15 (its mql_at is the re-MQL), SQL 03-25
    {"lead_id": "L2", "created_at": "2026-03-01 00:00", "mql_at": "2026-03-15 00:00", "sql_at": "2026-03-25 00:00",
     "recycled_at": "2026-03-05 00:00", "owner_id": "R1", "channel": "organic", "segment": "SMB"},
    {"lead_id": "L3", "created_at": "2026-03-01 00:00", "mql_at": "2026-03-02 00:00", "owner_id": "R1",
     "channel": "paid", "segment": "SMB"},
]
TOUCHES = [
    {"touch_id": "T1", "lead_id": "L1", "rep_id": "R1", "touched_at": "2026-03-03 00:00"},
    {"touch_id": "T2", "lead_id": "L1", "rep_id": "R1", "touched_at": "2026-03-04 00:00"},
    {"touch_id": "T3", "lead_id": "L1", "rep_id": "R1", "touched_at": "2026-03-15 00:00"},
    {"touch_id": "T4", "lead_id": "L1", "rep_id": "R1", "touched_at": "2026-03-25 00:00"},
    {"touch_id": "T5", "lead_id": "L2", "rep_id": "R1", "touched_at": "2026-03-02 00:00"},
    {"touch_id": "T6", "lead_id": "L2", "rep_id": "R1", "touched_at": "2026-03-16 00:00"},
]
DEALS = [
    {"deal_id": "D1", "lead_id": "L2", "owner_id": "R1", "created_at": "2026-03-26 00:00",
     "closed_at": "2026-04-10 00:00", "status": "won", "amount": 100},
    {"deal_id": "D2", "lead_id": "L1", "owner_id": "R1", "created_at": "2026-03-11 00:00",
     "closed_at": "2026-03-12 00:00", "status": "won", "amount": 100},
]
NAT = None


@pytest.fixture
def company(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    database = build_database(tmp_path / "extracts", {"reps": REPS, "leads": LEADS, "deals": DEALS,
                                                      "touches": TOUCHES, "traffic": []})
    yield database
    database.close()


def as_rows(frame: pd.DataFrame, columns: list[str]) -> list[tuple]:
    def plain(value):
        if value is None or value is pd.NaT or (not isinstance(value, str) and pd.isna(value)):
            return None
        return value.to_pydatetime() if isinstance(value, pd.Timestamp) else value
    return sorted(tuple(plain(row[column]) for column in columns) for _, row in frame.iterrows())


def test_each_exit_is_a_fact_with_its_attempts_and_its_first_win_after(company):
    facts = company.query("hand_back_facts", date_range_params(dt.date(2026, 3, 1), dt.date(2026, 4, 30)))
    columns = ["lead_id", "exit_kind", "exit_at", "owner_name", "attempts_before_exit", "first_touch_at",
               "won_after_exit_at"]
    assert as_rows(facts, columns) == [
        # touches from the hand-off 03-02 to 03-20: T1, T2, T3; D2 won 03-12, before this exit
        ("L1", "disqualified", ts("2026-03-20"), "Ada", 3, ts("2026-03-03"), None),
        # touches 03-02 to 03-10: T1, T2; D2 won after it
        ("L1", "recycled", ts("2026-03-10"), "Ada", 2, ts("2026-03-03"), ts("2026-03-12")),
        # re-MQL'd: counted from creation 03-01 to 03-05: T5; D1 won 04-10, whatever the as-of date
        ("L2", "recycled", ts("2026-03-05"), "Ada", 1, ts("2026-03-02"), ts("2026-04-10")),
    ]


COLUMNS = ["lead_id", "exit_kind", "handed_off_at", "attempts_before_exit", "is_re_mql", "sql_after_exit_at",
           "won_after_exit_at"]
CASES = {
    # March as of 03-31: L1 counts by its disqualification; L2's SQL 03-25 is after its exit, its win is not yet
    "march": ((dt.date(2026, 3, 1), dt.date(2026, 3, 31)), dt.datetime(2026, 4, 1), [
        ("L1", "disqualified", ts("2026-03-02"), 3, False, None, None),
        ("L2", "recycled", None, 1, True, ts("2026-03-25"), None),
    ]),
    # as of 04-30 L2's win on 04-10 has happened
    "as of April": ((dt.date(2026, 3, 1), dt.date(2026, 3, 31)), dt.datetime(2026, 5, 1), [
        ("L1", "disqualified", ts("2026-03-02"), 3, False, None, None),
        ("L2", "recycled", None, 1, True, ts("2026-03-25"), ts("2026-04-10")),
    ]),
    # to 03-15 L1's disqualification is outside the range: it counts by its recycling, won 03-12 after it
    "first half": ((dt.date(2026, 3, 1), dt.date(2026, 3, 15)), dt.datetime(2026, 4, 1), [
        ("L1", "recycled", ts("2026-03-02"), 2, False, None, ts("2026-03-12")),
        ("L2", "recycled", None, 1, True, ts("2026-03-25"), None),
    ]),
    # as of 03-17 L1 is not disqualified yet, L2's SQL has not happened, its re-MQL on 03-15 has
    "as of 03-17": ((dt.date(2026, 3, 1), dt.date(2026, 3, 31)), dt.datetime(2026, 3, 18), [
        ("L1", "recycled", ts("2026-03-02"), 2, False, None, ts("2026-03-12")),
        ("L2", "recycled", None, 1, True, None, None),
    ]),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_hand_backs_by_range_and_as_of_date(company, built, case):
    if built:
        ensure_all_facts(company)
    name = hand_backs_query(company)
    assert name == ("sales_hand_backs_from_facts" if built else "sales_hand_backs")
    (start, end), as_of_end, expected = CASES[case]
    frame = company.query(name, {**date_range_params(start, end), **ALL, "as_of_end": as_of_end})
    assert as_rows(frame, COLUMNS) == expected


@pytest.mark.parametrize("built", [False, True], ids=["extracts", "facts"])
def test_hand_backs_follow_the_channel(company, built):
    if built:
        ensure_all_facts(company)
    params = {**date_range_params(dt.date(2026, 3, 1), dt.date(2026, 3, 31)), **ALL, "channel": "organic",
              "as_of_end": dt.datetime(2026, 4, 1)}
    assert list(company.query(hand_backs_query(company), params)["lead_id"]) == ["L2"]



# A month of deals appended with one won deal: the first win after an exit moves only when the
# new deal is the first win after it, and the stored month is folded, not rebuilt.
APPENDED_WINS = {
    # L1 disqualified 03-20 had no win after it; its recycling 03-10 keeps D2 (03-12)
    "first win after a disqualification": ("L1", "2026-04-01", {("L1", "disqualified"): ts("2026-04-01")}),
    # L2 recycled 03-05 already won D1 on 04-10: a later win changes nothing
    "a win after a known win": ("L2", "2026-04-20", {}),
    # closed before L2's exit on 03-05: not a win after it
    "a win before the exit": ("L2", "2026-03-04", {}),
    # before D1, after the exit: the first win after L2's recycling moves to 04-01
    "a win before the known win": ("L2", "2026-04-01", {("L2", "recycled"): ts("2026-04-01")}),
}


@pytest.mark.parametrize("case", sorted(APPENDED_WINS))
def test_an_appended_win_is_folded_into_the_exit_it_is_the_first_win_after(tmp_path, monkeypatch, case):
    lead_id, closed_at, moved = APPENDED_WINS[case]
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    extracts = tmp_path / "extracts"
    (extracts / "deals").mkdir(parents=True)
    for name, rows in {"reps": REPS, "leads": LEADS, "touches": TOUCHES, "traffic": []}.items():
        write_table(extracts, name, rows)
    write_table(extracts / "deals", "deals", DEALS)
    config_path = write_config(extracts, ("reps", "leads", "touches", "traffic", "deals"))
    config_path.write_text(config_path.read_text().replace('path = "deals.parquet"', 'path = "deals"'))
    database = Database(load_config(config_path))
    try:
        ensure_all_facts(database)
        before = won_after_exit(database)
        appended = {"deal_id": "D9", "lead_id": lead_id, "owner_id": "R1", "created_at": "2026-04-01 00:00",
                    "closed_at": f"{closed_at} 00:00", "status": "won", "amount": 50}
        write_table(tmp_path, "deals", [appended]).rename(extracts / "deals" / "2026-04.parquet")
        assert database.refresh()
        outcome = next(outcome for outcome in ensure_all_facts(database) if outcome.name == "hand_back_facts")
        assert (outcome.action, outcome.months_built, outcome.months_folded) == ("refreshed", 0, 1 if moved else 0)
        assert won_after_exit(database) == {**before, **moved}
    finally:
        database.close()


def won_after_exit(database) -> dict[tuple[str, str], dt.datetime | None]:
    frame = database.query("hand_back_facts", date_range_params(dt.date(2026, 3, 1), dt.date(2026, 4, 30)))
    return {(lead, kind): at for lead, kind, at in as_rows(frame, ["lead_id", "exit_kind", "won_after_exit_at"])}
