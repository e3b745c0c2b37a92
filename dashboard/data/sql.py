"""The SQL files of `queries/`: found by name wherever they sit (`queries/<feature>/<name>.sql`), so
a query can move between feature folders without its callers changing, and names stay unique."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

QUERIES_DIR = Path(__file__).resolve().parents[2] / "queries"
MODELS_DIR = QUERIES_DIR / "models"
_PARAMETER = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
_COMMENT = re.compile(r"--[^\n]*")


@lru_cache(maxsize=1)
def query_files() -> dict[str, Path]:
    """Every query by name; the models are built, not run by name, so they are not in it."""
    found: dict[str, Path] = {}
    for path in sorted(QUERIES_DIR.rglob("*.sql")):
        if path.is_relative_to(MODELS_DIR):
            continue
        if path.stem in found:
            raise RuntimeError(f"two queries are named {path.stem!r}: {found[path.stem]} and {path}; rename one")
        found[path.stem] = path
    return found


@lru_cache(maxsize=None)
def load_query(name: str) -> str:
    path = query_files().get(name)
    if path is None:
        raise KeyError(f"no query named {name!r} in {QUERIES_DIR}")
    return path.read_text(encoding="utf-8")


def model_files() -> list[Path]:
    """The models, in the order they are built: a model may read the ones before it."""
    return sorted(MODELS_DIR.glob("*.sql"))


def query_parameters(sql: str) -> set[str]:
    return set(_PARAMETER.findall(_COMMENT.sub("", sql)))
