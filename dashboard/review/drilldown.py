"""The records behind a count of the monthly review: leads, deals or daily traffic rows.

What can be opened is a whitelist (`DRILLS`); the stage reaches SQL only as a bound
parameter. Records are not cached: the page fetches the first rows to show, and the CSV
download runs the query again in full when it is clicked.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable, Iterable

import pandas as pd

from dashboard.core import formatting
from dashboard.core.tracking import NOT_TRACKED
from dashboard.data import Database, date_range_params
from dashboard.funnel.domain import Filters


@dataclass(frozen=True)
class Drill:
    key: str
    noun: str  # "leads created", used in "1,234 leads created in October 2026"
    query: str
    stage: str | None  # the value bound to $stage
    record: str  # "lead", "deal" or "traffic row"


DRILLS: dict[str, Drill] = {drill.key: drill for drill in (
    Drill("traffic", "daily traffic rows (sessions per day and channel)", "drilldown_traffic", None, "traffic row"),
    Drill("lead", "leads created", "drilldown_leads", "lead", "lead"),
    Drill("mql", "MQLs handed to sales", "drilldown_leads", "mql", "lead"),
    Drill("sql", "SQLs accepted by sales", "drilldown_leads", "sql", "lead"),
    Drill("opportunity", "opportunities opened", "drilldown_deals", "opportunity", "deal"),
    Drill("proposal", "proposals sent", "drilldown_deals", "proposal", "deal"),
    Drill("won", "deals won", "drilldown_deals", "won", "deal"),
    Drill("pipeline", "deals open", "drilldown_deals", "pipeline", "deal"),
)}


# The columns naming a record's rep, which a viewer whose data names no rep does not get.
REP_COLUMNS = ("owner_id", "owner_name")
# What the page shows of each kind of record, in order, with readable names; the CSV has every column.
DISPLAY_COLUMNS: dict[str, dict[str, str]] = {
    "lead": {"lead_id": "Lead", "owner_name": "Owner", "owner_team": "Team", "created_at": "Created",
             "mql_at": "MQL", "sql_at": "SQL", "recycled_at": "Recycled", "disqualified_at": "Disqualified",
             "channel": "Channel", "segment": "Segment", "region": "Region", "score": "Score"},
    "deal": {"deal_id": "Deal", "owner_name": "Owner", "owner_team": "Team", "amount": "Amount", "status": "Status",
             "created_at": "Opened", "proposal_at": "Proposal", "closed_at": "Closed", "channel": "Channel",
             "segment": "Segment", "lead_id": "Lead", "is_sales_sourced": "Sales-sourced"},
    "traffic row": {"date": "Date", "channel": "Channel", "sessions": "Sessions"},
}


def display_columns(key: str) -> dict[str, str]:
    drill = drill_for(key)
    columns = dict(DISPLAY_COLUMNS[drill.record])
    if key == "pipeline":
        columns["is_proposal_sent_by_end"] = "Proposal sent by then"
    return columns


TIMESTAMP_COLUMNS = ("created_at", "mql_at", "sql_at", "recycled_at", "disqualified_at", "proposal_at", "closed_at")


def display_records(frame: pd.DataFrame, key: str, display_name: Callable[[str, object], str],
                    currency: str, untracked: Iterable[str] = ()) -> pd.DataFrame:
    """The records as a person reads them, narrow enough for a 1440 px page: days rather than
    times to the second, amounts as on the cards, channels and segments by their display names,
    and "—" where a record has no value (a sales-sourced deal has no channel), never "None";
    an `untracked` column reads "not tracked" (a deal-only export cannot say what is sales-sourced)."""
    columns = {column: label for column, label in display_columns(key).items()
               if column in frame or column not in REP_COLUMNS}
    untracked = set(untracked)
    shown = pd.DataFrame(index=frame.index)
    for column, label in columns.items():
        values = frame[column] if column in frame else pd.Series(None, index=frame.index, dtype=object)
        if column in untracked:
            text = pd.Series(NOT_TRACKED, index=frame.index, dtype=object)
        elif column in TIMESTAMP_COLUMNS or column == "date":
            text = pd.to_datetime(values).dt.strftime("%d %b %Y")
        elif column == "amount":
            text = values.map(lambda value: formatting.money(value, currency))
        elif column in ("channel", "segment"):
            text = values.map(lambda value, dimension=column: display_name(dimension, value))
        elif column in ("is_sales_sourced", "is_proposal_sent_by_end"):
            text = values.map(lambda value: "—" if pd.isna(value) else ("yes" if value else "no"))
        elif column in ("sessions", "score"):
            text = values.map(formatting.count)
        else:
            text = values.astype(object).where(values.notna(), "—")
        shown[label] = text.fillna("—") if hasattr(text, "fillna") else text
    return shown.reset_index(drop=True)


def drill_for(key: str) -> Drill:
    try:
        return DRILLS[key]
    except KeyError:
        raise ValueError(f"cannot open records for {key!r}; choose one of {', '.join(DRILLS)}") from None


def records(database: Database, key: str, start: dt.date, end: dt.date, filters: Filters = Filters(),
            limit: int | None = None) -> pd.DataFrame:
    """The records behind one count for the days `start` .. `end`; `limit` caps the rows
    fetched (the query still runs on the database, only the first rows come back)."""
    drill = drill_for(key)
    params = {**date_range_params(start, end), **filters.params(), "stage": drill.stage}
    found = database.query(drill.query, params, limit=limit)
    if database.hides_reps:  # marketing's records come with no owner: no empty Owner column either
        found = found.drop(columns=[column for column in REP_COLUMNS if column in found.columns])
    return database.catalog.blank_untracked(found)
