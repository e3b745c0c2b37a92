"""`python -m dashboard bench`: how fast each page's data work is at a given size.

It generates (or reuses) a data set with the sample generator, then in one process times,
for every page, the data work of a first render with a cold cache and again warm, plus the
scoring lab's recomputes; it reports the peak RSS, and runs a straightforward pandas version
of the monthly review numbers in a separate process (so its memory is not counted as the
app's), checks it agrees and reports the time ratio. Figures are medians over `--repeat` runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from dashboard.core.config import DEFAULT_CONFIG_PATH

REPO = Path(__file__).resolve().parents[2]


def data_dir_for(root: Path, leads: int, seed: int) -> Path:
    return root / f"leads-{leads}-seed-{seed}"


def ensure_data(root: Path, leads: int, seed: int) -> tuple[Path, float | None]:
    """Reuse a complete data set of this size and seed written with today's file layout, or
    generate it (returns seconds taken). The layout (row-group size) is part of the key because
    it changes how much a date filter skips: an older set would time a different layout."""
    from dashboard.tools.generate import ROW_GROUP_SIZE, generate

    folder = data_dir_for(root, leads, seed)
    marker = folder / "complete.json"
    if marker.is_file() and json.loads(marker.read_text()).get("row_group_size") == ROW_GROUP_SIZE:
        return folder, None
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    counts = generate(folder, leads=leads, seed=seed)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps({"rows": counts, "seconds": seconds, "row_group_size": ROW_GROUP_SIZE}))
    return folder, seconds


ENGINES = ("duckdb", "spark")


def bench_config(base_config: Path, folder: Path, engine: str = "duckdb") -> Path:
    """A copy of the SLA config whose data folder is the benchmark data set, on `engine` (Spark
    in local mode unless the config's own [engine] section names Spark)."""
    text = base_config.read_text(encoding="utf-8")
    replaced, count = re.subn(r'(?m)^folder\s*=.*$', f'folder = "{folder.as_posix()}"', text, count=1)
    if count != 1:
        raise SystemExit(f"{base_config}: no `folder = ...` line under [data] to point at the benchmark data")
    if engine == "spark" and not re.search(r"(?m)^\[engine\]", replaced):
        replaced += '\n[engine]\nkind = "spark"\nmaster = "local[2]"\n'
    path = folder / ("bench_sla_config.toml" if engine == "duckdb" else f"bench_sla_config_{engine}.toml")
    path.write_text(replaced, encoding="utf-8")
    return path


def peak_rss_mb() -> float:
    """This process's peak resident memory. VmHWM, not ru_maxrss: a child started by fork and
    exec inherits its parent's ru_maxrss, which would make the pandas reference look like the app."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


@dataclass(frozen=True)
class PageWork:
    """One page's first-render data work: `run()` calls the page's cached data function(s)."""

    name: str
    run: Callable[[], object]
    # False for work the app does once per data version outside the page (the data health
    # checks run in the background and keep their results): it has no warm figure.
    has_warm_render: bool = True


def page_workloads(selection) -> list[PageWork]:
    """Every page's data work, called through the same cached functions the pages use."""
    from dashboard.planner.data import DEFAULT_TRAILING_MONTHS
    from dashboard.funnel import cache as cached
    from dashboard.review import cache as review_cache
    from dashboard.compliance import cache as compliance_cache
    from dashboard.team_kpis import cache as team_cache
    from dashboard.planner import cache as planner_cache
    from dashboard.scoring_lab import cache as lab_cache

    def review():
        months = review_cache.months(selection)
        return review_cache.monthly_review(selection, months.default)

    def lab():
        key, rules = lab_key_and_rules(selection)
        return lab_cache.scored(key, rules, "band")

    sales_team = next((team.name for team in selection.config.teams if team.function == "sales"), None)
    works = [
        PageWork("monthly_review", review),
        PageWork("funnel", lambda: cached.funnel_page(selection, "period")),
        PageWork("follow_up_compliance", lambda: compliance_cache.compliance_page(selection)),
        PageWork("planner", lambda: planner_cache.planner_inputs(selection, DEFAULT_TRAILING_MONTHS)),
        PageWork("scoring_lab", lab),
        PageWork("data_health", lambda: _validation(selection, first_run=True), has_warm_render=False),
        PageWork("data_health_kept", lambda: _validation(selection, first_run=False), has_warm_render=False),
    ]
    if sales_team:
        works.insert(2, PageWork("team_kpis", lambda: team_cache.team_page(selection, sales_team)))
    return works


def _validation(selection, first_run: bool):
    """Every data health check: `first_run`, the first for this data version (nothing kept in the
    cache folder); otherwise as after a restart, from the results the first run kept."""
    from dashboard.data import database_for, kept_results
    from dashboard.data_health.checks import kept_result_names, validate

    database = database_for(selection.config)
    if first_run:
        kept_results.forget(database, kept_result_names())
    return validate(database)


def lab_key_and_rules(selection):
    from dashboard.data import database_for
    from dashboard.scoring_lab import cache as lab_cache
    from dashboard.scoring_lab.data import available_attributes, lab_shape

    rules = selection.sla.lead_definition.rules
    attributes, bounds = lab_shape(selection.config, available_attributes(database_for(selection.config)), rules)
    return lab_cache.lab_key(selection, attributes, bounds), rules


def measure_lab_changes(selection, repeat: int) -> dict[str, float]:
    """What a marketer waits for in the scoring lab: moving the threshold, editing a rule."""
    import dataclasses

    from dashboard.scoring_lab import cache as lab_cache
    from dashboard.scoring_lab import domain as scoring_lab

    key, rules = lab_key_and_rules(selection)
    data = lab_cache.lab(key)
    capacity = selection.sla.mql_capacity_per_rep_month
    threshold = selection.sla.lead_definition.mql_threshold
    _, histogram = lab_cache.scored(key, rules, "band")
    threshold_runs, rule_runs = [], []
    for run_number in range(repeat):
        new_threshold = threshold + 1 + run_number
        threshold_runs.append(timed(lambda: scoring_lab.evaluate(histogram, new_threshold, False, data.reps, capacity))[0])
        # a rule change nobody has cached yet: one more point on the first rule each run
        edited = (dataclasses.replace(rules[0], points=rules[0].points + 1 + run_number), *rules[1:])

        def rescore():
            _, edited_histogram = lab_cache.scored(key, edited, "band")
            return scoring_lab.evaluate(edited_histogram, threshold, False, data.reps, capacity)

        rule_runs.append(timed(rescore)[0])
    return {"threshold_change_s": statistics.median(threshold_runs), "rule_change_s": statistics.median(rule_runs)}


def measure_pages(selection, database, repeat: int) -> dict[str, dict[str, float]]:
    import streamlit as st

    figures = {}
    for work in page_workloads(selection):
        cold, warm = [], []
        for _ in range(repeat):
            st.cache_data.clear()
            st.cache_resource.clear()
            database.forget_results()  # cold on Spark too: not served from aggregates kept by the run before
            cold.append(timed(work.run)[0])
            if work.has_warm_render:
                warm.append(timed(work.run)[0])
        figures[work.name] = {"cold_s": statistics.median(cold), "warm_s": statistics.median(warm) if warm else None}
    return figures


def product_review_numbers(database, month_start: dt.date, month_end: dt.date, period_start: dt.date) -> dict:
    """The monthly review's headline numbers as the product computes them."""
    from dashboard.funnel import data as metrics

    steps = {step.stage: step.count for step in metrics.funnel(database, month_start, month_end).steps}
    month_revenue = metrics.revenue_summary(database, month_start, month_end).won_revenue
    to_date_revenue = metrics.revenue_summary(database, period_start, month_end).won_revenue
    return {**steps, "won_revenue": round(month_revenue, 2), "won_revenue_to_date": round(to_date_revenue, 2)}


def pandas_review_numbers(folder: str, month_start: dt.date, month_end: dt.date, period_start: dt.date) -> dict:
    """What a typical Streamlit dashboard does: read the parquet, filter, group, in pandas."""
    import pandas as pd

    start, end = pd.Timestamp(month_start), pd.Timestamp(month_end) + pd.Timedelta(days=1)
    traffic = pd.read_parquet(Path(folder) / "traffic.parquet")
    leads = pd.read_parquet(Path(folder) / "leads.parquet")
    deals = pd.read_parquet(Path(folder) / "deals.parquet")
    dates = pd.to_datetime(traffic["date"])
    won = deals[deals["status"] == "won"]
    amounts = won["amount"].astype(float)

    def between(column, low, high):
        return (column >= low) & (column < high)

    return {
        "traffic": int(traffic.loc[between(dates, start, end), "sessions"].sum()),
        "lead": int(between(leads["created_at"], start, end).sum()),
        "mql": int(between(leads["mql_at"], start, end).sum()),
        "sql": int(between(leads["sql_at"], start, end).sum()),
        "proposal": int(between(deals["proposal_at"], start, end).sum()),
        "won": int(between(won["closed_at"], start, end).sum()),
        "won_revenue": round(float(amounts[between(won["closed_at"], start, end)].sum()), 2),
        "won_revenue_to_date": round(float(amounts[between(won["closed_at"], pd.Timestamp(period_start), end)].sum()), 2),
    }


def _pandas_child(arguments: str) -> None:
    folder, month_start, month_end, period_start = json.loads(arguments)
    month_start, month_end, period_start = (dt.date.fromisoformat(d) for d in (month_start, month_end, period_start))
    seconds, numbers = timed(lambda: pandas_review_numbers(folder, month_start, month_end, period_start))
    print(json.dumps({"seconds": seconds, "numbers": numbers, "peak_rss_mb": peak_rss_mb()}))


def run_pandas_reference(folder: Path, month_start, month_end, period_start) -> dict:
    """In a fresh interpreter, so its memory is its own and nothing of this process leaks in."""
    arguments = json.dumps([str(folder), month_start.isoformat(), month_end.isoformat(), period_start.isoformat()])
    command = [sys.executable, "-c", "import sys; from dashboard.tools.bench import _pandas_child; _pandas_child(sys.argv[1])",
               arguments]
    output = subprocess.run(command, cwd=REPO, check=True, capture_output=True, text=True, timeout=1800).stdout
    return json.loads(output.strip().splitlines()[-1])


# Above this many leads the pandas reference is skipped: it needs several times the app's memory.
PANDAS_REFERENCE_MAX_LEADS = 10_000_000
# The column each table is split by month on for the refresh figure, as a monthly export lands.
MONTH_OF = {"leads": "created_at", "touches": "touched_at", "deals": "created_at", "traffic": "date"}


def cache_dir_for(root: Path) -> Path:
    """Where the benchmark keeps its facts: beside the data sets, never inside one."""
    return root / "facts-cache"


def build_facts_from_nothing(database) -> dict:
    """Every facts table from nothing: the first start on a new data set."""
    from dashboard.data.facts import facts_folder
    from dashboard.facts.build import ALL_SPECS, ensure_all_facts

    for spec in ALL_SPECS:
        shutil.rmtree(facts_folder(database, spec), ignore_errors=True)
    seconds, outcomes = timed(lambda: ensure_all_facts(database))
    return {"seconds": seconds, "months": {outcome.name: outcome.months_built for outcome in outcomes}}


def split_by_month(source: Path, target: Path) -> None:
    """The data set as one file per table and month (`leads/2026-10.parquet`), as an export that
    lands a month at a time looks; reps stay one file. The generator sorts each table by the
    column it is split on, so the months arrive in order, a batch at a time."""
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    from dashboard.tools.generate import ROW_GROUP_SIZE

    for name, column in MONTH_OF.items():
        (target / name).mkdir(parents=True, exist_ok=True)
        writers: dict[str, pq.ParquetWriter] = {}
        source_file = pq.ParquetFile(source / f"{name}.parquet")
        try:
            for batch in source_file.iter_batches(batch_size=ROW_GROUP_SIZE):
                months = pc.strftime(batch[column], format="%Y-%m")
                for month in pc.unique(months).to_pylist():
                    if month not in writers:
                        writers[month] = pq.ParquetWriter(target / name / f"{month}.parquet", batch.schema,
                                                          compression="zstd")
                    writers[month].write_batch(batch.filter(pc.equal(months, month)), row_group_size=ROW_GROUP_SIZE)
        finally:
            for writer in writers.values():
                writer.close()
    (target / "reps").mkdir(parents=True, exist_ok=True)
    shutil.copy(source / "reps.parquet", target / "reps" / "reps.parquet")


def ensure_monthly_data(root: Path, folder: Path) -> Path:
    monthly = root / f"{folder.name}-by-month"
    if not (monthly / "complete.json").is_file():
        shutil.rmtree(monthly, ignore_errors=True)
        command = [sys.executable, "-c", "import sys; from pathlib import Path; from dashboard.tools.bench import "
                   "split_by_month; split_by_month(Path(sys.argv[1]), Path(sys.argv[2]))", str(folder), str(monthly)]
        subprocess.run(command, cwd=REPO, check=True, timeout=3600)
        (monthly / "complete.json").write_text(json.dumps({"from": folder.name}))
    return monthly


def measure_refresh(root: Path, folder: Path, base_config: Path) -> dict:
    """The facts refresh when every table gains its last month, against a full build of the data
    without it: the last month's partitions are held back, the facts built, the partitions put
    back and the facts refreshed. In its own Database, after the app's own figures."""
    from dashboard.core.config import load_config
    from dashboard.data import Database
    from dashboard.facts.build import ensure_all_facts

    monthly = ensure_monthly_data(root, folder)
    config_text = bench_config(base_config, monthly).read_text(encoding="utf-8")
    for name in ("traffic", "leads", "touches", "deals", "reps"):
        config_text = config_text.replace(f'path = "{name}.parquet"', f'path = "{name}"', 1)
    config_path = monthly / "bench_sla_config.toml"
    config_path.write_text(config_text, encoding="utf-8")
    held = root / f"{monthly.name}-held-back"
    shutil.rmtree(held, ignore_errors=True)
    last = max(path.name for path in (monthly / "leads").glob("*.parquet"))
    moves = [(monthly / name / last, held / name / last) for name in MONTH_OF if (monthly / name / last).is_file()]
    for inside, outside in moves:
        outside.parent.mkdir(parents=True, exist_ok=True)
        inside.rename(outside)
    database = None
    try:
        database = Database(load_config(config_path))
        build = build_facts_from_nothing(database)
        for inside, outside in moves:
            outside.rename(inside)
        database.refresh()
        seconds, outcomes = timed(lambda: ensure_all_facts(database))
    finally:
        if database is not None:
            database.close()
        for inside, outside in moves:  # a run cut short leaves the data set whole
            if outside.is_file():
                outside.rename(inside)
        shutil.rmtree(held, ignore_errors=True)
    return {"appended_month": last.removesuffix(".parquet"), "build_without_it_s": build["seconds"],
            "refresh_s": seconds, "refresh_share_of_build": seconds / build["seconds"] if build["seconds"] else None,
            "months_rebuilt": {outcome.name: outcome.months_built for outcome in outcomes},
            "months_folded": {outcome.name: outcome.months_folded for outcome in outcomes},
            "actions": {outcome.name: outcome.action for outcome in outcomes}}


def bench_one(leads: int, seed: int, repeat: int, root: Path, base_config: Path, engine: str = "duckdb") -> dict:
    folder, generate_s = ensure_data(root, leads, seed)
    config_path = bench_config(base_config, folder, engine)
    os.environ["SLA_CONFIG"] = str(config_path)
    os.environ["SLA_CACHE_FOLDER"] = str(cache_dir_for(root))

    from dashboard.funnel import data as metrics
    from dashboard.core.config import load_config
    from dashboard.data import database_for
    from dashboard.funnel.domain import Filters
    from dashboard.ui.state import Selection

    config = load_config(config_path)
    startup_s, database = timed(lambda: database_for(config))
    facts_build = build_facts_from_nothing(database)
    as_of = metrics.data_as_of(database)
    sla, start, end = metrics.default_range(config, as_of)
    selection = Selection(config=config, data_version=database.version, sla=sla, start=start, end=end,
                          as_of=as_of, filters=Filters())
    pages = measure_pages(selection, database, repeat)
    lab_changes = measure_lab_changes(selection, repeat)

    month_start = as_of.replace(day=1)
    def review_numbers_cold():
        database.forget_results()
        return timed(lambda: product_review_numbers(database, month_start, as_of, sla.start))

    product_runs = [review_numbers_cold() for _ in range(repeat)]
    product_s = statistics.median(seconds for seconds, _ in product_runs)
    product_numbers = product_runs[-1][1]
    app_peak_rss = peak_rss_mb()
    # the refresh figure is the facts' own (DuckDB's): on Spark only the pages are compared
    refresh = measure_refresh(root, folder, base_config) if engine == "duckdb" else None
    if leads <= PANDAS_REFERENCE_MAX_LEADS:
        reference = run_pandas_reference(folder, month_start, as_of, sla.start)
        pandas_reference = {
            "seconds": reference["seconds"],
            "peak_rss_mb": reference["peak_rss_mb"],
            "same_results": reference["numbers"] == product_numbers,
            "speedup": reference["seconds"] / product_s if product_s else None,
        }
    else:
        pandas_reference = {"skipped": f"above {PANDAS_REFERENCE_MAX_LEADS:,} leads the pandas reference needs "
                                       "several times the app's memory"}
    return {
        "engine": database.engine,
        "leads": leads,
        "seed": seed,
        "repeat": repeat,
        "generate_s": generate_s,
        "startup_s": startup_s,
        "facts_build_s": facts_build["seconds"],
        "facts_build_months": facts_build["months"],
        "facts_refresh": refresh,
        "pages": pages,
        "scoring_lab": lab_changes,
        "monthly_review_numbers_s": product_s,
        "pandas_reference": pandas_reference,
        "app_peak_rss_mb": app_peak_rss,
    }


def machine() -> dict:
    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--leads", default="100000",
                        help="leads in the data set; a comma-separated list measures growth (1000000,3000000,10000000)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=5, help="repetitions per figure; medians are reported")
    parser.add_argument("--data-dir", type=Path, default=REPO / "bench-data",
                        help="where generated data sets are kept and reused (default: bench-data/)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH,
                        help="SLA config to copy, with its data folder pointed at the benchmark data")
    parser.add_argument("--engine", choices=ENGINES, default="duckdb",
                        help="spark: also run every page on Spark (local mode, or the config's [engine]) and "
                             "report both engines side by side")
    parser.add_argument("--run-engine", choices=ENGINES, help=argparse.SUPPRESS)  # a child run: one engine, one size
    parser.add_argument("--json", action="store_true", help="print JSON")


def run(args: argparse.Namespace) -> int:
    try:
        sizes = [int(size.replace("_", "")) for size in str(args.leads).split(",")]
    except ValueError:
        print(f"error: --leads takes whole numbers, got {args.leads!r}", file=sys.stderr)
        return 2
    if not Path(args.config).is_file():
        print(f"error: --config {args.config}: no such file; name an SLA config to copy "
              f"(default: {DEFAULT_CONFIG_PATH.name})", file=sys.stderr)
        return 2
    engine = getattr(args, "engine", "duckdb")
    child_engine = getattr(args, "run_engine", None)
    if child_engine or (len(sizes) == 1 and engine == "duckdb"):
        results = [bench_one(sizes[0], args.seed, args.repeat, args.data_dir, args.config, child_engine or "duckdb")]
    else:
        # Each size (and engine) in its own process, so peak RSS and caches are that run's alone.
        results = []
        for size in sizes:
            for run_engine in ("duckdb", "spark") if engine == "spark" else ("duckdb",):
                command = [sys.executable, "-m", "dashboard", "bench", "--leads", str(size), "--seed", str(args.seed),
                           "--repeat", str(args.repeat), "--data-dir", str(args.data_dir), "--config", str(args.config),
                           "--run-engine", run_engine, "--json"]
                child = subprocess.run(command, capture_output=True, text=True)
                if child.returncode != 0:
                    print(f"error: the {run_engine} run at {size:,} leads stopped with exit code {child.returncode}; "
                          f"the last lines it wrote:\n{last_lines(child.stderr)}", file=sys.stderr)
                    return 1
                results.extend(json.loads(child.stdout)["runs"])
    duckdb_runs = [run_ for run_ in results if run_.get("engine", "duckdb") == "duckdb"]
    report = {"machine": machine(), "runs": results, "growth": growth(duckdb_runs)}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print_table({**report, "runs": duckdb_runs})
        if engine == "spark":
            print_engines_side_by_side(results)
    return 0


def last_lines(text: str, count: int = 15) -> str:
    return "\n".join(text.rstrip().splitlines()[-count:])


def growth(results: list[dict]) -> list[dict]:
    """How each page's cold time grows against the number of leads (1.0 = linear)."""
    if len(results) < 2:
        return []
    first = results[0]
    rows = []
    for result in results[1:]:
        size_ratio = result["leads"] / first["leads"]
        figures = {page: (values["cold_s"], first["pages"][page]["cold_s"]) for page, values in result["pages"].items()}
        figures["facts_build"] = (result["facts_build_s"], first["facts_build_s"])
        figures["facts_refresh"] = (result["facts_refresh"]["refresh_s"], first["facts_refresh"]["refresh_s"])
        for page, (seconds, first_seconds) in figures.items():
            ratio = seconds / first_seconds
            rows.append({"page": page, "from_leads": first["leads"], "to_leads": result["leads"],
                         "time_ratio": ratio, "size_ratio": size_ratio, "relative_to_linear": ratio / size_ratio})
    return rows


def print_table(report: dict) -> None:
    for run_ in report["runs"]:
        print(f"{run_['leads']:,} leads (seed {run_['seed']}, median of {run_['repeat']})")
        if run_["generate_s"] is not None:
            print(f"  generated in {run_['generate_s']:.1f} s")
        print(f"  startup (views): {run_['startup_s'] * 1000:.0f} ms")
        print(f"  facts build from nothing: {run_['facts_build_s']:.1f} s")
        refresh = run_["facts_refresh"]
        print(f"  facts refresh after {refresh['appended_month']} was appended: {refresh['refresh_s']:.2f} s, "
              f"{refresh['refresh_share_of_build']:.0%} of the {refresh['build_without_it_s']:.1f} s build without it "
              f"(months rebuilt: {', '.join(f'{name} {count}' for name, count in refresh['months_rebuilt'].items())}; "
              f"months folded: {', '.join(f'{name} {count}' for name, count in refresh['months_folded'].items() if count)})")
        for page, figures in run_["pages"].items():
            warm = "kept per data version" if figures["warm_s"] is None else f"{figures['warm_s'] * 1000:6.1f} ms"
            print(f"  {page:<20} cold {figures['cold_s'] * 1000:8.0f} ms   warm {warm}")
        lab = run_["scoring_lab"]
        print(f"  scoring lab: threshold change {lab['threshold_change_s'] * 1000:.1f} ms, "
              f"rule change {lab['rule_change_s'] * 1000:.0f} ms")
        reference = run_["pandas_reference"]
        if "skipped" in reference:
            print(f"  monthly review numbers {run_['monthly_review_numbers_s'] * 1000:.0f} ms; pandas reference skipped: "
                  f"{reference['skipped']}")
            print(f"  peak RSS: app {run_['app_peak_rss_mb']:.0f} MB")
        else:
            print(f"  monthly review numbers {run_['monthly_review_numbers_s'] * 1000:.0f} ms; pandas reference "
                  f"{reference['seconds'] * 1000:.0f} ms ({reference['speedup']:.1f}x), same results: "
                  f"{reference['same_results']}")
            print(f"  peak RSS: app {run_['app_peak_rss_mb']:.0f} MB, pandas reference {reference['peak_rss_mb']:.0f} MB")
    for row in report["growth"]:
        print(f"  growth {row['page']}: {row['from_leads']:,} → {row['to_leads']:,} leads: time ×{row['time_ratio']:.2f} "
              f"for size ×{row['size_ratio']:.1f}")


def print_engines_side_by_side(results: list[dict]) -> None:
    """Each page's cold and warm time on DuckDB and on Spark, per data set size."""
    for size in sorted({run_["leads"] for run_ in results}):
        by_engine = {run_["engine"]: run_ for run_ in results if run_["leads"] == size}
        duckdb, spark = by_engine.get("duckdb"), by_engine.get("spark")
        if duckdb is None or spark is None:
            continue
        print(f"\n{size:,} leads, DuckDB and Spark (local mode) side by side, median of {spark['repeat']}:")
        print("| page | DuckDB cold | Spark cold | DuckDB warm | Spark warm |")
        print("| --- | --- | --- | --- | --- |")
        print(f"| start-up (views, models) | {_seconds(duckdb['startup_s'])} | {_seconds(spark['startup_s'])} | | |")
        print(f"| facts from nothing | {_seconds(duckdb['facts_build_s'])} | {_seconds(spark['facts_build_s'])} | | |")
        for page, figures in duckdb["pages"].items():
            other = spark["pages"].get(page, {})
            print(f"| {page} | {_seconds(figures['cold_s'])} | {_seconds(other.get('cold_s'))} | "
                  f"{_seconds(figures['warm_s'])} | {_seconds(other.get('warm_s'))} |")
        same = [run_["pandas_reference"].get("same_results") for run_ in (duckdb, spark)]
        print(f"monthly review numbers: DuckDB {_seconds(duckdb['monthly_review_numbers_s'])}, Spark "
              f"{_seconds(spark['monthly_review_numbers_s'])}; equal to the pandas reference: DuckDB {same[0]}, Spark {same[1]}")


def _seconds(value: float | None) -> str:
    if value is None:
        return "kept"
    return f"{value * 1000:.1f} ms" if value < 0.1 else f"{value:.2f} s"
