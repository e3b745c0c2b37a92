"""Cached data of the planner page, keyed on the config file and the data version (like
`funnel/cache.py`), so new extracts show up without a restart. The planner's inputs are small and
go through `st.cache_data`."""

from __future__ import annotations

import streamlit as st

from dashboard.funnel.domain import Filters
from dashboard.planner import data as planner_data
from dashboard.planner.domain import PlanInputs
from dashboard.core.access import Scope
from dashboard.ui.state import Selection, scoped_database


@st.cache_data(show_spinner=False, max_entries=64)
def _planner_inputs(config_file: str, version: str, scope: Scope, trailing_months: int, filters: tuple) -> PlanInputs:
    return planner_data.planner_inputs(scoped_database(scope), trailing_months, Filters(*filters))


def planner_inputs(selection: Selection, trailing_months: int) -> PlanInputs:
    return _planner_inputs(str(selection.config.path), selection.data_version, selection.scope, trailing_months, selection.filters_key)
