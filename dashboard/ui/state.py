"""The app's shared state: the config and database of this process, and the selection in the
sidebar (SLA version, date range, filters) that every page reads and the URL carries."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from dashboard.funnel import data as metrics
from dashboard.core import formatting
from dashboard.core.access import COMPANY, LOCAL_VIEWER, Scope, Viewer
from dashboard.core.config import DEFAULT_CONFIG_PATH, Config, ConfigError, SlaVersion, load_config
from dashboard.data import Database, database_for
from dashboard.funnel.domain import Filters
from dashboard.ui import url_params

ALL = "All"
# The sidebar's controls; a page names the ones it reads and the others are not drawn.
DATES, CHANNEL, SEGMENT, TEAM = "dates", "channel", "segment", "team"
EVERY_CONTROL = frozenset({DATES, CHANNEL, SEGMENT, TEAM})
FILTER_LABELS = {CHANNEL: "Channel", SEGMENT: "Segment", TEAM: "Sales team"}


def config_path() -> Path:
    """The config comes from $SLA_CONFIG so one install can serve several companies."""
    return Path(os.environ.get("SLA_CONFIG", DEFAULT_CONFIG_PATH)).resolve()


@st.cache_resource(show_spinner=False)
def _load_config(path: str, modified_ns: int) -> Config:
    return load_config(path)


def current_config() -> Config:
    path = config_path()
    try:
        modified = path.stat().st_mtime_ns
    except OSError:
        modified = 0
    return _load_config(str(path), modified)


# The signed-in viewer, set by the sign-in gate (ui/auth.py) before any page runs.
VIEWER = "viewer"
NOBODY = Scope("reps", ())  # sign-in on but nobody signed in: no rows at all


def sign_in_configured() -> bool:
    """Whether `.streamlit/secrets.toml` has an [auth] section: sign-in on, and every viewer scoped."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all: Streamlit raises rather than answering False
        return False


def current_viewer() -> Viewer:
    """Who is looking: the local viewer (the whole company) without sign-in; with it, the viewer
    the gate resolved, or nobody (fails closed when a page runs without the gate)."""
    if not sign_in_configured():
        return LOCAL_VIEWER
    viewer = st.session_state.get(VIEWER)
    return viewer if isinstance(viewer, Viewer) and viewer.role else Viewer("", "", None, NOBODY)


def current_scope() -> Scope:
    return current_viewer().scope


def scoped_database(scope: Scope) -> Database:
    """The process's database as a viewer with `scope` sees it (data/scope.py)."""
    return database_for(current_config()).scoped(scope)


def current_database() -> Database:
    """The database as the current viewer sees it: every page's queries go through their scope."""
    return scoped_database(current_scope())


def company_database() -> Database:
    """The unscoped database, for the work the server does for everyone (the facts, the data health
    checks, the as-of date); never for what a page shows a viewer."""
    return database_for(current_config())


@st.cache_data(show_spinner=False)
def _context_facts(config_file: str, version: str) -> tuple[dt.date | None, dict[str, list[str]]]:
    database = company_database()  # company-wide queries (data_as_of, filter_values)
    return metrics.data_as_of(database), metrics.filter_values(database)


@dataclass(frozen=True)
class Selection:
    config: Config
    data_version: str
    sla: SlaVersion
    start: dt.date
    end: dt.date
    as_of: dt.date
    filters: Filters
    scope: Scope = COMPANY  # the viewer's: part of every cache key, so no result crosses viewers

    def cache_key(self) -> tuple:
        return (str(self.config.path), self.data_version, self.scope, self.start, self.end, self.filters)

    @property
    def filters_key(self) -> tuple:
        """The filters as a plain tuple, the form the cached functions take."""
        return (self.filters.channel, self.filters.segment, self.filters.team)


# The shared link the session opened with, kept before the run draws anything. A click on another
# page can come as soon as the navigation is drawn, cutting the first run short, and the page it
# opens has lost the link's query string: the selection is then still made from the link.
LINK = url_params.OPENING_LINK
LINK_PARAMETERS = ("sla", "start", "end", *FILTER_LABELS)


def remember_link() -> None:
    """First thing in every run: keeps the query string of the session's first run."""
    if LINK not in st.session_state:
        st.session_state[LINK] = {name: st.query_params.get(name) for name in LINK_PARAMETERS}


# The longest date range a page works on, and how far before the as-of date one may start: a
# page's work grows with its range, so a link cannot ask for centuries.
MAX_RANGE_DAYS = 366 * 10


def date_bounds(config: Config, as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The days a range may cover: from ten years before the as-of date (or the first SLA
    period, if earlier) to the end of the last SLA period (or a year after the as-of date)."""
    low = min(min(sla.start for sla in config.slas), as_of - dt.timedelta(days=MAX_RANGE_DAYS))
    high = max(max(sla.end for sla in config.slas), as_of + dt.timedelta(days=366))
    return low, high


def _url_range(low: dt.date, high: dt.date) -> tuple[dt.date, dt.date] | None:
    start, end = url_params.date("start", low, high), url_params.date("end", low, high)
    if start is None or end is None:
        present = "end" if start is None else "start"
        if present in st.query_params:
            url_params.ignore(present, "comes without a usable other end of the range")
        return None
    if end < start:
        url_params.ignore("end", f"is {end}, before the start {start}")
        return None
    if (end - start).days > MAX_RANGE_DAYS:
        url_params.ignore("end", f"makes a range of {(end - start).days:,} days (at most {MAX_RANGE_DAYS:,})")
        return None
    return start, end


# The SLA version and date range live under keys no widget owns. Streamlit drops a widget's
# state on a run that does not draw it (the monthly review picks its own month), and a widget
# drawn again after that can come back at its first option; so the widgets are given the kept
# value before each draw and hand changes back through their callbacks.
KEPT_SLA, KEPT_RANGE = "kept_sla", "kept_date_range"


def _sla_range(config: Config, as_of: dt.date, sla_name: str) -> tuple[dt.date, dt.date]:
    sla = config.sla_named(sla_name)
    return sla.start, min(sla.end, max(as_of, sla.start))


def _sla_changed(config: Config, as_of: dt.date) -> None:
    state = st.session_state
    state[KEPT_SLA] = state["sla"]
    state[KEPT_RANGE] = _sla_range(config, as_of, state["sla"])


def _range_changed() -> None:
    st.session_state[KEPT_RANGE] = st.session_state["date_range"]


def _filter_changed(dimension: str) -> None:
    st.session_state["kept_" + dimension] = st.session_state[dimension]


# Set by the sidebar: the leads carry no creation date (an undated lead-scoring export). Pages that
# read all time (the funnel and the scoring lab) then draw from every lead; the others say they need dates.
UNDATED = "leads_undated"


def undated_selection(config: Config, database: Database) -> Selection:
    """What the all-time pages read on undated leads: no range, no as-of date, no filter, and the
    latest SLA version (its lead definition is the lab's current one)."""
    return Selection(config=config, data_version=database.version, sla=config.slas[-1], start=None, end=None,
                     as_of=None, filters=Filters(), scope=current_scope())


def render_sidebar(controls: frozenset[str] = EVERY_CONTROL, all_time: bool = False) -> Selection | None:
    """Draw the shared sidebar; returns None (after saying why) when nothing can be shown.
    On undated leads it returns None too, and the `all_time` pages read `undated_selection`.
    Only the `controls` the page reads are drawn (the monthly review picks its own month, data
    health reads whole extracts); the others keep their values for the pages that use them, and
    a filter not drawn does not apply."""
    date_range = DATES in controls
    try:
        config = current_config()
    except ConfigError as error:
        st.error(f"**The SLA config cannot be used.** Fix these in `{error.path.name}` and reload:")
        st.markdown("\n".join(f"- `{problem.split(':')[0]}`: {problem.partition(':')[2].strip()}" for problem in error.problems))
        return None
    database = company_database()
    as_of, values = _context_facts(str(config.path), database.version)
    scope = current_scope()
    every = values  # a link naming a team outside the scope is told "not yours", never shown it
    values = {**values, TEAM: teams_offered(scope, values.get(TEAM, []))}
    # Mapping problems (database.catalog.problems) are shown by the data health banner (ui/health.py).
    st.session_state[UNDATED] = database.catalog.has("leads") and not database.catalog.dated
    if st.session_state[UNDATED]:
        with st.sidebar:
            st.caption(f"{formatting.literal(config.company_name)} · undated leads: all time")
        if not all_time:
            st.info(f"This page needs dated records, and the leads in `{config.data.folder.name}` have no creation date "
                    f"(leads.created_at). The Funnel (all time) and the Scoring lab read undated leads; map "
                    f"created_at under [data.tables.leads.columns] in {config.path.name} for the other pages.")
        return None
    if as_of is None:
        st.info(
            f"No dated records were found in `{config.data.folder}`. Put your extracts there (see data/README.md) "
            "or create the sample with `python -m dashboard generate --out data/sample`."
        )
        return None

    names = [sla.name for sla in config.slas]
    low, high = date_bounds(config, as_of)
    state = st.session_state
    if KEPT_SLA not in state or state[KEPT_SLA] not in names:
        in_force = config.sla_for(as_of) or config.slas[-1]
        state[KEPT_SLA] = url_params.choice("sla", names) or in_force.name
        state[KEPT_RANGE] = _url_range(low, high) or _sla_range(config, as_of, state[KEPT_SLA])
        for dimension in FILTER_LABELS:
            state["kept_" + dimension] = url_params.choice(dimension, values.get(dimension, []), every.get(dimension, [])) or ALL

    with st.sidebar:
        st.caption(f"{formatting.literal(config.company_name)} · data as of **{as_of:%d %b %Y}**")
        if date_range:
            state["sla"], state["date_range"] = state[KEPT_SLA], tuple(state[KEPT_RANGE])
            st.selectbox("SLA version", names, key="sla", on_change=_sla_changed, args=(config, as_of),
                         help="Each SLA version has its own period, quota, lead definition and targets.")
            sla = config.sla_named(state["sla"])
            picked = st.date_input("Date range", key="date_range", format="YYYY-MM-DD", on_change=_range_changed,
                                   min_value=low, max_value=high,
                                   help=f"Defaults to the SLA period, up to the data's as-of date ({as_of}).")
            if not isinstance(picked, (tuple, list)) or len(picked) != 2:
                st.info("Pick the last day of the range.")
                return None
            if (picked[1] - picked[0]).days > MAX_RANGE_DAYS:
                st.info(f"Pick a range of at most {MAX_RANGE_DAYS // 366} years.")
                return None
        else:
            sla, picked = _kept_range(config, as_of)
            if controls:
                st.caption("This page picks its own month and judges it by the SLA version in force then; "
                           "the filters below apply.")
        start, end = picked
        # a rep's scope covers no team to choose: no "Sales team" box holding only "All"
        drawn = [dimension for dimension in FILTER_LABELS if dimension in controls
                 and not (dimension == TEAM and not scope.is_company and not values[TEAM])]
        chosen = {dimension: _choice(dimension, FILTER_LABELS[dimension], values.get(dimension, []), config)
                  for dimension in drawn}
        filters = Filters(**{dimension: chosen.get(dimension) for dimension in FILTER_LABELS})
        if not controls:
            st.caption("This page reads the whole extracts: the SLA version, dates and filters do not apply.")
    st.query_params.update({
        **({"sla": sla.name, "start": start.isoformat(), "end": end.isoformat()} if date_range else {}),
        **{name: value for name, value in filters.params().items() if value},
    })
    for name in () if date_range else ("sla", "start", "end"):
        if name in st.query_params:
            del st.query_params[name]
    for name in FILTER_LABELS:  # a filter this page does not draw stays in the session, not in its URL
        if not filters.params()[name] and name in st.query_params:
            del st.query_params[name]
    return Selection(config=config, data_version=database.version, sla=sla, start=start, end=end,
                     as_of=as_of, filters=filters, scope=scope)


def teams_offered(scope: Scope, teams: list[str]) -> list[str]:
    """The sales teams the team filter offers: a sales manager their own, a rep none (their own
    records are already one rep's), everyone else every team."""
    if scope.kind != "reps":
        return teams
    return [team for team in teams if team in scope.teams]


def is_default_range(selection: "Selection") -> bool:
    """The range is still the SLA period the sidebar opens on: nobody has picked one."""
    return (selection.start, selection.end) == _sla_range(selection.config, selection.as_of, selection.sla.name)


def use_range(config: Config, start: dt.date, end: dt.date) -> None:
    """Set the sidebar's range (and the SLA version in force at its end) for the next run."""
    state = st.session_state
    state[KEPT_SLA] = (config.sla_for(end) or config.slas[-1]).name
    state[KEPT_RANGE] = (start, end)


def _kept_range(config: Config, as_of: dt.date) -> tuple[SlaVersion, tuple[dt.date, dt.date]]:
    """The SLA version and range while their widgets are not drawn (a range left half-picked
    falls back to the version's period)."""
    state = st.session_state
    picked = state.get(KEPT_RANGE)
    if not isinstance(picked, (tuple, list)) or len(picked) != 2:
        state[KEPT_RANGE] = _sla_range(config, as_of, state[KEPT_SLA])
    return config.sla_named(state[KEPT_SLA]), tuple(state[KEPT_RANGE])


def _choice(key: str, label: str, options: list[str], config: Config) -> str | None:
    """A filter box whose options read as the config names them ("Paid search") while its value,
    the URL and the queries keep the extract's raw value (shared links stay as they were)."""
    kept = st.session_state.get("kept_" + key, ALL)
    st.session_state[key] = kept if kept in (ALL, *options) else ALL
    value = st.selectbox(label, [ALL, *options], key=key, on_change=_filter_changed, args=(key,),
                         format_func=lambda option: option if option == ALL or key == TEAM
                         else config.display_name(key, option))
    return None if value == ALL else value
