"""A page's run is bounded: past its time limit, or once its viewer has gone, the query it is
waiting for is interrupted and the run stops with RunStopped (the shell says why)."""

from __future__ import annotations

import threading
import time

import duckdb
import pytest

from dashboard.core import run_bound
from dashboard.core.parallel import concurrently

SLOW = "select sum(a.range * b.range) from range(200000000) a, range(1000) b"  # minutes of work


def slow_query(connection: duckdb.DuckDBPyConnection) -> None:
    cursor = connection.cursor()
    try:
        with run_bound.interruptible(cursor):
            cursor.sql(SLOW).fetchall()
    finally:
        cursor.close()


def test_a_run_past_its_time_limit_is_interrupted_with_a_message():
    connection = duckdb.connect()
    started = time.monotonic()
    with pytest.raises(run_bound.RunStopped) as stopped:
        with run_bound.bounded(0.5):
            slow_query(connection)
    assert stopped.value.timed_out and "0.5 s" in str(stopped.value) and run_bound.LIMIT_VARIABLE in str(stopped.value)
    assert time.monotonic() - started < 10


def test_a_run_whose_viewer_has_gone_is_stopped():
    connection = duckdb.connect()
    gone = threading.Event()
    threading.Timer(0.3, gone.set).start()
    started = time.monotonic()
    with pytest.raises(run_bound.RunStopped) as stopped:
        with run_bound.bounded(600, viewer_present=lambda: not gone.is_set()):
            slow_query(connection)
    assert not stopped.value.timed_out
    assert time.monotonic() - started < 10


def test_the_bound_holds_in_the_workers_of_a_page_s_parallel_queries():
    connection = duckdb.connect()
    with pytest.raises(run_bound.RunStopped):
        with run_bound.bounded(0.5):
            concurrently(lambda: slow_query(connection), lambda: slow_query(connection))


def test_a_run_that_is_already_over_starts_no_further_query():
    with run_bound.bounded(600, viewer_present=lambda: False):
        with pytest.raises(run_bound.RunStopped):
            run_bound.check()


def test_outside_a_page_run_nothing_is_bounded():
    run_bound.check()
    assert run_bound.current() is None


def test_the_limit_comes_from_the_environment_and_falls_back_on_nonsense():
    assert run_bound.limit_from_environment({}) == run_bound.DEFAULT_LIMIT_S
    assert run_bound.limit_from_environment({run_bound.LIMIT_VARIABLE: "30"}) == 30
    for bad in ("-1", "0", "inf", "nan", "soon"):
        assert run_bound.limit_from_environment({run_bound.LIMIT_VARIABLE: bad}) == run_bound.DEFAULT_LIMIT_S
