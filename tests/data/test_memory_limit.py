"""`[engine] memory_limit`: DuckDB is held to it, and what does not fit spills to the cache folder
(inside the sandbox) rather than failing or growing the process."""

import dataclasses
from pathlib import Path

from dashboard.core.config import load_config
from dashboard.data import Database


def limited(tmp_path, monkeypatch, limit: str):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    config = load_config()
    return dataclasses.replace(config, engine=dataclasses.replace(config.engine, memory_limit=limit))


def test_the_memory_limit_is_duckdbs_and_spills_go_to_the_cache_folder(tmp_path, monkeypatch):
    database = Database(limited(tmp_path, monkeypatch, "512MB"))
    cursor = database.cursor()
    limit, spill = cursor.sql("select current_setting('memory_limit'), current_setting('temp_directory')").fetchall()[0]
    cursor.close()
    database.close()
    assert limit == "488.2 MiB"  # 512 MB in DuckDB's units
    assert Path(spill) == tmp_path / "cache" / "duckdb-spill"


def test_a_grouping_larger_than_the_limit_spills_and_gives_the_exact_answer(tmp_path, monkeypatch):
    database = Database(limited(tmp_path, monkeypatch, "256MB"))
    cursor = database.cursor()
    groups, rows = cursor.sql(
        "select count(*), sum(n) from (select i % 12000000 as k, count(*) as n from range(24000000) t(i) group by k)"
    ).fetchall()[0]
    cursor.close()
    database.close()
    assert (groups, rows) == (12_000_000, 24_000_000)
