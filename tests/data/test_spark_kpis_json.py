"""`python -m dashboard kpis --month 2026-06 --json`, as a person runs it, prints the same JSON
with `[engine] kind = "spark"` (Spark's local mode) as with DuckDB, over the sample."""

import json

from tests.data.spark_engine import engine_config, require_spark

require_spark()

from dashboard.cli import main  # noqa: E402
from dashboard.core.cache_folder import ENVIRONMENT_VARIABLE  # noqa: E402
from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config  # noqa: E402


def test_kpis_json_prints_the_same_on_spark_as_on_duckdb(tmp_path, capsys, monkeypatch):
    folder = load_config(DEFAULT_CONFIG_PATH).data.folder
    printed = {}
    for kind, engine in (("duckdb", ""), ("spark", 'kind = "spark"\nmaster = "local[2]"')):
        (tmp_path / kind).mkdir()
        config = engine_config(DEFAULT_CONFIG_PATH, tmp_path / kind / DEFAULT_CONFIG_PATH.name, folder, engine)
        monkeypatch.setenv(ENVIRONMENT_VARIABLE, str(tmp_path / kind / "cache"))  # each engine its own facts
        assert main(["kpis", "--config", str(config), "--month", "2026-06", "--json"]) == 0
        printed[kind] = capsys.readouterr().out
    assert json.loads(printed["duckdb"])["leads"] > 0
    assert printed["spark"] == printed["duckdb"]
