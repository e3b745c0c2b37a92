"""Cached data of the Follow-up compliance page, keyed on the config file and the data version
like `funnel/cache.py`, so new extracts show up without a restart."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.compliance.data import ComplianceData, compliance_data
from dashboard.funnel.domain import Filters
from dashboard.core.access import Scope
from dashboard.ui.state import Selection, scoped_database


@st.cache_data(show_spinner="Checking every hand-off against the follow-up rules…", max_entries=64)
def _compliance_page(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple,
                     as_of: dt.date) -> ComplianceData:
    return compliance_data(scoped_database(scope), start, end, Filters(*filters), as_of)


def compliance_page(selection: Selection) -> ComplianceData:
    return _compliance_page(str(selection.config.path), selection.data_version, selection.scope, selection.start, selection.end,
                            selection.filters_key, selection.as_of)
