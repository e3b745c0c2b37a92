"""One number format everywhere, on every page of the sample (AppTest) and in every CSV it offers:
amounts as the cards have them ($656k, $1.43M), counts whole and in full (11,809, never 11.809k or
94.9), no literal None / nan cell, channel and segment names as the config displays them, and
amounts and counts right-aligned where a table shows them as text."""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest
import streamlit
from streamlit.delta_generator import DeltaGenerator
from streamlit.testing.v1 import AppTest

from dashboard.core.config import load_config
from tests.data_health.test_data_health_faults import APP, PAGES

RUNS = [(page, {}) for page in PAGES] + [("app_pages/team_kpis.py", {"kpi_team": "Sales East"})]
MISSING_WORDS = {"None", "nan", "NaN", "<NA>", "NaT", "null", "inf", "-inf"}
MONEY = re.compile(r"[+-]?\$(\d{1,3}(,\d{3})?|\d{2,3}k|\d+\.\d{2}M)")  # formatting.money: $950, $9,500, $656k, $1.43M
COUNT = re.compile(r"[+-]?\d{1,3}(,\d{3})*")
# Text that reads as a number: an amount, a count, a rate, days, hours, points, a change.
NUMERIC_TEXT = re.compile(r"[+-]?(\$?[\d.,]+[kM]?|[\d.,]+ ?(%|d|h|pts))")
NEUTRAL = {"", "—", "not tracked"}
# Columns that count things (as labelled on the page): whole numbers, written in full.
COUNT_LABELS = {
    "count", "sessions", "leads", "mqls", "sqls", "proposals", "won deals", "won", "lost", "records", "handed off",
    "never touched", "overdue now", "met", "late first touch", "too few attempts", "still open", "observed leads",
    "mqls current", "mqls proposed", "mqls handed over", "out of order", "rows", "wins relying on it",
    "wins expected", "short by (wins)", "catch-up volume", "due before the plan", "won later", "sql later",
    "re-mql'd", "nothing since", "leads handed to sales", "become mqls", "drop out", "leads re-scored",
}


@pytest.fixture(scope="module")
def sample_pages():
    """Every page's tables, metrics and CSV downloads on the committed sample."""
    downloads: list[tuple[str, str]] = []
    original_st, original_dg = streamlit.download_button, DeltaGenerator.download_button

    def record(label, data):
        if "CSV" in label:
            content = data() if callable(data) else data
            downloads.append((label, content.decode() if isinstance(content, bytes) else content))

    def st_download(label, data, *args, **kwargs):
        record(label, data)
        return original_st(label, data, *args, **kwargs)

    def dg_download(self, label, data, *args, **kwargs):
        record(label, data)
        return original_dg(self, label, data, *args, **kwargs)

    mp = pytest.MonkeyPatch()
    mp.setattr(streamlit, "download_button", st_download)
    mp.setattr(DeltaGenerator, "download_button", dg_download)
    mp.delenv("SLA_CONFIG", raising=False)
    pages = {}
    try:
        for page, params in RUNS:
            downloads.clear()
            app = AppTest.from_file(str(APP), default_timeout=120)
            for key, value in params.items():
                app.query_params[key] = value
            app.switch_page(page).run()
            assert not app.exception, f"{page}: {[e.value for e in app.exception]}"
            name = page + (f"?{params}" if params else "")
            pages[name] = {
                "tables": [(frame.value.data if hasattr(frame.value, "data") else frame.value,
                            json.loads(frame.proto.columns) if frame.proto.columns else {},
                            list(frame.proto.column_order)) for frame in app.dataframe],
                "metrics": [(metric.label, metric.value) for metric in app.metric],
                "csvs": list(downloads),
            }
    finally:
        mp.undo()
    return pages


def raw_names() -> set[str]:
    """Channel and segment values whose display name differs from the value itself."""
    config = load_config(APP.parents[1] / "sla_config.toml")
    import duckdb

    folder = config.data.folder
    con = duckdb.connect()
    values = set()
    for column in ("channel", "segment"):
        for (value,) in con.execute(f"select distinct {column} from read_parquet('{folder / 'leads.parquet'}')").fetchall():
            if value is not None and config.display_name(column, value) != value:
                values.add(value)
    return values


def shown_cell(value) -> str:
    """How a cell reads in the grid: Streamlit draws a missing value as "None"."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return "None"
    return str(value)


def table_problems(frame: pd.DataFrame, config: dict, order: list[str], raw: set[str]) -> list[str]:
    problems = []
    visible = [c for c in (order or frame.columns) if c in frame.columns]
    for column in visible:
        settings = config.get(str(column), {})
        label = str(settings.get("label") or column)
        values = frame[column]
        cells = [shown_cell(v) for v in values]
        where = f"column {label!r}"
        if bad := sorted({c for c in cells if c in MISSING_WORDS}):
            problems.append(f"{where}: {bad} cells")
        if bad := sorted({c for c in cells if c in raw}):
            problems.append(f"{where}: raw names {bad} instead of the config's display names")
        is_count = label.lower() in COUNT_LABELS
        if pd.api.types.is_datetime64_any_dtype(values):
            continue
        if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values):
            whole = values.dropna()
            if is_count and not (whole == whole.round()).all():
                problems.append(f"{where}: counts with decimals {sorted(set(whole[whole != whole.round()]))[:3]}")
            number_format = (settings.get("type_config") or {}).get("format")
            if is_count and (whole.abs() >= 1000).any() and number_format != "localized":
                problems.append(f"{where}: counts without thousands separators (e.g. {int(whole.max())})")
            continue
        texts = [c for c in cells if c not in NEUTRAL and c not in MISSING_WORDS]
        if bad := sorted({c for c in texts if "$" in c and not MONEY.fullmatch(c.split(" ")[-1] if " · " in c else c)}):
            problems.append(f"{where}: amounts not as on the cards {bad[:3]}")
        if is_count and (bad := sorted({c for c in texts if "$" not in c and not COUNT.fullmatch(c)})):
            problems.append(f"{where}: counts not whole and in full {bad[:3]}")
        if texts and all(NUMERIC_TEXT.fullmatch(c) for c in texts) and settings.get("alignment") != "right":
            problems.append(f"{where}: numbers as text, left-aligned (e.g. {texts[0]!r})")
    return problems


def test_every_table_reads_in_one_format(sample_pages):
    raw = raw_names()
    assert raw  # the sample's channels have display names (paid_search -> Paid search)
    problems = [f"{page}, table {index}: {problem}"
                for page, found in sample_pages.items()
                for index, (frame, config, order) in enumerate(found["tables"])
                for problem in table_problems(frame, config, order, raw)]
    assert problems == [], "\n".join(problems)


def test_every_metric_reads_in_one_format(sample_pages):
    problems = []
    for page, found in sample_pages.items():
        for label, value in found["metrics"]:
            if value in MISSING_WORDS or re.fullmatch(r"[\d.,]+k", value):
                problems.append(f"{page}: {label} = {value!r}")
            if "$" in value and not MONEY.fullmatch(value):
                problems.append(f"{page}: {label} = {value!r} (amounts read $656k, $1.43M)")
            if label.lower() in COUNT_LABELS and not COUNT.fullmatch(value):
                problems.append(f"{page}: {label} = {value!r} (a count is whole)")
    assert problems == [], "\n".join(problems)


def test_every_csv_download_writes_whole_counts_and_no_none(sample_pages):
    problems = []
    csvs = [(page, label, text) for page, found in sample_pages.items() for label, text in found["csvs"]]
    assert len(csvs) >= 15
    for page, label, text in csvs:
        cells = pd.read_csv(io.StringIO(text), keep_default_na=False, dtype=str)
        for column in cells.columns:
            values = cells[column]
            if bad := sorted(set(values) & MISSING_WORDS):
                problems.append(f"{page}, {label}, {column}: {bad} cells")
            written = [v for v in values if v != ""]
            if written and all(re.fullmatch(r"-?\d+\.0", v) for v in written):
                problems.append(f"{page}, {label}, {column}: whole numbers written as {written[0]!r}")
    assert problems == [], "\n".join(problems)


def test_the_scorecard_teams_column_fits_its_longest_cell(sample_pages):
    """The grid sized the last column short of the scorecard's "all sales teams, Shared", cutting it off
    at 1440 px (seen in the screenshot): the column is given the width of its longest cell."""
    from dashboard.ui.tables import fitting_width_px

    frame, config, _ = next(table for table in sample_pages["app_pages/review.py"]["tables"] if "Teams" in table[0])
    longest = max(frame["Teams"], key=len)
    assert config["Teams"].get("width") == fitting_width_px(frame["Teams"], "Teams") >= 7 * len(longest)


def test_the_funnel_names_its_transitions_as_the_review_does(sample_pages):
    """The days-between-stages table read "lead to mql" (seen in the screenshot)."""
    frame = next(table[0] for table in sample_pages["app_pages/funnel.py"]["tables"] if "transition" in table[0])
    assert frame["transition"].tolist()[:2] == ["Lead → MQL", "MQL → SQL"]
    assert not any("_" in name or " to " in name for name in frame["transition"])
    # "proposal → won" read lower-case beside "Proposal → won" on the review (seen in the screenshot)
    assert all(name[:1].isupper() for name in frame["transition"]) and "Proposal → won" in set(frame["transition"])
