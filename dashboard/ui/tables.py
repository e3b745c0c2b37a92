"""Tables as every page shows them: numbers the page formats as text ($656k, 2,413, 20.5 %) are
right-aligned, as Streamlit aligns the numbers it formats itself, so amounts line up by their units."""

from __future__ import annotations

import pandas as pd
import streamlit as st
from pandas.io.formats.style import Styler

from dashboard.core.formatting import STATUS_STYLES, reads_as_numbers


# A 14 px grid font averages about 7.2 px a character; cells have 8 px padding either side, the
# header its sort icon.
PX_PER_CHAR, CELL_PADDING_PX = 7.2, 28


def fitting_width_px(values, label: str = "") -> int:
    """A column width that shows its longest cell whole, where the grid's own sizing falls short (the
    scorecard's "all sales teams, Shared" was cut off at 1440 px)."""
    return round(max((len(str(text)) for text in [*values, label]), default=0) * PX_PER_CHAR + CELL_PADDING_PX)


def configured(data, column_config: dict | None = None) -> dict:
    """`column_config` with each text column of numbers set to align right (labels and help kept)."""
    frame = data.data if isinstance(data, Styler) else data
    config = dict(column_config or {})
    if not isinstance(frame, pd.DataFrame):
        return config
    for column in frame.columns:
        values = frame[column]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_datetime64_any_dtype(values):
            continue
        if reads_as_numbers(values):
            existing = config.get(column)
            if existing is None:
                config[column] = st.column_config.TextColumn(alignment="right")
            elif isinstance(existing, str):
                config[column] = st.column_config.TextColumn(existing, alignment="right")
            else:
                config[column] = {**existing, "alignment": "right"}
    return config


def dataframe(data, *, column_config: dict | None = None, container=None, **kwargs):
    """st.dataframe (or `container.dataframe`) with the numbers shown as text right-aligned."""
    return (container or st).dataframe(data, column_config=configured(data, column_config), **kwargs)


def status_css(value) -> str:
    """The CSS of a status cell: green, orange or red for a judgement, grey for "maturing" and "n/a"."""
    if value in STATUS_STYLES:
        background, colour = STATUS_STYLES[value]
        return f"background-color: {background}; color: {colour}; font-weight: 600"
    return ""


def status_styled(frame: pd.DataFrame, columns=("Status",)) -> Styler:
    """`frame` with its status cells coloured as on every page (review, funnel)."""
    return frame.style.map(status_css, subset=list(columns))
