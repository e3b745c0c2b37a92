"""The command line prints the numbers the pages show and fails with a message, not a traceback."""

import json
import re

from dashboard.cli import main
from tests.funnel.test_funnel_page import hand_built_config  # noqa: F401  (fixture)


def test_funnel_json_gives_the_hand_built_march_numbers(hand_built_config, capsys):  # noqa: F811
    code = main(["funnel", "--config", str(hand_built_config), "--start", "2026-03-01", "--end", "2026-03-31", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [stage["count"] for stage in payload["stages"]] == [550, 5, 3, 2, 2, 3]
    assert payload["won_revenue"] == 37000.0
    assert payload["win_rate"] == 0.75


def test_funnel_text_prints_whole_counts_and_per_cents_never_nan(hand_built_config, capsys):  # noqa: F811
    code = main(["funnel", "--config", str(hand_built_config), "--start", "2026-03-01", "--end", "2026-03-31"])
    out = capsys.readouterr().out
    assert code == 0
    # "Won deals" is two words: the label is everything before the first digit
    rows = {re.split(r"\s+(?=\d)", line.strip(), maxsplit=1)[0]: line for line in out.splitlines()[2:]}
    assert rows["Sessions"].split()[1] == "550"
    # leads 5 of 550 sessions = 0.909 %, MQLs 3 of 5 leads = 60.0 %
    assert "5" in rows["Leads"].split() and "0.9 %" in rows["Leads"]
    assert "60.0 %" in rows["MQLs"]
    assert "nan" not in out.lower()
    counts = [re.split(r"\s+(?=\d)", line.strip(), maxsplit=1)[1].split()[0] for line in out.splitlines()[2:]]
    assert all(re.fullmatch(r"\d[\d,]*", count) for count in counts), counts  # never 550.0


def test_funnel_text_says_not_tracked_for_a_stage_the_extract_lacks(hand_built_config, capsys):  # noqa: F811
    config = hand_built_config.read_text()
    hand_built_config.write_text(config.replace("[data]", "[data]\nstages_not_tracked = [\"traffic\"]", 1))
    code = main(["funnel", "--config", str(hand_built_config), "--start", "2026-03-01", "--end", "2026-03-31"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "Sessions not tracked" in " ".join(out.split())


def test_a_bad_config_exits_2_with_the_key_named(hand_built_config, capsys):  # noqa: F811
    hand_built_config.write_text(hand_built_config.read_text().replace("quota = 1200000", "quota = 0"))
    code = main(["funnel", "--config", str(hand_built_config)])
    assert code == 2
    assert "quota: must be greater than 0" in capsys.readouterr().err


def test_generate_writes_a_small_data_set(tmp_path, capsys):
    code = main(["generate", "--out", str(tmp_path / "sample"), "--leads", "500", "--seed", "3"])
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "sample").iterdir()) == [
        "deals.parquet", "leads.parquet", "reps.parquet", "touches.parquet", "traffic.parquet"]
