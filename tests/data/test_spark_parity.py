"""Every query file and every page's data work give DuckDB's results on Spark: over the sample and
over a copy of it whose timestamps carry fractions of a second (where DuckDB's date_diff and
Spark's part), in Spark's local mode and through a Spark Connect server this module starts on
127.0.0.1 from the installed pyspark. Floats agree within 1e-9 relative; rows are compared sorted
(spark_engine.assert_same). Each engine builds its own facts in a cache folder of its own, so the
pages on Spark read what Spark built."""

from __future__ import annotations

import dataclasses
import os
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from tests.data.spark_engine import (
    assert_same, copy_with_subsecond_timestamps, engine_config, require_spark, spark_connect_server,
)

require_spark()

import streamlit as st  # noqa: E402

from dashboard.core.cache_folder import ENVIRONMENT_VARIABLE  # noqa: E402
from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config  # noqa: E402
from dashboard.data import database_for  # noqa: E402
from dashboard.data.sql import query_files  # noqa: E402
from dashboard.facts.build import ensure_all_facts  # noqa: E402
from dashboard.funnel import data as metrics  # noqa: E402
from dashboard.funnel.domain import Filters  # noqa: E402
from dashboard.tools.bench import page_workloads  # noqa: E402
from dashboard.ui.state import Selection  # noqa: E402
from tests.data.test_scoped_queries import _page_workloads, _params  # noqa: E402

SHAPES = ("sample", "sub_second")
MODES = ("local", "connect")
QUERIES = sorted(query_files())
# What the pages ask for through their caches (bench.page_workloads) and what they and the
# commands call directly on a database (test_scoped_queries._page_workloads).
CACHED_PAGES = ("monthly_review", "funnel", "team_kpis", "follow_up_compliance", "planner", "scoring_lab",
                "data_health", "data_health_kept")
DIRECT_WORK = ("funnel", "journey", "team_kpis", "compliance", "planner", "scoring_lab", "sla_versions",
               "drilldowns")


@contextmanager
def cache_folder(folder: Path):
    before = os.environ.get(ENVIRONMENT_VARIABLE)
    os.environ[ENVIRONMENT_VARIABLE] = str(folder)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(ENVIRONMENT_VARIABLE, None)
        else:
            os.environ[ENVIRONMENT_VARIABLE] = before


def everything(config_path: Path, cache: Path) -> dict[str, object]:
    """Each query file's rows and each page's data work on the config's engine, facts built first."""
    with cache_folder(cache):
        config = load_config(config_path)
        database = database_for(config)
        ensure_all_facts(database)
        # The refresh's queries read the files an extract gained since the facts were built: here
        # every file of each table, so that they run on rows.
        for table in ("traffic", "leads", "deals", "touches"):
            database.view_over_files(f"added_{table}", table, [config.data.folder / config.data.tables[table].path])
        results: dict[str, object] = {f"query {name}": database.query(name, _params(name)) for name in QUERIES}
        as_of = metrics.data_as_of(database)
        sla, start, end = metrics.default_range(config, as_of)
        selection = Selection(config=config, data_version=database.version, sla=sla, start=start, end=end,
                              as_of=as_of, filters=Filters())
        st.cache_data.clear()
        cached = {work.name: work for work in page_workloads(selection)}
        assert set(cached) == set(CACHED_PAGES), "a page was added: add it to CACHED_PAGES"
        results.update({f"page {name}": comparable(name, work.run()) for name, work in cached.items()})
        direct = _page_workloads(database)
        assert set(direct) == set(DIRECT_WORK)
        results.update({f"work {name}": result for name, result in direct.items()})
        st.cache_data.clear()
        database.close()
    return results


def comparable(page: str, result):
    """What must agree of a page's result: the scoring lab's scores are one per lead group, in the
    order its query returned the groups (the groups themselves are compared decoded, as "work
    scoring_lab"), and data health names the config file each engine read."""
    if page == "scoring_lab":
        scores, histogram = result
        return sorted(np.asarray(scores).tolist()), histogram
    if page.startswith("data_health"):  # the first run, and the run from the results it kept
        return dataclasses.replace(result, config_path=Path(result.config_path).name)
    return result


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    sample = load_config(DEFAULT_CONFIG_PATH).data.folder
    copy = copy_with_subsecond_timestamps(sample, tmp_path_factory.mktemp("sub_second") / "extracts")
    return {"sample": sample, "sub_second": copy}


@pytest.fixture(scope="module")
def results(folders, tmp_path_factory):
    """Results by (shape, engine), computed on first use: DuckDB's once per shape, Spark's once per
    shape and mode. The Spark Connect server starts on the first use of the connect mode."""
    computed: dict[tuple[str, str], dict[str, object]] = {}
    servers: list = []

    def of(shape: str, engine: str) -> dict[str, object]:
        if (shape, engine) not in computed:
            if engine == "connect" and not servers:
                server = spark_connect_server(tmp_path_factory.mktemp("spark-connect-logs"))
                servers.append((server, server.__enter__()))
            section = {"duckdb": "", "local": 'kind = "spark"\nmaster = "local[2]"',
                       "connect": f'kind = "spark"\nremote = "{servers[0][1]}"' if servers else ""}[engine]
            place = tmp_path_factory.mktemp(f"{shape}-{engine}")
            config = engine_config(DEFAULT_CONFIG_PATH, place / DEFAULT_CONFIG_PATH.name, folders[shape], section)
            computed[(shape, engine)] = everything(config, place / "cache")
        return computed[(shape, engine)]

    connect_mode = os.environ.get("SPARK_CONNECT_MODE_ENABLED")
    yield of
    for server, _ in servers:
        server.__exit__(None, None, None)
    if connect_mode is None:
        # pyspark marks a process that made a Connect session so that it refuses local Spark after
        # it: the tests after this module start local sessions again.
        os.environ.pop("SPARK_CONNECT_MODE_ENABLED", None)


KEYS = [f"query {name}" for name in QUERIES] + [f"page {name}" for name in CACHED_PAGES] + \
    [f"work {name}" for name in DIRECT_WORK]


# Every local run before any through Spark Connect: once a process has made a Connect session,
# pyspark refuses to start a local one beside it.
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("mode", MODES)
def test_spark_gives_duckdbs_result_for_every_query_and_page(shape, mode, results):
    expected, found = results(shape, "duckdb"), results(shape, mode)
    assert set(found) == set(expected) == set(KEYS)
    differences = []
    for key in KEYS:
        try:
            assert_same(expected[key], found[key], key)
        except AssertionError as error:
            differences.append(str(error).splitlines()[0])
    assert not differences, f"{len(differences)} of {len(KEYS)} differ on Spark ({mode}, {shape}):\n" + \
        "\n".join(differences)


def test_the_parity_covers_rows_not_empty_results(results):
    """A query that returns nothing on both engines proves little: most return rows on the sample."""
    expected = results("sample", "duckdb")
    empty = [name for name in QUERIES if expected[f"query {name}"].empty]
    assert len(empty) <= len(QUERIES) // 5, f"empty on the sample: {empty}"
