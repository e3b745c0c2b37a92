"""`python -m dashboard kpis` and `python -m dashboard report`: the monthly review outside the
browser, from the same `review.monthly_review` the page caches."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dashboard.core.config import DEFAULT_CONFIG_PATH, load_config
from dashboard.data import Database
from dashboard.facts.build import use_facts_on_disk
from dashboard.funnel.domain import Filters
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
    parser.add_argument("--out", type=Path, help="the HTML file to write (default: review-YYYY-MM.html)")


def build_review(args: argparse.Namespace) -> MonthlyReview:
    """Load the config and data and build the review; ReviewError says what is wrong."""
    database = Database(load_config(args.config))
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
        return monthly_review(database, month, filters, months)
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
        review = build_review(args)
    except ReviewError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    from dashboard.review.report import render_report

    out = args.out or Path(f"review-{review.month:%Y-%m}.html")
    try:
        out.write_text(render_report(review), encoding="utf-8")
    except OSError as error:
        print(f"error: cannot write {out}: {error.strerror or error}; pass --out with a writable path", file=sys.stderr)
        return 2
    print(f"wrote {out} ({out.stat().st_size / 1_000_000:.1f} MB): monthly review for {review.month:%B %Y}")
    return 0
