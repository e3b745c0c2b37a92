"""Cached comparison of two SLA versions, keyed on the config file, the data version and the pair."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.sla_versions.data import version_results, version_span
from dashboard.sla_versions.domain import definition_rows
from dashboard.core.access import Scope
from dashboard.ui.state import Selection, scoped_database


def definitions(selection: Selection, first: str, second: str) -> pd.DataFrame:
    config = selection.config
    return definition_rows(config.sla_named(first), config.sla_named(second))


@st.cache_data(show_spinner=False, max_entries=64)
def _results(config_file: str, version: str, scope: Scope, first: str, second: str, as_of: dt.date) -> pd.DataFrame:
    database = scoped_database(scope)
    config = database.config
    return version_results(database, config.sla_named(first), config.sla_named(second), as_of)


def results(selection: Selection, first: str, second: str) -> pd.DataFrame:
    return _results(str(selection.config.path), selection.data_version, selection.scope, first, second, selection.as_of)


def span_text(selection: Selection, name: str) -> str:
    span = version_span(selection.config.sla_named(name), selection.as_of)
    if span.end is None:
        return f"starts {span.start:%d %b %Y}, after the data's as-of date"
    return f"{span.start:%d %b %Y} – {span.end:%d %b %Y} ({span.months:.1f} months)"
