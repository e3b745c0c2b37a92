"""CSV files people open in a spreadsheet: every download and every CSV the commands print.

A cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
LibreOffice and Google Sheets, so a rep or channel named `=HYPERLINK(...)` would run when the
file is opened. Following OWASP's guidance on CSV injection, such text cells get a leading
single quote (shown by the spreadsheet as the text itself). Numbers are never touched: numeric
columns are written as they are, and text that is a plain number (`-12.5`) is left alone too.
"""

from __future__ import annotations

import re

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*%?")


def spreadsheet_safe(value):
    """A cell as a spreadsheet will show it, never as a formula it would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV text for a download or the terminal, with formula-like text neutralised."""
    safe = frame.copy()
    safe.columns = [spreadsheet_safe(str(column)) for column in frame.columns]
    for position in range(safe.shape[1]):
        column = safe.iloc[:, position]
        if _is_whole_floats(column):  # counts and amounts a gap made float: 1478, not 1478.0
            safe.isetitem(position, column.astype("Int64"))
        elif not pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_datetime64_any_dtype(column):
            safe.isetitem(position, column.map(spreadsheet_safe, na_action="ignore"))
    # CRLF rows, as RFC 4180 has them: a cell holding a carriage return is then quoted as well
    return safe.to_csv(index=False, lineterminator="\r\n")


def _is_whole_floats(column: pd.Series) -> bool:
    if not pd.api.types.is_float_dtype(column):
        return False
    written = column.dropna()
    return not written.empty and bool(((written % 1) == 0).all()) and bool((written.abs() < 2**53).all())
