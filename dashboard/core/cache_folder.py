"""The cache folder: where the app keeps what it derives from the extracts (the facts tables)
and other state of its own, outside the user's data folder.

`[cache] folder` in the config (relative to the config file) sets it; the environment variable
SLA_CACHE_FOLDER overrides both (tests and one-off runs point it at a temporary folder); the
default is `sla-dashboard` under the user's cache directory ($XDG_CACHE_HOME or ~/.cache).
The config loader refuses a folder inside the data folder: the app never writes among the extracts.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

ENVIRONMENT_VARIABLE = "SLA_CACHE_FOLDER"


def default_cache_folder() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "sla-dashboard"


def cache_folder(config) -> Path:
    """The folder for this config's derived files (created on first use)."""
    override = os.environ.get(ENVIRONMENT_VARIABLE)
    folder = Path(override).resolve() if override else config.cache.folder
    if override and folder.is_relative_to(config.data.folder):
        raise ValueError(f"{ENVIRONMENT_VARIABLE}={override} is inside data.folder ({config.data.folder}); the app "
                         "never writes among your extracts: choose a folder outside it")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def cache_path(config, *parts: str) -> Path:
    """A path inside the cache folder, e.g. cache_path(config, "alerts", "state.json")."""
    path = cache_folder(config).joinpath(*parts)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def partial_path(path: Path) -> Path:
    """Where a cache file is written before it is renamed to `path`: one per process and thread,
    so two writers never share it and a reader never sees half a file."""
    return path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.partial")


def write_parquet_atomically(table: pa.Table, path: Path, **options) -> None:
    """`table` as the parquet file `path`, which appears whole or not at all."""
    partial = partial_path(path)
    pq.write_table(table, partial, **options)
    os.replace(partial, path)
