"""Every facts table, built or refreshed in one call: what the app starts in the background,
what commands run before reading, and what `bench` times."""

from __future__ import annotations

import sys
from contextlib import nullcontext
from typing import TextIO

from dashboard.data import Database
from dashboard.data.facts import FactsOutcome, FactsSpec, Progress, ensure_facts, is_current_on_disk
from dashboard.facts.durations import DURATIONS_SPEC, MONTHLY_MEDIANS_SPEC
from dashboard.facts.hand_backs import HAND_BACK_SPEC
from dashboard.facts.hand_offs import HAND_OFF_SPEC
from dashboard.facts.stage_counts import SESSIONS_SPEC, STAGE_COUNTS_SPEC

# In build order: the monthly medians read the stage duration facts.
ALL_SPECS: tuple[FactsSpec, ...] = (STAGE_COUNTS_SPEC, SESSIONS_SPEC, HAND_OFF_SPEC, DURATIONS_SPEC,
                                     MONTHLY_MEDIANS_SPEC, HAND_BACK_SPEC)


def ensure_all_facts(database: Database, progress: Progress | None = None,
                     in_background: bool = False) -> list[FactsOutcome]:
    """Reuse, refresh or build every facts table for the current data version. `in_background`:
    each query waits until no page has been reading for a moment (the app's build thread)."""
    if not database.config.cache.facts:
        return []
    with database.in_background() if in_background else nullcontext():
        return [ensure_facts(database, spec, progress) for spec in ALL_SPECS]


def facts_on_disk(database: Database) -> bool:
    """Every facts table is in the cache folder, built from exactly today's extract files."""
    return all(is_current_on_disk(database, spec) for spec in ALL_SPECS)


def use_facts_on_disk(database: Database) -> bool:
    """Take up the facts when the cache folder holds them for today's extracts (milliseconds);
    a command never waits for a build: `python -m dashboard facts` or the app makes them."""
    if database.config.cache.facts and facts_on_disk(database):
        ensure_all_facts(database)
        return True
    return False


def terminal_progress(stream: TextIO = sys.stderr) -> Progress | None:
    """A one-line progress report for a terminal; None on a pipe or a file, where it would be noise."""
    if not stream.isatty():
        return None

    def progress(done: int, total: int, step: str) -> None:
        end = "\n" if done == total else ""
        stream.write(f"\r\033[KPreparing facts: {step} ({done}/{total} months){end}")
        stream.flush()

    return progress
