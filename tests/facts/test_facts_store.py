"""The facts in the cache folder (dashboard/data/facts.py): built once per data version, reused by
a restart, rebuilt only where a config rule they depend on changed, refreshed month by month when
an extract gains a month, rebuilt when a file they were built from changes, never written among
the extracts."""

import io
import shutil
from pathlib import Path

import pandas as pd
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config
from dashboard.data import Database
from dashboard.facts.build import ALL_SPECS, ensure_all_facts, facts_on_disk, terminal_progress
from dashboard.tools.generate import generate

# The column each extract is split by month on, as an export that lands a month at a time is.
MONTH_OF = {"leads": "created_at", "touches": "touched_at", "deals": "created_at", "traffic": "date"}


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("generated")
    generate(folder, leads=20_000, seed=7)
    return folder


def monthly_extracts(source: Path, root: Path) -> tuple[Path, dict[str, Path]]:
    """The generated extracts as one file per table and month (`leads/2026-09.parquet`...) in
    `root/data`, except each table's last month, left in `root/later` to be appended."""
    data, later = root / "data", root / "later"
    held_back = {}
    for name, column in MONTH_OF.items():
        table = pq.read_table(source / f"{name}.parquet")
        months = pc.strftime(table[column], format="%Y-%m")
        last = max(months.to_pylist())
        for month in sorted(set(months.to_pylist())):
            target = (later if month == last else data) / name / f"{month}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table.filter(pc.equal(months, month)), target)
        held_back[name] = later / name / f"{last}.parquet"
    (data / "reps").mkdir(parents=True)
    shutil.copy(source / "reps.parquet", data / "reps" / "reps.parquet")
    return data, held_back


def write_config(folder: Path, path: Path, first_touch_hours: int = 4, cache: str = "") -> Path:
    text = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")
    text = text.replace('folder = "data/sample"', f'folder = "{folder.as_posix()}"', 1)
    for name in ("traffic", "leads", "touches", "deals", "reps"):
        text = text.replace(f'path = "{name}.parquet"', f'path = "{name}"', 1)
    text = text.replace("first_touch_within_hours = 4", f"first_touch_within_hours = {first_touch_hours}")
    path.write_text(cache + "\n" + text, encoding="utf-8")
    return path


def facts_frames(outcomes) -> dict[str, pd.DataFrame]:
    return {outcome.name: pq.read_table(sorted(outcome.folder.glob("month=*.parquet"))).to_pandas()
            for outcome in outcomes}


def test_a_restart_reuses_the_facts_on_disk(generated, tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    data, _ = monthly_extracts(generated, tmp_path)
    config = load_config(write_config(data, tmp_path / "sla.toml"))
    first = Database(config)
    assert not facts_on_disk(first)
    assert {outcome.action for outcome in ensure_all_facts(first)} == {"built"}
    first.close()
    restarted = Database(config)
    assert facts_on_disk(restarted)
    again = ensure_all_facts(restarted)
    assert [(outcome.action, outcome.months_built) for outcome in again] == [("reused", 0)] * len(ALL_SPECS)


def test_a_changed_follow_up_rule_rebuilds_the_hand_off_facts_only(generated, tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    data, _ = monthly_extracts(generated, tmp_path)
    ensure_all_facts(Database(load_config(write_config(data, tmp_path / "sla.toml"))))
    stricter = Database(load_config(write_config(data, tmp_path / "stricter.toml", first_touch_hours=2)))
    actions = {outcome.name: outcome.action for outcome in ensure_all_facts(stricter)}
    assert actions == {"daily_stage_counts": "reused", "daily_sessions": "reused", "hand_off_facts": "built",
                       "stage_duration_facts": "reused", "monthly_stage_duration_medians": "reused",
                       "hand_back_facts": "reused"}


def test_an_appended_month_rebuilds_only_the_months_it_changes_and_equals_a_full_build(generated, tmp_path,
                                                                                       monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    data, held_back = monthly_extracts(generated, tmp_path)
    config = load_config(write_config(data, tmp_path / "sla.toml"))
    database = Database(config)
    ensure_all_facts(database)
    for name, path in held_back.items():
        shutil.copy(path, data / name / path.name)
    assert database.refresh()

    refreshed = ensure_all_facts(database)

    assert {outcome.action for outcome in refreshed} == {"refreshed"}
    by_name = {outcome.name: outcome for outcome in refreshed}
    for name in ("daily_stage_counts", "daily_sessions"):
        # a new month of leads, deals and sessions reaches back a month or two, not to the start
        assert 1 <= by_name[name].months_built <= 3 < by_name[name].months_total, by_name[name]
    # the new month's hand-offs are built; its touches and won deals of older hand-offs are
    # folded into their stored months, which are not rebuilt
    hand_offs = by_name["hand_off_facts"]
    assert hand_offs.months_built == 1 and hand_offs.months_folded >= 1, hand_offs
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "full"))
    full = ensure_all_facts(Database(config))
    assert {outcome.action for outcome in full} == {"built"}
    for name, frame in facts_frames(full).items():
        pd.testing.assert_frame_equal(facts_frames(refreshed)[name], frame, obj=name)


def test_a_rewritten_extract_file_rebuilds_every_month(generated, tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    data, _ = monthly_extracts(generated, tmp_path)
    database = Database(load_config(write_config(data, tmp_path / "sla.toml")))
    ensure_all_facts(database)
    first_month = sorted((data / "leads").glob("*.parquet"))[0]
    table = pq.read_table(first_month)
    pq.write_table(table.slice(0, table.num_rows - 1), first_month)  # a corrected export of an old month
    database.refresh()
    actions = {outcome.name: (outcome.action, outcome.months_built == outcome.months_total)
               for outcome in ensure_all_facts(database)}
    assert actions == {"daily_stage_counts": ("built", True), "daily_sessions": ("reused", False),
                       "hand_off_facts": ("built", True), "stage_duration_facts": ("built", True),
                       "monthly_stage_duration_medians": ("built", True), "hand_back_facts": ("built", True)}


def test_the_facts_are_never_written_among_the_extracts(generated, tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    data, _ = monthly_extracts(generated, tmp_path)
    before = sorted(path for path in data.rglob("*"))
    ensure_all_facts(Database(load_config(write_config(data, tmp_path / "sla.toml"))))
    assert sorted(path for path in data.rglob("*")) == before
    assert list((tmp_path / "cache" / "facts").glob("*/month=*.parquet"))


def test_a_cache_folder_inside_the_data_folder_is_refused_naming_the_key(generated, tmp_path):
    data, _ = monthly_extracts(generated, tmp_path)
    path = write_config(data, tmp_path / "sla.toml", cache=f'[cache]\nfolder = "{(data / "cache").as_posix()}"\n')
    with pytest.raises(ConfigError) as raised:
        load_config(path)
    assert any(problem.startswith("cache.folder:") and "inside data.folder" in problem
               for problem in raised.value.problems)


def test_facts_can_be_turned_off_in_the_config(generated, tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    data, _ = monthly_extracts(generated, tmp_path)
    database = Database(load_config(write_config(data, tmp_path / "sla.toml", cache="[cache]\nfacts = false\n")))
    assert ensure_all_facts(database) == []
    assert not (tmp_path / "cache" / "facts").exists()


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_is_printed_on_a_terminal_and_not_on_a_pipe():
    assert terminal_progress(io.StringIO()) is None
    terminal = Terminal()
    progress = terminal_progress(terminal)
    progress(0, 2, "daily sessions")
    progress(2, 2, "daily sessions, Oct 2026")
    assert "daily sessions, Oct 2026 (2/2 months)\n" in terminal.getvalue()
