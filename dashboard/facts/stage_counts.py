"""The daily stage counts and daily sessions: each day's funnel events by channel, segment and
sales team (`daily_stage_counts.sql`) and each day's sessions by channel (`daily_sessions.sql`),
built once per data version (dashboard/data/facts.py). The period counts, the monthly counts and
the won-revenue summary read them (`*_from_facts.sql`) once they hold this data version, for
ranges inside the days they cover; until then those queries read the extracts.

They depend on the data mapping only: no SLA rule changes them.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import pandas as pd
import pyarrow as pa

from dashboard.core.config import month_starts
from dashboard.data import Database, date_range_params
from dashboard.data.facts import FactsSpec, NotAppendable, facts_ready
from dashboard.facts.months import empty_table, first_affected_day, month_starts_of

DAILY_STAGE_COUNTS = "daily_stage_counts"
DAILY_SESSIONS = "daily_sessions"


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def event_span(database: Database) -> tuple[dt.date, dt.date] | None:
    """The first and last day with a funnel event: the daily facts cover their months."""
    row = database.query_once("funnel_event_span").iloc[0]
    if pd.isna(row["first_at"]):
        return None
    return pd.Timestamp(row["first_at"]).date(), pd.Timestamp(row["last_at"]).date()


def _months(database: Database) -> list[dt.date]:
    span = event_span(database)
    return month_starts(*span) if span else []


def _builder(query: str):
    def build_months(database: Database, months: list[dt.date]) -> Iterator[tuple[dt.date, pa.Table]]:
        """One query over the whole span (each row group read once), then month by month."""
        if not months:
            return
        frame = database.query(query, date_range_params(months[0], _month_end(months[-1])))
        month_of = month_starts_of(frame["day"])
        for month in months:
            yield month, pa.Table.from_pandas(frame[month_of == month], preserve_index=False)

    return build_months


def _empty(query: str):
    def empty(database: Database) -> pa.Table:
        return empty_table(database, query)

    return empty


def _affected_from(database: Database, added: dict) -> dt.date | None:
    if added.get("reps"):
        raise NotAppendable("new reps files can move any lead or deal to another sales team")
    return first_affected_day(database, "daily_stage_counts_affected_from")


def _sessions_affected_from(database: Database, added: dict) -> dt.date | None:
    return first_affected_day(database, "daily_sessions_affected_from")


STAGE_COUNTS_SPEC = FactsSpec(
    name=DAILY_STAGE_COUNTS,
    label="daily stage counts",
    tables=("leads", "deals", "reps"),
    depends_on=lambda database: database.config.data,
    months=_months,
    build_months=_builder("daily_stage_counts"),
    empty=_empty("daily_stage_counts"),
    affected_from=_affected_from,
)
SESSIONS_SPEC = FactsSpec(
    name=DAILY_SESSIONS,
    label="daily sessions",
    tables=("traffic",),
    depends_on=lambda database: database.config.data,
    months=_months,
    build_months=_builder("daily_sessions"),
    empty=_empty("daily_sessions"),
    affected_from=_sessions_affected_from,
)
SPECS = (STAGE_COUNTS_SPEC, SESSIONS_SPEC)


def counts_query(database: Database, name: str, start: dt.date, end: dt.date) -> str:
    """The query to run for `name` over [start, end]: its `_from_facts` twin when the daily facts
    hold this data version and cover the range, else `name` itself (it reads the extracts)."""
    if not all(facts_ready(database, spec.name) for spec in SPECS):
        return name
    span = event_span(database)
    if span is None or start < span[0].replace(day=1) or end > _month_end(span[1]):
        return name
    return f"{name}_from_facts"
