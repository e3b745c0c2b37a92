"""Follow-up compliance on the hand-built company in follow_up_company.py, June 2026, as of
Friday 2026-06-19 (as-of instant 2026-06-20 00:00 UTC = Fri 20:00 New York).
Rule: first touch within 4 working hours, 3 attempts within 10 days; 09:00-18:00 New York.
Every expected value below was worked out by hand; the arithmetic is in the comments."""

import datetime as dt

import pandas as pd
import pytest

from dashboard.compliance import data as compliance
from dashboard.compliance.data import rules_for
from dashboard.compliance.follow_up import (
    BREACHED_ATTEMPTS,
    BREACHED_FIRST_TOUCH,
    MET,
    NEVER_TOUCHED,
    STILL_OPEN,
    FollowUpRule,
    classify_hand_backs,
    evaluate_follow_up,
    never_touched_note,
    split_overdue,
    summarise,
)
from dashboard.funnel.domain import Filters
from dashboard.compliance.working_hours import WorkingCalendar
from tests.companies.follow_up_company import SPLIT_SLA, build_follow_up_company
from tests.conftest import READS, reading

JUNE = (dt.date(2026, 6, 1), dt.date(2026, 6, 30))


@pytest.fixture(params=READS)
def follow_up_company(tmp_path, request):
    database = build_follow_up_company(tmp_path / "extracts")
    yield reading(database, request.param)
    database.close()


@pytest.fixture
def june(follow_up_company):
    return compliance.compliance_data(follow_up_company, *JUNE)


def by_lead(database, filters: Filters = Filters()) -> pd.DataFrame:
    """Every lead handed off in June as the page lists them (newest first), by lead id."""
    return compliance.listed_leads(database, *JUNE, filters).set_index("lead_id")


def test_june_hand_offs_are_the_thirteen_leads_handed_off_in_june(june, follow_up_company):
    # L12 (May), L14 and L15 (April) are out; L16's re-MQL on 06-12 is in
    assert sorted(by_lead(follow_up_company).index) == ["L01", "L02", "L03", "L04", "L05", "L06", "L07", "L08", "L09",
                                              "L10", "L11", "L13", "L16"]
    assert june.as_of == dt.date(2026, 6, 19)


def test_each_status_has_its_hand_computed_case(follow_up_company):
    status = by_lead(follow_up_company)["status"].astype(str).to_dict()
    assert status["L01"] == MET  # 1 h to first touch, 3 attempts in the window
    assert status["L02"] == MET  # Fri 17:59 EDT hand-off, Mon 09:30 touch = 31 working minutes
    assert status["L08"] == MET  # 1 attempt, but SQL on 06-09, before the window closed 06-18
    assert status["L09"] == MET  # 1 attempt, disqualified 06-10, inside the window
    assert status["L11"] == MET  # touched at hand-off (0 h), 3 attempts
    assert status["L03"] == BREACHED_FIRST_TOUCH  # Tue 9 h + Wed 2 h = 11 h > 4 h
    assert status["L04"] == BREACHED_ATTEMPTS  # 06-01 and 06-04 touches; the 06-12 one is after 06-11 14:00
    assert status["L05"] == STILL_OPEN  # touched in time, 1 attempt, window runs to 06-28
    assert status["L07"] == STILL_OPEN  # untouched but only 2 of 4 working hours used (Fri 16:00-18:00)
    assert status["L06"] == NEVER_TOUCHED  # 72 working hours, no touch
    assert status["L10"] == NEVER_TOUCHED  # no touch before it was recycled
    assert status["L13"] == NEVER_TOUCHED  # its only touch came an hour before the hand-off
    assert status["L16"] == NEVER_TOUCHED  # re-MQL'd 06-12, no touch since


def test_working_hours_to_first_touch_and_attempts_in_the_window(follow_up_company):
    leads = by_lead(follow_up_company)
    hours = leads["hours_to_first_touch"]
    assert hours["L01"] == pytest.approx(1.0)
    assert hours["L02"] == pytest.approx(31 / 60)  # 1 min Friday + 30 min Monday
    assert hours["L03"] == pytest.approx(11.0)
    assert hours["L09"] == pytest.approx(0.25)
    assert hours["L11"] == pytest.approx(0.0)
    assert pd.isna(hours["L06"])
    assert (leads.loc["L01", "attempts_in_window"], leads.loc["L04", "attempts_in_window"],
            leads.loc["L05", "attempts_in_window"], leads.loc["L13", "attempts_in_window"]) == (3, 2, 1, 0)
    # L04's third touch (06-12) is after the window but still a touch since hand-off
    assert leads.loc["L04", "touches_since_hand_off"] == 3


def test_deadlines_and_hours_overdue(follow_up_company):
    leads = by_lead(follow_up_company)
    # L07: Fri 16:00 EDT + 4 h = 2 h Friday, then Mon 06-22 09:00-11:00 EDT = 15:00 UTC
    assert leads.loc["L07", "first_touch_due_at"] == pd.Timestamp("2026-06-22 15:00")
    assert leads.loc["L07", "hours_overdue"] == pytest.approx(-2.0)  # 2 h used of 4: 2 h left
    # L06: Wed, Thu, Fri (27 h) + Mon-Fri of the next week (45 h) = 72 h since hand-off, 68 past 4 h
    assert leads.loc["L06", "hours_overdue"] == pytest.approx(68.0)
    assert leads.loc["L13", "hours_overdue"] == pytest.approx(59.0)  # Thu+Fri 18 h + 45 h = 63 h - 4
    assert leads.loc["L16", "hours_overdue"] == pytest.approx(50.0)  # Fri 9 h + 45 h = 54 h - 4
    assert pd.isna(leads.loc["L01", "hours_overdue"])  # touched


def test_overdue_now_lists_untouched_leads_still_with_sales_most_overdue_first(june):
    overdue = june.overdue
    # L10 is untouched too, but it was handed back to marketing; L16's recycle predates its re-MQL
    assert overdue["lead_id"].tolist() == ["L06", "L13", "L16", "L07"]
    assert overdue["hours_overdue"].tolist() == pytest.approx([68.0, 59.0, 50.0, -2.0])
    assert overdue["owner_name"].tolist() == ["Bo", "Ada", "Ada", "Cy"]


def test_totals_for_june(june):
    totals = june.totals
    assert totals["handed_off"] == 13
    # decided: all but L07 (not yet due) = 12; within 4 h: L01, L02, L04, L05, L08, L09, L11 = 7
    assert (totals["first_touch_decided"], totals["first_touch_within"]) == (12, 7)
    assert totals["first_touch_within_rate"] == pytest.approx(7 / 12)
    # met the attempt rule: L01, L02, L03 (late but 3 attempts), L08, L09, L11 = 6;
    # decided: those 6 + L04 and L10 whose windows closed short = 8 (L05, L06, L07, L13, L16 still running)
    assert (totals["attempts_decided"], totals["attempts_met"]) == (8, 6)
    assert totals["attempts_met_rate"] == pytest.approx(0.75)
    assert (totals["met"], totals["breached_first_touch"], totals["breached_attempts"], totals["still_open"],
            totals["never_touched"]) == (5, 1, 1, 2, 4)
    assert totals["overdue_now"] == 3  # L06, L13, L16 (L07 has time left)
    # touched hours sorted: 0, .25, .5, .517, 1, 1, 1, 11 -> median (.517 + 1) / 2
    assert totals["median_hours_to_first_touch"] == pytest.approx((31 / 60 + 1) / 2)


def test_per_rep_aggregates(june):
    reps = june.by_rep.set_index("owner_id", drop=False)
    ada, bo, cy = reps.loc["R1"], reps.loc["R2"], reps.loc["R3"]
    # Ada: L01, L02, L03, L13, L16; within: L01, L02 of 5 decided
    assert (ada["handed_off"], ada["first_touch_within"], ada["first_touch_decided"]) == (5, 2, 5)
    assert ada["first_touch_within_rate"] == pytest.approx(0.4)
    # hours [0.517, 1, 11]: median 1; p90 at position 0.9 * 2 = 1.8 -> 1 + 0.8 * (11 - 1) = 9
    assert ada["median_hours_to_first_touch"] == pytest.approx(1.0)
    assert ada["p90_hours_to_first_touch"] == pytest.approx(9.0)
    assert (ada["attempts_met"], ada["attempts_decided"], ada["never_touched"], ada["overdue_now"]) == (3, 3, 2, 2)
    assert ada["owner_team"] == "East"
    # Bo: L04, L05, L06; within L04, L05 of 3 decided (L06 is 72 h in); hours [1, 0.5]
    assert bo["first_touch_within_rate"] == pytest.approx(2 / 3)
    assert bo["median_hours_to_first_touch"] == pytest.approx(0.75)
    assert bo["p90_hours_to_first_touch"] == pytest.approx(0.95)  # 0.5 + 0.9 * 0.5
    assert (bo["attempts_met"], bo["attempts_decided"], bo["still_open"], bo["breached_attempts"]) == (0, 1, 1, 1)
    # Cy: L07 (not yet due), L08, L09, L10; within L08, L09 of 3 decided; hours [1, 0.25]
    assert (cy["handed_off"], cy["first_touch_decided"], cy["first_touch_within"]) == (4, 3, 2)
    assert cy["p90_hours_to_first_touch"] == pytest.approx(0.925)  # 0.25 + 0.9 * 0.75
    assert (cy["attempts_met"], cy["attempts_decided"], cy["overdue_now"]) == (2, 3, 0)  # L10 left sales
    # the unowned L11 is its own row
    unowned = june.by_rep[june.by_rep["owner_id"].isna()].iloc[0]
    assert (unowned["handed_off"], unowned["met"]) == (1, 1)
    assert june.by_rep["handed_off"].sum() == 13


def test_per_team_aggregates(june):
    teams = june.by_team.set_index("owner_team")
    east = teams.loc["East"]
    # Ada + Bo: 8 handed off, 4 of 8 within; hours [.5, .517, 1, 1, 11]: median 1,
    # p90 at position 0.9 * 4 = 3.6 -> 1 + 0.6 * (11 - 1) = 7
    assert (east["handed_off"], east["first_touch_within"], east["first_touch_decided"]) == (8, 4, 8)
    assert east["p90_hours_to_first_touch"] == pytest.approx(7.0)
    assert east["attempts_met_rate"] == pytest.approx(3 / 4)
    assert teams.loc["West", "handed_off"] == 4


def test_conversion_by_response_band(june):
    bands = june.bands.set_index("response_band")
    # under 1 h: L02 (SQL, won $10k), L05, L09, L11; 1-4 h: L01 (SQL), L04, L08 (SQL); 4-24 h: L03;
    # never touched: L06, L10, L13, L16. L07 is not yet due, so in no band.
    assert bands["leads"].tolist() == [4, 3, 1, 0, 4]
    assert bands["sqls"].tolist() == [1, 2, 0, 0, 0]
    assert bands.loc["under 1 h", "sql_rate"] == pytest.approx(0.25)
    assert bands.loc["1-4 h", "sql_rate"] == pytest.approx(2 / 3)
    assert bands.loc["under 1 h", "won_rate"] == pytest.approx(0.25) and bands.loc["under 1 h", "won_revenue"] == 10000
    assert pd.isna(bands.loc["24 h or more", "sql_rate"])  # no leads: no rate, not 0 %


def test_hand_back_reasons_and_what_happened_later(june, follow_up_company):
    backs = compliance.hand_backs(follow_up_company, *JUNE, Filters(), june.as_of).set_index("lead_id")
    assert backs["reason"].to_dict() == {
        "L09": "Disqualified",
        "L10": "Handed back untouched",
        "L14": "No response after 3 attempts",  # 3 touches in April before the 06-02 recycle
        "L15": "Not ready after 30 days",  # 1 touch, recycled 44 days after hand-off
        # 2 touches from 05-20, recycled 06-04: at least 15 days in sales, the hand-off date unknown (re-MQL'd
        # since), so neither "not ready after 30 days" nor "early" can be told
        "L16": "Handed back, hand-off date unknown",
    }
    assert backs.loc["L15", "days_in_sales"] == pytest.approx(44.0)
    assert backs["later_outcome"].astype(str).to_dict() == {
        "L09": "No later activity", "L10": "No later activity", "L14": "No later activity",
        "L15": "Won later",  # SQL 06-17, won 06-18
        "L16": "Re-MQL'd",
    }
    reasons = june.hand_back_reasons.set_index("reason")
    assert reasons["leads"].sum() == 5 and reasons.loc["Not ready after 30 days", "won_later"] == 1


def test_follow_up_kpis_for_june(june, follow_up_company):
    # recycled in June: L10, L14, L15, L16 = 4 of 13 hand-offs
    expected = {"first_touch_within_sla_rate": 7 / 12, "min_attempts_met_rate": 0.75, "recycle_rate": 4 / 13}
    assert june.kpis == pytest.approx(expected)
    assert compliance.follow_up_kpis(follow_up_company, *JUNE) == pytest.approx(expected)


def test_kpi_actuals_include_the_follow_up_kpis(follow_up_company):
    from dashboard.review.kpi_values import kpi_actuals

    values = kpi_actuals(follow_up_company, *JUNE)
    assert values["first_touch_within_sla_rate"] == pytest.approx(7 / 12)
    assert values["recycle_rate"] == pytest.approx(4 / 13)


def test_a_team_filter_keeps_only_that_teams_leads(follow_up_company):
    west = compliance.compliance_data(follow_up_company, *JUNE, Filters(team="West"))
    assert sorted(by_lead(follow_up_company, Filters(team="West")).index) == ["L07", "L08", "L09", "L10"]
    assert west.kpis["first_touch_within_sla_rate"] == pytest.approx(2 / 3)


def test_each_lead_is_judged_by_the_sla_version_in_force_at_hand_off(tmp_path):
    # From 06-15 the first touch is due within 0.5 h: L07 (06-19, 2 h in, untouched) is now never touched;
    # L06 (06-10) keeps the 4 h rule.
    database = build_follow_up_company(tmp_path / "split", sla=SPLIT_SLA)
    leads = by_lead(database)
    assert leads.loc["L07", "sla_name"] == "FY2026 late" and leads.loc["L07", "status"] == NEVER_TOUCHED
    assert leads.loc["L07", "hours_overdue"] == pytest.approx(1.5)  # 2 h - 0.5 h
    assert leads.loc["L06", "sla_name"] == "FY2026" and leads.loc["L06", "hours_overdue"] == pytest.approx(68.0)
    database.close()


def test_without_touches_follow_up_is_not_tracked_rather_than_never_touched(tmp_path):
    from tests.companies.follow_up_company import DEALS, LEADS, REPS

    database = build_follow_up_company(tmp_path / "no_touches", tables={"reps": REPS, "leads": LEADS, "deals": DEALS})
    data = compliance.compliance_data(database, *JUNE)
    assert not data.tracking.touches and any("touches" in reason for reason in data.tracking.missing)
    assert data.totals["handed_off"] == 0 and data.by_rep.empty
    assert data.kpis["first_touch_within_sla_rate"] is None and data.kpis["min_attempts_met_rate"] is None
    assert data.kpis["recycle_rate"] == pytest.approx(4 / 13)
    database.close()


def test_a_range_with_no_hand_offs_gives_empty_tables_not_errors(follow_up_company):
    data = compliance.compliance_data(follow_up_company, dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    assert data.totals["handed_off"] == 0 and data.by_rep.empty and data.overdue.empty
    assert compliance.listed_leads(follow_up_company, dt.date(2026, 2, 1), dt.date(2026, 2, 28)).empty
    assert data.totals["handed_off"] == 0 and data.totals["first_touch_within_rate"] is None
    assert data.kpis["first_touch_within_sla_rate"] is None


def test_summarise_on_an_evaluated_frame_without_keys_counts_everything():
    rule = FollowUpRule("V", dt.date(2026, 1, 1), dt.date(2026, 12, 31), 4, 2, 10,
                        WorkingCalendar("UTC", dt.time(9), dt.time(17)), 3, 30)
    facts = pd.DataFrame({
        "lead_id": ["A", "B"], "owner_id": ["R", "R"], "owner_name": "Rita", "owner_team": "East", "mql_at": pd.to_datetime(["2026-06-01 09:00"] * 2),
        "sql_at": pd.NaT, "disqualified_at": pd.NaT, "recycled_at": pd.NaT,
        # A: touched at 12:00 (3 h), B: touched next day 10:00 (8 + 1 = 9 h)
        "first_touch_at": pd.to_datetime(["2026-06-01 12:00", "2026-06-02 10:00"]),
        "attempts_in_window": [2, 2], "won_at": pd.NaT, "won_amount": None, "sla_name": "V",
    })
    evaluated = evaluate_follow_up(facts, {"V": rule}, dt.datetime(2026, 7, 1))
    assert evaluated["status"].astype(str).tolist() == [MET, BREACHED_FIRST_TOUCH]
    assert evaluated["hours_to_first_touch"].tolist() == pytest.approx([3.0, 9.0])
    row = summarise(evaluated).iloc[0]
    assert row["first_touch_within_rate"] == pytest.approx(0.5) and row["attempts_met_rate"] == pytest.approx(1.0)


def test_overdue_leads_split_into_call_today_late_and_freshest_first_and_recycle_now(june, follow_up_company):
    lists = june.overdue_lists  # as of 19 June every untouched lead is younger than the 30-day rule
    # past the deadline first (L16, L13, L06, freshest first), then L07 with 2 working hours left
    assert lists.call_today["lead_id"].tolist() == ["L16", "L13", "L06", "L07"]
    assert lists.call_today["days_since_hand_off"].tolist() == [7, 8, 9, 0]  # L07: handed off 19 Jun 20:00 UTC
    assert lists.late == 3 and lists.recycle_now.empty
    # On 10 July L06 (handed off 10 Jun 13:00 UTC) is 30 days old: hand it back rather than call it
    later = split_overdue(june.overdue, rules_for(follow_up_company.config), dt.date(2026, 7, 10))
    assert later.recycle_now["lead_id"].tolist() == ["L06"]
    assert later.recycle_now["days_since_hand_off"].tolist() == [30]
    assert later.call_today["lead_id"].tolist() == ["L16", "L13", "L07"]


def test_never_touched_is_reconciled_with_the_overdue_list(june):
    # 4 never touched (L06, L10, L13, L16): 3 still with sales, L10 handed back; L07 still has 2 h left
    assert june.totals["never_touched"] == 4 and june.totals["overdue_now"] == 3
    note = never_touched_note(4, 3, 1)
    assert note.startswith("Never touched (4) counts every hand-off whose first-touch deadline passed")
    assert "3 are still with sales (overdue now) and 1 have since been converted" in note
    assert "The 1 untouched leads still within their deadline" in note


def test_a_re_mqld_lead_whose_hand_off_date_is_lost_is_judged_from_its_first_touch():
    """A re-MQL replaces the lead's hand-off date: the first touch before the hand-back stands in for
    it (the hand-off came before), so at least the rule's days from it is "not ready"; fewer cannot be
    told from "early", and the reason says so instead of calling it early."""
    rule = FollowUpRule("V", dt.date(2026, 1, 1), dt.date(2026, 12, 31), 4, 2, 10,
                        WorkingCalendar("UTC", dt.time(9), dt.time(17)), 3, 30)
    backs = pd.DataFrame({
        "lead_id": ["A", "B", "C"], "exit_kind": "recycled",
        "exit_at": pd.to_datetime(["2026-03-05 10:00", "2026-03-05 10:00", "2026-03-05 10:00"]),
        "handed_off_at": pd.to_datetime([None, None, "2026-02-20 10:00"]),
        # A: first touch 32 days before the recycle; B: 10 days; C: hand-off known, 13 days in sales
        "first_touch_at": pd.to_datetime(["2026-02-01 10:00", "2026-02-23 10:00", "2026-02-20 12:00"]),
        "attempts_before_exit": [2, 2, 2],
        "is_re_mql": [True, True, False], "sql_after_exit_at": pd.NaT, "won_after_exit_at": pd.NaT,
    })
    classified = classify_hand_backs(backs, [rule]).set_index("lead_id")
    assert classified["reason"].to_dict() == {
        "A": "Not ready after 30 days", "B": "Handed back, hand-off date unknown", "C": "Handed back early"}
    assert pd.isna(classified.loc["A", "days_in_sales"]) and classified.loc["C", "days_in_sales"] == pytest.approx(13.0)


def test_each_hand_back_is_worded_with_the_limits_of_the_rule_in_force_at_its_hand_off():
    """Two SLA versions with different recycle rules: each reason names its own version's limit, and a
    hand-back no version covers has no limit to fail, so it is early."""
    calendar = WorkingCalendar("UTC", dt.time(9), dt.time(17))
    first = FollowUpRule("V1", dt.date(2026, 1, 1), dt.date(2026, 3, 31), 4, 2, 10, calendar, 3, 30)
    second = FollowUpRule("V2", dt.date(2026, 4, 1), dt.date(2026, 6, 30), 4, 2, 10, calendar, 5, 20)
    backs = pd.DataFrame({
        "lead_id": ["A", "B", "C", "D", "E"], "exit_kind": "recycled",
        "exit_at": pd.to_datetime(["2026-03-20", "2026-05-20", "2026-03-30", "2026-05-25", "2026-08-20"]),
        # A, C under V1; B, D under V2; E after both versions
        "handed_off_at": pd.to_datetime(["2026-03-10", "2026-05-10", "2026-02-20", "2026-05-01", "2026-07-01"]),
        "first_touch_at": pd.to_datetime(["2026-03-11", "2026-05-11", "2026-02-21", "2026-05-02", "2026-07-02"]),
        # A: 3 attempts meets V1's 3; B: 5 meets V2's 5 (3 would not); C: 1 attempt, 38 days >= V1's 30;
        # D: 1 attempt, 24 days >= V2's 20; E: 9 attempts, but no rule to meet
        "attempts_before_exit": [3, 5, 1, 1, 9],
        "is_re_mql": False, "sql_after_exit_at": pd.NaT, "won_after_exit_at": pd.NaT,
    })
    classified = classify_hand_backs(backs, [first, second]).set_index("lead_id")
    assert classified["reason"].to_dict() == {
        "A": "No response after 3 attempts", "B": "No response after 5 attempts", "C": "Not ready after 30 days",
        "D": "Not ready after 20 days", "E": "Handed back early"}
    assert classified["sla_name"].tolist() == ["V1", "V2", "V1", "V2", None]


@pytest.mark.parametrize("reads", READS)
def test_a_deadline_at_closing_time_on_the_as_of_day_is_not_yet_late(tmp_path, reads):
    # L17: handed off Fri 19 June 14:00 EDT (18:00 UTC); 4 working hours end at the 18:00 EDT close,
    # 22:00 UTC, before the as-of instant (Sat 00:00 UTC = Fri 20:00 EDT). No working time has passed
    # since the close, so exactly 4 of its 4 hours are used: still open, 0 h overdue, not never touched.
    from tests.companies.follow_up_company import DEALS, LEADS, REPS, TOUCHES

    late_friday = {"lead_id": "L17", "created_at": "2026-06-19 17:00", "mql_at": "2026-06-19 18:00",
                   "owner_id": "R3", "channel": "paid", "segment": "SMB"}
    database = reading(build_follow_up_company(tmp_path / "closing", tables={
        "reps": REPS, "leads": [*LEADS, late_friday], "touches": TOUCHES, "deals": DEALS}), reads)
    lead = by_lead(database).loc["L17"]
    assert lead["status"] == STILL_OPEN and lead["hours_overdue"] == pytest.approx(0.0)
    data = compliance.compliance_data(database, *JUNE)
    # June's 4 never touched and 3 overdue now (test_never_touched_is_reconciled...) are unchanged
    assert data.totals["never_touched"] == 4 and data.totals["overdue_now"] == 3
    assert data.totals["still_open"] == 3  # L05, L07 and L17
    # with time left, freshest first: L07 (20:00 UTC), then L17 (18:00 UTC)
    assert data.overdue_lists.call_today["lead_id"].tolist() == ["L16", "L13", "L06", "L07", "L17"]
    database.close()


def test_the_lead_list_takes_the_latest_of_the_statuses_and_owner_asked_for(follow_up_company):
    # never touched in June: L16 (06-12), L13 (06-11), L06 (06-10), L10 (06-01), newest first
    def listed(**asked):
        return compliance.listed_leads(follow_up_company, *JUNE, **asked)["lead_id"].tolist()

    assert listed(statuses=(NEVER_TOUCHED,)) == ["L16", "L13", "L06", "L10"]
    assert listed(statuses=(NEVER_TOUCHED,), max_rows=2) == ["L16", "L13"]
    assert listed(statuses=(NEVER_TOUCHED,), owner_id="R2") == ["L06"]
    assert listed(statuses=(MET, STILL_OPEN), owner_id="R3") == ["L07", "L09", "L08"]
    assert listed(owner_missing=True) == ["L11"]  # the one lead without an owner
    assert listed(max_rows=3) == ["L07", "L05", "L16"]
    with pytest.raises(ValueError, match="unknown follow-up status"):
        listed(statuses=("lost",))
