"""Sign-in end to end: the app with `[auth]` in its secrets, a real OpenID Connect provider
(oidc-provider-mock) on 127.0.0.1, and headless Chromium. A leadership user, a sales manager and a
rep each sign in and see what the README's role table says, and no other rep's name, on the page,
in a downloaded CSV or in the review's HTML report; marketing sees its six pages and no rep's name
or id anywhere; a link asking for another team is refused; sign-out returns to the sign-in page; a
sign-in older than `[access] session_hours` is sent back to it; a browser that has not signed in
gets the sign-in page on every page. The audit log records it all and `python -m dashboard audit`
reads it."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import ARTIFACTS, REPO, free_port, wait_healthy

SAMPLE = REPO / "data" / "sample"
CEO, EAST_LEAD, SOFIA = "ceo@northwind.example", "east.lead@northwind.example", "sofia.alvarez@northwind.example"
MIA = "mia.marketing@northwind.example"
EAST_REPS = ("Maya Thompson", "Daniel Okafor", "Priya Raman", "Jonathan Reyes", "Claire Dubois", "Marcus Feld")
WEST_REPS = ("Sofia Alvarez", "Kevin Nakamura", "Hannah Schulz", "Ethan Brooks", "Aisha Bello")
CENTRAL_REPS = ("Lucas Moreau", "Grace Kim", "Omar Haddad", "Emily Carter", "Tomasz Nowak")
ALL_REPS = EAST_REPS + WEST_REPS + CENTRAL_REPS
REP_ID = re.compile(r"\bR\d{2}\b")  # the sample's rep ids, R01 .. R16
ACCESS = f"""
[access]
contact = "Sales ops (ops@northwind.example)"
audit_log = "{{audit}}"
session_hours = {{session_hours}}

[[access.grants]]
role = "marketing"
emails = ["{MIA}"]

[[access.grants]]
role = "leadership"
emails = ["{CEO}"]

[[access.grants]]
role = "sales_manager"
emails = ["{EAST_LEAD}"]
teams = ["Sales East"]

[[access.grants]]
role = "rep"
domains = ["northwind.example"]
"""


@pytest.fixture(scope="module")
def provider():
    """oidc-provider-mock on a free port of 127.0.0.1, stopped after the tests."""
    os.environ["AUTHLIB_INSECURE_TRANSPORT"] = "1"  # plain http on the loopback interface
    import werkzeug.serving
    from oidc_provider_mock import app as provider_app
    from oidc_provider_mock._storage import User

    users = [User(sub=CEO, claims={"email": CEO, "email_verified": True, "name": "Cora Ceo"}),
             User(sub=EAST_LEAD, claims={"email": EAST_LEAD, "email_verified": True, "name": "Eli East"}),
             User(sub=SOFIA, claims={"email": SOFIA, "email_verified": True, "name": "Sofia Alvarez"}),
             User(sub=MIA, claims={"email": MIA, "email_verified": True, "name": "Mia Marketing"}),
             User(sub="stranger@elsewhere.example", claims={"email": "stranger@elsewhere.example",
                                                            "email_verified": True, "name": "Sam Stranger"})]
    server = werkzeug.serving.make_server("127.0.0.1", 0, provider_app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def signed_in_app(provider, tmp_path_factory):
    """The app with sign-in on, over a copy of the sample (its reps carry their sign-in email)."""
    with _app(provider, tmp_path_factory.mktemp("sign-in"), session_hours=12) as app:
        yield app


@pytest.fixture(scope="module")
def short_sessions_app(provider, tmp_path_factory):
    """The same app whose sign-ins last 0.02 hours (72 s): the session ends on the server's own clock."""
    with _app(provider, tmp_path_factory.mktemp("short-sessions"), session_hours=SHORT_HOURS) as app:
        yield app


SHORT_HOURS = 0.02


@contextlib.contextmanager
def _app(provider: str, folder: Path, session_hours: float):
    data = folder / "extracts"
    shutil.copytree(SAMPLE, data)
    assert SOFIA in set(pd.read_parquet(data / "reps.parquet")["email"])  # the sample's reps carry their email
    audit = folder / "audit.jsonl"
    text = (REPO / "sla_config.toml").read_text(encoding="utf-8").replace('folder = "data/sample"', f'folder = "{data}"')
    config = folder / "sla_config.toml"
    config.write_text(text + ACCESS.replace("{audit}", str(audit)).replace("{session_hours}", str(session_hours)),
                      encoding="utf-8")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    secrets_file = folder / "secrets.toml"
    secrets_file.write_text(
        "[auth]\n"
        f'redirect_uri = "{url}/oauth2callback"\n'
        f'cookie_secret = "{secrets.token_hex(32)}"\n'
        'client_id = "sla-dashboard"\n'
        'client_secret = "not-a-secret-in-this-test"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n', encoding="utf-8")
    env = {**os.environ, "SLA_CONFIG": str(config), "SLA_CACHE_FOLDER": str(folder / "cache"),
           "AUTHLIB_INSECURE_TRANSPORT": "1", "SLA_RUN_TIME_LIMIT_S": "900"}
    command = [sys.executable, "-m", "streamlit", "run", str(REPO / "dashboard" / "app.py"),
               "--server.headless", "true", "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none",
               "--secrets.files", str(secrets_file)]
    with open(folder / "server.log", "w") as output:
        process = subprocess.Popen(command, cwd=REPO, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        wait_healthy(url, process)
        yield url, config, audit
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def tab(browser, request):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(60_000)
    yield page
    context.close()


def shot(page, name: str, full_page: bool = False) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sign_in_{name}.png"), timeout=180_000, full_page=full_page)


def settle(page, figures: bool = True) -> None:
    """The page is drawn: a figure or a message is up and the script has stopped running (a scoped
    viewer's first page reads the extracts, not the company-wide facts: give it time)."""
    if figures:
        page.wait_for_selector("[data-testid='stMetric'], [data-testid='stAlert']", timeout=180_000)
    page.wait_for_timeout(1_000)
    expect(page.get_by_test_id("stStatusWidget")).to_have_count(0, timeout=180_000)
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0, timeout=180_000)  # elements still loading
    page.wait_for_timeout(500)


def sign_in(page, url: str, who: str, figures: bool = True) -> None:
    page.goto(url)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/oauth2/authorize**")
    page.locator("form[aria-labelledby='heading-auth-predefined']").get_by_role("button", name=who).click()
    page.wait_for_url(url + "/**")
    expect(page.get_by_text("Signed in as")).to_be_visible(timeout=90_000)
    settle(page, figures)


def nav_titles(page) -> list[str]:
    # the last line of each link: its icon is a ligature drawn from text of its own
    return [link.inner_text().strip().splitlines()[-1].strip() for link in page.get_by_test_id("stSidebarNavLink").all()]


def download_text(page, button) -> str:
    with page.expect_download(timeout=180_000) as download:
        page.get_by_role("button", name=button).first.click()
    return Path(download.value.path()).read_text(encoding="utf-8")


def review_report(page, url: str) -> str:
    """The monthly review's HTML report as this viewer downloads it."""
    page.goto(url)
    settle(page)
    return download_text(page, "This review (HTML)")


def names_in(text: str, names) -> list[str]:
    return [name for name in names if name in text]


def body(page) -> str:
    return page.inner_text("body").replace("\u2060", "")  # the word joiner that keeps an @ from linking


def test_an_unauthenticated_browser_gets_only_the_sign_in_page(signed_in_app, tab):
    url, _, _ = signed_in_app
    for path in ("", "funnel", "compliance", "team_kpis", "data_health"):
        tab.goto(f"{url}/{path}?team=Sales%20West")
        expect(tab.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
        settle(tab, figures=False)
        text = body(tab)
        assert "Sign in with your company account" in text
        assert not any(name in text for name in EAST_REPS + WEST_REPS + CENTRAL_REPS)
        assert tab.get_by_test_id("stMetric").count() == 0 and tab.get_by_test_id("stSidebarNavLink").count() == 0
    shot(tab, "signed_out")


def test_leadership_sees_every_page_and_every_rep(signed_in_app, tab):
    url, _, _ = signed_in_app
    sign_in(tab, url, CEO)
    shot(tab, "leadership_review")
    assert nav_titles(tab) == ["Monthly review", "Funnel", "Team KPIs", "Follow-up compliance", "Planner",
                               "Scoring lab", "SLA versions", "Data health"]
    tab.goto(f"{url}/compliance")
    settle(tab)
    shot(tab, "leadership_compliance")
    per_rep = download_text(tab, "Download per rep")
    assert all(name in per_rep for name in EAST_REPS[:3] + WEST_REPS[:2] + CENTRAL_REPS[:2])


def test_a_sales_manager_sees_their_team_only_and_a_link_for_another_is_refused(signed_in_app, tab):
    url, _, _ = signed_in_app
    sign_in(tab, url, EAST_LEAD)
    shot(tab, "manager_review")
    assert nav_titles(tab) == ["Monthly review", "Team KPIs", "Follow-up compliance"]
    tab.goto(f"{url}/compliance")
    settle(tab)
    shot(tab, "manager_compliance")
    text = body(tab)
    assert any(name in text for name in EAST_REPS)
    assert not any(name in text for name in WEST_REPS + CENTRAL_REPS)
    per_rep = download_text(tab, "Download per rep")
    assert any(name in per_rep for name in EAST_REPS)
    assert not any(name in per_rep for name in WEST_REPS + CENTRAL_REPS)
    tab.goto(f"{url}/compliance?team=Sales%20West")
    settle(tab)
    shot(tab, "manager_tampered_link")
    text = body(tab)
    assert "not yours to see" in text
    assert not any(name in text for name in WEST_REPS + CENTRAL_REPS)
    report = review_report(tab, f"{url}/?team=Sales%20East")
    assert "Sales East" in report and not names_in(report, WEST_REPS + CENTRAL_REPS)
    tab.goto(f"{url}/data_health")  # not one of the manager's pages: the first page instead
    settle(tab)
    assert "Data health" not in nav_titles(tab) and "Findings" not in body(tab)


def test_a_rep_sees_their_own_records_and_signing_out_returns_to_the_sign_in_page(signed_in_app, tab):
    url, _, audit = signed_in_app
    sign_in(tab, url, SOFIA)
    shot(tab, "rep_review")
    tab.goto(f"{url}/team_kpis")
    settle(tab)
    shot(tab, "rep_team_kpis", full_page=True)
    text = body(tab)
    assert "Sofia Alvarez" in text
    assert not any(name in text for name in EAST_REPS + CENTRAL_REPS + tuple(set(WEST_REPS) - {"Sofia Alvarez"}))
    tab.goto(f"{url}/compliance")
    settle(tab)
    shot(tab, "rep_compliance")
    per_rep = download_text(tab, "Download per rep")
    assert "Sofia Alvarez" in per_rep
    assert not any(name in per_rep for name in EAST_REPS + CENTRAL_REPS + tuple(set(WEST_REPS) - {"Sofia Alvarez"}))
    report = review_report(tab, url)
    assert "Monthly review" in report and not names_in(report, tuple(set(ALL_REPS) - {"Sofia Alvarez"}))
    tab.get_by_role("button", name="Sign out").click()
    # the app's identity cookie is gone; the provider is asked to end its session too and confirms it
    tab.get_by_role("button", name="End session").click()
    expect(tab.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    shot(tab, "rep_signed_out")
    tab.goto(f"{url}/compliance")
    expect(tab.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
    assert "Sofia Alvarez" not in body(tab)
    events = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    mine = [event for event in events if event["who"] == SOFIA]
    assert [event["event"] for event in mine][:1] == ["sign_in"]
    assert {"page_view", "download", "sign_out"} <= {event["event"] for event in mine}
    assert all(event["role"] == "rep" and event["scope"] == "rep R07" for event in mine)


def test_someone_without_a_role_is_told_whom_to_ask(signed_in_app, tab):
    url, _, _ = signed_in_app
    sign_in(tab, url, "stranger@elsewhere.example", figures=False)
    shot(tab, "unmapped")
    text = body(tab)
    assert "No access yet" in text and "Sales ops (ops@northwind.example)" in text
    assert tab.get_by_test_id("stSidebarNavLink").count() == 0
    assert not any(name in text for name in EAST_REPS + WEST_REPS + CENTRAL_REPS)


def test_the_audit_command_reads_the_sign_ins(signed_in_app):
    _, config, audit = signed_in_app
    done = subprocess.run([sys.executable, "-m", "dashboard", "audit", "--config", str(config),
                           "--since", dt.date.today().isoformat(), "--json"],
                          cwd=REPO, capture_output=True, text=True, check=True)
    events = [json.loads(line) for line in done.stdout.splitlines()]
    logged = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert events == logged and any(event["event"] == "sign_in" for event in events)
    later = subprocess.run([sys.executable, "-m", "dashboard", "audit", "--config", str(config),
                            "--since", (dt.date.today() + dt.timedelta(days=2)).isoformat()],
                           cwd=REPO, capture_output=True, text=True, check=True)
    assert later.stdout.startswith("No events")


def test_marketing_sees_its_pages_and_no_rep_name_or_id_anywhere(signed_in_app, tab):
    url, _, _ = signed_in_app
    sign_in(tab, url, MIA)
    assert nav_titles(tab) == ["Monthly review", "Funnel", "Team KPIs", "Planner", "Scoring lab", "SLA versions"]
    # the review with the records behind its deals won (the drill-down's default), their CSV and the report
    expect(tab.get_by_text("Records behind the numbers")).to_be_visible(timeout=180_000)
    settle(tab)
    shot(tab, "marketing_review", full_page=True)
    seen = {"review": body(tab),
            "review records CSV": download_text(tab, re.compile(r"^Download all .* \(CSV\)")),
            "review HTML report": download_text(tab, "This review (HTML)")}
    records = seen["review records CSV"]
    assert "deal_id" in records and "owner_id" not in records and "owner_name" not in records
    for path, title in (("funnel", "Funnel"), ("team_kpis?kpi_team=Marketing", "Team KPIs"),
                        ("team_kpis?kpi_team=Shared", "Team KPIs"), ("planner", "Planner"),
                        ("scoring_lab", "Scoring lab"), ("sla_versions", "SLA versions")):
        tab.goto(f"{url}/{path}")
        expect(tab.get_by_role("heading", name=title).first).to_be_visible(timeout=180_000)
        settle(tab, figures=False)
        name = path.replace("team_kpis?kpi_team=", "team_kpis_").lower()
        shot(tab, f"marketing_{name}", full_page=True)
        seen[name] = body(tab)
        if name == "team_kpis_shared":
            assert "Sales East" in seen[name] and "Not shown: your role sees no rep-level records." in seen[name]
            seen["shared by sales team CSV"] = download_text(tab, "Download by sales team (CSV)")
            seen["shared monthly KPIs CSV"] = download_text(tab, "Download monthly KPIs (CSV)")
    for name, text in seen.items():
        assert not names_in(text, ALL_REPS), name
        assert not REP_ID.search(text), f"{name}: {REP_ID.search(text).group()}"
    tab.goto(f"{url}/team_kpis?kpi_team=Sales%20East")  # a sales team's page is not marketing's
    settle(tab, figures=False)
    shot(tab, "marketing_tampered_link")
    text = body(tab)
    assert "not yours to see" in text and not names_in(text, ALL_REPS)
    tab.goto(f"{url}/compliance")  # not one of marketing's pages: the first page instead
    settle(tab)
    assert "Follow-up compliance" not in nav_titles(tab) and not names_in(body(tab), ALL_REPS)


def test_a_sign_in_older_than_session_hours_returns_to_the_sign_in_page(short_sessions_app, tab):
    """`[access] session_hours = 0.02`: 72 s after the provider issued the sign-in, the next page
    load signs the person out on the server's own clock (no clock is mocked)."""
    url, _, audit = short_sessions_app
    tab.goto(url)
    tab.get_by_role("button", name="Sign in").click()
    tab.wait_for_url("**/oauth2/authorize**")
    tab.locator("form[aria-labelledby='heading-auth-predefined']").get_by_role("button", name=CEO).click()
    tab.wait_for_url(url + "/**")
    expect(tab.get_by_text("Signed in as")).to_be_visible(timeout=60_000)
    signed_in = time.time()  # the provider issued the sign-in before this
    shot(tab, "expiry_signed_in")
    tab.wait_for_timeout((SHORT_HOURS * 3600 + 3) * 1000)
    tab.goto(f"{url}/funnel")
    # the app signs the person out and asks the provider to end its session too, which it confirms
    tab.get_by_role("button", name="End session").click(timeout=90_000)
    expect(tab.get_by_role("button", name="Sign in")).to_be_visible(timeout=90_000)
    assert time.time() - signed_in > SHORT_HOURS * 3600
    shot(tab, "expiry_signed_out")
    assert "Signed in as" not in body(tab) and tab.get_by_test_id("stSidebarNavLink").count() == 0
    events = [json.loads(line) for line in audit.read_text(encoding="utf-8").splitlines()]
    assert {"event": "sign_out", "who": CEO, "what": "session expired"}.items() <= next(
        event for event in events if event["event"] == "sign_out").items()
