"""Cached data of the scoring lab, keyed on the config file and the data version (like
`funnel/cache.py`), so new extracts show up without a restart.

The lab's pre-aggregate can hold a million groups at 10M leads, so it is kept once with
`st.cache_resource` (no copy per rerun) and treated as read-only; its scores and histograms per
rule set are cached the same way, so a threshold move only sums a histogram."""

from __future__ import annotations

import datetime as dt

import numpy as np
import streamlit as st

from dashboard.funnel.domain import Filters
from dashboard.scoring_lab import domain as scoring_lab
from dashboard.scoring_lab.data import LabData, lab_data
from dashboard.core.access import Scope
from dashboard.ui.state import Selection, scoped_database


@st.cache_resource(show_spinner="Reading the leads once for the lab…", max_entries=3)
def _lab_data(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple,
              attributes: tuple, bounds: tuple) -> LabData:
    return lab_data(scoped_database(scope), start, end, Filters(*filters), attributes, dict(bounds))


def lab_key(selection: Selection, attributes: tuple[str, ...], bounds: dict[str, tuple[int, ...]]) -> tuple:
    # The lab splits leads by channel and segment; the team filter does not apply to leads
    # that were never handed off, so it is left out.
    return (str(selection.config.path), selection.data_version, selection.scope, selection.start, selection.end,
            (selection.filters.channel, selection.filters.segment, None), attributes, tuple(sorted(bounds.items())))


def lab(key: tuple) -> LabData:
    return _lab_data(*key)


@st.cache_resource(show_spinner=False, max_entries=24)
def _scored(key: tuple, rules: tuple, method: str) -> tuple[np.ndarray, scoring_lab.ScoreHistogram]:
    groups = _lab_data(*key).groups
    scores = scoring_lab.group_scores(groups, rules)
    return scores, scoring_lab.score_histogram(groups, scores, rules, method)


def scored(key: tuple, rules: tuple, method: str) -> tuple[np.ndarray, scoring_lab.ScoreHistogram]:
    """Scores of the groups and the score histogram under one rule set."""
    return _scored(key, rules, method)
