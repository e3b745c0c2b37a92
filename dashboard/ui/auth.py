"""Sign-in: Streamlit's own `st.login` / `st.user` (OpenID Connect through Authlib), on when
`.streamlit/secrets.toml` has an `[auth]` section (README: Sign-in and roles).

`gate()` runs first in the entry point. Without `[auth]` it lets the local viewer through with the
company scope, as the app always was. With it, a browser that has not signed in gets only the
sign-in page; a signed-in person gets the role and scope the SLA config's `[access]` gives them
(`core/access.py`), or, unmapped, a page saying whom to ask. A sign-in lasts `[access]
session_hours` from the moment the identity provider issued it; after that the person is signed
out and asked to sign in again (Streamlit's identity cookie alone would last 30 days).
"""

from __future__ import annotations

import time

import streamlit as st

from dashboard.access.log import audit_path, record
from dashboard.core import formatting
from dashboard.core.access import LOCAL_VIEWER, Viewer, viewer_for
from dashboard.core.config import ConfigError
from dashboard.ui.state import VIEWER, company_database, current_config, current_viewer, sign_in_configured

ROLE_LABELS = {"leadership": "Leadership", "marketing": "Marketing", "sales_manager": "Sales manager",
               "rep": "Sales rep"}


def gate() -> Viewer | None:
    """The viewer this run serves, or None once the page to show instead (sign-in, whom to ask)
    is drawn: nothing else may run then."""
    if not sign_in_configured():
        return LOCAL_VIEWER
    if not st.user.is_logged_in:
        st.session_state.pop(VIEWER, None)
        _sign_in_page()
        return None
    try:
        config = current_config()
    except ConfigError as error:
        st.error(f"**The SLA config cannot be used**, so nobody can be given a role. Fix `{error.path.name}` and reload.")
        return None
    claims = st.user.to_dict()
    viewer = _viewer(config, claims)
    if _expired(claims, config.access.session_hours):
        audit("sign_out", viewer, "session expired")
        st.session_state.pop(VIEWER, None)
        st.logout()
        return None
    if st.session_state.get(VIEWER) != viewer:
        st.session_state[VIEWER] = viewer
        audit("sign_in", viewer)
    with st.sidebar:
        role = ROLE_LABELS.get(viewer.role, "No role")
        st.caption(f"Signed in as **{formatting.literal(viewer.name or viewer.email)}** · {role}"
                   + ("" if viewer.scope.is_company else f" · sees {formatting.literal(viewer.scope.describe())}"))
        st.button("Sign out", key="sign_out", on_click=_sign_out, icon=":material/logout:")
    if viewer.role is None:
        _whom_to_ask(viewer, config.access.contact)
        return None
    return viewer


def _viewer(config, claims: dict) -> Viewer:
    reps_by_email, reps_by_team = _reps(str(config.path), company_database().version)
    return viewer_for(config.access, claims, reps_by_email, {team: tuple(reps) for team, reps in reps_by_team.items()})


@st.cache_data(show_spinner=False, max_entries=8)
def _reps(config_file: str, version: str) -> tuple[dict[str, str], dict[str, list[str]]]:
    """Each rep's sign-in email and each team's reps, for matching a signed-in person to their scope."""
    frame = company_database().query("reps_for_access")
    by_email = {str(row.email): str(row.rep_id) for row in frame.itertuples() if isinstance(row.email, str) and row.email}
    by_team: dict[str, list[str]] = {}
    for row in frame.itertuples():
        if isinstance(row.team, str):
            by_team.setdefault(row.team, []).append(str(row.rep_id))
    return by_email, by_team


def _expired(claims: dict, session_hours: float) -> bool:
    issued = claims.get("iat")
    return isinstance(issued, (int, float)) and time.time() - issued > session_hours * 3600


def _providers() -> list[str]:
    """The named providers of [auth] ([auth.google], [auth.microsoft], ...); none: the default one."""
    section = st.secrets.get("auth", {})
    return [name for name, value in section.items() if hasattr(value, "keys")]


def _sign_in_page() -> None:
    st.title("SLA dashboard")
    st.write("Sign in with your company account to see the Sales & Marketing SLA.")
    providers = _providers()
    if not providers:
        st.button("Sign in", key="sign_in", type="primary", on_click=st.login, icon=":material/login:")
    for name in providers:
        st.button(f"Sign in with {name.capitalize()}", key=f"sign_in_{name}", type="primary", on_click=st.login,
                  args=(name,), icon=":material/login:")


def _sign_out() -> None:
    audit("sign_out", current_viewer())
    st.session_state.pop(VIEWER, None)
    st.logout()


def _whom_to_ask(viewer: Viewer, contact: str) -> None:
    st.title("No access yet")
    st.write(f"You are signed in, but {formatting.literal(viewer.reason)}.")
    st.write(f"Ask **{formatting.literal(contact)}** to give you a role in the SLA dashboard "
             "(the `[access]` section of its SLA config).")


def audit(event: str, viewer: Viewer | None = None, what: str = "") -> None:
    """Append an event to the audit log; only with sign-in on (the local app has one viewer)."""
    if not sign_in_configured():
        return
    viewer = viewer or current_viewer()
    try:
        record(audit_path(current_config()), event, viewer.email, viewer.role, viewer.scope.describe(), what)
    except (OSError, ConfigError):
        st.warning("The audit log cannot be written; tell the dashboard's administrator.", icon=":material/warning:")


def audit_page_view(page: str) -> None:
    """A page view, once each time the viewer opens a page (not on every rerun of it)."""
    if st.session_state.get("audited_page") != page:
        st.session_state["audited_page"] = page
        audit("page_view", what=page)
