"""Cached data of the monthly review page: `review.monthly_review` keyed on the config file,
the data version, the month and the filters (the `ui/cached.py` pattern), so new extracts
show up on the next interaction and only the small review object is cached.

The review is the company's headline numbers (attainment, pace, forecast, the funnel against its
targets), which every role sees (README: Sign-in and roles): it is computed company-wide, the same
for every viewer, and holds aggregates only. The records behind its counts (the drill-downs on the
page) are read through the viewer's scope."""

from __future__ import annotations

import datetime as dt

import streamlit as st

from dashboard.review import data as review
from dashboard.funnel.domain import Filters
from dashboard.data.scope import company_wide
from dashboard.ui.state import Selection, current_database


@st.cache_data(show_spinner=False, max_entries=64)
def _months(config_file: str, version: str) -> review.ReviewMonths:
    return review.review_months(company_wide(current_database()))


@st.cache_data(show_spinner=False, max_entries=256)
def _review(config_file: str, version: str, month: dt.date, filters: tuple) -> review.MonthlyReview:
    return review.monthly_review(company_wide(current_database()), month, Filters(*filters), _months(config_file, version))


@st.cache_data(show_spinner=False, max_entries=64)
def _period_forecast(config_file: str, version: str, cutoff: dt.date):
    return review.period_forecast(company_wide(current_database()), cutoff)


def period_forecast(selection: Selection):
    """The review's forecast for the period in force on the as-of date."""
    return _period_forecast(str(selection.config.path), selection.data_version, selection.as_of)


def months(selection: Selection) -> review.ReviewMonths:
    return _months(str(selection.config.path), selection.data_version)


def monthly_review(selection: Selection, month: dt.date) -> review.MonthlyReview:
    filters = selection.filters
    return _review(str(selection.config.path), selection.data_version, month,
                   (filters.channel, filters.segment, filters.team))
