"""What every facts table's build shares: the month each row is stored under, an empty table with
the facts' columns, the first day an append changes, and how a fold keeps a minimum."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow as pa

from dashboard.data import Database, date_range_params


def month_starts_of(values: pd.Series) -> np.ndarray:
    """The first day of each value's month, as dates: the month file a row goes to."""
    return pd.to_datetime(values).dt.to_period("M").dt.start_time.dt.date.to_numpy()


def empty_table(database: Database, query: str) -> pa.Table:
    """The facts query's columns and types with no row (a range of one day long before any data)."""
    day = dt.date(2000, 1, 1)
    return pa.Table.from_pandas(database.query(query, date_range_params(day, day)), preserve_index=False)


def first_affected_day(database: Database, query: str) -> dt.date | None:
    """The first day an `*_affected_from` query says the gained files change, or None."""
    first = database.query(query)["first_affected_at"].iloc[0]
    return None if pd.isna(first) else pd.Timestamp(first).date()


def earliest(stored: pd.Series, gained: pd.Series) -> pd.Series:
    """The earlier of a stored and a gained time, row by row; a missing one never wins: what a
    fold of gained rows does to a minimum."""
    return stored.where(gained.isna() | (stored <= gained), gained)
