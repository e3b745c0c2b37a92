"""The data layer on Apache Spark: the contract views, models and every query of `queries/` run
where the data is, in Spark's local mode or on a cluster through Spark Connect.

The SQL files stay in DuckDB's dialect and are rendered for Spark at start-up (spark_sql.py); the
mapping is built with Spark's DataFrame API (spark_views.py); results come back through Arrow in
the types DuckDB gives, so the features above the data layer do not know which engine ran.
pyspark is imported only here and only when `[engine] kind = "spark"`.
"""

from __future__ import annotations

import hashlib
import os
import socket
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path
from urllib.parse import urlsplit

import pandas as pd
import pyarrow as pa

from dashboard.core import run_bound
from dashboard.core.config import Config, EngineConfig
from dashboard.data.database import Database, arrow_to_pandas
from dashboard.data.files import data_version
from dashboard.data.problems import DataError, first_line
from dashboard.data.spark_sql import TranspileError, model_statements, render_all, spark_statements
from dashboard.data.spark_views import SparkContractViews

# Settings under which Spark computes what DuckDB computes: UTC, timestamps without a zone
# (DuckDB's TIMESTAMP), ANSI errors for bad casts (DuckDB's cast fails too).
SESSION_CONF = {
    "spark.sql.session.timeZone": "UTC",
    "spark.sql.timestampType": "TIMESTAMP_NTZ",
    "spark.sql.ansi.enabled": "true",
}
# Only for a Spark this process starts (local mode); a cluster's own settings stay its own. No SQL
# on file paths: queries name logical tables, and this keeps SQL from reading around the mapping.
LOCAL_CONF = {
    "spark.ui.enabled": "false",
    "spark.ui.showConsoleProgress": "false",  # progress bars on the app's terminal, redrawn per stage
    "spark.driver.bindAddress": "127.0.0.1",
    "spark.driver.host": "127.0.0.1",
    # Spark's default of 200 shuffle partitions is for a cluster: on one machine each is a task
    # per join or aggregate. One per core local mode uses (local_shuffle_partitions, set below),
    # and adaptive execution merges small partitions further.
    "spark.sql.adaptive.enabled": "true",
    "spark.sql.adaptive.coalescePartitions.enabled": "true",
    "spark.sql.runSQLOnFiles": "false",
    "spark.sql.execution.arrow.pyspark.enabled": "true",
    # not ./spark-warehouse: the app must not write beside the user's files (engine.conf may name one)
    "spark.sql.warehouse.dir": str(Path(tempfile.gettempdir()) / "sla-dashboard-spark-warehouse"),
}
# In local mode the driver's heap is all Spark has: its default of 1g ran out on data health's id
# checks at 1M leads. A quarter of this machine's memory leaves the rest to the app and DuckDB.
LOCAL_DRIVER_MEMORY_SHARE = 0.25
OUT_OF_MEMORY = ("OutOfMemoryError", "Java heap space")
INSTALL_HINT = "pip install -r requirements-spark.txt"
# Results kept per data version: a warm query costs Spark tenths of a second (DuckDB
# milliseconds), and the pages ask for the same aggregates again and again (the funnel counts of
# a month feed the review, the funnel page, every team's KPIs and the alerts). Only aggregates:
# a result of more rows (a drill-down, the lab's lead groups) is fetched each time.
RESULT_CACHE_ENTRIES = 1024
RESULT_CACHE_MAX_ROWS = 5_000
_LOCAL_LOCK = threading.Lock()


def spark_session(engine: EngineConfig):
    """A Spark session of its own (temporary views are per session): through Spark Connect when
    `engine.remote` (or SPARK_REMOTE) names a server, else Spark in this process (`engine.master`)."""
    try:
        from pyspark.sql import SparkSession
        import sqlglot  # noqa: F401  (the SQL is rendered for Spark with it)
    except ImportError as error:
        raise DataError(f'[engine] kind = "spark" needs {error.name}: {INSTALL_HINT}', check="engine") from None
    remote = engine.remote or os.environ.get("SPARK_REMOTE")
    settings = {**SESSION_CONF, **dict(engine.conf)}
    if remote:
        _check_reachable(remote)
        try:
            session = SparkSession.builder.remote(remote).create()
            for key, value in settings.items():
                session.conf.set(key, value)
        except Exception as error:  # grpc's and pyspark's errors: all mean the server is not usable
            raise DataError(f"engine.remote: cannot use the Spark Connect server at {_without_secrets(remote)} "
                            f"({first_line(error)}); check the address and that the server runs", check="engine") from None
        return session
    cores = str(local_shuffle_partitions(engine.master))
    local = {**LOCAL_CONF, "spark.default.parallelism": cores, "spark.driver.memory": local_driver_memory()}
    settings = {"spark.sql.shuffle.partitions": cores, **settings}  # engine.conf may say otherwise
    with _LOCAL_LOCK:
        builder = SparkSession.builder.master(engine.master).appName("sla-dashboard")
        for key, value in {**local, **settings}.items():
            builder = builder.config(key, value)
        try:
            shared = builder.getOrCreate()
        except Exception as error:  # py4j's, or Java's absence: the message says which
            raise DataError(f"engine.master = {engine.master!r}: Spark did not start ({first_line(error)}); local mode "
                            "needs Java 17 or later (apt-get install -y openjdk-17-jre-headless)", check="engine") from None
    session = shared.newSession()  # one SparkContext per process, a session (own views) per database
    for key, value in settings.items():
        session.conf.set(key, value)
    return session


def local_driver_memory(physical_bytes: int | None = None) -> str:
    """The driver heap for local mode, in whole gigabytes: a share of physical memory, 1g to 32g."""
    if physical_bytes is None:
        try:
            physical_bytes = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
        except (ValueError, OSError, AttributeError):  # not a POSIX system: Spark's own default
            return "1g"
    gigabytes = int(physical_bytes * LOCAL_DRIVER_MEMORY_SHARE // 2**30)
    return f"{min(max(gigabytes, 1), 32)}g"


def out_of_memory_message(name: str, error: BaseException, driver_memory: str | None) -> str | None:
    """What to do when Spark ran out of memory on a query, or None for any other failure."""
    if not any(marker in str(error) for marker in OUT_OF_MEMORY):
        return None
    now = f" (now {driver_memory})" if driver_memory else ""
    return (f"Spark ran out of memory running {name} (Java heap space). In local mode give it more with "
            f'[engine] conf = {{ "spark.driver.memory" = "8g" }}{now}; on a cluster raise its executors\' memory.')


def local_shuffle_partitions(master: str) -> int:
    """Shuffle partitions for local mode: one per core it uses (`local` 1, `local[N]` N, `local[*]`
    this machine's cores)."""
    cores = master.removeprefix("local").strip("[]").split(",")[0]
    if not cores:
        return 1
    if cores == "*":
        return os.cpu_count() or 1
    return max(1, int(cores))


class SparkDatabase(Database):
    """Database on Spark. One session serves every thread: Spark runs a page's concurrent queries
    side by side, as DuckDB does on its cursors."""

    engine = "spark"

    def __init__(self, config: Config):
        try:
            render_all()  # a query that cannot be rendered stops the start-up, named
        except TranspileError as error:
            raise DataError(str(error), check="spark_sql") from None
        self._cached: list[str] = []
        self._results: OrderedDict[tuple, pd.DataFrame] = OrderedDict()
        self._results_lock = threading.Lock()
        self._generation = 0
        super().__init__(config)

    def _connect(self, threads: int | None, memory_limit: str | None):
        self.spark = spark_session(self.config.engine)
        return None

    def _contract_views(self) -> SparkContractViews:
        return SparkContractViews(self.spark, self.config)

    def _data_version(self) -> str:
        """The extract files' version, and for catalog tables the files Spark reads for them (in a
        lake, new data is new files); tagged with the engine so caches never mix engines' results."""
        digest = hashlib.sha256(f"spark|{data_version(self.config)}".encode())
        for name, source in sorted(self.config.data.tables.items()):
            if source.table:
                try:
                    files = sorted(self.spark.read.table(source.table).inputFiles())
                except self._views.errors:
                    files = ["unreadable"]  # reported by the views, by name
                digest.update(f"{name}|{source.table}|{'|'.join(files)}\n".encode())
        return "spark-" + digest.hexdigest()[:16]

    def forget_results(self) -> None:
        """Drop the kept results: a view they read was replaced (new data, facts, a table left out)."""
        with self._results_lock:
            self._results.clear()
            self._generation += 1  # a query that started before stores nothing

    def _build_models(self, kept: bool = False) -> None:  # Spark caches its own models: nothing is kept on disk
        self.forget_results()
        for table in self._cached:
            self.spark.catalog.uncacheTable(table)
        self._cached = []
        for _, statements in model_statements():
            for statement in statements:
                if statement.cache_as:
                    # a table built once per data version: a cached temporary view, filled now
                    self.spark.sql(statement.sql).createOrReplaceTempView(statement.cache_as)
                    self.spark.catalog.cacheTable(statement.cache_as)
                    self.spark.table(statement.cache_as).count()
                    self._cached.append(statement.cache_as)
                else:
                    self.spark.sql(statement.sql)

    def serve_facts(self, name: str, paths: list[Path]) -> None:
        """The facts (data/facts.py), built by Spark's queries into the cache folder, served back
        to Spark as a cached temporary view: they are small (thousands of rows), and uploading them
        works whether or not the cluster sees this machine's files."""
        import pyarrow.parquet as pq

        # One chunk: given a table whose first two chunks are empty (months without rows), Spark's
        # Arrow reader returned no rows at all, silently.
        facts = pa.concat_tables([pq.read_table(path) for path in paths], promote_options="default").combine_chunks()
        with self._lock:
            frame = self.spark.createDataFrame(facts)
            frame.createOrReplaceTempView(name)
            self.spark.catalog.cacheTable(name)
            if name not in self._cached:
                self._cached.append(name)
            self.forget_results()

    def view_over_files(self, name: str, table: str, files: list[Path]) -> None:
        super().view_over_files(name, table, files)
        self.forget_results()

    def _read_error(self, table: str) -> Exception | None:
        from pyspark.sql import functions as F

        frame = self.spark.table(table)
        try:
            frame.agg(F.max(F.hash(*frame.columns))).collect()
            return None
        except self._views.errors as error:
            return error

    def _run(self, name: str, sql: str, bound: dict, limit: int | None) -> pd.DataFrame:
        run_bound.check()
        # the SQL text is part of the key: an edited query file is run again, not served stale
        with self._results_lock:
            key = (self._generation, self.version, name, sql, repr(sorted(bound.items())), limit)
            kept = self._results.get(key)
            if kept is not None:
                self._results.move_to_end(key)
                return kept.copy()
        (statement,) = spark_statements(name)
        try:
            frame = self.spark.sql(statement.sql, args=bound or None)
            if limit is not None:
                frame = frame.limit(limit)
            result = arrow_to_pandas(as_duckdb_types(frame.toArrow()))
        except self._views.errors as error:
            message = out_of_memory_message(name, error, self._driver_memory())
            if message:
                raise DataError(message, check="engine") from None
            raise
        if len(result) <= RESULT_CACHE_MAX_ROWS:
            with self._results_lock:
                if key[0] != self._generation:
                    return result
                self._results[key] = result.copy()
                while len(self._results) > RESULT_CACHE_ENTRIES:
                    self._results.popitem(last=False)
        return result

    def _driver_memory(self) -> str | None:
        try:
            return self.spark.conf.get("spark.driver.memory", None)
        except self._views.errors:
            return None

    def scope_schema(self, scope) -> str:
        raise DataError("Sign-in roles scope the data on the DuckDB engine only: a scoped viewer cannot be served "
                        "from [engine] kind = \"spark\" yet; serve signed-in viewers with the DuckDB engine.")

    def cursor(self):
        raise TypeError("a Spark database has no DuckDB cursor: run a query file with query()")

    def close(self) -> None:
        try:
            for table in self._cached:
                self.spark.catalog.uncacheTable(table)
            if self.spark.__class__.__module__.startswith("pyspark.sql.connect"):
                self.spark.stop()  # releases the server's session; a local session shares the process's Spark
        except self._views.errors:
            pass  # the server is gone already: nothing left to release


def as_duckdb_types(table: pa.Table) -> pa.Table:
    """Spark's result as the types DuckDB returns for the same SQL where they differ only in width:
    single-precision floats become doubles (decimals and dates follow in arrow_to_pandas)."""
    columns = [column.cast(pa.float64()) if pa.types.is_floating(field.type) and field.type != pa.float64() else column
               for field, column in zip(table.schema, table.columns)]
    return pa.table(columns, names=table.column_names)


def _check_reachable(remote: str, timeout_s: float = 10.0) -> None:
    """Fail in seconds when nothing listens at the address: the Spark Connect client itself
    retries with backoff for minutes before it gives up, and a page would wait all that time."""
    address = urlsplit(remote.split(";", 1)[0])
    host, port = address.hostname, address.port or 15002
    try:
        socket.create_connection((host, port), timeout=timeout_s).close()
    except (OSError, TypeError) as error:
        raise DataError(f"engine.remote: cannot use the Spark Connect server at {_without_secrets(remote)} "
                        f"(nothing answers at {host}:{port}: {first_line(error)}); check the address and that "
                        "the server runs", check="engine") from None


def _without_secrets(remote: str) -> str:
    """A Spark Connect address for messages: its parameters (a token, say) left out."""
    return remote.split(";", 1)[0] + (";…" if ";" in remote else "")
