"""How numbers read on a page: one place, so every page says 35.2 % and $1.2M the same way."""

from __future__ import annotations

import math
import re
from typing import Callable

import pandas as pd

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£", "BRL": "R$", "JPY": "¥"}
# How a stage reads inside a sentence: "19.8 % of leads", "38.9 % of MQLs".
STAGE_NOUNS = {"traffic": "sessions", "lead": "leads", "mql": "MQLs", "sql": "SQLs",
               "opportunity": "opportunities", "proposal": "proposals",
               "won": "won deals"}
STATUS_COLOURS = {"on track": "green", "at risk": "orange", "off track": "red", "maturing": "gray", "n/a": "gray"}
# A status cell in a table or the HTML report: background, text. Grey says no judgement was made.
STATUS_STYLES = {
    "on track": ("#e8f5e9", "#1b5e20"),
    "at risk": ("#fff3e0", "#e65100"),
    "off track": ("#ffebee", "#b71c1c"),
    "maturing": ("#f5f5f5", "#616161"),
    "n/a": ("#f5f5f5", "#616161"),
}


def _missing(value) -> bool:
    """None, NaN, and pandas' NA and NaT (a nullable column's empty cell)."""
    return value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and math.isnan(value))


def count(value, missing: str = "—") -> str:
    return missing if _missing(value) else f"{int(value):,}"


def pct(value, digits: int = 1, missing: str = "—") -> str:
    return missing if _missing(value) else f"{value * 100:.{digits}f} %"


def money(value, currency: str = "USD", missing: str = "—") -> str:
    if _missing(value):
        return missing
    symbol = CURRENCY_SYMBOLS.get(currency, currency + " ")
    magnitude = abs(value)
    sign = "-" if value < 0 else ""
    if magnitude >= 1_000_000:
        return f"{sign}{symbol}{magnitude / 1_000_000:.2f}M"
    if magnitude >= 10_000:
        return f"{sign}{symbol}{magnitude / 1_000:.0f}k"
    return f"{sign}{symbol}{magnitude:,.0f}"


def days(value, missing: str = "—") -> str:
    return missing if _missing(value) else f"{value:.0f} d"


def hours(value, missing: str = "—") -> str:
    return missing if _missing(value) else f"{value:.1f}"


STATUS_HELP = ("On track when the SLA target is met, at risk within the at-risk band of it, off track beyond. "
               "maturing: a cohort's later stage that will still rise; n/a: the comparison is not meaningful "
               "(a rate above 100 %, or stages the data does not link). The reason is under the table.")


def status(value) -> str:
    """Streamlit markdown colours status words without any HTML."""
    return f":{STATUS_COLOURS[value]}[**{value}**]" if value in STATUS_COLOURS else ""


_MARKDOWN_SPECIALS = set("\\`*_{}[]()#+-.!|<>~$:&=\"'")


def literal(text) -> str:
    """Text from the data or a file (a rep's name, a channel, an error message) made safe to
    put inside Streamlit markdown: every markdown, HTML, LaTeX ($) and directive (:red[...])
    character is backslash-escaped, so it shows exactly as written and is never interpreted."""
    flat = " ".join(str(text).split())
    escaped = "".join(f"\\{char}" if char in _MARKDOWN_SPECIALS else char for char in flat)
    return _UNLINKABLE.sub(lambda match: match.group(0) + _WORD_JOINER, escaped)


# Streamlit turns bare URLs (https://..., www....), e-mail addresses and :shortcodes: into links and
# icons after parsing, where a backslash no longer counts; an invisible word joiner after the
# character that starts each of them keeps the text reading exactly as written.
_WORD_JOINER = "\u2060"
_UNLINKABLE = re.compile(r":|@|(?<![A-Za-z0-9])www(?=\\\.)", re.IGNORECASE)


def format_kpi(value, unit: str, currency: str = "USD", missing: str = "—") -> str:
    """A KPI value as it reads on a card: 35.2 %, $1.20M, 74 d, 1,234."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return missing
    if unit == "rate":
        return pct(value)
    if unit == "currency":
        return money(value, currency)
    if unit == "days":
        return days(value)
    if unit == "hours":
        return f"{value:.1f} h"
    return count(value)


def as_percent_points(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """A copy with rate columns (fractions) as percentage points, for tables formatted "%.1f %%"."""
    result = frame.copy()
    for column in columns:
        if column in result:
            result[column] = pd.to_numeric(result[column], errors="coerce").astype(float) * 100
    return result


MONEY_COLUMNS = ("won_revenue", "quota", "avg_deal_size")


def as_display(frame: pd.DataFrame, rate_columns, currency: str, name_of: Callable[[object], str] | None = None,
               name_column: str = "value") -> pd.DataFrame:
    """A copy for a table: rates as percentage points (formatted "%.1f %%"), amounts as they read
    on the cards ($656k, $1.43M) and the names column by its display names."""
    result = as_percent_points(frame, rate_columns)
    for column in MONEY_COLUMNS:
        if column in result:
            result[column] = [money(value, currency) for value in result[column]]
    if name_of is not None and name_column in result:
        result[name_column] = [name_of(value) for value in result[name_column]]
    return result


def rep_label(name, rep_id) -> str:
    """A rep's name, or the id when the reps extract has no name, or "(unassigned)"."""
    for value in (name, rep_id):
        if value is not None and not (isinstance(value, float) and math.isnan(value)):
            return str(value)
    return "(unassigned)"


# A cell that reads as a number: an amount, a count, a rate, days, hours, points, a change, perhaps
# followed by a word or two ("2.0 % of Leads", "1,245 · $74.57M").
_NUMBER_START = re.compile(r"[+-]?[$€£¥]?\d")
_LONGEST_NUMBER_TEXT = 24


def _distinct(values):
    """Each value once, in order: a table of thousands of rows holds a few hundred texts, and the
    verdict only depends on which texts there are (every rerun of a page reads every table's cells)."""
    try:
        return dict.fromkeys(values)
    except TypeError:  # a cell holding a list: read every cell
        return values


def reads_as_numbers(values) -> bool:
    """Whether a column of display text holds numbers ($656k, 2,413, 20.5 %, +0.1 pts), so it is
    right-aligned as numbers are. Cells without a digit ("—", "not tracked", "n/a") are neutral;
    a longer text with a number in it (a date range, a list of weights) makes it a text column."""
    numbers = 0
    for value in _distinct(values):
        if _missing(value):
            continue
        text = str(value).strip()
        if not any(char.isdigit() for char in text):
            continue
        if len(text) > _LONGEST_NUMBER_TEXT or not _NUMBER_START.match(text):
            return False
        numbers += 1
    return numbers > 0
