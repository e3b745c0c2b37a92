"""The scoring lab on the twenty hand-made leads of lab_company.py: re-scoring the
pre-aggregate (SQL groups + score_leads) matches a plain Python re-scoring of every lead
exactly, and the figures at a threshold match the hand counts."""

import datetime as dt
import operator

import numpy as np
import pytest

from dashboard.scoring_lab import domain as lab
from dashboard.core.config import LeadDefinition, ScoringRule
from dashboard.funnel.domain import Filters
from dashboard.scoring_lab.data import available_attributes, lab_data, lab_shape
from tests.companies.builders import build_database
from tests.companies.lab_company import LAB_DEALS, LAB_LEADS, LAB_TABLES

START, END = dt.date(2026, 1, 1), dt.date(2026, 4, 30)
MONTHS = (dt.date(2026, 3, 1), dt.date(2026, 4, 1))


def rule(attribute, op, value, points):
    return ScoringRule(attribute, op, tuple(value) if isinstance(value, list) else value, points)


# Every operator, numeric thresholds off the lab's candidate ladder (> 1000, != 300, in [2, 5]),
# negative points, labels, flags and the channel and segment attributes.
EDITED = (
    rule("company_size", ">=", 200, 10),
    rule("company_size", ">", 1000, 5),
    rule("company_size", "<=", 50, -5),
    rule("company_size", "!=", 300, 1),
    rule("job_level", "in", ["VP", "C-level"], 20),
    rule("job_level", "=", "Director", 10),
    rule("industry", "not in", ["Retail", "Education"], 5),
    rule("industry", "!=", "Software", -2),
    rule("pricing_page_views", ">=", 3, 15),
    rule("pricing_page_views", "in", [2, 5], 3),
    rule("content_downloads", ">", 1, 10),
    rule("webinar_attended", "=", True, 10),
    rule("demo_requested", "!=", False, 25),
    rule("channel", "=", "referral", 7),
    rule("segment", "in", ["Enterprise"], 4),
)

OPERATORS = {"=": operator.eq, "!=": operator.ne, ">": operator.gt, ">=": operator.ge, "<": operator.lt,
             "<=": operator.le}


def python_score(lead: dict, rules) -> int:
    """A plain per-lead scorer, independent of numpy: a missing value matches only != and not in."""
    score = 0
    for r in rules:
        value = lead.get(r.attribute)
        if value is None:
            matched = r.op in ("!=", "not in")
        elif r.op == "in":
            matched = value in r.value
        elif r.op == "not in":
            matched = value not in r.value
        else:
            matched = OPERATORS[r.op](value, r.value)
        score += r.points if matched else 0
    return score


def outcomes(lead: dict) -> tuple[bool, bool, bool, float]:
    deals = [d for d in LAB_DEALS if d["lead_id"] == lead["lead_id"]]
    won = [d["amount"] for d in deals if d["status"] == "won"]
    observed = bool(lead.get("mql_at") or lead.get("sql_at") or deals)
    return observed, bool(lead.get("sql_at")), bool(won), float(sum(won))


@pytest.fixture
def lab_database(tmp_path):
    database = build_database(tmp_path / "lab", LAB_TABLES)
    yield database
    database.close()


def groups_for(database, rules):
    attributes, bounds = lab_shape(database.config, available_attributes(database), rules)
    return lab_data(database, START, END, Filters(), attributes, bounds)


def test_rescoring_the_groups_matches_a_python_rescoring_of_every_lead(lab_database):
    data = groups_for(lab_database, EDITED)
    groups = data.groups
    assert groups.months == MONTHS
    assert int(groups.leads.sum()) == 20 and groups.size <= 20
    scores = lab.group_scores(groups, EDITED)
    hist = lab.score_histogram(groups, scores, EDITED, lab.NO_CONVERSION)
    expected = {name: np.zeros_like(hist.leads) for name in ("leads", "observed", "sql", "won", "revenue")}
    for lead in LAB_LEADS:
        month = MONTHS.index(dt.date(2026, int(lead["created_at"][5:7]), 1))
        cell = (month, python_score(lead, EDITED) - hist.min_score, int(lead["demo_requested"]))
        observed, sql, won, revenue = outcomes(lead)
        for name, value in (("leads", 1), ("observed", observed), ("sql", sql), ("won", won), ("revenue", revenue)):
            expected[name][cell] += value
    for name, array in expected.items():
        np.testing.assert_array_equal(getattr(hist, name), array, err_msg=name)


def test_figures_at_a_threshold_match_the_python_rescoring(lab_database):
    groups = groups_for(lab_database, EDITED).groups
    hist = lab.score_histogram(groups, lab.group_scores(groups, EDITED), EDITED, lab.NO_CONVERSION)
    for threshold in (0, 25, 40, 55, 70):
        figures = lab.evaluate(hist, threshold, bypass=False).total
        mqls = [lead for lead in LAB_LEADS if python_score(lead, EDITED) >= threshold]
        others = [lead for lead in LAB_LEADS if python_score(lead, EDITED) < threshold]
        assert figures["mqls"] == len(mqls)
        assert figures["mqls_observed"] == sum(outcomes(lead)[0] for lead in mqls)
        assert figures["sqls_observed"] == sum(outcomes(lead)[1] for lead in mqls)
        assert figures["won_observed"] == sum(outcomes(lead)[2] for lead in mqls)
        assert figures["revenue_captured_observed"] == sum(outcomes(lead)[3] for lead in mqls)
        assert figures["revenue_missed"] == sum(outcomes(lead)[3] for lead in others)


def test_the_config_rules_score_the_hand_built_leads_as_worked_out_by_hand(lab_database):
    definition = lab_database.config.slas[0].lead_definition  # size >= 200: 30, demo: 50, threshold 50
    groups = groups_for(lab_database, ()).groups
    hist = lab.score_histogram(groups, lab.group_scores(groups, definition.rules), definition.rules, lab.BAND)
    at_50 = lab.evaluate(hist, 50, reps=1, capacity=2)
    # MQLs at 50: L03, L13, L19 (80) and L08 (50): 2 in March, 2 in April; all handed off.
    assert at_50.monthly["mqls"].tolist() == [2, 2]
    total = at_50.total
    assert (total["mqls"], total["mqls_observed"], total["mqls_estimated"]) == (4, 4, 0)
    # SQLs: L03, L13, L19 (not L08); won: the same three, 25,000 + 30,000 + 35,000 = 90,000.
    assert (total["sqls_observed"], total["won_observed"], total["revenue_captured_observed"]) == (3, 3, 90_000)
    # Missed: won leads below 50: L01 10,000, L10 40,000, L12 5,000.
    assert (total["won_missed"], total["revenue_missed"]) == (3, 55_000)
    assert total["mql_to_sql_rate"] == 0.75
    # Load: 4 MQLs over 2 months with 1 rep = 2 a month per rep, against a capacity of 2.
    assert total["mqls_per_rep"] == 2 and total["capacity_per_rep"] == 2


def test_never_handed_off_leads_get_the_conversion_of_the_nearest_observed_band(lab_database, monkeypatch):
    definition = lab_database.config.slas[0].lead_definition
    groups = groups_for(lab_database, ()).groups
    scores = lab.group_scores(groups, definition.rules)
    # With at least 2 observed leads per band: band 30-39 has L01 L04 L07 L10 L12 L15 observed
    # (6): SQLs L01 L07 L10 (3/6 = 0.5), won L01 L10 L12 (0.5), revenue 55,000 / 6.
    monkeypatch.setattr(lab, "MIN_BAND_OBSERVED", 2)
    hist = lab.score_histogram(groups, scores, definition.rules, lab.BAND)
    total = lab.evaluate(hist, 30).total
    # At 30 the MQLs add L09 and L17 (score 30, never handed off): 12 MQLs, 2 estimated,
    # each with 0.5 SQL, 0.5 won and 55,000 / 6 revenue: 1 SQL, 1 won, 18,333.33.
    assert (total["mqls"], total["mqls_estimated"]) == (12, 2)
    assert total["sqls_estimated"] == pytest.approx(1.0)
    assert total["won_estimated"] == pytest.approx(1.0)
    assert total["revenue_captured_estimated"] == pytest.approx(55_000 / 3)
    bands = hist.bands.set_index("band_start")
    # Band 0-9 has one observed lead (L16) < 2: it borrows from the nearest band with 2, 30-39.
    assert bands.loc[0, "borrowed_from"] == 30 and bands.loc[0, "sql_rate"] == 0.5
    # Band 80-89 (L03 L13 L19, all SQL and won) lends its own rates.
    assert np.isnan(bands.loc[80, "borrowed_from"]) and bands.loc[80, "won_rate"] == 1.0
    # The floor method assumes no conversion at all.
    floor = lab.evaluate(lab.score_histogram(groups, scores, definition.rules, lab.NO_CONVERSION), 30).total
    assert floor["sqls_estimated"] == 0 and floor["revenue_captured_estimated"] == 0


def test_raising_points_on_one_rule_rescore_exactly_the_leads_it_reads(lab_database):
    definition = lab_database.config.slas[0].lead_definition
    edited = (rule("company_size", ">=", 200, 50), definition.rules[1])
    groups = groups_for(lab_database, edited).groups
    before, after = lab.group_scores(groups, definition.rules), lab.group_scores(groups, edited)
    changes = lab.score_changes(groups, before, after, 50, 50)
    # The 11 leads with 200 employees or more: L01 L03 L04 L07 L09 L10 L12 L13 L15 L17 L19.
    assert changes.leads_rescored == 11
    # Those without a demo go from 30 to 50 and become MQLs: L01 L04 L07 L09 L10 L12 L15 L17.
    assert (changes.became_mqls, changes.dropped_out) == (8, 0)


def test_the_tradeoff_curve_sums_the_histogram_at_every_threshold(lab_database):
    definition = lab_database.config.slas[0].lead_definition
    groups = groups_for(lab_database, ()).groups
    hist = lab.score_histogram(groups, lab.group_scores(groups, definition.rules), definition.rules,
                               lab.NO_CONVERSION)
    curve = lab.tradeoff(hist).set_index("threshold")
    assert curve.loc[0, "mqls"] == 20
    # At 80 only L03, L13, L19: every one an SQL and won, 90,000 of the 145,000 won by leads.
    assert curve.loc[80, "mqls"] == 3
    assert curve.loc[80, "mql_to_sql_rate"] == 1.0
    assert curve.loc[80, "revenue_captured_share"] == pytest.approx(90_000 / 145_000)
    # With hand-raisers bypassing, the 4 demo requests stay MQLs at any threshold.
    assert lab.tradeoff(hist, bypass=True).set_index("threshold").loc[80, "mqls"] == 4


def test_bins_cut_on_each_threshold_and_the_next_integer():
    assert lab.bin_bounds([200]) == (lab.FLOOR, 200, 201)
    # A fractional threshold needs both its neighbours: x >= 2.5 is x >= 3, x <= 2.5 is x < 3.
    assert lab.bin_bounds([2.5]) == (lab.FLOOR, 2, 3, 4)
    bounds = lab.lab_bounds([(rule("company_size", ">", 1000, 5),)])
    assert {1000, 1001} <= set(bounds["company_size"])
    assert lab.bounds_cover(bounds, (rule("company_size", ">", 1000, 5),))
    assert not lab.bounds_cover(bounds, (rule("company_size", ">=", 333, 5),))


def test_hand_raiser_bypass_is_read_from_history(lab_database):
    definition = lab_database.config.slas[0].lead_definition
    groups = groups_for(lab_database, ()).groups
    scores = lab.group_scores(groups, definition.rules)
    # At 50 no demo request scores below the threshold; at 90 all four do, all handed off.
    assert lab.hand_raisers_bypass(groups, scores, 50) is None
    assert lab.hand_raisers_bypass(groups, scores, 90) is True


def test_the_proposal_snippet_reads_back_through_the_config_checks():
    proposal = LeadDefinition(mql_threshold=65, rules=EDITED)
    snippet = lab.lead_definition_toml(proposal, "FY2026 H2", dt.date(2026, 10, 31), note="a note")
    definition, problems = lab.check_lead_definition(snippet)
    assert problems == []
    assert definition == proposal
    assert '{ attribute = "job_level", op = "in", value = ["VP", "C-level"], points = 20 },' in snippet
    too_high = lab.lead_definition_toml(LeadDefinition(mql_threshold=500, rules=EDITED[:2]), "FY2026 H2")
    _, problems = lab.check_lead_definition(too_high)
    assert problems == ["lead_definition.mql_threshold: must be between 1 and the highest reachable score (15) (got 500)"]
