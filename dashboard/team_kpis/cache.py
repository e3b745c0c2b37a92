"""Cached page data for the Team KPIs and Follow-up compliance pages, keyed on the config file
and the data version like `cached.py`, so new extracts show up without a restart."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.compliance.data import ComplianceData, compliance_data
from dashboard.funnel.domain import Filters
from dashboard.team_kpis.data import TeamKpisData, team_kpis_data
from dashboard.ui.state import Selection, current_database


@st.cache_data(show_spinner="Checking every hand-off against the follow-up rules…", max_entries=64)
def _compliance_page(config_file: str, version: str, start: dt.date, end: dt.date, filters: tuple,
                     as_of: dt.date) -> ComplianceData:
    return compliance_data(current_database(), start, end, Filters(*filters), as_of)


@st.cache_data(show_spinner="Computing the team's KPIs month by month…", max_entries=128)
def _team_page(config_file: str, version: str, team: str, start: dt.date, end: dt.date, filters: tuple,
               as_of: dt.date) -> TeamKpisData:
    return team_kpis_data(current_database(), team, start, end, Filters(*filters), as_of)


def _filters(selection: Selection) -> tuple:
    filters = selection.filters
    return (filters.channel, filters.segment, filters.team)


def compliance_page(selection: Selection) -> ComplianceData:
    return _compliance_page(str(selection.config.path), selection.data_version, selection.start, selection.end,
                            _filters(selection), selection.as_of)


def team_page(selection: Selection, team: str) -> TeamKpisData:
    return _team_page(str(selection.config.path), selection.data_version, team, selection.start, selection.end,
                      _filters(selection), selection.as_of)
