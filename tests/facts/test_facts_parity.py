"""Every page's numbers are the same read from the facts as read from the extracts: each page's
data work (the functions the pages cache, as `bench` times them) runs once before the facts are
built and once after, on the committed sample and on a generated 100k-lead set, for the whole
company and for one channel, and every number, row and label must agree."""

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import streamlit as st

from dashboard.data import database as database_module
from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config
from dashboard.data import Database, database_for
from dashboard.data.facts import facts_ready
from dashboard.facts.build import ALL_SPECS, ensure_all_facts
from dashboard.funnel import data as metrics
from dashboard.funnel.domain import Filters
from dashboard.tools.bench import bench_config, page_workloads
from dashboard.tools.generate import generate
from dashboard.ui.state import Selection

REPO = Path(__file__).resolve().parents[2]
# Queries with a twin reading the facts: once the facts are built, the pages run only the twin.
HAS_FACTS_TWIN = ("stage_durations", "kpi_counts_by_month", "recycled_by_month")
# Read by the pages only until the facts hold the data version: after, what they give comes
# already aggregated from these.
AGGREGATED_IN_FACTS = {"stage_durations_by_month": "stage_durations_by_month_from_medians",
                       "sales_hand_backs": "hand_back_reasons_from_facts"}
KEYS = ("lead_id", "sla_name", "rep_id", "owner_id", "month_start", "day", "reason", "kpi", "scope")


def assert_same(direct, from_facts, where: str = "result") -> None:
    """Equal down to every value; rows of per-lead tables in any order (neither path orders them);
    money and rates equal to a part in 10^12 (a sum of daily sums may round differently)."""
    if isinstance(direct, pd.DataFrame):
        assert list(direct.columns) == list(from_facts.columns), where
        keys = [key for key in KEYS if key in direct.columns]
        if keys and "lead_id" in keys:
            direct = direct.sort_values(keys, kind="stable").reset_index(drop=True)
            from_facts = from_facts.sort_values(keys, kind="stable").reset_index(drop=True)
        pd.testing.assert_frame_equal(direct, from_facts, check_exact=False, rtol=1e-12, obj=where)
    elif isinstance(direct, pd.Series):
        pd.testing.assert_series_equal(direct, from_facts, check_exact=False, rtol=1e-12, obj=where)
    elif dataclasses.is_dataclass(direct) and not isinstance(direct, type):
        assert type(direct) is type(from_facts), where
        for field in dataclasses.fields(direct):
            assert_same(getattr(direct, field.name), getattr(from_facts, field.name), f"{where}.{field.name}")
    elif isinstance(direct, (list, tuple)):
        assert len(direct) == len(from_facts), where
        for index, (one, other) in enumerate(zip(direct, from_facts)):
            assert_same(one, other, f"{where}[{index}]")
    elif isinstance(direct, dict):
        assert set(direct) == set(from_facts), where
        for key in direct:
            assert_same(direct[key], from_facts[key], f"{where}[{key!r}]")
    elif isinstance(direct, np.ndarray):
        np.testing.assert_array_equal(direct, from_facts, err_msg=where)
    elif isinstance(direct, float) and isinstance(from_facts, float):
        assert direct == pytest.approx(from_facts, rel=1e-12, nan_ok=True), where
    else:
        assert direct == from_facts or (pd.isna(direct) is True and pd.isna(from_facts) is True), where


def every_page(selection: Selection) -> dict:
    st.cache_data.clear()
    return {work.name: work.run() for work in page_workloads(selection) if work.name != "data_health"}


def selections(config, database) -> list[Selection]:
    as_of = metrics.data_as_of(database)
    sla, start, end = metrics.default_range(config, as_of)
    channel = metrics.filter_values(database)["channel"][0]
    return [Selection(config=config, data_version=database.version, sla=sla, start=start, end=end, as_of=as_of,
                      filters=filters) for filters in (Filters(), Filters(channel=channel))]


def record_queries(monkeypatch) -> list[str]:
    """The names of the query files run from now on."""
    names: list[str] = []
    query = Database.query

    def recording(self, name, *args, **kwargs):
        names.append(name)
        return query(self, name, *args, **kwargs)

    monkeypatch.setattr(Database, "query", recording)
    return names


def check_pages_read_the_same_from_facts(config_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("SLA_CONFIG", str(config_path))
    # A connection of its own: an earlier test's process-wide one may already serve facts from
    # another cache folder, and this test must see the pages before and after its own build.
    monkeypatch.setattr(database_module, "_DATABASES", {})
    config = load_config(config_path)
    database = database_for(config)
    assert not any(facts_ready(database, spec.name) for spec in ALL_SPECS)
    direct = [every_page(selection) for selection in selections(config, database)]
    outcomes = ensure_all_facts(database)
    assert [outcome.action for outcome in outcomes] == ["built"] * len(ALL_SPECS)
    assert all(facts_ready(database, spec.name) for spec in ALL_SPECS)
    ran = record_queries(monkeypatch)
    from_facts = [every_page(selection) for selection in selections(config, database)]
    assert_same(direct, from_facts, "pages")
    assert not set(HAS_FACTS_TWIN) & set(ran)
    assert {f"{name}_from_facts" for name in HAS_FACTS_TWIN} <= set(ran)
    assert not set(AGGREGATED_IN_FACTS) & set(ran)
    assert set(AGGREGATED_IN_FACTS.values()) <= set(ran)


def test_every_page_is_the_same_from_the_facts_on_the_sample(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    check_pages_read_the_same_from_facts(DEFAULT_CONFIG_PATH, monkeypatch)


def test_every_page_is_the_same_from_the_facts_on_100k_generated_leads(tmp_path, monkeypatch):
    monkeypatch.setenv("SLA_CACHE_FOLDER", str(tmp_path / "cache"))
    folder = tmp_path / "leads-100000"
    generate(folder, leads=100_000, seed=7)
    check_pages_read_the_same_from_facts(bench_config(DEFAULT_CONFIG_PATH, folder), monkeypatch)
