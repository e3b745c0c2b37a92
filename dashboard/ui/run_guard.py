"""Every page run bounded and its failures told as messages.

A run stops when it passes its time limit (SLA_RUN_TIME_LIMIT_S, 120 s by default) or once its
viewer's session is gone (core/run_bound.py interrupts its queries). What a user can cause -
data that cannot be read, a range out of reach of the date arithmetic, a run that took too
long - is shown as a message naming the cause instead of Streamlit's bare error box.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

import streamlit as st
from streamlit.runtime import Runtime
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dashboard.core import formatting, run_bound
from dashboard.core.config import ConfigError
from dashboard.data import DataError


def _viewer_present():
    """A check that this run's browser session is still connected (always true outside a server)."""
    context = get_script_run_ctx()
    if context is None or not Runtime.exists():
        return lambda: True
    runtime, session_id = Runtime.instance(), context.session_id
    return lambda: runtime.is_active_session(session_id)


@contextmanager
def guarded_run() -> Iterator[None]:
    with run_bound.bounded(run_bound.limit_from_environment(os.environ), _viewer_present()):
        try:
            yield
        except run_bound.RunStopped as stopped:
            if stopped.timed_out:  # otherwise nobody is left to read it
                st.warning(str(stopped), icon=":material/timer_off:")
        except DataError as error:
            st.error(f"**The extracts cannot be read as configured.** {formatting.literal(error)}",
                     icon=":material/error:")
        except ConfigError as error:
            st.error(f"**The SLA config cannot be used.** {formatting.literal(error)}", icon=":material/error:")
        except OverflowError as error:
            st.error("**A date or a number is beyond what the app can compute with** "
                     f"({formatting.literal(error)}). Pick a date range within the data's years.",
                     icon=":material/error:")
