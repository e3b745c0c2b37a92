"""Download buttons. Every page's downloads go through `download_button`, which builds the file
only when it is clicked, records the download in the audit log while building it, and does not
rerun the page.

Why not Streamlit's `on_click` for the audit: a callback reruns the page, and a rerun revokes the
file the browser has just asked for (Streamlit keeps one deferred file per button and run), so
under load a click could download nothing. Recording from inside the file's builder has no rerun
and logs the download that happened, not the click.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

import streamlit as st

from dashboard.access.log import audit_path, record
from dashboard.core.access import Viewer
from dashboard.ui.state import current_config, current_viewer, sign_in_configured

FileBuilder = Callable[[], str | bytes]
_LOG = logging.getLogger(__name__)


def audited(build: FileBuilder, log: Path | None, viewer: Viewer, what: str) -> FileBuilder:
    """`build`, recording a download by `viewer` in the audit log at `log` (None: no log) each time
    it runs. It runs on Streamlit's server thread, outside the page, so it takes what it records
    from the run that drew the button."""
    def build_and_record() -> str | bytes:
        if log is not None:
            try:
                record(log, "download", viewer.email, viewer.role, viewer.scope.describe(), what)
            except OSError as error:  # the page views' warning tells the viewer; the file still goes
                _LOG.warning("The audit log %s cannot be written: %s", log, error)
        return build()
    return build_and_record


def download_button(label: str, build: FileBuilder | str, *, key: str, file_name: str, mime: str,
                    container=None, help: str | None = None, disabled: bool = False,
                    type: str = "secondary") -> None:
    """A download button on `container` (the page by default) whose file `build` makes on click."""
    builder = build if callable(build) else (lambda: build)
    log = audit_path(current_config()) if sign_in_configured() else None  # the local app has one viewer
    what = f"{st.session_state.get('audited_page', '')}: {label}"
    (container or st).download_button(label, audited(builder, log, current_viewer(), what), key=key,
                                      file_name=file_name, mime=mime, help=help, disabled=disabled,
                                      type=type, on_click="ignore")
