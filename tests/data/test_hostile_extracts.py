"""Extracts built to trip the mapping: times with UTC offsets, day-first and month-first dates
under one list of formats, hidden and editor files beside the real ones, file names that look
like globs. Each number below was worked out by hand from the rows written here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.core.config import load_config
from dashboard.data import Database, data_version, files_for
from tests.companies.builders import MINIMAL_SLA


def leads_csv(folder: Path, created: list[str], name: str = "leads.csv", formats: tuple[str, ...] = ()) -> Path:
    """A leads extract of one column of creation times, and a config that reads it."""
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    rows = "".join(f"L{index},{value}\n" for index, value in enumerate(created, start=1))
    (folder / name).write_text("lead_id,created_at\n" + rows, encoding="utf-8")
    (folder / "deals.csv").write_text("deal_id,status\nD1,open\n", encoding="utf-8")  # deals are required
    listed = ", ".join(f'"{fmt}"' for fmt in formats)
    config = folder.parent / f"{folder.name}.toml"
    config.write_text(f'[data]\nfolder = "{folder.as_posix()}"\n[data.tables.deals]\npath = "deals.csv"\n'
                      f'[data.tables.leads]\npath = "{name}"\n' + (f"timestamp_formats = [{listed}]\n" if formats else "") + MINIMAL_SLA, encoding="utf-8")
    return config


def created_times(database: Database) -> list[dt.datetime]:
    return [row[0] for row in database.cursor().sql("select created_at from leads order by lead_id").fetchall()]


def lead_count(database: Database) -> int:
    return database.cursor().sql("select count(*) from leads").fetchall()[0][0]


def problems(database: Database, check: str) -> list:
    return [problem for problem in database.catalog.problems if problem.check == check]


# --- time-zone offsets --------------------------------------------------------------------

def test_a_utc_offset_is_converted_to_utc_not_dropped(tmp_path):
    config = leads_csv(tmp_path / "zoned", ["2025-01-01T06:22:26+02:00", "2025-01-01 06:22:26-05:30",
                                            "2025-01-01T06:22:26Z"])
    database = Database(load_config(config))
    assert created_times(database) == [dt.datetime(2025, 1, 1, 4, 22, 26), dt.datetime(2025, 1, 1, 11, 52, 26),
                                       dt.datetime(2025, 1, 1, 6, 22, 26)]
    assert problems(database, "mixed_time_zones") == []


def test_an_offset_in_a_configured_format_is_converted_to_utc(tmp_path):
    config = leads_csv(tmp_path / "formatted", ["01/02/2025 06:22 +0200"], formats=("%d/%m/%Y %H:%M %z",))
    assert created_times(Database(load_config(config))) == [dt.datetime(2025, 2, 1, 4, 22)]


def test_a_column_mixing_zoned_and_naive_times_is_a_data_health_warning(tmp_path):
    config = leads_csv(tmp_path / "mixed", ["2025-01-01T06:22:26+02:00", "2025-01-01 06:22:26",
                                            "2025-01-02 09:00:00", "2025-01-03"])
    database = Database(load_config(config))
    [problem] = problems(database, "mixed_time_zones")
    assert (problem.table, problem.column, problem.count, problem.severity) == ("leads", "created_at", 3, "warning")
    assert "created_at" in problem.message and "UTC" in problem.message
    assert created_times(database)[0] == dt.datetime(2025, 1, 1, 4, 22, 26)


# --- ambiguous date formats ---------------------------------------------------------------

BOTH = ("%d/%m/%Y", "%m/%d/%Y")


def test_the_one_format_that_parses_every_value_wins(tmp_path):
    # US dates: 12/25 parses only month-first, so month-first reads 03/04 as the 4th of March
    config = leads_csv(tmp_path / "us", ["03/04/2026", "12/25/2026", "01/01/2026"], formats=BOTH)
    database = Database(load_config(config))
    assert created_times(database) == [dt.datetime(2026, 3, 4), dt.datetime(2026, 12, 25), dt.datetime(2026, 1, 1)]
    assert problems(database, "ambiguous_dates") == []


def test_values_more_than_one_format_reads_differently_are_counted_and_named(tmp_path):
    # every day is 12 or less: both formats parse every value; 03/04 and 05/06 differ, 01/01 does not
    config = leads_csv(tmp_path / "either", ["03/04/2026", "05/06/2026", "01/01/2026"], formats=BOTH)
    database = Database(load_config(config))
    [problem] = problems(database, "ambiguous_dates")
    assert (problem.table, problem.column, problem.count, problem.severity) == ("leads", "created_at", 2, "warning")
    assert "'created_at'" in problem.message and "%d/%m/%Y" in problem.message and "'03/04/2026'" in problem.message
    assert created_times(database)[0] == dt.datetime(2026, 4, 3)  # the first format listed


def test_a_column_no_single_format_parses_warns_about_the_values_both_read(tmp_path):
    # 25/12 only day-first, 12/25 only month-first, 03/04 either way
    config = leads_csv(tmp_path / "mixed", ["25/12/2026", "12/25/2026", "03/04/2026"], formats=BOTH)
    database = Database(load_config(config))
    [problem] = problems(database, "ambiguous_dates")
    assert problem.count == 1 and problem.examples == ("03/04/2026",)


# --- one list of files --------------------------------------------------------------------

JUNK = ("._part1.csv", "part1.csv~", "part1.csv.tmp", ".~lock.part1.csv#", "~$part1.csv")


def extract_in_parts(tmp_path: Path, path: str) -> Path:
    """Leads in parts/part1.csv (two rows) beside a copy of each kind of file that is not data."""
    config = leads_csv(tmp_path / "extracts", ["2026-01-01", "2026-01-02"], name="parts/part1.csv")

    for junk in JUNK:
        (tmp_path / "extracts" / "parts" / junk).write_text("lead_id,created_at\nX1,2026-01-03\n", encoding="utf-8")
    config.write_text(config.read_text().replace('path = "parts/part1.csv"', f'path = "{path}"\nformat = "csv"'))
    return config


@pytest.mark.parametrize("path", ["parts/*.csv", "parts"], ids=["glob", "folder"])
def test_hidden_and_editor_files_are_neither_read_nor_fingerprinted(tmp_path, path):
    loaded = load_config(extract_in_parts(tmp_path, path))
    assert [file.name for file in files_for(loaded.data.folder, loaded.data.tables["leads"])] == ["part1.csv"]
    database = Database(loaded)
    # A leads export of ids and creation dates only: its missing stage columns are warned about, nothing else.
    assert {p.check for p in database.catalog.problems} <= {"stage_column_missing"} and lead_count(database) == 2
    before = data_version(loaded)
    (tmp_path / "extracts" / "parts" / "part1.csv").write_text("lead_id,created_at\nL1,2026-01-01\nL2,2026-01-02\nL3,2026-01-05\n")
    assert data_version(loaded) != before
    assert database.refresh() and lead_count(database) == 3


def test_a_file_whose_name_looks_like_a_glob_is_read_as_that_file(tmp_path):
    config = leads_csv(tmp_path / "extracts", ["2026-01-01", "2026-01-02"], name="leads[1].csv")
    (tmp_path / "extracts" / "leads1.csv").write_text("lead_id,created_at\nX1,2026-02-01\n", encoding="utf-8")
    database = Database(load_config(config))
    assert {p.check for p in database.catalog.problems} <= {"stage_column_missing"}
    assert created_times(database) == [dt.datetime(2026, 1, 1), dt.datetime(2026, 1, 2)]


def test_data_health_lists_ambiguous_dates_and_mixed_time_zones_as_warnings(tmp_path):
    from dashboard.data_health.checks import validate

    config = leads_csv(tmp_path / "either", ["03/04/2026", "05/06/2026", "01/01/2026"], formats=BOTH)
    findings = {finding.check: finding for finding in validate(Database(load_config(config))).findings}
    assert findings["ambiguous_dates"].severity == "warning" and findings["ambiguous_dates"].count == 2
