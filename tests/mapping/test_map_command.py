"""`python -m dashboard map FOLDER` on hand-written exports: the draft loads, its guesses are
the ones a person would make, and its numbers are those counted by hand from the rows."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dashboard.cli import main
from dashboard.core.config import load_config
from dashboard.data import Database
from dashboard.funnel import data as metrics
from dashboard.mapping.draft import draft_mapping
from dashboard.mapping.profiles import inspect_folder
from tests.companies.extract_shapes import shape

# A CRM's opportunity export: US dates, stage names of its own, a blank amount on an open deal.
PIPELINE = """Opportunity ID,Owner,Stage,Created Date,Close Date,Amount
O1,Ann,Closed Won,01/15/2026,02/20/2026,1000
O2,Ann,Closed Lost,01/20/2026,02/25/2026,0
O3,Bob,Closed Won,02/01/2026,03/13/2026,2500
O4,Bob,Negotiation,02/10/2026,,
"""
TEAMS = "rep,team\nAnn,East\nBob,West\n"
NOTES = "note_id,text\nN1,call back\n"


def write_export(folder: Path) -> Path:
    folder.mkdir()
    (folder / "pipeline.csv").write_text(PIPELINE, encoding="utf-8")
    (folder / "sales_reps.csv").write_text(TEAMS, encoding="utf-8")
    (folder / "notes.csv").write_text(NOTES, encoding="utf-8")
    return folder


def test_the_draft_places_each_file_and_column_and_names_what_it_could_not(tmp_path):
    draft = draft_mapping(inspect_folder(write_export(tmp_path / "crm")))
    deals = draft.tables["deals"]
    assert deals.columns == {"deal_id": "Opportunity ID", "owner_id": "Owner", "created_at": "Created Date",
                             "closed_at": "Close Date", "status": "Stage", "amount": "Amount"}
    assert deals.values["status"] == {"open": ["Negotiation"], "won": ["Closed Won"], "lost": ["Closed Lost"]}
    # 01/15/2026 reads only as month first; 03/13 would not parse day first.
    assert deals.timestamp_formats == ["%m/%d/%Y"]
    assert draft.tables["reps"].columns == {"rep_id": "rep", "team": "team"}
    assert [profile.path for profile in draft.unplaced_files] == ["notes.csv"]
    assert draft.stages_not_tracked == ["traffic", "lead", "mql", "sql", "proposal"]
    assert (draft.first_day, draft.last_day) == (dt.date(2026, 1, 15), dt.date(2026, 3, 13))
    assert draft.teams == ["East", "West"]


def test_the_written_draft_loads_and_counts_what_the_rows_say(tmp_path, capsys):
    folder = write_export(tmp_path / "crm")
    out = tmp_path / "configs" / "crm.toml"
    out.parent.mkdir()
    assert main(["map", str(folder), "--out", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "# Not placed: notes.csv" in text and 'folder = "../crm"' in text
    database = Database(load_config(out))
    try:
        funnel = {step.stage: step.count for step in metrics.funnel(database, dt.date(2026, 1, 1),
                                                                     dt.date(2026, 3, 31)).steps}
        revenue = metrics.revenue_summary(database, dt.date(2026, 1, 1), dt.date(2026, 3, 31))
    finally:
        database.close()
    assert funnel["won"] == 2 and funnel["lead"] is None
    assert revenue.won_revenue == 3500 and revenue.win_rate == pytest.approx(2 / 3)
    assert main(["map", str(folder), "--out", str(out)]) == 2  # never overwrites without --force
    assert "--force" in capsys.readouterr().err


def test_map_never_writes_into_the_exports_folder(tmp_path, capsys):
    folder = write_export(tmp_path / "crm")
    assert main(["map", str(folder), "--out", str(folder / "draft.toml")]) == 2
    assert not (folder / "draft.toml").exists() and "never written" in capsys.readouterr().err


def test_a_draft_of_an_extract_in_contract_names_counts_what_its_own_config_counts(tmp_path, capsys):
    config = shape("full").write(tmp_path / "full")
    out = tmp_path / "draft.toml"
    assert main(["map", str(tmp_path / "full"), "--out", str(out)]) == 0
    capsys.readouterr()
    period = (dt.date(2026, 7, 1), dt.date(2026, 10, 31))
    results = []
    for path in (config, out):
        database = Database(load_config(path))
        try:
            results.append({step.stage: step.count for step in metrics.funnel(database, *period).steps})
        finally:
            database.close()
    assert results[0] == results[1] and all(count for count in results[0].values())
