"""The extract files behind each table of the mapping, and the data version: a fingerprint of
those files that changes when new data lands, so caches and views refresh without a restart."""

from __future__ import annotations

import glob
import hashlib
from pathlib import Path

from dashboard.core.config import Config, TableSource


def files_for(folder: Path, source: TableSource) -> list[Path]:
    target = folder / source.path
    if target.is_dir():
        pattern = "**/*.csv*" if source.format == "csv" else "**/*.parquet"
        return sorted(Path(p) for p in glob.glob(str(target / pattern), recursive=True))
    if glob.has_magic(source.path):
        return sorted(Path(p) for p in glob.glob(str(target), recursive=True) if Path(p).is_file())
    return [target] if target.is_file() else []


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
