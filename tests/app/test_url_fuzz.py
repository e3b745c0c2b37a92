"""Property: no link can break a page or make its work unbounded. Hypothesis feeds every page,
through AppTest, random and hostile values for every URL parameter the page reads (SQL
fragments, dates out of range, huge numbers, unicode, empty, repeated, unknown names), and
each run must end without an exception or an error box, within a bounded time and memory.
"""

import json
import resource
import string
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as strategies

from tests.app.test_url_params import PAGES, open_page

SIDEBAR = ("sla", "start", "end", "channel", "segment", "team")
PAGE_PARAMETERS = {
    "review": ("month", "drill"),
    "funnel": ("view",),
    "team_kpis": ("kpi_team", "sort_leads", "sort_deals"),
    "compliance": ("rep", "status"),
    "planner": ("plan_trailing", "plan_target", "plan_months"),
    "scoring_lab": ("lab_rules",),
    "data_health": ("show", "table"),
}
RUN_SECONDS = 45
MEMORY_GROWTH_BYTES = 1_500_000_000

hostile_text = strategies.sampled_from([
    "", " ", "'", "\"; drop table leads; --", "1 or 1=1", "__class__", "__import__('os')", "$start",
    "9999-12-31", "0001-01-01", "-1", "1e308", "nan", "inf", str(10**30), "2026-13-45", "2026-02-30",
    "<script>alert(1)</script>", "[click](http://example.com)", ":red[alarm]", "`", "\u202e\u0000\ufffd",
    "x" * 5000, "Sales East", "East", "paid", "won:month", "cohort", "errors", "touches", "FY2026",
]) | strategies.text(alphabet=string.printable + "éß中😀\u0000", max_size=60)
rule = strategies.tuples(
    strategies.sampled_from(["company_size", "industry", "demo_requested", "__class__", "lead_id; --", ""]),
    strategies.sampled_from([">=", "in", "=", "not in", "~", ""]),
    strategies.one_of(strategies.integers(-10**12, 10**12), strategies.floats(allow_nan=True),
                      strategies.text(max_size=20), strategies.booleans(), strategies.lists(strategies.integers(), max_size=80)),
    strategies.one_of(strategies.integers(-10**9, 10**9), strategies.text(max_size=5), strategies.none()),
)
rules_text = strategies.lists(rule, max_size=60).map(lambda rules: json.dumps([list(r) for r in rules]))


def values_for(name: str):
    if name == "lab_rules":
        return rules_text | hostile_text
    if name.startswith("plan_"):
        return hostile_text | strategies.sampled_from(["1e400", "-1", "0", "36", "37", "abc", str(10**40)])
    if name in ("start", "end", "month"):
        return hostile_text | strategies.dates().map(lambda day: day.isoformat()) | strategies.dates().map(
            lambda day: f"{day:%Y-%m}")
    return hostile_text | strategies.lists(hostile_text, min_size=2, max_size=30)  # repeated: ?status=a&status=b


def links(page: str):
    known = SIDEBAR + PAGE_PARAMETERS[page]
    names = strategies.sampled_from(known) | strategies.sampled_from(["unknown", "__proto__", "page", "embed"])
    return strategies.dictionaries(names, strategies.just(None), max_size=6).flatmap(
        lambda chosen: strategies.fixed_dictionaries({name: values_for(name) for name in chosen}))


def peak_memory_bytes() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.mark.parametrize("page", list(PAGES))
def test_no_link_breaks_a_page_or_makes_its_work_unbounded(sample_for_fuzz, page):
    baseline = peak_memory_bytes()

    @settings(max_examples=6, deadline=None, derandomize=True, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(link=links(page))
    def check(link):
        started = time.perf_counter()
        app = open_page(page, link)
        elapsed = time.perf_counter() - started
        assert not app.exception, (link, [e.value for e in app.exception])
        assert not app.error, (link, [e.value for e in app.error])
        assert elapsed < RUN_SECONDS, (link, elapsed)
        assert peak_memory_bytes() - baseline < MEMORY_GROWTH_BYTES, link

    check()


@pytest.fixture
def sample_for_fuzz(monkeypatch):
    """The sample company: every page has data to draw, so every parameter is read."""
    from pathlib import Path

    monkeypatch.setenv("SLA_CONFIG", str(Path(__file__).resolve().parents[2] / "sla_config.toml"))
