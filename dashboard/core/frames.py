"""Small pandas helpers whose behaviour must not depend on a frame being empty."""

from __future__ import annotations

from typing import Callable

import pandas as pd


def row_mask(values: pd.Series, keep: Callable[[object], bool]) -> pd.Series:
    """A boolean mask of `values` by `keep`, boolean even when `values` is empty: `Series.map`
    on an empty text column returns a text column, which pandas 3 then treats as column names
    when indexing and refuses in `&`."""
    return pd.Series([bool(keep(value)) for value in values], index=values.index, dtype=bool)
