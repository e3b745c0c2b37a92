"""Scoring rules on a hand-scored four-lead case."""

import numpy as np
import pytest

from dashboard.core.config import ScoringRule
from dashboard.scoring_lab.scoring import score_leads


def rule(attribute, op, value, points):
    return ScoringRule(attribute=attribute, op=op, value=tuple(value) if isinstance(value, list) else value,
                       points=points)


def test_score_is_the_sum_of_the_points_of_matching_rules():
    attrs = {
        "company_size": np.array([50, 250, 1_500, 199]),
        "job_level": np.array(["Manager", "VP", "C-level", "Director"]),
        "industry": np.array(["Retail", "Software", "Healthcare", "Financial Services"]),
        "demo_requested": np.array([False, True, False, True]),
        "pricing_page_views": np.array([0, 3, 1, 2]),
    }
    rules = [
        rule("company_size", ">=", 200, 10),
        rule("company_size", ">", 1_000, 5),
        rule("company_size", "<", 100, -5),
        rule("job_level", "in", ["VP", "C-level"], 20),
        rule("job_level", "=", "Director", 10),
        rule("industry", "not in", ["Retail", "Education"], 7),
        rule("industry", "!=", "Software", 1),
        rule("demo_requested", "=", True, 25),
        rule("pricing_page_views", "<=", 1, 2),
    ]
    # Lead 0: size<100 -5, not-in fails, != Software +1, views<=1 +2               = -2
    # Lead 1: >=200 +10, VP +20, not in +7, demo +25                              = 62
    # Lead 2: >=200 +10, >1000 +5, C-level +20, not in +7, != +1, views<=1 +2     = 45
    # Lead 3: Director +10, not in +7, != +1, demo +25                            = 43
    np.testing.assert_array_equal(score_leads(attrs, rules), [-2, 62, 45, 43])


def test_an_unknown_operator_or_attribute_is_refused():
    attrs = {"company_size": np.array([10])}
    with pytest.raises(ValueError):
        score_leads(attrs, [rule("company_size", "~", 1, 1)])
    with pytest.raises(KeyError):
        score_leads(attrs, [rule("industry", "=", "x", 1)])
