"""The facts in the app shell: built in the background once per data version, with a progress
bar in the sidebar while they are being built. Pages do not wait for them: until the facts of
this data version are ready, their queries read the extracts and show the same numbers.

Facts already on disk for this data version (a restart, a second server) are taken up at once,
so the first page after a restart reads them."""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

import streamlit as st

from dashboard.core.config import ConfigError
from dashboard.data import extract_bytes
from dashboard.data_health.cache import BANNER_WAIT_SECONDS, QUICKLY_CHECKED_BYTES, is_checking
from dashboard.facts.build import ensure_all_facts, facts_on_disk
from dashboard.ui.state import company_database, current_config

_log = logging.getLogger(__name__)


@dataclass
class BuildState:
    done: int = 0
    total: int = 0
    step: str = ""
    finished: bool = False
    failed: bool = False

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0


_BUILDS: dict[tuple, BuildState] = {}
_BUILDS_LOCK = threading.Lock()


def _build(database, state: BuildState, after_checks: bool = False) -> None:
    def progress(done: int, total: int, step: str) -> None:
        state.done, state.total, state.step = done, total, step

    if after_checks:
        # Small extracts: the first page waits for the data health checks to draw its banner, so
        # they go first; the facts save little there. Large extracts' facts start at once.
        deadline = time.monotonic() + BANNER_WAIT_SECONDS
        while is_checking() and time.monotonic() < deadline:
            time.sleep(0.05)
    try:
        ensure_all_facts(database, progress, in_background=True)
    except Exception:  # noqa: BLE001 - pages keep reading the extracts
        _log.exception("building the facts failed; pages read the extracts")
        state.failed = True
    finally:
        state.finished = True


def start_facts() -> BuildState | None:
    """Facts for the current config and data version: taken up from disk at once when they are
    there, else built in a daemon thread (started once per version per process)."""
    try:
        config = current_config()
        if not config.cache.facts:
            return None
        database = company_database()
    except ConfigError:
        return None
    key = (str(config.path), database.version)
    with _BUILDS_LOCK:
        state = _BUILDS.get(key)
        if state is not None:
            return state
        state = BuildState()
        _BUILDS[key] = state
        for stale in list(_BUILDS)[:-8]:
            del _BUILDS[stale]
    if facts_on_disk(database):
        _build(database, state)  # milliseconds: reads manifests and opens the files
    else:
        small = extract_bytes(config) <= QUICKLY_CHECKED_BYTES
        threading.Thread(target=_build, args=(database, state, small), daemon=True, name="facts-build").start()
    return state


def show_facts_progress() -> None:
    """In the sidebar while the facts are being built: how far the build has got."""
    state = start_facts()
    if state is None or state.finished:
        return
    with st.sidebar:
        _progress_while_building(state)


@st.fragment(run_every=1)
def _progress_while_building(state: BuildState) -> None:
    if state.finished:
        return
    months = f" ({state.done} of {state.total} months)" if state.total else ""
    st.progress(state.fraction, text=f"Preparing faster pages: {state.step or 'starting'}{months}. "
                                     "Pages show the same numbers meanwhile, a little slower.")
