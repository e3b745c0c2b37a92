"""The [engine] section: DuckDB unless it says Spark, and each bad value reported by its key."""

import pytest

from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, EngineConfig, load_config

SAMPLE = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")


def load(tmp_path, text):
    path = tmp_path / "sla_config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


def problems_for(tmp_path, text):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    return caught.value.problems


def test_without_an_engine_section_the_engine_is_duckdb():
    assert load_config().engine == EngineConfig(kind="duckdb")


def test_a_spark_engine_keeps_its_address_master_and_settings(tmp_path):
    config = load(tmp_path, SAMPLE + '\n[engine]\nkind = "spark"\nremote = "sc://spark.internal:15002"\n'
                                      '[engine.conf]\n"spark.sql.shuffle.partitions" = 64\n')
    assert config.engine == EngineConfig(kind="spark", remote="sc://spark.internal:15002", master="local[2]",
                                         conf=(("spark.sql.shuffle.partitions", "64"),))


def test_a_catalog_table_replaces_the_path_on_spark(tmp_path):
    text = SAMPLE.replace('[data.tables.leads]\npath = "leads.parquet"', '[data.tables.leads]\ntable = "crm.leads"')
    config = load(tmp_path, text + '\n[engine]\nkind = "spark"\n')
    assert config.data.tables["leads"].table == "crm.leads"
    assert config.data.tables["leads"].shown == "crm.leads"


@pytest.mark.parametrize("engine, key, says", [
    ('kind = "postgres"', "engine.kind", "must be one of duckdb, spark"),
    ('kind = "spark"\nremote = "spark.internal:15002"', "engine.remote", "sc://host:15002"),
    ('kind = "spark"\nmaster = "yarn"', "engine.master", "reach a cluster with engine.remote"),
    ('remote = "sc://spark.internal:15002"', "engine.remote", 'only applies with engine.kind = "spark"'),
    ('kind = "spark"\nthreads = 4', "engine.threads", "unknown key"),
])
def test_a_bad_engine_value_is_reported_by_its_key(tmp_path, engine, key, says):
    problems = problems_for(tmp_path, SAMPLE + f"\n[engine]\n{engine}\n")
    assert any(problem.startswith(f"{key}:") and says in problem for problem in problems), problems


def test_a_catalog_table_on_duckdb_says_to_choose_spark_or_a_path(tmp_path):
    text = SAMPLE.replace('[data.tables.leads]\npath = "leads.parquet"', '[data.tables.leads]\ntable = "crm.leads"')
    problems = problems_for(tmp_path, text)
    assert any(p.startswith("data.tables.leads.table:") and 'kind = "spark"' in p for p in problems), problems


def test_a_table_with_both_a_path_and_a_catalog_table_is_refused(tmp_path):
    text = SAMPLE.replace('[data.tables.leads]\npath = "leads.parquet"',
                          '[data.tables.leads]\npath = "leads.parquet"\ntable = "crm.leads"')
    problems = problems_for(tmp_path, text + '\n[engine]\nkind = "spark"\n')
    assert any(p.startswith("data.tables.leads.table:") and "not both" in p for p in problems), problems


def test_a_duckdb_memory_limit_is_kept_as_written(tmp_path):
    config = load(tmp_path, SAMPLE + '\n[engine]\nmemory_limit = "1GB"\n')
    assert config.engine == EngineConfig(kind="duckdb", memory_limit="1GB")


@pytest.mark.parametrize("engine, says", [
    ('memory_limit = "lots"', 'must be a size such as "1GB"'),
    ('memory_limit = "1 GB per query"', 'must be a size such as "1GB"'),
    ('memory_limit = "100MB"', "must be at least 256MB"),
    ('kind = "spark"\nmemory_limit = "4GB"', '"spark.driver.memory"'),
])
def test_a_bad_memory_limit_is_reported_by_its_key(tmp_path, engine, says):
    problems = problems_for(tmp_path, SAMPLE + f"\n[engine]\n{engine}\n")
    assert any(problem.startswith("engine.memory_limit:") and says in problem for problem in problems), problems
