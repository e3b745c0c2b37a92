"""What the Spark engine's tests share: whether Spark can run here, a real Spark Connect server on
127.0.0.1 started from the installed pyspark (the wheel ships `sbin/start-connect-server.sh` and the
spark-connect jar) and stopped after, configs on either engine, a deep comparison of two engines'
results, and a copy of a data folder whose timestamps carry fractions of a second.

Outside CI the Spark tests are skipped, saying why, without Java or pyspark; with CI=true (as
`.ci/run` sets, after installing both) they fail instead.
"""

from __future__ import annotations

import dataclasses
import math
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

RELATIVE = 1e-9


def spark_missing_reason() -> str | None:
    for module in ("pyspark", "sqlglot"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed: pip install -r requirements-spark.txt"
    if shutil.which("java") is None:
        return "no Java for Spark: apt-get install -y openjdk-17-jre-headless"
    return None


def require_spark() -> None:
    """Skip the calling test module without Spark, or fail it in CI, where Spark must run."""
    reason = spark_missing_reason()
    if reason is None:
        return
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        raise RuntimeError(f"CI must run the Spark tests: {reason}")
    pytest.skip(reason, allow_module_level=True)


def engine_config(source: Path, target: Path, folder: Path, engine: str = "") -> Path:
    """A copy of the config `source` reading `folder`, with `engine` as its [engine] section."""
    text = source.read_text(encoding="utf-8")
    text, count = re.subn(r'(?m)^folder\s*=.*$', f'folder = "{folder.as_posix()}"', text, count=1)
    assert count == 1, f"{source} has no folder = line"
    target.write_text(text + ("\n[engine]\n" + engine + "\n" if engine else ""), encoding="utf-8")
    return target


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def spark_connect_server(log_dir: Path, start_timeout_s: float = 240.0) -> Iterator[str]:
    """Yields the server's `sc://127.0.0.1:<port>` address while it runs."""
    import pyspark

    home = Path(pyspark.__file__).resolve().parent
    port = free_port()
    log_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SPARK_HOME": str(home), "SPARK_LOG_DIR": str(log_dir), "SPARK_PID_DIR": str(log_dir),
           "SPARK_LOCAL_IP": "127.0.0.1"}
    command = [
        "bash", str(home / "sbin" / "start-connect-server.sh"), "--wait", "--master", "local[2]",
        "--conf", "spark.connect.grpc.binding.address=127.0.0.1",
        "--conf", f"spark.connect.grpc.binding.port={port}",
        "--conf", "spark.ui.enabled=false",
        "--conf", "spark.driver.bindAddress=127.0.0.1", "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.sql.shuffle.partitions=2",  # one per core, as local mode (spark_database.py)
    ]
    log = (log_dir / "spark-connect-server.log").open("wb")
    # its own process group: the script execs spark-submit, which starts the JVM; all go at the end
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + start_timeout_s
        while not _listening(port):
            if server.poll() is not None:
                raise RuntimeError(f"the Spark Connect server exited ({server.returncode}); see {log.name}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"the Spark Connect server did not listen on port {port} within "
                                   f"{start_timeout_s:.0f} s; see {log.name}")
            time.sleep(0.5)
        yield f"sc://127.0.0.1:{port}"
    finally:
        _stop(server)
        log.close()


def _listening(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait(timeout=10)


def assert_same(duckdb_result, spark_result, where: str = "result") -> None:
    """Equal results: frames with rows sorted, floats within RELATIVE, recursing into dataclasses,
    mappings and sequences. The message names the path to the first difference."""
    a, b = duckdb_result, spark_result
    if isinstance(a, pd.DataFrame):
        assert isinstance(b, pd.DataFrame), f"{where}: a frame on DuckDB, {type(b).__name__} on Spark"
        _assert_same_frame(a, b, where)
    elif isinstance(a, pd.Series):
        _assert_same_frame(a.to_frame(), b.to_frame(), where)
    elif dataclasses.is_dataclass(a) and not isinstance(a, type):
        assert type(a) is type(b), f"{where}: {type(a).__name__} on DuckDB, {type(b).__name__} on Spark"
        for field in dataclasses.fields(a):
            assert_same(getattr(a, field.name), getattr(b, field.name), f"{where}.{field.name}")
    elif isinstance(a, dict):
        assert isinstance(b, dict) and set(a) == set(b), f"{where}: keys {sorted(map(str, a))} != {sorted(map(str, b))}"
        for key in a:
            assert_same(a[key], b[key], f"{where}[{key!r}]")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple)) and len(a) == len(b), f"{where}: {len(a)} items on DuckDB, {_len(b)} on Spark"
        for index, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{index}]")
    elif isinstance(a, np.ndarray):
        assert_same(a.tolist(), np.asarray(b).tolist(), where)
    elif _is_number(a) and _is_number(b):
        assert _close(float(a), float(b)), f"{where}: {a!r} on DuckDB, {b!r} on Spark"
    elif _is_missing(a) or _is_missing(b):
        assert _is_missing(a) and _is_missing(b), f"{where}: {a!r} on DuckDB, {b!r} on Spark"
    else:
        assert a == b, f"{where}: {a!r} on DuckDB, {b!r} on Spark"


def _assert_same_frame(a: pd.DataFrame, b: pd.DataFrame, where: str) -> None:
    assert list(a.columns) == list(b.columns), f"{where}: columns {list(a.columns)} != {list(b.columns)}"
    assert len(a) == len(b), f"{where}: {len(a)} rows on DuckDB, {len(b)} on Spark"
    a, b = _sorted(a), _sorted(b)
    for column in a.columns:
        x, y = a[column], b[column]
        numeric = all(pd.api.types.is_numeric_dtype(s) and not pd.api.types.is_bool_dtype(s) for s in (x, y))
        if numeric:
            x, y = x.astype("float64").to_numpy(), y.astype("float64").to_numpy()
            same = np.isclose(x, y, rtol=RELATIVE, atol=0, equal_nan=True)
            if not same.all():
                row = int(np.flatnonzero(~same)[0])
                raise AssertionError(f"{where}[{column!r}] row {row}: {x[row]!r} on DuckDB, {y[row]!r} on Spark")
        else:
            for row, (p, q) in enumerate(zip(x.tolist(), y.tolist())):
                assert_same(p, q, f"{where}[{column!r}] row {row}")


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty or not len(frame.columns):
        return frame.reset_index(drop=True)
    keys = [frame[column].map(_sort_key) for column in frame.columns]
    order = sorted(range(len(frame)), key=lambda row: tuple(key.iat[row] for key in keys))
    return frame.iloc[order].reset_index(drop=True)


def _sort_key(value):
    if _is_missing(value):
        return (0, "")
    if _is_number(value):
        return (1, f"{float(value):+.9e}")  # rounded, so that float noise does not reorder rows
    return (2, str(value))


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))


def _is_missing(value) -> bool:
    if value is None or value is pd.NaT or value is pd.NA:
        return True
    return isinstance(value, float) and math.isnan(value)


def _close(x: float, y: float) -> bool:
    if math.isnan(x) or math.isnan(y):
        return math.isnan(x) and math.isnan(y)
    return math.isclose(x, y, rel_tol=RELATIVE, abs_tol=0.0)


def _len(value) -> str:
    return str(len(value)) if hasattr(value, "__len__") else type(value).__name__


def copy_with_subsecond_timestamps(source: Path, target: Path, seed: int = 15) -> Path:
    """The parquet extracts of `source` in `target`, every timestamp moved by a random fraction of
    a second (0 to 999,999 microseconds, seeded). Sub-second values are where DuckDB's date_diff
    (unit boundaries crossed) and Spark's (whole units elapsed) part."""
    rng = np.random.default_rng(seed)
    target.mkdir(parents=True, exist_ok=True)
    for path in sorted(source.glob("*.parquet")):
        table = pq.read_table(path)
        columns = []
        for field, column in zip(table.schema, table.columns):
            if pa.types.is_timestamp(field.type):
                micros = pa.array(rng.integers(0, 1_000_000, len(table)), pa.int64()).cast(pa.duration("us"))
                column = pc.add(column.cast(pa.timestamp("us", tz=field.type.tz)), micros)
            columns.append(column)
        pq.write_table(pa.table(columns, schema=pa.schema([f.with_type(c.type) for f, c in zip(table.schema, columns)])),
                       target / path.name)
    return target
