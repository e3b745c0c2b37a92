"""CSV formula injection: a rep or channel named like a spreadsheet formula reaches a spreadsheet
as text (OWASP's neutralisation: a leading single quote), in every download and in the commands'
CSV output, while every number is written exactly as before."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from dashboard.core.exports import csv_text
from tests.companies.hostile import REP_NAMES

REPO = Path(__file__).resolve().parents[2]


def test_each_formula_start_gets_a_leading_quote_and_numbers_are_unchanged():
    frame = pd.DataFrame({
        "rep": [*REP_NAMES, "\tTab", "\rReturn", "Ada East", None],
        "won": [1, -2, 3, -4, 5, 6, 7, 8],
        "rate_pct": [-0.5, 0.25, 1.0, -1e-3, 0.0, 2.5, -7.0, None],
        "as_text": ["-12", "+3", "-1.5", "1,000", "-2 %", "x", "=1+2", "-"],
    })
    cells = pd.read_csv(io.StringIO(csv_text(frame)), keep_default_na=False, dtype=str)
    assert cells["rep"].tolist() == [
        "'" + REP_NAMES[0], "'" + REP_NAMES[1], "'@SUM(1)", "'-2+3+cmd", "'\tTab", "'\rReturn", "Ada East", ""]
    assert cells["won"].tolist() == ["1", "-2", "3", "-4", "5", "6", "7", "8"]
    assert cells["rate_pct"].tolist() == ["-0.5", "0.25", "1.0", "-0.001", "0.0", "2.5", "-7.0", ""]
    # text that is a plain number stays a number; a formula or a lone sign does not
    assert cells["as_text"].tolist() == ["-12", "+3", "-1.5", "1,000", "-2 %", "x", "'=1+2", "'-"]


def test_a_formula_in_a_column_name_is_neutralised_too():
    assert csv_text(pd.DataFrame({"=cmd": [1]})).splitlines()[0] == "'=cmd"


def test_no_module_writes_csv_but_the_shared_function():
    """Every download and every command goes through csv_text: a new `to_csv` would skip it."""
    writers = [path.relative_to(REPO).as_posix() for path in (REPO / "dashboard").rglob("*.py")
               if re.search(r"\.to_csv\(", path.read_text(encoding="utf-8"))
               and path.name != "exports.py" and "tools" not in path.parts]
    assert writers == []


def test_whole_numbers_in_a_float_column_are_written_whole():
    """Counts and amounts that became float through a missing value (or a sum) read 1478, not 1478.0;
    a column with any fraction keeps its decimals."""
    frame = pd.DataFrame({"leads": [1478.0, None, 0.0], "won_revenue": [972070.0, 1500650.0, -20.0],
                          "rate": [0.5, 1.0, None]})
    lines = csv_text(frame).splitlines()
    assert lines == ["leads,won_revenue,rate", "1478,972070,0.5", ",1500650,1.0", "0,-20,"]
