"""Bounds on one page run: a time limit, and a stop once the viewer has gone.

Streamlit stops a script only between its calls, so a run stuck in a long query would keep a
core busy for a viewer who has left or waited too long. The page shell opens `bounded(...)`
around each run; the data layer calls `check()` before every query and runs each one inside
`interruptible(cursor)`, and a watchdog thread interrupts the running queries of a run whose
time is up or whose session is gone. The run then raises RunStopped, which the shell turns
into a message (or into nothing, when nobody is left to read it).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable, Iterator

WATCH_EVERY_S = 0.25
LIMIT_VARIABLE = "SLA_RUN_TIME_LIMIT_S"  # the environment variable that sets a run's limit
DEFAULT_LIMIT_S = 120.0


def limit_from_environment(environ: dict) -> float:
    """The run time limit the environment sets (DEFAULT_LIMIT_S when unset or not a positive number)."""
    try:
        limit = float(environ.get(LIMIT_VARIABLE, DEFAULT_LIMIT_S))
    except ValueError:
        return DEFAULT_LIMIT_S
    return limit if 0 < limit < float("inf") else DEFAULT_LIMIT_S


class RunStopped(Exception):
    """The run was stopped: its time limit passed (`timed_out`) or its viewer left."""

    def __init__(self, message: str, timed_out: bool):
        super().__init__(message)
        self.timed_out = timed_out


@dataclass(eq=False)
class Bound:
    limit_s: float
    viewer_present: Callable[[], bool]
    started: float = field(default_factory=time.monotonic)
    reason: RunStopped | None = None
    cursors: set = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def expired(self) -> RunStopped | None:
        """Why the run must stop now, or None; remembered once found."""
        if self.reason is None:
            if time.monotonic() - self.started > self.limit_s:
                self.reason = RunStopped(
                    f"This page took longer than {self.limit_s:g} s to compute and was stopped. Pick a shorter "
                    f"date range or fewer filters, or ask whoever runs the app to raise {LIMIT_VARIABLE}.",
                    timed_out=True)
            elif not self.viewer_present():
                self.reason = RunStopped("The viewer left; the run was stopped.", timed_out=False)
        return self.reason


_local = threading.local()
_active: set[Bound] = set()
_active_lock = threading.Lock()
_watchdog: threading.Thread | None = None


def current() -> Bound | None:
    return getattr(_local, "bound", None)


@contextmanager
def bounded(limit_s: float, viewer_present: Callable[[], bool] = lambda: True) -> Iterator[Bound]:
    """Everything this thread runs inside the block is bounded to `limit_s` seconds and stops
    once `viewer_present()` turns False."""
    bound = Bound(limit_s=limit_s, viewer_present=viewer_present)
    with carried(bound):
        with _active_lock:
            _active.add(bound)
        _start_watchdog()
        try:
            yield bound
        finally:
            with _active_lock:
                _active.discard(bound)


@contextmanager
def carried(bound: Bound | None) -> Iterator[None]:
    """Run the block under `bound` (worker threads of a page's parallel queries use this)."""
    previous = current()
    _local.bound = bound
    try:
        yield
    finally:
        _local.bound = previous


def check() -> None:
    """Raise RunStopped if the current run must stop."""
    bound = current()
    if bound is not None:
        reason = bound.expired()
        if reason is not None:
            raise reason


@contextmanager
def interruptible(cursor) -> Iterator[None]:
    """A query on `cursor` the watchdog may interrupt; an interrupted one raises RunStopped."""
    bound = current()
    if bound is None:
        yield
        return
    check()
    with bound.lock:
        bound.cursors.add(cursor)
    try:
        yield
    except Exception:
        if bound.reason is not None:
            raise bound.reason from None
        raise
    finally:
        with bound.lock:
            bound.cursors.discard(cursor)


def _start_watchdog() -> None:
    global _watchdog
    with _active_lock:
        if _watchdog is None or not _watchdog.is_alive():
            _watchdog = threading.Thread(target=_watch, name="run-bound-watchdog", daemon=True)
            _watchdog.start()


def _watch() -> None:
    while True:
        time.sleep(WATCH_EVERY_S)
        with _active_lock:
            bounds = list(_active)
        for bound in bounds:
            try:
                stop = bound.expired() is not None
            except Exception:  # a viewer check that fails must not end the watchdog
                continue
            if stop:
                with bound.lock:
                    cursors = list(bound.cursors)
                for cursor in cursors:
                    try:
                        cursor.interrupt()
                    except Exception:
                        pass
