"""The stage duration facts: every record that reached a funnel stage with the whole seconds since
the stage before it (`stage_duration_facts.sql`), built once per data version
(dashboard/data/facts.py). The stage durations of the funnel, review and team pages, the review's
monthly medians and the team page's monthly sales cycle read them (`*_from_facts.sql`) once they
hold this data version, for ranges inside the months they cover; until then those queries read
the extracts.

Per-record seconds rather than daily histograms: a median of whole hours or days would differ
from the pages' medians of exact durations, and the pages show fractional days. A range's rows
are a small slice of a narrow table sorted by the later stage's time, read without the joins
of leads to reps and of deals to leads.

They depend on the data mapping only: no SLA rule changes them.

The monthly medians (`monthly_stage_duration_medians.sql`) are built from them right after, for
the company and for each channel, segment and team alone: the review's twelve-month trend reads
those (`stage_durations_by_month_from_medians.sql`) for ranges of whole months (or ending after
the data's last day) and at most one filter; other ranges and filter combinations read the
per-record facts.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterator

import pyarrow as pa

from dashboard.core.config import month_starts
from dashboard.data import Database, date_range_params
from dashboard.data.facts import FactsSpec, NotAppendable, facts_ready
from dashboard.funnel.domain import Filters
from dashboard.facts.stage_counts import SPECS as COUNTS_SPECS, event_span
from dashboard.facts.months import empty_table, first_affected_day, month_starts_of

STAGE_DURATION_FACTS = "stage_duration_facts"
MONTHLY_MEDIANS = "monthly_stage_duration_medians"
# Months read per query while building: one row per record is millions at 10M leads, so the span
# is read a half-year at a time rather than at once (each query prunes to its row groups).
MONTHS_PER_QUERY = 6


def _month_end(month: dt.date) -> dt.date:
    return (month + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def _months(database: Database) -> list[dt.date]:
    """Every later stage is a funnel event: the event span's months hold them all."""
    span = event_span(database)
    return month_starts(*span) if span else []


def _months_by_query(database: Database, query: str, months: list[dt.date],
                     column: str) -> Iterator[tuple[dt.date, pa.Table]]:
    for first in range(0, len(months), MONTHS_PER_QUERY):
        chunk = months[first:first + MONTHS_PER_QUERY]
        frame = database.query(query, date_range_params(chunk[0], _month_end(chunk[-1])))
        month_of = month_starts_of(frame[column])
        for month in chunk:
            yield month, pa.Table.from_pandas(frame[month_of == month], preserve_index=False)


def _build_months(database: Database, months: list[dt.date]) -> Iterator[tuple[dt.date, pa.Table]]:
    return _months_by_query(database, STAGE_DURATION_FACTS, months, "to_at")


def _empty(database: Database) -> pa.Table:
    return empty_table(database, STAGE_DURATION_FACTS)


def _build_median_months(database: Database, months: list[dt.date]) -> Iterator[tuple[dt.date, pa.Table]]:
    """From the stage duration facts of this data version, served just before (ALL_SPECS order)."""
    return _months_by_query(database, MONTHLY_MEDIANS, months, "month_start")


def _empty_medians(database: Database) -> pa.Table:
    return empty_table(database, MONTHLY_MEDIANS)


def _affected_from(database: Database, added: dict) -> dt.date | None:
    if added.get("reps"):
        raise NotAppendable("new reps files can move any lead or deal to another sales team")
    return first_affected_day(database, "stage_duration_facts_affected_from")


DURATIONS_SPEC = FactsSpec(
    name=STAGE_DURATION_FACTS,
    label="stage durations",
    tables=("leads", "deals", "reps"),
    depends_on=lambda database: database.config.data,
    months=_months,
    build_months=_build_months,
    empty=_empty,
    affected_from=_affected_from,
)


# Built after DURATIONS_SPEC, from its facts: the same extract files, months and refresh days.
MONTHLY_MEDIANS_SPEC = FactsSpec(
    name=MONTHLY_MEDIANS,
    label="monthly stage duration medians",
    tables=DURATIONS_SPEC.tables,
    depends_on=DURATIONS_SPEC.depends_on,
    months=_months,
    build_months=_build_median_months,
    empty=_empty_medians,
    affected_from=_affected_from,
)


def durations_query(database: Database, name: str, start: dt.date, end: dt.date,
                    with_counts: bool = False) -> str:
    """The query to run for `name` over [start, end]: its `_from_facts` twin when the duration
    facts (and, `with_counts`, the daily counts) hold this data version and cover the range,
    else `name` itself (it reads the extracts)."""
    specs = (DURATIONS_SPEC, *COUNTS_SPECS) if with_counts else (DURATIONS_SPEC,)
    if not all(facts_ready(database, spec.name) for spec in specs):
        return name
    span = event_span(database)
    if span is None or start < span[0].replace(day=1) or end > _month_end(span[1]):
        return name
    return f"{name}_from_facts"


def monthly_durations_query(database: Database, start: dt.date, end: dt.date, filters: Filters) -> str:
    """The query for the monthly medians over [start, end] (`stage_durations_by_month` or a twin
    reading the facts): the kept monthly medians when they hold this data version, the range is
    whole months (or ends after the data's last day) and at most one of channel, segment and team
    is picked; else as `durations_query`."""
    name = durations_query(database, "stage_durations_by_month", start, end)
    if not name.endswith("_from_facts") or not facts_ready(database, MONTHLY_MEDIANS):
        return name
    picked = sum(value is not None for value in (filters.channel, filters.segment, filters.team))
    span = event_span(database)
    whole_months = start.day == 1 and (end == _month_end(end) or end >= span[1])
    return "stage_durations_by_month_from_medians" if picked <= 1 and whole_months else name
