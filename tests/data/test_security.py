"""The sandbox and the safety rules: DuckDB reads only the data folder, the config cannot point
outside it, no SQL is built from strings, data values render as text, the extracts are never
written, and no stack trace reaches the browser."""

import ast
import hashlib
import re
import tomllib
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.core.config import ConfigError, load_config
from dashboard.data import Database
from dashboard.data_health.checks import validate
from tests.companies.builders import build_database, write_config, write_table
from tests.companies.hand_built import DEALS, LEADS, REPS, TOUCHES, TRAFFIC
from tests.data_health.test_data_health_faults import APP, HEALTH_PAGE, PAGES, unescaped

REPO = Path(__file__).resolve().parents[2]
TABLES = {"reps": REPS, "leads": LEADS, "deals": DEALS, "traffic": TRAFFIC, "touches": TOUCHES}
SCRIPT = "<script>alert(1)</script>"
IMAGE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def sandboxed(tmp_path):
    database = build_database(tmp_path / "extracts", TABLES)
    (tmp_path / "secret.csv").write_text("password\nhunter2\n", encoding="utf-8")
    write_table(tmp_path, "reps", REPS)  # tmp_path/reps.parquet: a parquet file just outside the folder
    yield database, tmp_path
    database.close()


@pytest.mark.parametrize("sql", [
    "select * from read_csv($path)",
    "select * from read_text($path)",
    "select * from read_blob($path)",
])
def test_a_query_cannot_read_a_file_outside_the_data_folder(sandboxed, sql):
    database, root = sandboxed
    for outside in (root / "secret.csv", Path("/etc/passwd")):
        with pytest.raises(duckdb.PermissionException):
            database.cursor().execute(sql, {"path": str(outside)}).fetchall()


def test_a_parquet_file_beside_the_folder_cannot_be_read_but_one_inside_can(sandboxed):
    database, root = sandboxed
    with pytest.raises(duckdb.PermissionException):
        database.cursor().execute("select * from read_parquet($path)", {"path": str(root / "reps.parquet")}).fetchall()
    with pytest.raises(duckdb.PermissionException):  # nor by climbing out of the folder
        database.cursor().execute(
            "select * from read_parquet($path)", {"path": str(root / "extracts" / ".." / "reps.parquet")}).fetchall()
    inside = database.cursor().execute(
        "select count(*) from read_parquet($path)", {"path": str(root / "extracts" / "reps.parquet")}).fetchall()
    assert inside == [(2,)]  # the sandbox is not simply "no files at all"


def test_the_sandbox_cannot_be_switched_off_or_widened(sandboxed):
    database, root = sandboxed
    for statement in ("SET enable_external_access = true", "SET allowed_directories = ['/']",
                      "SET allowed_paths = ['/etc/passwd']"):
        with pytest.raises(duckdb.Error):
            database.cursor().execute(statement)
    with pytest.raises(duckdb.Error):
        database.cursor().execute("ATTACH $path AS other", {"path": str(root / "other.duckdb")})
    assert not (root / "other.duckdb").exists()


@pytest.mark.parametrize("path", ["../deals.parquet", "/etc/passwd", "deals/../../deals.parquet", "..\\deals.parquet"])
def test_a_table_path_that_leaves_the_data_folder_is_refused_naming_the_key(tmp_path, path):
    config = write_config(tmp_path / "extracts", ("deals",))
    config.write_text(config.read_text().replace('path = "deals.parquet"', f"path = '{path}'"))
    with pytest.raises(ConfigError) as caught:
        load_config(config)
    assert any(problem.startswith("data.tables.deals.path: must be relative to data.folder and stay inside it")
               for problem in caught.value.problems)


def test_a_link_inside_the_folder_that_leads_outside_is_refused(tmp_path):
    folder = tmp_path / "extracts"
    folder.mkdir()
    for name, rows in TABLES.items():
        write_table(folder if name != "deals" else tmp_path, name, rows)
    (folder / "deals.parquet").symlink_to(tmp_path / "deals.parquet")
    database = Database(load_config(write_config(folder, tuple(TABLES))))
    (problem,) = database.catalog.problems
    assert problem.check == "outside_folder" and "leads outside the data folder" in problem.message
    assert not database.catalog.has("deals")
    database.close()


# Calls that take SQL text: their first argument must be a constant or a file's text, never an
# f-string, a concatenation, a % or a .format() (a value would then become SQL).
SQL_CALLS = {"execute", "executemany", "sql", "query", "from_query"}


def test_no_sql_text_is_built_from_strings_anywhere_in_the_package():
    offenders = []
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in SQL_CALLS
                    and node.args):
                continue
            text = node.args[0]
            built = (
                isinstance(text, ast.JoinedStr)
                or (isinstance(text, ast.BinOp) and isinstance(text.op, (ast.Add, ast.Mod)))
                or (isinstance(text, ast.Call) and isinstance(text.func, ast.Attribute) and text.func.attr == "format")
            )
            if built:
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(text)[:80]}")
    assert offenders == []


def test_sql_files_bind_values_and_name_no_files():
    for path in sorted((REPO / "queries").rglob("*.sql")):
        sql = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8")).lower()
        assert not re.search(r"read_(parquet|csv|json|text|blob)|'[^']*\.(parquet|csv)'|\battach\b|\bcopy\b", sql), path.name


@pytest.fixture
def hostile_company(tmp_path, monkeypatch):
    reps = [{"rep_id": "R1", "name": SCRIPT, "team": IMAGE, "role": "SDR"},
            {"rep_id": "R2", "name": "Bo West", "team": "West", "role": "AE"}]
    leads = [dict(lead, channel="<b>paid</b>" if lead["channel"] == "paid" else lead["channel"]) for lead in LEADS]
    teams = '[[teams]]\nname = "West"\nfunction = "sales"\n'
    database = build_database(tmp_path / "extracts", {**TABLES, "reps": reps, "leads": leads}, extra=teams)
    database.close()
    monkeypatch.setenv("SLA_CONFIG", str(database.config.path))
    return database.config.path


def test_a_hostile_rep_name_and_team_render_as_text_on_every_page(hostile_company):
    app = AppTest.from_file(str(APP), default_timeout=60)
    app.query_params["start"] = "2026-03-01"
    app.query_params["end"] = "2026-03-31"
    for page in PAGES:
        app.switch_page(page).run()
        assert not app.exception, f"{page}: {[e.value for e in app.exception]}"
        assert not app.get("html"), f"{page} uses st.html"
        assert not [element for element in [*app.markdown, *app.caption] if element.proto.allow_html], page
        for element in [*app.markdown, *app.caption, *app.warning, *app.error, *app.info, *app.success]:
            raw = element.value
            # a hostile value is never passed to markdown raw: it is backslash-escaped (or absent)
            assert "<script" not in raw.replace("\\<script", "") and "<img" not in raw.replace("\\<img", ""), (page, raw)
        if page == HEALTH_PAGE:
            shown = [unescaped(element.value) for element in app.markdown]
            assert any(f"team {IMAGE!r}" in text for text in shown)  # escaped, reads exactly as the data says
            cells = [str(value) for frame in app.dataframe for value in frame.value.to_numpy().ravel()]
            assert SCRIPT in cells and IMAGE in cells  # as plain text in the examples table


def test_the_app_and_validate_never_write_to_the_extracts(hand_built_config_folder):
    folder, config = hand_built_config_folder

    def snapshot():
        return {path.name: (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
                for path in sorted(folder.rglob("*"))}

    before = snapshot()
    database = Database(load_config(config))
    validate(database)
    database.close()
    app = AppTest.from_file(str(APP), default_timeout=60)
    for page in PAGES:
        app.switch_page(page).run()
    assert snapshot() == before  # same files, same bytes, untouched: no cache, lock or WAL file either


@pytest.fixture
def hand_built_config_folder(tmp_path, monkeypatch):
    database = build_database(tmp_path / "extracts", TABLES)
    database.close()
    monkeypatch.setenv("SLA_CONFIG", str(database.config.path))
    return database.config.data.folder, database.config.path


def test_no_stack_trace_reaches_the_browser():
    settings = tomllib.loads((REPO / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert settings["client"]["showErrorDetails"] == "none"

