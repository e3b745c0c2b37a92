"""Every query file, and every page's data work, under a rep's, a sales manager's and marketing's
scope on the sample: what comes back must be exactly what the same work returns on a copy of the
extracts holding only the scope's rows, so every row that reaches a result (or is counted into it)
belongs to the scope. The list of queries is `queries/` itself: a new query file is run here too,
and one that reads around the scope fails."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dashboard.core.access import MARKETING_SCOPE, Scope
from dashboard.core.config import load_config
from dashboard.core.contract import LEAD_ATTRIBUTE_SLOTS
from dashboard.data import Database, date_range_params
from dashboard.data.scope import ScopeError, facts_read, is_company_wide
from dashboard.data.sql import load_query, query_files, query_parameters
from dashboard.facts.build import ensure_all_facts
from dashboard.funnel.domain import Filters

REPO = Path(__file__).resolve().parents[2]
SAMPLE = REPO / "data" / "sample"
EAST = ("R01", "R02", "R03", "R04", "R05", "R06")  # Sales East in the sample's reps extract
SCOPES = {
    "rep": Scope("reps", ("R09",)),  # an AE of Sales West: owns leads and deals
    "sdr": Scope("reps", ("R01",)),  # an SDR of Sales East: owns leads, no deals
    "manager": Scope("reps", EAST, ("Sales East",)),
    "marketing": MARKETING_SCOPE,
}
# Columns that name a person or one record: a company-wide result holds none.
RECORD_COLUMNS = {"lead_id", "deal_id", "touch_id", "rep_id", "owner_id", "name", "owner_name", "email"}
# Columns that name a rep: marketing's results hold no value in any of them.
REP_COLUMNS = {"rep_id", "owner_id", "name", "owner_name", "email"}
# Every parameter any query takes, with a value on the sample: a new parameter must be added here.
START, END = dt.date(2026, 1, 1), dt.date(2026, 10, 31)
PARAMS = {
    **date_range_params(START, END),
    "as_of_end": dt.datetime(2026, 11, 1),
    "moments": [dt.datetime(2026, 6, 1), dt.datetime(2026, 3, 1)], "horizon_days": 92, "transition": None,
    "channel": None, "segment": None, "team": None, "stage": "mql",
    "examples": 3, "data_start": dt.datetime(2025, 1, 1), "max_gap_days": 7,
    "attempt_window": dt.timedelta(days=10), "amount_tracked": True, "leads_tracked": True, "reps_tracked": True,
    **{f"keep_{name}": name in ("segment", "company_size", "demo_requested")
       for name in ("channel", "company_size", "content_downloads", "demo_requested", "industry", "job_level",
                    "pricing_page_views", "region", "segment", "webinar_attended")},
    "company_size_bounds": [0, 200, 1000], "content_downloads_bounds": [0], "pricing_page_views_bounds": [0, 2],
    "all_time": False, "every_lead_observed": False, "leads_dated": True,
    "owner_id": None, "owner_missing": False, "max_rows": 100_000,
    "statuses": ["met", "breached first touch", "breached attempts", "still open", "never touched"],
    # the sample declares no attributes of its own: every slot is left out of the lab's groups
    **{f"keep_{slot.name}": False for slot in LEAD_ATTRIBUTE_SLOTS},
    **{f"{slot.name}_bounds": [0.0] for slot in LEAD_ATTRIBUTE_SLOTS if slot.sql_type == "DOUBLE"},
}
PER_QUERY = {"drilldown_deals": {"stage": "won"}}
# Under marketing's scope no lead or deal has an owner, so what a query joins through the owner is
# empty too (the owner's role), and a result one row per rep (or counting missing owners) cannot be
# the copy's, which keeps the owners: those are checked to name no rep, and the rest of a per-lead
# result to be the copy's.
OWNER_DERIVED = {"follow_up_facts": ("owner_role",)}
PER_REP = {"rep_scorecard", "reps_for_access", "validate_missing_values"}


def _only_the_scope(scope: Scope, folder: Path) -> None:
    """The sample's extracts cut to the scope's rows with pandas, independently of data/scope.py."""
    tables = {name: pd.read_parquet(SAMPLE / f"{name}.parquet") for name in ("traffic", "leads", "touches", "deals",
                                                                              "reps")}
    if scope.kind == "marketing":
        tables["touches"] = tables["touches"].iloc[0:0]
        hidden = pd.Series([None] * len(tables["reps"]), dtype="string", index=tables["reps"].index)
        tables["reps"] = tables["reps"].assign(name=hidden, email=hidden)
    else:
        reps = set(scope.rep_ids)
        tables["reps"] = tables["reps"][tables["reps"]["rep_id"].isin(reps)]
        tables["leads"] = tables["leads"][tables["leads"]["owner_id"].isin(reps)]
        tables["deals"] = tables["deals"][tables["deals"]["owner_id"].isin(reps)]
        tables["touches"] = tables["touches"][tables["touches"]["lead_id"].isin(set(tables["leads"]["lead_id"]))]
    folder.mkdir(parents=True)
    for name, frame in tables.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)


@pytest.fixture(scope="module")
def sample():
    config = load_config(REPO / "sla_config.toml")
    database = Database(config)
    ensure_all_facts(database)  # the company-wide facts exist: a scoped read must not reach them
    yield database
    database.close()


@pytest.fixture(scope="module", params=sorted(SCOPES))
def scoped_and_copy(request, sample, tmp_path_factory):
    scope = SCOPES[request.param]
    folder = tmp_path_factory.mktemp(f"only-{request.param}") / "extracts"
    _only_the_scope(scope, folder)
    config = sample.config
    copy = Database(dataclasses.replace(config, data=dataclasses.replace(config.data, folder=folder)))
    # marketing's copy keeps the owner ids (a lead keeps its team); what marketing gets is then the
    # copy's result with every rep column emptied (_hide_reps), and no leaderboard or Owner column
    copy.hides_reps = scope.kind == "marketing"
    copy.scope = scope  # what a page makes of the rows (a rep's targets, the teams listed) follows the scope
    yield sample.scoped(scope), copy
    copy.close()


def _params(name: str) -> dict:
    needed = query_parameters(load_query(name))
    missing = needed - set(PARAMS)
    assert not missing, f"{name} takes {sorted(missing)}: give them a sample value in PARAMS"
    return {**{key: PARAMS[key] for key in needed}, **PER_QUERY.get(name, {})}


def _same(got: pd.DataFrame, expected: pd.DataFrame, name: str) -> None:
    assert list(got.columns) == list(expected.columns), name

    def ordered(frame: pd.DataFrame) -> pd.DataFrame:
        text = frame.astype("string").fillna("<null>")
        return frame.iloc[text.sort_values(list(text.columns)).index].reset_index(drop=True) if len(frame) else frame
    pd.testing.assert_frame_equal(ordered(got), ordered(expected), check_dtype=False, check_exact=False, obj=name)


def test_the_queries_folder_is_what_is_enumerated():
    on_disk = {path.stem for path in (REPO / "queries").rglob("*.sql") if path.parent.name != "models"}
    assert set(query_files()) == on_disk and len(on_disk) > 40


@pytest.mark.parametrize("name", sorted(query_files()))
def test_every_query_returns_only_the_scopes_rows(name, scoped_and_copy, sample):
    scoped, copy = scoped_and_copy
    sql = load_query(name)
    params = _params(name)
    if is_company_wide(sql):
        got = scoped.query(name, params)
        assert not RECORD_COLUMNS & set(got.columns), f"{name} is company-wide but returns record columns"
        _same(got, sample.query(name, params), name)
        return
    if facts_read(sql):
        with pytest.raises(ScopeError):
            scoped.query(name, params)
        return
    got, expected = scoped.query(name, params), copy.query(name, params)
    if copy.hides_reps:
        _assert_names_no_rep(got, name)
        if name in PER_REP:
            return
        derived = list(OWNER_DERIVED.get(name, ()))
        assert got[derived].isna().all().all(), name
        got, expected = got.drop(columns=derived), _hide_reps(expected.drop(columns=derived))
    _same(got, expected, name)


def _assert_names_no_rep(frame: pd.DataFrame, name: str) -> None:
    for column in REP_COLUMNS & set(frame.columns):
        assert frame[column].isna().all(), f"{name} gives marketing the rep column {column}"


def _hide_reps(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(**{column: pd.Series(None, index=frame.index, dtype=object)
                           for column in REP_COLUMNS & set(frame.columns)})


def test_a_scoped_cursor_reads_no_other_reps_rows(sample):
    sdr = sample.scoped(SCOPES["sdr"]).cursor()  # SDRs own the leads handed off, AEs the deals
    assert {row[0] for row in sdr.sql("select distinct owner_id from funnel_leads").fetchall()} == {"R01"}
    cursor = sample.scoped(SCOPES["rep"]).cursor()
    assert {row[0] for row in cursor.sql("select distinct owner_id from funnel_deals").fetchall()} == {"R09"}
    assert cursor.sql("select count(*) from reps").fetchall() == [(1,)]
    with pytest.raises(Exception, match="company-wide facts"):
        cursor.sql("select * from hand_off_facts").fetchall()


def test_a_scoped_database_never_reads_the_facts(sample):
    from dashboard.data.facts import facts_ready

    assert facts_ready(sample, "daily_stage_counts")
    assert not facts_ready(sample.scoped(SCOPES["manager"]), "daily_stage_counts")


def _page_workloads(database: Database) -> dict[str, object]:
    """Each page's data work as its cache runs it, on `database` (every page but the monthly review's
    headline, which is company-wide by design and checked below)."""
    from dashboard.compliance.data import compliance_data
    from dashboard.funnel import data as metrics
    from dashboard.planner.data import planner_inputs
    from dashboard.review import drilldown
    from dashboard.scoring_lab.data import lab_data
    from dashboard.sla_versions.data import version_results
    from dashboard.team_kpis.data import team_kpis_data

    config = database.config
    as_of = END
    steps = {
        "funnel": lambda: metrics.funnel_page(database, START, END, Filters(), metrics.PERIOD, {}, 0.1, as_of),
        "journey": lambda: metrics.lead_journey(database, START, END, Filters(), as_of),
        "team_kpis": lambda: [team_kpis_data(database, team.name, START, END, Filters(), as_of) for team in config.teams],
        "compliance": lambda: compliance_data(database, START, END, Filters(), as_of),
        "planner": lambda: planner_inputs(database, 6, Filters()),
        "scoring_lab": lambda: _lab_rows(lab_data(database, START, END, Filters(), ("segment", "company_size"),
                                                  {"company_size": (0, 200, 1000)})),
        "sla_versions": lambda: version_results(database, config.slas[0], config.slas[-1], as_of),
        "drilldowns": lambda: [drilldown.records(database, key, START, END, Filters()) for key in drilldown.DRILLS],
    }
    return {name: step() for name, step in steps.items()}


def _lab_rows(lab) -> tuple:
    """The lab's lead groups decoded (its codes number values in the order a query returned them)."""
    groups = lab.groups
    rows = sorted(
        repr((groups.months[groups.month_code[i]],
              tuple((name, groups.values[name][groups.codes[name][i]]) for name in sorted(groups.codes)),
              groups.leads[i], groups.observed[i], groups.sql[i], groups.won[i], round(float(groups.revenue[i]), 6)))
        for i in range(len(groups.leads)))
    return rows, lab.maturity  # the reps working MQLs are the company's head count: checked below


def test_the_scoring_labs_head_count_is_the_companys(sample):
    """How many reps work MQLs is a company-level count (no rep named) every viewer of the lab reads."""
    from dashboard.scoring_lab.data import reps_working_mqls

    company = reps_working_mqls(sample)
    assert company[0] and company[0] > 1
    for scope in SCOPES.values():
        assert reps_working_mqls(sample.scoped(scope)) == company


def _comparable(value, hide_reps: bool = False):
    """A page's result as plain data: frames as sorted records, dataclasses field by field; with
    `hide_reps` (marketing) a frame's rep columns must be empty and compare as empty."""
    if isinstance(value, pd.DataFrame):
        if hide_reps:
            value = _hide_reps(value)
        text = value.astype("string").fillna("<null>")
        return sorted(map(tuple, text.itertuples(index=False))) if len(value) else list(value.columns)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {field.name: _comparable(getattr(value, field.name), hide_reps) for field in dataclasses.fields(value)}
    if isinstance(value, (np.ndarray, pd.Series, pd.Index)):
        return _comparable(list(value), hide_reps)
    if isinstance(value, (list, tuple)):
        return [_comparable(item, hide_reps) for item in value]
    if isinstance(value, dict):
        return {key: _comparable(item, hide_reps) for key, item in value.items()}
    if isinstance(value, float):
        return round(value, 9)
    return value


def test_every_pages_data_work_sees_only_the_scope(scoped_and_copy):
    scoped, copy = scoped_and_copy
    got, expected = _page_workloads(scoped), _page_workloads(copy)
    hide = copy.hides_reps  # marketing: the copy's rep columns emptied; the scoped ones must already be
    for page in expected:
        if hide and page in ("team_kpis", "compliance"):  # per rep, or through the owner's role: no rep named
            _assert_no_rep_anywhere(got[page], page)
            continue
        assert _comparable(got[page]) == _comparable(expected[page], hide), page


def _assert_no_rep_anywhere(value, name: str) -> None:
    if isinstance(value, pd.DataFrame):
        _assert_names_no_rep(value, name)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for field in dataclasses.fields(value):
            _assert_no_rep_anywhere(getattr(value, field.name), f"{name}.{field.name}")
    elif isinstance(value, (list, tuple)):
        for item in value:
            _assert_no_rep_anywhere(item, name)
    elif isinstance(value, dict):
        for key, item in value.items():
            _assert_no_rep_anywhere(item, f"{name}.{key}")


def test_only_the_review_headline_reads_company_wide():
    """`company_wide()` hands out the unscoped data: only for the monthly review's headline numbers
    (and the report made of them), whose results are aggregates."""
    callers = set()
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) == "company_wide"
               for node in ast.walk(tree)):
            callers.add(path.relative_to(REPO).as_posix())
    assert callers == {"dashboard/review/cache.py"}


def test_no_query_file_names_a_schema():
    for path in sorted((REPO / "queries").rglob("*.sql")):
        sql = re.sub(r"--[^\n]*", "", path.read_text(encoding="utf-8")).lower()
        assert not re.search(r"\b(main|scope_[0-9a-f]+|information_schema|duckdb_\w+)\s*\.", sql), path.name
