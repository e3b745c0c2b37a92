"""Cached aggregates for the pages. Every entry is keyed on the config file and the data
version, so new extracts show up without a restart, and only small results are cached."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.funnel import data as metrics
from dashboard.funnel.domain import Filters
from dashboard.funnel.journey import Journey
from dashboard.core.access import Scope
from dashboard.ui.state import Selection, scoped_database


@st.cache_data(show_spinner=False, max_entries=512)
def _funnel(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple, view: str,
            targets: tuple, at_risk_band: float, as_of: dt.date) -> metrics.FunnelResult:
    return metrics.funnel(scoped_database(scope), start, end, Filters(*filters), view, dict(targets), at_risk_band, as_of)


@st.cache_data(show_spinner=False, max_entries=512)
def _revenue(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple) -> metrics.RevenueSummary:
    return metrics.revenue_summary(scoped_database(scope), start, end, Filters(*filters))


@st.cache_data(show_spinner=False, max_entries=512)
def _durations(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple) -> pd.DataFrame:
    return metrics.stage_durations(scoped_database(scope), start, end, Filters(*filters))


@st.cache_data(show_spinner=False, max_entries=512)
def _monthly(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple) -> pd.DataFrame:
    return metrics.monthly_funnel(scoped_database(scope), start, end, Filters(*filters))


@st.cache_data(show_spinner=False, max_entries=256)
def _funnel_page(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple, view: str,
                 targets: tuple, at_risk_band: float, as_of: dt.date) -> metrics.FunnelPage:
    return metrics.funnel_page(scoped_database(scope), start, end, Filters(*filters), view, dict(targets),
                               at_risk_band, as_of)


def funnel_page(selection: Selection, view: str) -> metrics.FunnelPage:
    config_file, version, scope, start, end, filters = _key(selection)
    targets = tuple(sorted(selection.sla.targets.items()))
    return _funnel_page(config_file, version, scope, start, end, filters, view, targets, selection.config.at_risk_band,
                        selection.as_of)


def _key(selection: Selection) -> tuple:
    filters = selection.filters
    return (str(selection.config.path), selection.data_version, selection.scope, selection.start, selection.end,
            (filters.channel, filters.segment, filters.team))


def funnel(selection: Selection, view: str) -> metrics.FunnelResult:
    config_file, version, scope, start, end, filters = _key(selection)
    targets = tuple(sorted(selection.sla.targets.items()))
    return _funnel(config_file, version, scope, start, end, filters, view, targets, selection.config.at_risk_band,
                   selection.as_of)


def revenue(selection: Selection) -> metrics.RevenueSummary:
    return _revenue(*_key(selection))


def durations(selection: Selection) -> pd.DataFrame:
    return _durations(*_key(selection))


def monthly(selection: Selection) -> pd.DataFrame:
    return _monthly(*_key(selection))


@st.cache_data(show_spinner=False, max_entries=256)
def _lead_journey(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple,
                  as_of: dt.date) -> Journey | None:
    return metrics.lead_journey(scoped_database(scope), start, end, Filters(*filters), as_of)


def lead_journey(selection: Selection) -> Journey | None:
    return _lead_journey(*_key(selection), selection.as_of)


@st.cache_data(show_spinner=False, max_entries=16)
def _all_time_funnel(config_file: str, version: str, scope: Scope) -> metrics.FunnelResult:
    return metrics.all_time_funnel(scoped_database(scope))


def all_time_funnel(selection: Selection) -> metrics.FunnelResult:
    """Every lead, dated or not, to its furthest stage, as the viewer's scope sees them: the funnel of undated leads."""
    return _all_time_funnel(str(selection.config.path), selection.data_version, selection.scope)
