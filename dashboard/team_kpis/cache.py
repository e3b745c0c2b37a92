"""Cached data of the Team KPIs page, keyed on the config file and the data version like
`funnel/cache.py`, so new extracts show up without a restart."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.funnel.domain import Filters
from dashboard.team_kpis.data import TeamKpisData, team_kpis_data
from dashboard.core.access import Scope
from dashboard.ui.state import Selection, scoped_database


@st.cache_data(show_spinner="Computing the team's KPIs month by month…", max_entries=128)
def _team_page(config_file: str, version: str, scope: Scope, team: str, start: dt.date, end: dt.date, filters: tuple,
               as_of: dt.date) -> TeamKpisData:
    return team_kpis_data(scoped_database(scope), team, start, end, Filters(*filters), as_of)


def team_page(selection: Selection, team: str) -> TeamKpisData:
    return _team_page(str(selection.config.path), selection.data_version, selection.scope, team, selection.start, selection.end,
                      selection.filters_key, selection.as_of)
