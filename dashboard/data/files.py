"""The extract files behind each table of the mapping, and the data version: a fingerprint of
those files that changes when new data lands, so caches and views refresh without a restart."""

from __future__ import annotations

import glob
import hashlib
import re
from pathlib import Path

from dashboard.core.config import Config, TableSource


# Files a person never means as data: hidden ones (a macOS `._leads.csv` beside `leads.csv`),
# editor backups and locks, downloads still in progress.
_NOT_DATA_PREFIXES = (".", "~$", "~lock.")
_NOT_DATA_SUFFIXES = ("~", ".swp", ".swo", ".tmp", ".temp", ".bak", ".part", ".crdownload", ".partial")


def is_data_file(path: Path) -> bool:
    name = path.name.lower()
    return not (name.startswith(_NOT_DATA_PREFIXES) or name.endswith(_NOT_DATA_SUFFIXES)
                or (name.startswith("#") and name.endswith("#")))


def files_for(folder: Path, source: TableSource) -> list[Path]:
    """The files of one table: the one list both the reader and the data version use. A path
    that names a file is that file, even when its name looks like a glob (`leads[1].parquet`);
    a folder is every file of the table's format under it (hive partitions); otherwise the
    path is a glob. Hidden and temporary files are never part of a table. A catalog
    table (Spark) has no local files."""
    if source.table:
        return []
    target = folder / source.path
    if target.is_file():
        return [target]
    if target.is_dir():
        pattern = "**/*.csv*" if source.format == "csv" else "**/*.parquet"
        found = glob.glob(glob.escape(str(target)) + "/" + pattern, recursive=True)
    elif glob.has_magic(source.path):
        found = glob.glob(glob.escape(str(folder)) + "/" + source.path, recursive=True)
    else:
        return []
    files = (Path(p) for p in found)
    return sorted(path for path in files if path.is_file()
                  and all(is_data_file(Path(part)) for part in path.relative_to(folder).parts))


def duckdb_path(path: Path) -> str:
    """A file path DuckDB reads as that file: it expands *, ? and [...] even in a list of paths."""
    return re.sub(r"([\[*?])", r"[\1]", str(path))


def data_version(config: Config) -> str:
    """A fingerprint of every extract file (name, size, mtime): changes when new data lands."""
    digest = hashlib.sha256()
    for name in sorted(config.data.tables):
        for path in files_for(config.data.folder, config.data.tables[name]):
            stat = path.stat()
            digest.update(f"{path}|{stat.st_size}|{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def extract_bytes(config: Config) -> int:
    """The size of every extract file: how long whole-table work (the data health checks) takes."""
    total = 0
    for name in config.data.tables:
        for path in files_for(config.data.folder, config.data.tables[name]):
            try:
                total += path.stat().st_size
            except OSError:
                pass
    return total
