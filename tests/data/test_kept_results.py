"""Query results kept in the cache folder per data version (dashboard/data/kept_results.py): a
restart reads the data health checks, the as-of date and the filter values instead of scanning
every table again, with the same values and types; a changed extract, parameter or mapping is
asked again; an unusable cache folder costs only the time."""

import dataclasses
import datetime as dt
import os
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from dashboard.core.config import load_config
from dashboard.data import Database, kept_results
from dashboard.data_health.checks import kept_result_names, validate
from dashboard.tools.generate import generate
from tests.companies.builders import write_config, write_table
from tests.companies.faults import FAULTS, build
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC

TABLES = {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES}


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    folder = tmp_path / "extracts"
    folder.mkdir()
    for name, rows in TABLES.items():
        write_table(folder, name, rows)
    return load_config(write_config(folder, tuple(TABLES)))


def kept_files(config, name: str) -> list[Path]:
    return sorted((Path(os.environ["SLA_CACHE_FOLDER"]) / "results").glob(f"{name}-*.parquet"))


class CountingDatabase(Database):
    """The real database, counting the queries that reached DuckDB."""

    def __init__(self, config):
        self.asked: list[str] = []
        super().__init__(config)

    def query(self, name, params=None, limit=None, schema=None):
        self.asked.append(name)
        return super().query(name, params, limit, schema)

    def unreadable_tables(self, catalog=None):
        self.asked.append("unreadable_tables")
        return super().unreadable_tables(catalog)


def test_a_second_process_reads_the_kept_result_and_does_not_run_the_query(config):
    first = CountingDatabase(config)
    as_of = first.query_once("data_as_of")
    first.close()
    assert first.asked == ["data_as_of"]

    restarted = CountingDatabase(config)
    again = restarted.query_once("data_as_of")
    restarted.close()
    assert restarted.asked == []
    pd.testing.assert_frame_equal(again, as_of)


def test_the_kept_file_is_what_the_restart_reads(config):
    first = Database(config)
    first.query_kept("validate_reps")
    first.close()
    (kept,) = kept_files(config, "validate_reps")
    pq.write_table(pq.read_table(kept).slice(0, 1), kept)  # a marker only a read of the file shows

    restarted = Database(config)
    assert len(restarted.query_kept("validate_reps")) == 1
    restarted.close()


def test_text_dates_numbers_booleans_and_nulls_come_back_with_their_types(config):
    database = Database(config)
    frame = pd.DataFrame({
        "record_id": pd.array(["L1", None], dtype="str"),
        "at": pd.to_datetime(["2026-03-01 09:30", None]).as_unit("us"),
        "amount": [10.5, float("nan")],
        "count": pd.array([3, 4], dtype="int64"),
        "is_known": [True, False],
    })
    kept_results.kept(database, "validate_reps", {"marker": 1}, lambda: frame)
    again = kept_results.kept(database, "validate_reps", {"marker": 1}, lambda: pytest.fail("ran again"))
    database.close()
    pd.testing.assert_frame_equal(again, frame)


def test_an_empty_result_is_kept_with_its_columns(config):
    database = Database(config)
    empty = pd.DataFrame({"check_id": pd.array([], dtype="str"), "finding_count": pd.array([], dtype="int64")})
    kept_results.kept(database, "validate_reps", {}, lambda: empty)
    again = kept_results.kept(database, "validate_reps", {}, lambda: pytest.fail("ran again"))
    database.close()
    pd.testing.assert_frame_equal(again, empty)


def test_a_changed_extract_is_asked_again_and_gives_its_new_answer(config):
    first = Database(config)
    first.query_once("data_as_of")
    first.close()
    later_lead = {"lead_id": "L9", "created_at": "2026-06-30", "channel": "paid", "segment": "SMB"}
    write_table(Path(config.data.folder), "leads", [*LEADS, later_lead])

    changed = CountingDatabase(config)
    latest = changed.query_once("data_as_of")
    changed.close()
    assert changed.asked == ["data_as_of"]
    leads_latest = latest.set_index("table_name").loc["leads", "latest_at"]
    assert leads_latest == pd.Timestamp("2026-06-30")
    assert len(kept_files(config, "data_as_of")) == 2


def test_other_parameters_or_another_mapping_are_other_results(config):
    database = CountingDatabase(config)
    database.query_kept("validate_activity_runs", {"max_gap_days": 30})
    database.query_kept("validate_activity_runs", {"max_gap_days": 60})
    database.query_kept("validate_activity_runs", {"max_gap_days": 30})
    database.close()
    assert database.asked == ["validate_activity_runs"] * 2

    remapped = dataclasses.replace(config, data=dataclasses.replace(config.data, as_of=dt.date(2026, 3, 31)))
    other = CountingDatabase(remapped)
    other.query_kept("validate_activity_runs", {"max_gap_days": 30})
    other.close()
    assert other.asked == ["validate_activity_runs"]


def test_an_unwritable_cache_folder_still_gives_the_answer(config, tmp_path, monkeypatch):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the results folder would go")
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path))
    (tmp_path / "results").symlink_to(blocker)
    database = Database(config)
    assert database.query_once("data_as_of").equals(database.query("data_as_of"))
    database.close()


def test_a_damaged_kept_file_is_replaced_by_the_querys_answer(config):
    first = Database(config)
    answer = first.query_kept("validate_reps")
    first.close()
    (kept,) = kept_files(config, "validate_reps")
    kept.write_bytes(b"not parquet")

    restarted = CountingDatabase(config)
    pd.testing.assert_frame_equal(restarted.query_kept("validate_reps"), answer)
    restarted.close()
    assert restarted.asked == ["validate_reps"]


def test_only_the_newest_results_of_a_query_are_kept(config):
    database = Database(config)
    for gap in range(kept_results.KEPT_PER_QUERY + 3):
        database.query_kept("validate_activity_runs", {"max_gap_days": gap})
    database.close()
    assert len(kept_files(config, "validate_activity_runs")) == kept_results.KEPT_PER_QUERY


def test_data_health_after_a_restart_is_the_same_report_without_running_a_check(config):
    first = CountingDatabase(config)
    report = validate(first)
    first.close()
    assert "unreadable_tables" in first.asked and "validate_ids_and_order" in first.asked

    restarted = CountingDatabase(config)
    again = validate(restarted)
    restarted.close()
    assert restarted.asked == []
    assert again.to_dict() == report.to_dict()


def test_data_health_after_an_edited_extract_finds_what_the_edit_broke(config):
    first = Database(config)
    assert not [finding for finding in validate(first).findings if finding.check == "duplicate_id"]
    first.close()
    write_table(Path(config.data.folder), "leads", [*LEADS, LEADS[0]])  # the first lead exported twice

    edited = Database(config)
    duplicates = [finding for finding in validate(edited).findings if finding.check == "duplicate_id"]
    edited.close()
    assert [(finding.table, finding.count) for finding in duplicates] == [("leads", 1)]


def test_a_damaged_extract_is_still_reported_after_a_restart_without_reading_it_again(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    sample = tmp_path / "clean"
    generate(sample, leads=2000)
    (fault,) = [fault for fault in FAULTS if fault.name == "damaged_touches_pages"]
    damaged = load_config(build(fault, sample, tmp_path / "faults").config_path)

    first = CountingDatabase(damaged)
    unreadable = [finding.table for finding in validate(first).findings if finding.check == "unreadable"]
    first.close()
    restarted = CountingDatabase(damaged)
    again = [finding.table for finding in validate(restarted).findings if finding.check == "unreadable"]
    restarted.close()

    assert unreadable == again == ["touches"]
    assert "unreadable_tables" in first.asked and "unreadable_tables" not in restarted.asked


def test_with_the_facts_off_nothing_is_kept(config):
    off = dataclasses.replace(config, cache=dataclasses.replace(config.cache, facts=False))
    database = CountingDatabase(off)
    database.query_kept("validate_reps")
    database.query_kept("validate_reps")
    database.close()
    assert database.asked == ["validate_reps"] * 2
    assert kept_files(off, "validate_reps") == []


def test_forgetting_data_healths_results_keeps_the_as_of_date_a_restart_reads(config):
    database = Database(config)
    database.query_once("data_as_of")
    validate(database)
    kept_results.forget(database, kept_result_names())
    database.close()
    assert kept_files(config, "data_as_of")
    assert not kept_files(config, "validate_ids_and_order") and not kept_files(config, "unreadable_tables")
    assert {"unreadable_tables", "validate_ids_and_order", "validate_monthly_rows"} <= set(kept_result_names())
