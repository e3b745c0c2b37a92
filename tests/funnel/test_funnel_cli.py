"""The command line prints the numbers the pages show and fails with a message, not a traceback."""

import json

from dashboard.cli import main
from tests.funnel.test_funnel_page import hand_built_config  # noqa: F401  (fixture)


def test_funnel_json_gives_the_hand_built_march_numbers(hand_built_config, capsys):  # noqa: F811
    code = main(["funnel", "--config", str(hand_built_config), "--start", "2026-03-01", "--end", "2026-03-31", "--json"])
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [stage["count"] for stage in payload["stages"]] == [550, 5, 3, 2, 2, 3]
    assert payload["won_revenue"] == 37000.0
    assert payload["win_rate"] == 0.75


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
