"""`concurrently`: a page's independent queries at once, results in the order asked."""

import threading

import pytest

from dashboard.parallel import concurrently


def test_results_come_back_in_the_order_the_work_was_given():
    started = threading.Barrier(3, timeout=10)  # proves the three ran at the same time

    def work(value):
        started.wait()
        return value

    assert concurrently(lambda: work("a"), lambda: work("b"), lambda: work("c")) == ["a", "b", "c"]


def test_an_exception_in_any_piece_is_raised_to_the_caller():
    def broken():
        raise ValueError("leads.parquet is damaged")

    with pytest.raises(ValueError, match="damaged"):
        concurrently(lambda: 1, broken)


def test_work_that_itself_runs_work_concurrently_does_not_deadlock():
    assert concurrently(lambda: concurrently(lambda: 1, lambda: 2), lambda: 3) == [[1, 2], 3]
