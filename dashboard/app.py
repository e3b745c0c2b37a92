"""Entry point: `streamlit run dashboard/app.py`. It only sets up the shared sidebar and routes.

Pages live in `app_pages/`, not `pages/`: a folder named `pages` beside the entry point
switches Streamlit (and AppTest) to the legacy multipage mode, which skips this script on reruns.
"""

import sys
from pathlib import Path

# Streamlit puts this file's folder on the path, not the project root the package lives in.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st  # noqa: E402

from dashboard.ui.state import render_sidebar  # noqa: E402

st.set_page_config(page_title="SLA dashboard", page_icon=":material/handshake:", layout="wide")

pages = st.navigation([
    st.Page("app_pages/funnel.py", title="Funnel", icon=":material/filter_alt:", default=True),
])
st.session_state["selection"] = render_sidebar()
pages.run()
