"""The monthly review as one self-contained HTML file: `python -m dashboard report`.

There are no external links or fonts, so the file opens offline from an inbox. Plotly's
JavaScript is inlined once, gzip-compressed (a third of its size) and unpacked by the browser's
own `DecompressionStream`; each chart is its figure's JSON, drawn once the library is ready.
Every value that comes from the data or the config goes through `html.escape` (or, inside the
figures' JSON, has its `<` escaped); the markup around it is fixed text.

The same HTML, laid out for paper (`paper="A4"` or `"Letter"`), is what `pdf.py` prints.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
from functools import lru_cache
from pathlib import Path

import pandas as pd
import plotly
import plotly.io as pio

from dashboard.review import charts as review_charts
from dashboard.review.data import MonthlyReview
from dashboard.review.health import health_notes
from dashboard.review.view import (
    STATUS_STYLES,
    attainment_figures,
    durations_table,
    forecast_notes,
    forecast_table,
    funnel_table,
    judged_with_health,
    period_months_table,
    scorecard_table,
    subtitle,
    title,
    trusted_headlines,
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
.chart { min-height: 120px; }
.health-note { color: #e65100; font-weight: 600; }
.health .error { color: #b71c1c; font-weight: 600; } .health .warning { color: #e65100; font-weight: 600; }
"""

# Paper: sections start on a new page, nothing is split across two, the colours print.
PRINT_STYLE = """
@page { size: %(paper)s; margin: 14mm 12mm 16mm; }
body { max-width: none; margin: 0; padding: 0; font-size: 10.5pt; -webkit-print-color-adjust: exact;
       print-color-adjust: exact; }
h1 { font-size: 20pt; } h2.page { break-before: page; margin-top: 0; }
h3, h2 { break-after: avoid; }
.figures, .figure, .chart, tr, .headlines li, .closing { break-inside: avoid; }
table { font-size: 8.5pt; width: 100%%; } .columns { display: block; } .columns > div { min-width: 0; }
.figure { min-width: 120px; } .figure .value { font-size: 1.3em; }
"""

CHART_WIDTH_ON_PAPER = 680  # px at 96 dpi: an A4 or Letter page less its margins

# Unpacks plotly.js, then draws every chart from its JSON; `data-charts` on <body> says when.
LOADER = """
(async () => {
  const packed = document.getElementById("plotly-js-gzip").textContent;
  const bytes = Uint8Array.from(atob(packed), (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  const script = document.createElement("script");
  script.textContent = await new Response(stream).text();
  document.head.appendChild(script);
  for (const chart of document.querySelectorAll("div.chart[data-figure]")) {
    const figure = JSON.parse(document.getElementById(chart.dataset.figure).textContent);
    await Plotly.newPlot(chart, figure.data, figure.layout, figure.config);
  }
  document.body.dataset.charts = "drawn";
})().catch((error) => { document.body.dataset.charts = "failed: " + error; });
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


@lru_cache(maxsize=1)
def packed_plotly_js() -> str:
    """plotly.js as shipped with the plotly package, gzip-compressed and base64-encoded."""
    bundle = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return base64.b64encode(gzip.compress(bundle.read_bytes(), compresslevel=9, mtime=0)).decode("ascii")


class _Charts:
    """Chart placeholders and their figures' JSON; the library and the loader come once, at the end."""

    def __init__(self, width: int | None = None) -> None:
        self.width = width
        self.count = 0

    def __call__(self, figure) -> str:
        if not figure.data:
            return ""
        self.count += 1
        figure.update_layout(template="plotly_white")  # the page gets Streamlit's theme; the file a plain one
        if self.width:
            figure.update_layout(width=self.width)
            axes = [name for name in figure.layout.to_plotly_json() if name.startswith("xaxis")]
            if len(axes) > 2:  # small multiples on paper: fewer, shorter date ticks so they do not overlap
                figure.update_xaxes(nticks=3, tickangle=0, tickformat="%b %y")
        spec = json.loads(pio.to_json(figure, validate=False))
        spec["config"] = {"displaylogo": False, "responsive": self.width is None, "staticPlot": self.width is not None}
        # `<` escaped so no value in the data can close the <script> that holds it.
        text = json.dumps(spec, separators=(",", ":")).replace("<", "\\u003c")
        name = f"figure-{self.count}"
        return (f'<div class="chart" data-figure="{name}"></div>'
                f'<script type="application/json" id="{name}">{text}</script>')

    def library(self) -> str:
        if not self.count:
            return ""
        return (f'<script type="application/octet-stream" id="plotly-js-gzip">{packed_plotly_js()}</script>'
                f"<script>{LOADER}</script>")


PAPERS = ("A4", "Letter")


def _health(health) -> str:
    """The data-health notes: what the checks found in the extracts behind these numbers."""
    if health is None:
        return ""
    errors, warnings = len(health.errors), len(health.warnings)
    parts = ["<h2>Data health</h2>"]
    if not health.findings:
        parts.append(f"<p>Every check of the extracts passed ({len(health.checks_run)} checks).</p>")
        return "".join(parts)
    parts.append(f"<p>{errors} error{'' if errors == 1 else 's'} and {warnings} warning{'' if warnings == 1 else 's'} "
                 "in the extracts behind these numbers (<code>python -m dashboard validate</code> lists them with "
                 "example rows):</p>")
    rows = []
    for finding in health.findings:
        where = finding.table + (f".{finding.column}" if finding.column else "")
        count = f"{finding.count:,}" if finding.count else ""
        rows.append(f'<tr><td class="{_e(finding.severity)}">{_e(finding.severity)}</td><td>{_e(where)}</td>'
                    f"<td>{_e(count)}</td><td>{_e(finding.message)}</td></tr>")
    parts.append('<table class="health"><thead><tr><th>Severity</th><th>Where</th><th>Records</th><th>What to do</th>'
                 f"</tr></thead><tbody>{''.join(rows)}</tbody></table>")
    return "".join(parts)


def render_report(review: MonthlyReview, health=None, paper: str | None = None) -> str:
    """The review as HTML; `health` (a data-health report) adds its notes; `paper` lays it out for print."""
    if paper is not None and paper not in PAPERS:
        raise ValueError(f"paper must be one of {', '.join(PAPERS)}, got {paper!r}")
    chart = _Charts(CHART_WIDTH_ON_PAPER if paper else None)
    att = review.attainment
    style = STYLE + (PRINT_STYLE % {"paper": paper} if paper else "")
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{_e(title(review))} · {_e(review.company)}</title>",
        f"<style>{style}</style></head><body>",
        f"<h1>{_e(title(review))}</h1>",
        f'<p class="meta">{_e(subtitle(review))}</p>',
        f"<p>{_e(review.sla_statement)}</p>",
    ]
    notes = health_notes(health.tables if health is not None else (), review.cutoff)
    review = judged_with_health(review, notes)
    warnings = "".join(f'<p class="health-note">{_e(note)}</p>' for note in notes.notes)
    lines = trusted_headlines(review, notes.undermined)
    if lines:
        items = "".join(f"<li>{_e(line)}</li>" for line in lines)
        parts.append(f'<h2>Headlines</h2><ul class="headlines">{items}</ul>')
    parts.append(warnings)
    parts.append("<h2>Goal attainment</h2>")
    if att is None:
        parts.append('<p class="note">No quota applies to this month.</p>')
    parts.append(_figures(review))
    if att is not None:
        parts.append(chart(review_charts.cumulative_figure(review)))
        table = forecast_table(review)
        if table is not None:
            parts.append("<h3>How the forecast is made</h3>"
                         + "".join(f"<p>{_e(note)}</p>" for note in forecast_notes(review)))
            parts.append(_table(table, status_column=None))
        parts.append(f"<h3>{_e(att.sla_name)} month by month</h3>")
        parts.append(_table(period_months_table(review), status_column=None))
    for note in review.notes:
        parts.append(f'<p class="note">{_e(note)}</p>')

    parts.append('<h2 class="page">Funnel against the SLA targets</h2>' + warnings)
    columns = [f"<div><h3>{_e(f'{review.month:%B %Y}')}</h3>{_table(funnel_table(review.funnel_month))}</div>"]
    if review.funnel_period:
        label = f"{review.sla.name} to date ({review.sla.start:%d %b} – {review.cutoff:%d %b %Y})"
        columns.append(f"<div><h3>{_e(label)}</h3>{_table(funnel_table(review.funnel_period))}</div>")
    parts.append(f'<div class="columns">{"".join(columns)}</div>')
    if review.sales_sourced_won:
        parts.append(f'<p class="note">Won deals include {review.sales_sourced_won:,} with no lead in the extract '
                     "(sales-sourced, or opened before the data starts).</p>")

    parts.append('<h2 class="page">KPI scorecard</h2>' + warnings)
    parts.append(_table(scorecard_table(review.scorecard, review.currency)))

    parts.append('<h2 class="page">Trends</h2>')
    parts.append(chart(review_charts.trend_figure(review.trend, review.month)))
    parts.append(chart(review_charts.durations_figure(review.durations, review.sales_cycle_target)))
    parts.append(_table(durations_table(review), status_column=None))
    # The data-health notes and the colophon stay together, so neither ends up alone on a page.
    parts.append('<div class="closing">' + _health(health))
    parts.append('<p class="note">Made by <code>python -m dashboard report</code> from the extracts and the SLA '
                 "config; the same numbers as the monthly review page and <code>python -m dashboard kpis</code>.</p></div>")
    parts.append(chart.library())
    parts.append("</body></html>")
    return "\n".join(parts)


SUMMARY_STYLE = ("font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;color:#212121;"
                 "max-width:640px;line-height:1.45")


def render_summary(review: MonthlyReview) -> tuple[str, str]:
    """The short summary an email carries: the headlines and the attainment figures, as
    (plain text, HTML). No script and no chart: mail clients show neither."""
    figures = attainment_figures(review)
    text = [title(review), subtitle(review), review.sla_statement, ""]
    text += [f"- {line}" for line in review.headlines]
    text += [""] + [f"{figure.label}: {figure.value}" + (f" ({figure.delta})" if figure.delta else "") for figure in figures]
    text += ["", "The full review is attached as a PDF."]
    rows = "".join(f'<tr><td style="padding:2px 12px 2px 0;color:#616161">{_e(figure.label)}</td>'
                   f'<td style="padding:2px 12px 2px 0;font-weight:600">{_e(figure.value)}</td>'
                   f'<td style="color:#616161">{_e(figure.delta or "")}</td></tr>' for figure in figures)
    items = "".join(f"<li>{_e(line)}</li>" for line in review.headlines)
    page = (f'<!DOCTYPE html><html lang="en"><body style="{SUMMARY_STYLE}"><h2>{_e(title(review))}</h2>'
            f'<p style="color:#616161">{_e(subtitle(review))}</p><p>{_e(review.sla_statement)}</p>'
            + (f"<ul>{items}</ul>" if items else "") + f"<table>{rows}</table>"
            "<p>The full review is attached as a PDF.</p></body></html>")
    return "\n".join(text) + "\n", page


def summary_message(review: MonthlyReview, recipients, pdf: bytes, filename: str):
    """The email: the summary, and the review's PDF attached."""
    from dashboard.core.mail import build_message

    text, page = render_summary(review)
    return build_message(f"{title(review)} · {review.company}", recipients, text, page,
                         attachments=[(filename, pdf, "application/pdf")])
