"""The figures of every page, built once per content of their data and shared by every viewer
and rerun (core/content_memo.py says why and how the key is made). A page draws what
`built_figure` returns and never changes it."""

from __future__ import annotations

from typing import Any, Callable

import plotly.graph_objects as go

from dashboard.core.content_memo import ContentMemo

# A page draws at most a dozen figures; this holds a few hundred selections' worth.
FIGURES = ContentMemo(max_entries=512)


def built_figure(builder: Callable[..., go.Figure], *args: Any, **kwargs: Any) -> go.Figure:
    return FIGURES.get(builder, *args, **kwargs)
