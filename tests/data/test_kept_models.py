"""Table models kept in the cache folder (dashboard/data/models.py): a restart on the same
extracts loads `funnel_deals` instead of joining every lead again, with the same rows and column
types; changed extracts build it again; with the facts off nothing is kept."""

import dataclasses
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from dashboard.core.config import load_config
from dashboard.data import Database

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def config(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    shutil.copytree(REPO / "data" / "sample", tmp_path / "extracts")
    base = load_config(REPO / "sla_config.toml")
    return dataclasses.replace(base, data=dataclasses.replace(base.data, folder=tmp_path / "extracts"))


def kept_files(config) -> list[Path]:
    return sorted((Path(str(config.data.folder)).parent / "cache" / "models").glob("funnel_deals-*.parquet"))


def funnel_deals(database: Database):
    cursor = database.cursor()
    try:
        return (cursor.sql("select * from funnel_deals order by deal_id").df(),
                cursor.sql("describe funnel_deals").df()[["column_name", "column_type"]])
    finally:
        cursor.close()


def test_a_restart_loads_the_kept_funnel_deals_with_the_same_rows_and_types(config):
    built = Database(config)
    rows, types = funnel_deals(built)
    built.close()
    assert len(kept_files(config)) == 1 and len(rows) > 1000

    restarted = Database(config)
    again_rows, again_types = funnel_deals(restarted)
    restarted.close()

    assert again_types.equals(types)
    assert again_rows.equals(rows)


def test_the_restart_reads_the_kept_file_and_does_not_join_the_leads_again(config):
    Database(config).close()
    (kept,) = kept_files(config)
    pq.write_table(pq.read_table(kept).slice(0, 5), kept)  # a marker only a load from the file shows

    restarted = Database(config)
    rows, _ = funnel_deals(restarted)
    restarted.close()
    assert len(rows) == 5


def test_changed_extracts_build_funnel_deals_again(config):
    Database(config).close()
    deals = Path(config.data.folder) / "deals.parquet"
    table = pq.read_table(deals)
    pq.write_table(table.slice(0, table.num_rows - 1), deals)  # a corrected export

    changed = Database(config)
    rows, _ = funnel_deals(changed)
    changed.close()
    assert len(rows) == table.num_rows - 1
    assert len(kept_files(config)) == 2


def test_with_the_facts_off_nothing_is_kept(config):
    off = dataclasses.replace(config, cache=dataclasses.replace(config.cache, facts=False))
    database = Database(off)
    rows, _ = funnel_deals(database)
    database.close()
    assert len(rows) > 1000 and kept_files(config) == []
