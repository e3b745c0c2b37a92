"""The models: tables built once per data version from the contract views by the SQL files in
`queries/models/`, so the page queries read a prepared table instead of re-deriving it."""

from __future__ import annotations

import duckdb

from dashboard.data.sql import model_files


def build_models(connection: duckdb.DuckDBPyConnection) -> None:
    for model in model_files():
        connection.execute(model.read_text(encoding="utf-8"))
