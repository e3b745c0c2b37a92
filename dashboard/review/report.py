"""The monthly review as one self-contained HTML file: `python -m dashboard report`.

Plotly's JavaScript is inlined once, there are no external links or fonts, so the file
opens offline from an inbox. Every value that comes from the data or the config goes
through `html.escape`; the markup around it is fixed text.
"""

from __future__ import annotations

import html

import pandas as pd
import plotly.io as pio

from dashboard.review import charts as review_charts
from dashboard.review.data import MonthlyReview
from dashboard.review.view import (
    STATUS_STYLES,
    attainment_figures,
    durations_table,
    forecast_table,
    funnel_table,
    period_months_table,
    scorecard_table,
    subtitle,
    title,
)

STYLE = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: #212121;
       max-width: 1200px; margin: 24px auto; padding: 0 16px; line-height: 1.45; }
h1 { margin-bottom: 4px; } h2 { margin-top: 32px; border-bottom: 1px solid #e0e0e0; padding-bottom: 4px; }
.meta { color: #616161; margin-top: 0; }
.headlines { background: #f5f7ff; border-left: 4px solid #3949ab; padding: 8px 16px 8px 32px; }
.figures { display: flex; flex-wrap: wrap; gap: 12px; }
.figure { border: 1px solid #e0e0e0; border-radius: 6px; padding: 8px 12px; min-width: 160px; flex: 1; }
.figure .label { color: #616161; font-size: 0.85em; } .figure .value { font-size: 1.6em; font-weight: 600; }
.figure .delta { font-size: 0.85em; color: #616161; } .figure .delta.bad { color: #b71c1c; }
.figure .delta.good { color: #1b5e20; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 0.92em; }
th, td { border: 1px solid #e0e0e0; padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #fafafa; }
.columns { display: flex; gap: 24px; flex-wrap: wrap; } .columns > div { flex: 1; min-width: 420px; }
.note { color: #616161; font-size: 0.9em; }
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value))


def _table(frame: pd.DataFrame, status_column: str | None = "Status") -> str:
    head = "".join(f"<th>{_e(column)}</th>" for column in frame.columns)
    body = []
    for record in frame.itertuples(index=False):
        cells = []
        for column, value in zip(frame.columns, record):
            style = ""
            if column == status_column and value in STATUS_STYLES:
                background, colour = STATUS_STYLES[value]
                style = f' style="background:{background};color:{colour};font-weight:600"'
            cells.append(f"<td{style}>{_e(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _figures(review: MonthlyReview) -> str:
    blocks = []
    for figure in attainment_figures(review):
        tone = ""
        if figure.delta and figure.delta_color == "normal":
            tone = " bad" if figure.delta.startswith("-") else " good"
        delta = f'<div class="delta{tone}">{_e(figure.delta)}</div>' if figure.delta else ""
        blocks.append(f'<div class="figure" title="{_e(figure.help)}"><div class="label">{_e(figure.label)}</div>'
                      f'<div class="value">{_e(figure.value)}</div>{delta}</div>')
    return f'<div class="figures">{"".join(blocks)}</div>'


class _Charts:
    """Plotly divs; the first carries the plotly.js bundle, the rest reuse it."""

    def __init__(self) -> None:
        self.first = True

    def __call__(self, figure) -> str:
        if not figure.data:
            return ""
        include = self.first
        self.first = False
        figure.update_layout(template="plotly_white")  # the page gets Streamlit's theme; the file a plain one
        return pio.to_html(figure, full_html=False, include_plotlyjs=include, include_mathjax=False,
                           config={"displaylogo": False, "responsive": True})


def render_report(review: MonthlyReview) -> str:
    chart = _Charts()
    att = review.attainment
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title(review))} · {_e(review.company)}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{_e(title(review))}</h1>",
        f'<p class="meta">{_e(subtitle(review))}</p>',
        f"<p>{_e(review.sla_statement)}</p>",
    ]
    if review.headlines:
        items = "".join(f"<li>{_e(line)}</li>" for line in review.headlines)
        parts.append(f'<h2>Headlines</h2><ul class="headlines">{items}</ul>')
    parts.append("<h2>Goal attainment</h2>")
    if att is None:
        parts.append('<p class="note">No quota applies to this month.</p>')
    parts.append(_figures(review))
    if att is not None:
        parts.append(chart(review_charts.cumulative_figure(review)))
        table = forecast_table(review)
        if table is not None:
            parts.append(f"<h3>How the forecast is made</h3><p>{_e(att.forecast.explanation)}</p>")
            parts.append(_table(table, status_column=None))
        parts.append(f"<h3>{_e(att.sla_name)} month by month</h3>")
        parts.append(_table(period_months_table(review), status_column=None))
    for note in review.notes:
        parts.append(f'<p class="note">{_e(note)}</p>')

    parts.append("<h2>Funnel against the SLA targets</h2>")
    columns = [f"<div><h3>{_e(f'{review.month:%B %Y}')}</h3>{_table(funnel_table(review.funnel_month))}</div>"]
    if review.funnel_period:
        label = f"{review.sla.name} to date ({review.sla.start:%d %b} – {review.cutoff:%d %b %Y})"
        columns.append(f"<div><h3>{_e(label)}</h3>{_table(funnel_table(review.funnel_period))}</div>")
    parts.append(f'<div class="columns">{"".join(columns)}</div>')
    if review.sales_sourced_won:
        parts.append(f'<p class="note">Won deals include {review.sales_sourced_won:,} with no lead in the extract '
                     "(sales-sourced, or opened before the data starts).</p>")

    parts.append("<h2>KPI scorecard</h2>")
    parts.append(_table(scorecard_table(review.scorecard, review.currency)))

    parts.append("<h2>Trends</h2>")
    parts.append(chart(review_charts.trend_figure(review.trend, review.month)))
    parts.append(chart(review_charts.durations_figure(review.durations, review.sales_cycle_target)))
    parts.append(_table(durations_table(review), status_column=None))
    parts.append('<p class="note">Made by <code>python -m dashboard report</code> from the extracts and the SLA '
                 "config; the same numbers as the monthly review page and <code>python -m dashboard kpis</code>.</p>")
    parts.append("</body></html>")
    return "\n".join(parts)
