"""Entry point: `streamlit run dashboard/app.py`. It only sets up the shared sidebar and routes.

Pages live in `app_pages/`, not `pages/`: a folder named `pages` beside the entry point
switches Streamlit (and AppTest) to the legacy multipage mode, which skips this script on reruns.
"""

import sys
from pathlib import Path

# Streamlit puts this file's folder on the path, not the project root the package lives in.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from dashboard.data_health.cache import show_banner, show_sidebar_status  # noqa: E402
from dashboard.facts.cache import show_facts_progress  # noqa: E402
from dashboard.ui import url_params  # noqa: E402
from dashboard.ui.auth import audit_page_view, gate  # noqa: E402
from dashboard.ui.run_guard import guarded_run  # noqa: E402
from dashboard.ui.state import CHANNEL, DATES, EVERY_CONTROL, SEGMENT, TEAM, remember_link, render_sidebar  # noqa: E402

remember_link()  # before anything is drawn: a click on another page can cut this run short
st.set_page_config(page_title="SLA dashboard", page_icon=":material/handshake:", layout="wide")
viewer = gate()  # with sign-in on: the sign-in page, or whom to ask, and nothing else
if viewer is None:
    st.stop()

FILTERS = frozenset({CHANNEL, SEGMENT, TEAM})
# Each page, by the name roles grant it (core/access.py), with the sidebar controls it reads: the
# review picks its own month, the planner runs from the as-of date to the end of the SLA period, the scoring lab re-scores leads before any
# team owns them, data health checks whole extracts, SLA versions compare whole periods.
PAGES = [
    ("review", st.Page("app_pages/review.py", title="Monthly review", icon=":material/event_note:", default=True), FILTERS),
    ("funnel", st.Page("app_pages/funnel.py", title="Funnel", icon=":material/filter_alt:"), EVERY_CONTROL),
    ("team_kpis", st.Page("app_pages/team_kpis.py", title="Team KPIs", icon=":material/groups:"), EVERY_CONTROL),
    ("compliance", st.Page("app_pages/compliance.py", title="Follow-up compliance", icon=":material/phone_callback:"), EVERY_CONTROL),
    ("planner", st.Page("app_pages/planner.py", title="Planner", icon=":material/flag:"), FILTERS),
    ("scoring_lab", st.Page("app_pages/scoring_lab.py", title="Scoring lab", icon=":material/science:"),
     frozenset({DATES, CHANNEL, SEGMENT})),
    ("sla_versions", st.Page("app_pages/sla_versions.py", title="SLA versions", icon=":material/compare_arrows:"), frozenset()),
    ("data_health", st.Page("app_pages/data_health.py", title="Data health", icon=":material/health_and_safety:"), frozenset()),
]
# The pages that read every lead, dated or not, when the leads are undated (a lead-scoring export).
ALL_TIME_PAGES = {"funnel", "scoring_lab"}
allowed = [(page, used) for name, page, used in PAGES if name in viewer.pages]
pages = st.navigation([page for page, _ in allowed])
controls = {page.url_path: used for page, used in allowed}[pages.url_path]
audit_page_view(pages.title)
banner = st.container()  # at the top; filled once the sidebar is drawn, so its widgets never wait for the checks
url_params.show_notes(pages.url_path)  # what the link asked for that the page could not use
with guarded_run():  # bounded in time, stopped once the viewer has gone, failures told as messages
    st.session_state["selection"] = render_sidebar(controls, all_time=pages.url_path in ALL_TIME_PAGES)
    show_banner(pages.title, banner)  # a warning linking to Data health when the page's data has errors
    show_sidebar_status()
    show_facts_progress()  # the facts pages read once built: taken up from disk, or built in the background
    pages.run()
