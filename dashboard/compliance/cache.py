"""Cached data of the Follow-up compliance page, keyed on the config file and the data version
like `funnel/cache.py`, so new extracts show up without a restart."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard.compliance.data import ComplianceData, compliance_data, hand_backs, listed_leads
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


@st.cache_data(show_spinner="Listing the leads…", max_entries=64)
def _latest_leads(config_file: str, version: str, scope: Scope, start: dt.date, end: dt.date, filters: tuple,
                  as_of: dt.date, owner_id: str | None, owner_missing: bool, statuses: tuple[str, ...],
                  max_rows: int) -> pd.DataFrame:
    return listed_leads(scoped_database(scope), start, end, Filters(*filters), as_of, owner_id, owner_missing,
                        statuses, max_rows)


def latest_leads(selection: Selection, owner_id: str | None, owner_missing: bool, statuses: tuple[str, ...],
                 max_rows: int) -> pd.DataFrame:
    """The page's list: the `max_rows` latest hand-offs of one owner (or all) with these statuses."""
    return _latest_leads(str(selection.config.path), selection.data_version, selection.scope, selection.start,
                         selection.end, selection.filters_key, selection.as_of, owner_id, owner_missing, statuses,
                         max_rows)


def every_listed_lead(selection: Selection, owner_id: str | None, owner_missing: bool,
                      statuses: tuple[str, ...]) -> pd.DataFrame:
    """All of them, for the download: built when it is asked for and not kept (a raw list, not an aggregate)."""
    return listed_leads(scoped_database(selection.scope), selection.start, selection.end, selection.filters,
                        selection.as_of, owner_id, owner_missing, statuses)


def every_hand_back(selection: Selection) -> pd.DataFrame:
    """Every lead recycled or disqualified in the range, for the download: built when it is asked
    for and not kept (the page shows them counted by reason)."""
    return hand_backs(scoped_database(selection.scope), selection.start, selection.end, selection.filters,
                      selection.as_of)
