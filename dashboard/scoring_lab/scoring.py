"""Lead scoring: the points a lead earns under an SLA version's scoring rules.

One implementation, used by the generator to give the sample its scores and by the scoring
lab to re-score history, so both always agree on what a rule means.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np

from dashboard.core.config import ScoringRule

COMPARISONS = {
    "=": np.equal,
    "!=": np.not_equal,
    ">": np.greater,
    ">=": np.greater_equal,
    "<": np.less,
    "<=": np.less_equal,
}


def rule_matches(values: np.ndarray, rule: ScoringRule) -> np.ndarray:
    if rule.op in COMPARISONS:
        return COMPARISONS[rule.op](values, rule.value)
    if rule.op == "in":
        return np.isin(values, list(rule.value))
    if rule.op == "not in":
        return ~np.isin(values, list(rule.value))
    raise ValueError(f"unknown scoring operator {rule.op!r}")


def score_leads(attrs: Mapping[str, np.ndarray], rules: Sequence[ScoringRule]) -> np.ndarray:
    """Score each lead as the sum of the points of the rules its attributes match.

    `attrs` maps attribute names to equal-length arrays (labels as strings, flags as booleans).
    """
    length = len(next(iter(attrs.values()))) if attrs else 0
    score = np.zeros(length, dtype=np.int32)
    for rule in rules:
        if rule.attribute not in attrs:
            raise KeyError(f"scoring rule needs attribute {rule.attribute!r}")
        matched = rule_matches(np.asarray(attrs[rule.attribute]), rule)
        score += np.where(matched, np.int32(rule.points), np.int32(0))
    return score
