"""Build tiny extract folders and configs in a temp dir, typed exactly as the contract says."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dashboard.core.config import load_config
from dashboard.core.contract import TABLES
from dashboard.data import Database

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "TIMESTAMP": pa.timestamp("us"),
    "DATE": pa.date32(),
    "BIGINT": pa.int64(),
    "INTEGER": pa.int32(),
    "BOOLEAN": pa.bool_(),
    "DECIMAL(18,2)": pa.decimal128(18, 2),
}

MINIMAL_SLA = """
[[sla]]
name = "FY2026"
start = 2026-01-01
end = 2026-12-31
quota = 1200000

[sla.lead_definition]
mql_threshold = 50
rules = [
  { attribute = "company_size", op = ">=", value = 200, points = 30 },
  { attribute = "demo_requested", op = "=", value = true, points = 50 },
]

[sla.follow_up]
first_touch_within_hours = 4
min_attempts = 3
attempt_window_days = 10

[sla.targets]
lead_to_mql_rate = 0.5
mql_to_sql_rate = 0.6
"""


def ts(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def write_table(folder: Path, name: str, rows: list[dict], drop: tuple[str, ...] = ()) -> Path:
    """Write rows as `<name>.parquet` with the contract's types; `drop` leaves columns out."""
    columns = [c for c in TABLES[name].columns if c.name not in drop]
    arrays = {}
    for column in columns:
        values = [row.get(column.name) for row in rows]
        if column.sql_type == "TIMESTAMP":
            values = [ts(v) if isinstance(v, str) else v for v in values]
        elif column.sql_type == "DATE":
            values = [dt.date.fromisoformat(v) if isinstance(v, str) else v for v in values]
        elif column.sql_type.startswith("DECIMAL"):
            values = [Decimal(str(v)) if v is not None else None for v in values]
        arrays[column.name] = pa.array(values, type=ARROW_TYPES[column.sql_type])
    path = folder / f"{name}.parquet"
    pq.write_table(pa.table(arrays), path)
    return path


def write_config(folder: Path, tables: tuple[str, ...], extra: str = "", sla: str = MINIMAL_SLA,
                 data_extra: str = "") -> Path:
    lines = ["[data]", f'folder = "{folder.as_posix()}"', data_extra]
    for name in tables:
        lines += [f"[data.tables.{name}]", f'path = "{name}.parquet"']
    path = folder.parent / f"{folder.name}_sla_config.toml"
    path.write_text("\n".join(lines) + "\n" + extra + "\n" + sla, encoding="utf-8")
    return path


def build_database(folder: Path, tables: dict[str, list[dict]], drop: dict[str, tuple[str, ...]] | None = None,
                   extra: str = "", data_extra: str = "") -> Database:
    folder.mkdir(parents=True, exist_ok=True)
    drop = drop or {}
    for name, rows in tables.items():
        write_table(folder, name, rows, drop.get(name, ()))
    config = load_config(write_config(folder, tuple(tables), extra=extra, data_extra=data_extra))
    return Database(config)
