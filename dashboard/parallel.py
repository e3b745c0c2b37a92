"""Run a page's independent queries at the same time.

Each query runs on its own cursor of the one connection (the rule that makes sharing it
between threads safe), and DuckDB releases the GIL while it works; a page that needs a
dozen small scans waits for the slowest instead of for their sum.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable


def concurrently(*work: Callable[[], Any]) -> list[Any]:
    """The results of `work`, in order; the first exception raised is raised here."""
    if len(work) <= 1:
        return [item() for item in work]
    # A pool per call, not a shared one: work that itself calls this cannot starve the pool.
    with ThreadPoolExecutor(max_workers=len(work), thread_name_prefix="query") as pool:
        futures = [pool.submit(item) for item in work]
        return [future.result() for future in futures]
