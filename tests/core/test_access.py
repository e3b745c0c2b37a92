"""Roles from the SLA config's [access] section: who gets which role and scope, and the config
problems a person setting it up is told about by key."""

import json
import textwrap
from pathlib import Path

import pytest

from dashboard.core.access import COMPANY, MARKETING_SCOPE, REP, SALES_MANAGER, Scope, viewer_for
from dashboard.core.config import ConfigError, load_config

REPO = Path(__file__).resolve().parents[2]
ACCESS = """
[access]
contact = "Sales ops <ops@northwind.example>"

[[access.grants]]
role = "leadership"
emails = ["CEO@northwind.example"]
groups = ["sla-leadership"]

[[access.grants]]
role = "marketing"
groups = ["marketing"]

[[access.grants]]
role = "sales_manager"
emails = ["east.lead@northwind.example"]
teams = ["Sales East"]

[[access.grants]]
role = "rep"
domains = ["northwind.example"]
"""
REPS_BY_EMAIL = {"maya@northwind.example": "R01"}
REPS_BY_TEAM = {"Sales East": ("R01", "R02"), "Sales West": ("R07",)}


def config_with(tmp_path, extra: str):
    text = (REPO / "sla_config.toml").read_text(encoding="utf-8").replace('folder = "data/sample"',
                                                                         f'folder = "{REPO / "data" / "sample"}"')
    path = tmp_path / "sla_config.toml"
    path.write_text(text + textwrap.dedent(extra), encoding="utf-8")
    return load_config(path)


def viewer(config, **claims):
    return viewer_for(config.access, claims, REPS_BY_EMAIL, REPS_BY_TEAM)


def test_an_email_grant_wins_over_a_domain_grant_and_matches_ignoring_case(tmp_path):
    config = config_with(tmp_path, ACCESS)
    assert viewer(config, email="ceo@Northwind.example").scope == COMPANY
    manager = viewer(config, email="east.lead@northwind.example")
    assert (manager.role, manager.scope) == (SALES_MANAGER, Scope("reps", ("R01", "R02"), ("Sales East",)))


def test_a_group_claim_gives_its_role(tmp_path):
    config = config_with(tmp_path, ACCESS)
    assert viewer(config, email="ana@agency.example", groups=["Marketing"]).scope == MARKETING_SCOPE


def test_a_rep_is_matched_to_their_rep_id_by_the_reps_email_column(tmp_path):
    config = config_with(tmp_path, ACCESS)
    rep = viewer(config, email="maya@northwind.example")
    assert (rep.role, rep.scope, rep.pages) == (REP, Scope("reps", ("R01",)), ("review", "team_kpis", "compliance"))


def test_a_rep_without_a_reps_row_and_a_stranger_get_no_role_and_a_reason(tmp_path):
    config = config_with(tmp_path, ACCESS)
    unknown_rep = viewer(config, email="nobody@northwind.example")
    assert unknown_rep.role is None and "reps.email" in unknown_rep.reason
    stranger = viewer(config, email="someone@gmail.example")
    assert stranger.role is None and stranger.pages == ()
    assert viewer(config, email="ceo@northwind.example", email_verified=False).role is None


def test_without_access_section_a_signed_in_person_has_no_role(tmp_path):
    config = config_with(tmp_path, "")
    assert viewer(config, email="ceo@northwind.example").role is None
    assert config.access.contact == "the dashboard's administrator"


@pytest.mark.parametrize("grant, key, words", [
    ('role = "boss"\nemails = ["a@b.example"]', "access.grants[1].role", "must be one of"),
    ('role = "sales_manager"\nemails = ["a@b.example"]', "access.grants[1].teams", "names the team"),
    ('role = "sales_manager"\nemails = ["a@b.example"]\nteams = ["Sales Est"]', "access.grants[1].teams",
     "did you mean 'Sales East'"),
    ('role = "rep"', "access.grants[1]", "matches nobody"),
    ('role = "rep"\nemails = [1]', "access.grants[1].emails", "non-empty strings"),
])
def test_a_bad_grant_is_named_by_its_key(tmp_path, grant, key, words):
    with pytest.raises(ConfigError) as error:
        config_with(tmp_path, f"\n[[access.grants]]\n{grant}\n")
    assert any(problem.startswith(key) and words in problem for problem in error.value.problems), error.value.problems


def test_the_audit_log_may_not_go_among_the_extracts(tmp_path):
    with pytest.raises(ConfigError) as error:
        config_with(tmp_path, f'\n[access]\naudit_log = "{REPO / "data" / "sample" / "audit.jsonl"}"\n')
    assert any(problem.startswith("access.audit_log") for problem in error.value.problems)


def test_every_download_button_is_audited_and_does_not_rerun_the_page():
    """A download is an audit event (README: Sign-in and roles): a new button cannot forget it. Pages
    draw downloads with `ui.downloads.download_button` only; it is the one caller of Streamlit's, and it
    does not rerun on click (a rerun revokes the file the browser is fetching)."""
    import ast

    direct = []
    for path in sorted((REPO / "dashboard").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "download_button":
                ignores_click = any(k.arg == "on_click" and getattr(k.value, "value", None) == "ignore" for k in node.keywords)
                direct.append((str(path.relative_to(REPO)), ignores_click))
    assert direct == [("dashboard/ui/downloads.py", True)]


def test_a_download_is_recorded_each_time_its_file_is_built(tmp_path):
    from dashboard.ui.downloads import audited

    log = tmp_path / "audit.jsonl"
    manager = viewer(config_with(tmp_path, ACCESS), email="east.lead@northwind.example")
    build = audited(lambda: "a,b\n1,2\n", log, manager, "Team KPIs: Download by sales team (CSV)")
    assert not log.exists()  # drawing the button records nothing
    assert build() == "a,b\n1,2\n" and build() == "a,b\n1,2\n"
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert [(line["event"], line["who"], line["role"], line["scope"], line["what"]) for line in lines] == [
        ("download", "east.lead@northwind.example", "sales_manager", "team Sales East",
         "Team KPIs: Download by sales team (CSV)")] * 2


def test_a_download_without_sign_in_or_with_an_unwritable_log_still_gives_the_file(tmp_path):
    from dashboard.core.access import LOCAL_VIEWER
    from dashboard.ui.downloads import audited

    assert audited(lambda: b"x", None, LOCAL_VIEWER, "Funnel: Download funnel (CSV)")() == b"x"
    (tmp_path / "not_a_folder").write_text("", encoding="utf-8")
    unwritable = tmp_path / "not_a_folder" / "audit.jsonl"
    assert audited(lambda: b"x", unwritable, LOCAL_VIEWER, "Funnel: Download funnel (CSV)")() == b"x"