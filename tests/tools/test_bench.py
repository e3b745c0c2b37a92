"""The benchmark harness at a small size, so it never rots. No timing thresholds here: the
figures themselves are read from `python -m dashboard bench --json`."""

import json

from dashboard.cli import main


def test_bench_runs_every_page_and_the_pandas_reference_agrees(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SLA_CONFIG", "")  # the harness points it at its own data set
    code = main(["bench", "--leads", "100000", "--repeat", "1", "--data-dir", str(tmp_path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    (run,) = report["runs"]
    assert run["leads"] == 100_000 and run["generate_s"] > 0
    assert set(run["pages"]) == {"monthly_review", "funnel", "team_kpis", "follow_up_compliance", "planner",
                                 "scoring_lab", "data_health", "data_health_kept"}
    assert run["scoring_lab"]["threshold_change_s"] > 0 and run["scoring_lab"]["rule_change_s"] > 0
    for page, figures in run["pages"].items():
        assert figures["cold_s"] > 0
        if page.startswith("data_health"):  # checked once per data version in the background, then kept
            assert figures["warm_s"] is None
        else:
            assert figures["warm_s"] >= 0
    assert run["pandas_reference"]["same_results"] is True
    assert run["facts_build_s"] > 0 and run["facts_build_months"]["hand_off_facts"] > 0
    refresh = run["facts_refresh"]
    assert refresh["actions"] == {"daily_stage_counts": "refreshed", "daily_sessions": "refreshed",
                                  "hand_off_facts": "refreshed", "stage_duration_facts": "refreshed",
                                  "monthly_stage_duration_medians": "refreshed", "hand_back_facts": "refreshed"}
    assert 0 < refresh["refresh_s"] and 1 <= refresh["months_rebuilt"]["hand_off_facts"] <= 3
    assert run["app_peak_rss_mb"] > 0
    assert (tmp_path / "leads-100000-seed-7" / "complete.json").is_file()


def test_bench_reuses_a_data_set_of_the_same_size_and_seed(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SLA_CONFIG", "")
    main(["bench", "--leads", "5000", "--repeat", "1", "--data-dir", str(tmp_path), "--json"])
    capsys.readouterr()
    main(["bench", "--leads", "5000", "--repeat", "1", "--data-dir", str(tmp_path), "--json"])
    assert json.loads(capsys.readouterr().out)["runs"][0]["generate_s"] is None


def test_a_data_set_written_with_another_file_layout_is_generated_again(tmp_path):
    from dashboard.tools.bench import ensure_data

    folder, first = ensure_data(tmp_path, 3000, 7)
    assert first is not None
    assert ensure_data(tmp_path, 3000, 7)[1] is None
    marker = folder / "complete.json"
    marker.write_text(json.dumps({**json.loads(marker.read_text()), "row_group_size": 1_000_000}))
    assert ensure_data(tmp_path, 3000, 7)[1] is not None



def test_a_missing_config_is_named_before_any_data_is_generated(tmp_path, capsys):
    code = main(["bench", "--leads", "2000", "--data-dir", str(tmp_path / "bench"),
                 "--config", str(tmp_path / "no_such_config.toml")])
    assert code == 2
    assert "no_such_config.toml: no such file" in capsys.readouterr().err
    assert not (tmp_path / "bench").exists()


def test_a_size_whose_run_fails_is_named_with_what_that_run_wrote(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SLA_CONFIG", "")
    broken = tmp_path / "broken_sla_config.toml"
    broken.write_text('[data]\nfolder = "data"\n', encoding="utf-8")
    code = main(["bench", "--leads", "2000,3000", "--repeat", "1", "--data-dir", str(tmp_path),
                 "--config", str(broken), "--json"])
    printed = capsys.readouterr()
    assert code == 1 and printed.out == ""
    assert "the duckdb run at 2,000 leads stopped with exit code 2" in printed.err
    assert "no SLA version; add at least one [[sla]] block" in printed.err.split("the last lines it wrote:")[1]
