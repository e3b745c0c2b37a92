"""Reading the shareable view from the URL (`st.query_params`), one checked parameter at a time.

A link is input from anyone: every value a page reads from it goes through here and is checked
against what the page can show (a whitelist, a date span, a number range, a length). A value
that fails is ignored with a one-line note naming the parameter and the page shows its default; with sign-in on, a value outside the viewer's scope is refused the same way, never shown.
"""

from __future__ import annotations

import datetime as dt
from typing import Sequence

import streamlit as st

# No parameter the pages read is longer; anything longer is not looked at.
MAX_VALUE_CHARS = 4_000
MAX_REPEATS = 20  # values of a repeated parameter (?status=a&status=b)


# The sidebar's parameters as the session's first run found them (ui/state.py keeps them: a
# click on another page can cut that run short, and the page it opens has lost the query string).
OPENING_LINK = "opening_link"


def _raw(name: str) -> str | None:
    value = (st.session_state.get(OPENING_LINK) or {}).get(name) or st.query_params.get(name)
    if value is None:
        return None
    if len(value) > MAX_VALUE_CHARS:
        ignore(name, f"is {len(value):,} characters long (at most {MAX_VALUE_CHARS:,})")
        return None
    return value


def shown(value: str) -> str:
    """A value from the link as inert text: a code span (no Markdown, links or HTML inside),
    cut short."""
    text = value if len(value) <= 40 else value[:37] + "..."
    return "`" + "".join(" " if ch in "`\n\r" else ch for ch in text) + "`"


_NOTES, _NOTES_PAGE, _NOTES_BOX = "url_notes", "url_notes_page", "url_notes_box"


def show_notes(page: str) -> None:
    """Reserve, at the top of the page, the place for the notes on the link's parameters, and
    draw those of this page view again: a link is read on the view's first run, and the page
    may rerun before the person has read them. Called by the app shell on every run."""
    state = st.session_state
    if state.get(_NOTES_PAGE) != page:
        state[_NOTES], state[_NOTES_PAGE] = {}, page
    box = st.container()
    state[_NOTES_BOX] = box
    for note in state[_NOTES].values():
        box.info(note, icon=":material/link_off:")


def ignore(name: str, reason: str) -> None:
    """Note, once per page view, that the link's `name` was not used and why."""
    notes = st.session_state.setdefault(_NOTES, {})
    if name in notes:
        return
    notes[name] = f"The link's {shown(name)} parameter {reason}; it is ignored and the page shows its default."
    box = st.session_state.get(_NOTES_BOX)
    (box if box is not None else st).info(notes[name], icon=":material/link_off:")


def choice(name: str, allowed: Sequence[str], foreign: Sequence[str] = ()) -> str | None:
    """The value if it is one of `allowed`; `foreign` values exist but are not the viewer's."""
    value = _raw(name)
    if value is None:
        return None
    if value in allowed:
        return value
    if value in foreign:
        ignore(name, f"asks for {shown(value)}, which is not yours to see")
    else:
        ignore(name, f"is {shown(value)}, which is not one of the choices here")
    return None


def choices(name: str, allowed: Sequence[str]) -> list[str] | None:
    """The values of a repeated parameter that are in `allowed`; None when it is absent."""
    if name not in st.query_params:
        return None
    values = st.query_params.get_all(name)
    if len(values) > MAX_REPEATS:
        ignore(name, f"is repeated {len(values)} times (at most {MAX_REPEATS})")
        return None
    unknown = [value for value in values if value not in allowed]
    if unknown:
        ignore(name, f"has {shown(unknown[0])}, which is not one of the choices here")
        return None
    return values


def date(name: str, low: dt.date, high: dt.date) -> dt.date | None:
    """A day written YYYY-MM-DD between `low` and `high`."""
    value = _raw(name)
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        ignore(name, f"is {shown(value)}, not a date written YYYY-MM-DD")
        return None
    if not low <= day <= high:
        ignore(name, f"is {day}, outside the dates this data can show ({low} to {high})")
        return None
    return day


def number(name: str, low: float, high: float, integer: bool = True) -> float | int | None:
    """A number between `low` and `high`."""
    value = _raw(name)
    if value is None:
        return None
    try:
        found = int(value) if integer else float(value)
    except (ValueError, OverflowError):
        ignore(name, f"is {shown(value)}, not a {'whole ' if integer else ''}number")
        return None
    if not low <= found <= high:
        ignore(name, f"is {found}, outside {low:g} to {high:g}")
        return None
    return found


def seed_number(key: str, low: float, high: float, default: float, integer: bool = True) -> None:
    """Give the number widget keyed `key` its value from the URL on first use (else `default`).
    Not `bind="query-params"`: Streamlit's own parsing of a bound widget's URL value fails on some
    values (1e400) before the page can check them."""
    if key not in st.session_state:
        found = number(key, low, high, integer)
        st.session_state[key] = default if found is None else found


def keep_number(key: str, value: float, default: float) -> None:
    """The URL carries the widget's value while it differs from its default."""
    if value == default:
        st.query_params.pop(key, None)
    else:
        st.query_params[key] = str(value)


def text(name: str) -> str | None:
    """A raw value, length-limited, for a parser of its own (the scoring lab's rules)."""
    return _raw(name)
