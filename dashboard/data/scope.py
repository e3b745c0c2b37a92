"""A viewer's scope applied where queries run: every query of a scoped viewer reads the contract
tables and models of a schema of their own, in which `leads`, `deals`, `touches` and `reps` hold only
the rows of the scope, and the models are built over those. A query file names the tables as it
always does (`from funnel_leads`) and its cursor's schema decides whose rows they are, so a new page
or command cannot forget the scope: `ui/state.current_database()` hands every page the viewer's
`ScopedDatabase`.

Two ways out, both explicit:
- a query file that opens with `-- Access: company-wide` returns a company-level fact every viewer
  may see (the as-of date, the months the data covers, the filter values); it reads the unscoped
  tables. `tests/data/test_scoped_queries.py` checks such results hold no record-level column;
- `company_wide(database)` for the monthly review's headline numbers (attainment, pace, the
  funnel against targets), which the README grants every role; its callers are listed in that test.

The facts (`dashboard/data/facts.py`) are built company-wide; a scoped query that reads them is
refused, and `facts_ready` is False for a scoped database, so the pages read the extracts instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import duckdb
from duckdb import ColumnExpression, ConstantExpression

from dashboard.core.access import Scope
from dashboard.core.contract import TABLES
from dashboard.data.problems import DataError
from dashboard.data.sql import load_query, model_files

if TYPE_CHECKING:
    from dashboard.data.database import Database

COMPANY_WIDE = re.compile(r"^--\s*Access:\s*company-wide\b", re.IGNORECASE | re.MULTILINE)
# Tables built company-wide ahead of time (dashboard/facts/) and the refresh's views over new files.
FACTS_TABLES = ("hand_off_facts", "daily_stage_counts", "daily_sessions", "stage_duration_facts",
                "monthly_stage_duration_medians", "hand_back_facts")
ADDED_TABLES = tuple(f"added_{name}" for name in TABLES)
_COMMENT = re.compile(r"--[^\n]*")
_SCHEMA_NAME = re.compile(r"scope_[0-9a-f]{16}(_rows)?")
# What names a rep or ties a record to one: marketing's schema holds none of it (any table's rep or
# owner id; the reps extract's names and emails).
REP_COLUMNS = ("owner_id", "rep_id")
REP_DETAILS = {"reps": ("name", "email")}
# The unscoped contract tables a scope's tables are cut from (literal text: no SQL is built).
_UNSCOPED = {
    "traffic": "select * from main.traffic",
    "leads": "select * from main.leads",
    "touches": "select * from main.touches",
    "deals": "select * from main.deals",
    "reps": "select * from main.reps",
}
_REFUSED = "select error('company-wide facts are not read under a viewer''s scope; read the extracts') as refused"


class ScopeError(DataError):
    """A scoped viewer's query reads what the scope cannot filter (the company-wide facts)."""


def is_company_wide(sql: str) -> bool:
    return COMPANY_WIDE.search(sql) is not None


def facts_read(sql: str) -> list[str]:
    """The company-wide facts tables the SQL reads."""
    text = _COMMENT.sub("", sql).lower()
    return [name for name in (*FACTS_TABLES, *ADDED_TABLES)
            if re.search(rf"\b(from|join)\s+{name}\b", text) and not re.search(rf"\b{name}\s+as\s*\(", text)]


def schema_name(scope: Scope) -> str:
    return f"scope_{scope.key}"


def _create_schema(name: str) -> str:
    """`CREATE SCHEMA` takes no parameter; the name is our own hex digest, checked to be only that."""
    if not _SCHEMA_NAME.fullmatch(name):
        raise ValueError(f"not a scope schema name: {name!r}")
    return "create schema if not exists " + name


def build_scope_schema(connection: duckdb.DuckDBPyConnection, scope: Scope) -> str:
    """The schema of `scope`'s tables and models, (re)built from the connection's contract views.

    Marketing's is built in two layers: the models over its rows (owner ids still there, so a lead
    keeps its sales team), then the schema its queries read, the same tables and models with every
    rep and owner id, rep name and email null: no result marketing gets can tell one rep from another."""
    name = schema_name(scope)
    if scope.kind != "marketing":
        _build_rows(connection, scope, name)
        return name
    rows = _build_rows(connection, scope, name + "_rows")
    cursor = connection.cursor()
    try:
        cursor.execute(_create_schema(name))
        cursor.execute("SET schema = $name", {"name": name})
        for table in (*_UNSCOPED, *(model.stem for model in model_files())):
            _without_reps(cursor.table(f"{rows}.{table}"), table).to_view(table, replace=True)
        _refuse_facts(cursor)
    finally:
        cursor.close()
    return name


def _build_rows(connection: duckdb.DuckDBPyConnection, scope: Scope, name: str) -> str:
    cursor = connection.cursor()
    try:
        cursor.execute(_create_schema(name))
        cursor.execute("SET schema = $name", {"name": name})
        for table, relation in scoped_tables(cursor, scope).items():
            relation.to_view(table, replace=True)
        for model in model_files():
            cursor.execute(model.read_text(encoding="utf-8"))
        _refuse_facts(cursor)
    finally:
        cursor.close()
    return name


def _refuse_facts(cursor: duckdb.DuckDBPyConnection) -> None:
    for table in (*FACTS_TABLES, *ADDED_TABLES):
        cursor.sql(_REFUSED).to_view(table, replace=True)


def _without_reps(relation: duckdb.DuckDBPyRelation, table: str) -> duckdb.DuckDBPyRelation:
    """`relation` with its rep and owner ids (and the reps' names and emails) null, typed as before."""
    hidden = set(REP_COLUMNS) | set(REP_DETAILS.get(table, ()))
    return relation.select(*(
        ConstantExpression(None).cast(column_type).alias(column) if column in hidden else ColumnExpression(column)
        for column, column_type in zip(relation.columns, relation.types)))


def scoped_tables(cursor: duckdb.DuckDBPyConnection, scope: Scope) -> dict[str, duckdb.DuckDBPyRelation]:
    """Each contract table cut to the scope's rows, with the expression API (values are constants,
    never SQL text)."""
    unscoped = {table: cursor.sql(sql) for table, sql in _UNSCOPED.items()}
    if scope.kind == "marketing":  # every lead and deal; the ids are taken out above the models
        return {**unscoped, "touches": unscoped["touches"].filter(ConstantExpression(False))}
    if scope.kind != "reps":
        raise ValueError(f"no tables for a scope of kind {scope.kind!r}")
    reps = [ConstantExpression(rep) for rep in scope.rep_ids]

    def owned_by(column: str):
        return ColumnExpression(column).isin(*reps) if reps else ConstantExpression(False)

    leads = unscoped["leads"].filter(owned_by("owner_id"))
    return {
        "traffic": unscoped["traffic"],  # sessions per channel: no person's records
        "leads": leads,
        "deals": unscoped["deals"].filter(owned_by("owner_id")),
        # a touch belongs to the follow-up of its lead: the touches on the scope's leads
        "touches": unscoped["touches"].join(leads.select(ColumnExpression("lead_id")), "lead_id", how="semi"),
        "reps": unscoped["reps"].filter(owned_by("rep_id")),
    }


class ScopedDatabase:
    """A Database whose queries read only `scope`'s rows; everything else is the shared one's."""

    def __init__(self, base: "Database", scope: Scope):
        self.base = base
        self.scope = scope
        self._remembered: dict[tuple[str, str], object] = {}
        # marketing's results carry no rep or owner id: there is no rep to rank or list
        self.hides_reps = scope.kind == "marketing"

    def __getattr__(self, name: str):
        return getattr(self.base, name)

    def query(self, name: str, params: dict | None = None, limit: int | None = None):
        sql = load_query(name)
        if is_company_wide(sql):
            return self.base.query(name, params, limit)
        facts = facts_read(sql)
        if facts:
            raise ScopeError(f"The query {name} reads the company-wide {facts[0]}; under a viewer's scope the "
                             "pages read the extracts instead (facts_ready is False for a scoped database).")
        return self.base.query(name, params, limit, schema=self.base.scope_schema(self.scope))

    def query_once(self, name: str):
        if is_company_wide(load_query(name)):
            return self.base.query_once(name)
        key = (self.base.version, name)
        if key not in self._remembered:
            self._remembered = {k: v for k, v in self._remembered.items() if k[0] == self.base.version}
            self._remembered[key] = self.query(name)
        return self._remembered[key].copy()

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor that reads the scope's tables (unqualified names resolve to them)."""
        cursor = self.base.cursor()
        cursor.execute("SET schema = $name", {"name": self.base.scope_schema(self.scope)})
        return cursor

    def scoped(self, scope: Scope):
        return self.base.scoped(scope)

    def __repr__(self) -> str:
        return f"ScopedDatabase({self.scope.describe()})"


def company_wide(database) -> "Database":
    """The unscoped database behind `database`, for the company's headline numbers every role sees.
    Each caller is listed in tests/data/test_scoped_queries.py: its results must be aggregates."""
    return getattr(database, "base", database)
