"""`concurrently`: a page's independent queries at once, results in the order asked."""

import threading

import pytest

from dashboard.core.parallel import concurrently


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


def test_background_work_waits_until_the_pages_have_stopped_reading():
    from dashboard.core.parallel import Foreground

    foreground = Foreground(quiet_s=0.05, at_most_s=30)
    page_reading, page_done = threading.Event(), threading.Event()
    order = []

    def page():
        with foreground.working():
            page_reading.set()
            page_done.wait(10)
            order.append("page finished")

    def checks():
        page_reading.wait(10)
        foreground.wait_for_quiet()
        order.append("checks started")

    threads = [threading.Thread(target=page), threading.Thread(target=checks)]
    for thread in threads:
        thread.start()
    page_reading.wait(10)
    page_done.set()
    for thread in threads:
        thread.join(10)
    assert order == ["page finished", "checks started"]


def test_background_work_is_not_held_back_for_ever_by_a_busy_app():
    from dashboard.core.parallel import Foreground

    foreground = Foreground(quiet_s=0.05, at_most_s=0.2)
    with foreground.working():  # a page that never stops reading
        assert foreground.wait_for_quiet() is False


def test_a_query_in_the_background_does_not_hold_back_other_background_queries(company):
    with company.in_background():
        company.query("data_as_of")
        assert company.foreground.wait_for_quiet() is True  # its own queries are not page reads


def test_a_page_about_to_read_holds_background_work_back_for_the_quiet_period():
    from dashboard.core.parallel import Foreground

    foreground = Foreground(quiet_s=30, at_most_s=0.2)
    foreground.page_starting()
    assert foreground.wait_for_quiet() is False  # still within the page's quiet period
