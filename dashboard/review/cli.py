"""`python -m dashboard kpis` and `python -m dashboard report`: the monthly review outside the
browser, from the same `review.monthly_review` the page caches. `report` writes the HTML file,
the PDF (`--pdf`, printed by Chromium) and/or emails the PDF with a summary (`--email`)."""

from __future__ import annotations

import argparse
import html
import json
import sys
from pathlib import Path

from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config
from dashboard.data import new_database
from dashboard.facts.build import use_facts_on_disk
from dashboard.funnel.domain import Filters
from dashboard.review.report import PAPERS
from dashboard.review.data import MonthlyReview, ReviewError, monthly_review, parse_month, review_months, review_payload


def add_common_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--month", help="the month to review, YYYY-MM (default: the last complete month in the data)")
    parser.add_argument("--config", type=Path, default=DEFAULT_CONFIG_PATH,
                        help="SLA config (default: sla_config.toml)")
    parser.add_argument("--channel", help="only leads and deals of this channel")
    parser.add_argument("--segment", help="only leads and deals of this segment")
    parser.add_argument("--team", help="only leads and deals owned by this sales team")


def add_kpis_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")


def add_report_arguments(parser: argparse.ArgumentParser) -> None:
    add_common_arguments(parser)
    parser.add_argument("--out", type=Path, help="the HTML file to write (default: review-YYYY-MM.html, "
                                                  "unless --pdf or --email is given)")
    parser.add_argument("--pdf", type=Path, metavar="FILE", help="also write the review as a print-ready PDF")
    parser.add_argument("--paper", choices=PAPERS, default="A4", help="the PDF's paper size (default: A4)")
    parser.add_argument("--email", action="append", default=[], metavar="ADDRESS",
                        help="send the PDF and a summary of the headlines to this address (repeatable); "
                             "SMTP from [email] in the config or SLA_SMTP_* in the environment")


def build_review(args: argparse.Namespace, with_health: bool = False):
    """Load the config and data and build the review (and, `with_health`, the data-health report
    of the same extracts); ReviewError says what is wrong."""
    database = new_database(load_config(args.config))
    use_facts_on_disk(database)
    try:
        for problem in database.catalog.problems:
            print(f"warning: {problem.table}: {problem.message}", file=sys.stderr)
        months = review_months(database)
        if not months.months:
            raise ReviewError(f"the extracts in {database.config.data.folder} hold no dated leads, traffic or closed "
                              "deals; check [data] in the config")
        month = parse_month(args.month) if args.month else months.default
        filters = Filters(channel=args.channel, segment=args.segment, team=args.team)
        review = monthly_review(database, month, filters, months)
        if not with_health:
            return review
        from dashboard.data_health.checks import validate

        return review, validate(database)
    finally:
        database.close()


def run_kpis(args: argparse.Namespace) -> int:
    try:
        review = build_review(args)
    except ReviewError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    payload = review_payload(review)
    if args.json:
        print(json.dumps(payload, indent=2, ensure_ascii=False))
        return 0
    from dashboard.review.view import attainment_figures, funnel_table, scorecard_table, subtitle, title

    print(title(review))
    print(subtitle(review))
    print(review.sla_statement)
    print()
    for line in review.headlines:
        print(f"- {line}")
    print()
    for figure in attainment_figures(review):
        print(f"{figure.label}: {figure.value}" + (f" ({figure.delta})" if figure.delta else ""))
    for note in review.notes:
        print(f"note: {note}")
    print()
    print(funnel_table(review.funnel_month).to_string(index=False))
    print()
    print(scorecard_table(review.scorecard, review.currency).drop(columns=["Teams"]).to_string(index=False))
    return 0


def run_report(args: argparse.Namespace) -> int:
    try:
        review, health = build_review(args, with_health=True)
    except ReviewError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from dashboard.review.report import render_report

    written = []
    out = args.out or (None if args.pdf or args.email else Path(f"review-{review.month:%Y-%m}.html"))
    if out is not None:
        if not _write(out, render_report(review, health).encode("utf-8")):
            return 2
        written.append(out)
    pdf = None
    if args.pdf or args.email:
        from dashboard.review.pdf import PdfError, html_to_pdf

        try:
            pdf = html_to_pdf(render_report(review, health, paper=args.paper), args.paper, footer=_footer(review))
        except PdfError as error:
            print(f"error: {error}", file=sys.stderr)
            return 2
    if args.pdf:
        if not _write(args.pdf, pdf):
            return 2
        written.append(args.pdf)
    for path in written:
        print(f"wrote {path} ({_size(path.stat().st_size)}): monthly review for {review.month:%B %Y}")
    if args.email:
        from dashboard.core.mail import MailError, mail_settings, send_mail
        from dashboard.review.report import summary_message

        config = load_config(args.config)
        try:
            message = summary_message(review, args.email, pdf, f"review-{review.month:%Y-%m}.pdf")
            send_mail(mail_settings(config.email), message)
        except MailError as error:
            print(f"error: the review was not sent: {error}", file=sys.stderr)
            return 2
        print(f"sent the review for {review.month:%B %Y} to {', '.join(args.email)}")
    return 0


def _footer(review: MonthlyReview) -> str:
    return html.escape(f"{review.company} · monthly review {review.month:%B %Y} · data as of {review.as_of:%d %b %Y}")


def _size(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB" if size >= 100_000 else f"{size / 1_000:.0f} kB"


def _write(path: Path, content: bytes) -> bool:
    try:
        path.write_bytes(content)
    except OSError as error:
        print(f"error: cannot write {path}: {error.strerror or error}; give a writable path", file=sys.stderr)
        return False
    return True
