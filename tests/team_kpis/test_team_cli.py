"""`python -m dashboard compliance` and `team` print the numbers the pages show and fail with a
message naming the option, never a traceback. Expected values by hand (see test_follow_up.py
and test_team_kpis.py for the arithmetic)."""

import json

import pytest

from dashboard.cli import main
from tests.team_kpis.test_team_pages import follow_up_config, teams_config  # noqa: F401  (fixtures)


def run_json(capsys, *argv) -> dict:
    code = main([*argv, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)


def test_compliance_month_json_gives_each_reps_figures(follow_up_config, capsys):  # noqa: F811
    payload = run_json(capsys, "compliance", "--config", str(follow_up_config), "--month", "2026-06")
    assert (payload["start"], payload["end"], payload["as_of"]) == ("2026-06-01", "2026-06-30", "2026-06-19")
    reps = {rep["owner_id"]: rep for rep in payload["reps"]}
    ada = reps["R1"]
    # Ada: 5 handed off, 2 of 5 within 4 h, median 1 h, p90 9 h, 3 of 3 attempt rules met, L13 and L16 untouched
    assert (ada["handed_off"], ada["never_touched"], ada["overdue_now"]) == (5, 2, 2)
    assert ada["first_touch_within_rate"] == pytest.approx(0.4)
    assert (ada["median_hours_to_first_touch"], ada["p90_hours_to_first_touch"]) == (pytest.approx(1.0), pytest.approx(9.0))
    assert ada["attempts_met_rate"] == 1.0
    assert reps[None]["handed_off"] == 1  # the unassigned L11
    assert payload["totals"]["handed_off"] == 13
    assert payload["kpis"]["first_touch_within_sla_rate"] == pytest.approx(7 / 12)
    assert [lead["lead_id"] for lead in payload["overdue_now"]] == ["L06", "L13", "L16", "L07"]
    assert "first touch within 4 working hours" in payload["rules"][0]


def test_compliance_text_output_lists_every_rep(follow_up_config, capsys):  # noqa: F811
    assert main(["compliance", "--config", str(follow_up_config), "--month", "2026-06", "--team", "West"]) == 0
    out = capsys.readouterr().out
    assert "Cy" in out and "Ada" not in out
    assert "66.7 %" in out  # Cy: L08, L09 of 3 decided


def test_compliance_refuses_bad_input_with_exit_2(follow_up_config, capsys):  # noqa: F811
    assert main(["compliance", "--config", str(follow_up_config), "--month", "2026-13"]) == 2
    assert "--month: '2026-13' is not a month" in capsys.readouterr().err
    assert main(["compliance", "--config", str(follow_up_config), "--team", "North"]) == 2
    assert "--team: no team 'North' in the data; known: East, West" in capsys.readouterr().err
    assert main(["compliance", "--config", str(follow_up_config), "--month", "2026-06", "--start", "2026-06-01"]) == 2
    assert "either --month or --start/--end" in capsys.readouterr().err


def test_team_json_gives_the_teams_kpis_and_leaderboard(teams_config, capsys):  # noqa: F811
    payload = run_json(capsys, "team", "--config", str(teams_config), "--team", "East", "--month", "2026-03")
    kpis = {item["kpi"]: item for item in payload["kpis"]}
    assert kpis["won_revenue"]["actual"] == 10000 and kpis["won_revenue"]["target"] == pytest.approx(60000)
    assert kpis["won_revenue"]["status"] == "off track"
    assert payload["quota_share"] == 0.6 and payload["filters"]["team"] == "East"
    assert [row["rep_id"] for row in payload["leaderboard"]] == ["R1"]
    shared = {item["kpi"]: item for item in payload["shared_kpis"]}
    assert shared["won_revenue"]["actual"] == 37000


def test_team_refuses_an_unknown_team_naming_the_ones_there_are(teams_config, capsys):  # noqa: F811
    assert main(["team", "--config", str(teams_config), "--team", "North"]) == 2
    assert "--team: no team named 'North'" in capsys.readouterr().err
