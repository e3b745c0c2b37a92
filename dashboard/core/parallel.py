"""Run a page's independent queries at the same time, and page queries before background work.

Each query runs on its own cursor of the one connection (the rule that makes sharing it
between threads safe), and DuckDB releases the GIL while it works; a page that needs a
dozen small scans waits for the slowest instead of for their sum.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from dashboard.core import run_bound


def concurrently(*work: Callable[[], Any]) -> list[Any]:
    """The results of `work`, in order; the first exception raised is raised here."""
    if len(work) <= 1:
        return [item() for item in work]
    # A pool per call, not a shared one: work that itself calls this cannot starve the pool.
    bound = run_bound.current()  # the page run's time limit holds in its workers too

    def bounded(item: Callable[[], Any]) -> Any:
        with run_bound.carried(bound):
            return item()

    with ThreadPoolExecutor(max_workers=len(work), thread_name_prefix="query") as pool:
        futures = [pool.submit(bounded, item) for item in work]
        return [future.result() for future in futures]


class Foreground:
    """Interactive work first. Page queries run `with foreground.working():`; background work
    (the data health checks, whole-table scans of seconds each) calls `wait_for_quiet()` before
    each step, which returns once no page has been reading for `quiet_s` seconds, or after
    `at_most_s` so a busy app still gets its checks."""

    def __init__(self, quiet_s: float = 0.5, at_most_s: float = 60.0):
        self.quiet_s = quiet_s
        self.at_most_s = at_most_s
        self._busy = 0
        self._last_done = float("-inf")
        self._changed = threading.Condition()

    @contextmanager
    def working(self) -> Iterator[None]:
        with self._changed:
            self._busy += 1
        try:
            yield
        finally:
            with self._changed:
                self._busy -= 1
                self._last_done = time.monotonic()
                self._changed.notify_all()

    def page_starting(self) -> None:
        """A page is about to read (it just asked for background work): count it as reading now,
        so the background work does not take the cores before the page's first query."""
        with self._changed:
            self._last_done = time.monotonic()

    def wait_for_quiet(self) -> bool:
        """True when it became quiet, False when it gave up waiting."""
        deadline = time.monotonic() + self.at_most_s
        with self._changed:
            while True:
                now = time.monotonic()
                quiet_for = now - self._last_done
                if self._busy == 0 and quiet_for >= self.quiet_s:
                    return True
                if now >= deadline:
                    return False
                left = self.quiet_s - quiet_for if self._busy == 0 else self.quiet_s
                self._changed.wait(timeout=min(max(left, 0.01), deadline - now))
