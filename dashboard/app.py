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
from dashboard.ui.state import render_sidebar  # noqa: E402

st.set_page_config(page_title="SLA dashboard", page_icon=":material/handshake:", layout="wide")

review_page = st.Page("app_pages/review.py", title="Monthly review", icon=":material/event_note:", default=True)
planner_page = st.Page("app_pages/planner.py", title="Planner", icon=":material/flag:")
pages = st.navigation([
    review_page,
    st.Page("app_pages/funnel.py", title="Funnel", icon=":material/filter_alt:"),
    st.Page("app_pages/team_kpis.py", title="Team KPIs", icon=":material/groups:"),
    st.Page("app_pages/compliance.py", title="Follow-up compliance", icon=":material/phone_callback:"),
    planner_page,
    st.Page("app_pages/scoring_lab.py", title="Scoring lab", icon=":material/science:"),
    st.Page("app_pages/data_health.py", title="Data health", icon=":material/health_and_safety:"),
])
# Pages that pick their own month: the sidebar leaves out its SLA version and date range there.
OWN_DATES = {review_page.url_path}
OWN_DATES.add(planner_page.url_path)  # the planner runs from the as-of date to the end of the SLA period
banner = st.container()  # at the top; filled once the sidebar is drawn, so its widgets never wait for the checks
st.session_state["selection"] = render_sidebar(date_range=pages.url_path not in OWN_DATES)
show_banner(pages.title, banner)  # a warning linking to Data health when the page's data has errors
show_sidebar_status()
pages.run()
