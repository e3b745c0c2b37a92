"""Which display columns are right-aligned as numbers: a column of amounts, counts and rates is;
one long text with a number in it anywhere makes it text; cells without a digit are neutral."""

import pandas as pd

from dashboard.core.formatting import reads_as_numbers


def test_amounts_counts_rates_and_changes_read_as_numbers():
    assert reads_as_numbers(pd.Series(["$656k", "2,413", "20.5 %", "+0.1 pts", "—", None, "not tracked"]))


def test_one_long_text_with_a_number_makes_a_text_column_however_many_numbers_repeat():
    column = pd.Series(["2,413"] * 5000 + ["1 Jul 2026 – 30 Sep 2026 (Q3)"] + ["2,413"] * 5000)
    assert not reads_as_numbers(column)


def test_a_column_without_a_digit_is_not_numbers():
    assert not reads_as_numbers(pd.Series(["—", "n/a", None, float("nan"), "not tracked"] * 100))


def test_a_cell_that_starts_with_a_word_makes_a_text_column():
    assert not reads_as_numbers(["12", "Sales East 3"])


def test_cells_holding_lists_are_read_one_by_one():
    assert not reads_as_numbers(pd.Series([["a", 1], "12"], dtype=object))
    assert reads_as_numbers(pd.Series([None, "12"], dtype=object))
