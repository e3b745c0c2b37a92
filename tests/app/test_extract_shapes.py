"""The extract-shape matrix: every command and every page on every export shape people have.

For each shape of `tests/companies/extract_shapes.py`: every CLI command runs without an exception, every
figure of a stage the shape does not track is null in its JSON (never 0), every page renders
without an exception, shows no untracked stage as a number and draws no empty chart.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.cli import main
from dashboard.core.config import load_config
from tests.companies.extract_shapes import shapes

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
PAGES = sorted(p.relative_to(Path(APP).parent).as_posix() for p in Path(APP).parent.glob("*/page.py")) or sorted(
    p.relative_to(Path(APP).parent).as_posix() for p in (Path(APP).parent / "app_pages").glob("*.py"))
SHAPES = {shape.name: shape for shape in shapes()}
# The stages a figure of the JSON outputs is made of, by the names the outputs give it.
FIGURE_STAGES = {
    "sessions": {"traffic"}, "traffic": {"traffic"}, "leads": {"lead"}, "mqls": {"mql"}, "mql": {"mql"},
    "sqls": {"sql"}, "sql": {"sql"}, "proposals": {"proposal"}, "won_deals": {"won"}, "won": {"won"},
    "visit_to_lead_rate": {"traffic", "lead"}, "lead_to_mql_rate": {"lead", "mql"},
    "mql_to_sql_rate": {"mql", "sql"}, "sql_to_proposal_rate": {"sql", "proposal"},
    "proposal_to_won_rate": {"proposal", "won"},
}
STAGE_OF_LABEL = {"Sessions": "traffic", "Leads": "lead", "MQLs": "mql", "SQLs": "sql", "Opportunities": "opportunity",
                  "Proposals": "proposal", "Won deals": "won"}


@pytest.fixture(scope="module")
def shape_configs(tmp_path_factory):
    root = tmp_path_factory.mktemp("shapes")
    return {name: shape.write(root / name) for name, shape in SHAPES.items()}


def commands(config: Path, out: Path) -> list[list[str]]:
    teams = [line.split("=", 1)[1].strip().strip('"') for line in config.read_text().splitlines()
             if line.startswith("name = ") and "Sales" in line or line.startswith('name = "Marketing"')]
    base = ["--config", str(config)]
    return [
        ["kpis", *base, "--json"],
        ["report", *base, "--out", str(out / "review.html")],
        ["funnel", *base, "--json"],
        ["funnel", *base, "--json", "--view", "cohort"],
        ["plan", *base, "--json"],
        ["compliance", *base, "--json"],
        ["validate", *base, "--json"],
        *(["team", *base, "--json", "--team", team] for team in teams),
    ]


def zeros_of_untracked(payload, untracked: set[str], path: str = "") -> list[str]:
    """Where the JSON gives a number for a figure made of an untracked stage."""
    found = []
    if isinstance(payload, dict):
        stages = set()
        if isinstance(payload.get("kpi"), str):
            stages = FIGURE_STAGES.get(payload["kpi"], set())
            if stages & untracked and _is_number(payload.get("actual")):
                found.append(f"{path}.{payload['kpi']} = {payload['actual']}")
        if isinstance(payload.get("stage"), str) and "count" in payload:
            stage = STAGE_OF_LABEL.get(payload["stage"], payload["stage"])
            if stage in untracked and _is_number(payload["count"]):
                found.append(f"{path}.{payload['stage']} = {payload['count']}")
        for key, value in payload.items():
            stages = FIGURE_STAGES.get(key, set())
            if stages & untracked:
                if _is_number(value):
                    found.append(f"{path}.{key} = {value}")
                elif isinstance(value, dict) and _is_number(value.get("rate", value.get("actual"))):
                    found.append(f"{path}.{key} = {value}")
            found += zeros_of_untracked(value, untracked, f"{path}.{key}")
    elif isinstance(payload, list):
        for index, item in enumerate(payload):
            found += zeros_of_untracked(item, untracked, f"{path}[{index}]")
    return found


DEAL_LABELS = {"Opportunities", "Proposals", "Won deals"}


def rates_across_unlinked(funnel: dict) -> list[str]:
    """Funnel rates from a stage the data does not link to (deals without a lead_id)."""
    found = []
    stages = [row for row in funnel["stages"] if row["count"] is not None]
    for position, row in enumerate(stages):
        if row["stage"] not in DEAL_LABELS:
            continue
        if row["measured_from"] is not None and row["measured_from"] not in DEAL_LABELS:
            found.append(f"{row['stage']} measured from {row['measured_from']}")
        # A share of the first stage is fine only when the funnel starts afresh at the deals.
        if _is_number(row["rate_from_first"]) and not any(s["stage"] in DEAL_LABELS for s in stages[:position]):
            found.append(f"{row['stage']} as a share of {stages[0]['stage']}")
    return found


def opportunity_stage_problems(funnel: dict, expected: bool) -> list[str]:
    """An export whose deals have a created date and no leads starts its funnel at the
    opportunities, counted; any other export has no opportunity stage at all (the SQL stage is
    where its opportunities open), neither a count nor a "not tracked" row."""
    rows = [row for row in funnel["stages"] if row["stage"] == "Opportunities"]
    if not expected:
        return [f"funnel: an opportunity stage where deals come from leads: {rows}"] if rows else []
    if not rows or not _is_number(rows[0]["count"]) or rows[0]["count"] <= 0:
        return [f"funnel: no opportunity count on an opportunity-only export: {rows}"]
    counted = [row for row in funnel["stages"] if _is_number(row["count"])]
    if counted[0]["stage"] not in ("Opportunities", "Sessions"):
        return [f"funnel: starts at {counted[0]['stage']}, before the opportunities"]
    won = next(row for row in funnel["stages"] if row["stage"] == "Won deals")
    if won["measured_from"] not in ("Opportunities", "Proposals"):
        return [f"funnel: won deals measured from {won['measured_from']}, not from the opportunities"]
    return []


def planned_stages(plan: dict) -> list[str]:
    return [row.get("stage") for row in plan.get("stages", [])]


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and not math.isnan(value)


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_command_runs_and_shows_untracked_stages_as_null(name, shape_configs, tmp_path, capsys):
    shape = SHAPES[name]
    failures = []
    for argv in commands(shape_configs[name], tmp_path):
        try:
            code = main(argv)
        except Exception as error:  # noqa: BLE001 - the matrix reports every failing command at once
            failures.append(f"{' '.join(argv[:1] + argv[3:])}: {type(error).__name__}: {error}")
            continue
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        if "--json" in argv and code in (0, 1) and out.strip():
            payload = json.loads(out)
            zeros = zeros_of_untracked(payload, set(shape.untracked))
            if zeros:
                failures.append(f"{' '.join(argv[:1] + argv[3:])}: untracked as numbers: {zeros[:5]}")
            if argv[0] == "funnel" and "--view" not in argv:
                failures += opportunity_stage_problems(payload, shape.opportunity_stage)
            if argv[0] == "plan" and shape.opportunity_stage and "Opportunities" not in planned_stages(payload):
                failures.append(f"plan: does not plan from the opportunity stage ({planned_stages(payload)})")
            if argv[0] == "funnel" and not shape.deals_linked and rates_across_unlinked(payload):
                failures.append(f"{' '.join(argv[:1] + argv[3:])}: rates across unlinked stages: "
                                f"{rates_across_unlinked(payload)}")
    assert not failures, "\n".join(failures)


def empty_charts(app: AppTest) -> list[str]:
    empty = []
    for chart in app.get("plotly_chart"):
        spec = json.loads(chart.proto.spec)
        traces = spec.get("data", [])
        if not any(len(trace.get(axis) or []) for trace in traces for axis in ("x", "y", "values", "z")) and not any(
                len((trace.get("link") or {}).get("value") or []) for trace in traces):  # a Sankey's flows
            empty.append(spec.get("layout", {}).get("title", {}).get("text", "untitled chart"))
    return empty


PAGE_SHAPES = ["full", "deals_only", "deals_only_with_created_dates", "closed_deals_only", "traffic_and_deals", "event_level_traffic",
               "leads_only_with_outcome_flag", "undated_leads",
               "leads_and_deals_without_touches", "no_leads_mql_at", "no_deals_amount"]


@pytest.mark.parametrize("name", PAGE_SHAPES)
def test_every_page_renders_without_zeros_for_untracked_stages(name, shape_configs, monkeypatch):
    monkeypatch.setenv("SLA_CONFIG", str(shape_configs[name]))
    untracked_labels = {label for label, stage in STAGE_OF_LABEL.items() if stage in SHAPES[name].untracked}
    failures = []
    for page in PAGES:
        app = AppTest.from_file(APP, default_timeout=60)
        app.switch_page(page)
        app.run()
        if app.exception:
            failures.append(f"{page}: {app.exception[0].message}")
            continue
        for metric in app.metric:
            if metric.label in untracked_labels and metric.value.strip().startswith("0"):
                failures.append(f"{page}: metric {metric.label} = {metric.value}")
        failures += [f"{page}: empty chart {title!r}" for title in empty_charts(app)]
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("name", list(SHAPES))
def test_every_shape_is_a_config_that_loads(name, shape_configs):
    """A shape is mapped by config alone: a lead-scoring export needs no deals table and no dates."""
    config = load_config(shape_configs[name])
    assert config.data.folder.is_dir()
