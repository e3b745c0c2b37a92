"""The report's data-health notes, its print layout and the email summary, as HTML (the PDF and the
real SMTP server are in tests/e2e/test_report_pdf.py)."""

import argparse
from pathlib import Path

import pytest

from dashboard.data_health.checks import ERROR, WARNING, Finding, ValidationReport
from dashboard.review.cli import build_review
from dashboard.review.report import render_report, render_summary, summary_message
from tests.companies.review_company import write_reset_company


@pytest.fixture
def review(tmp_path):
    config = write_reset_company(tmp_path / "extracts")
    args = argparse.Namespace(config=config, month="2026-03", channel=None, segment=None, team=None)
    return build_review(args)


def health(*findings) -> ValidationReport:
    return ValidationReport(config_path=Path("sla_config.toml"), data_folder=None, as_of=None, as_of_source=None,
                            data_span=None, findings=tuple(findings), checks_run=("a", "b"))


def test_the_data_health_notes_list_each_finding_escaped(review):
    page = render_report(review, health(
        Finding("orphan_lead", WARNING, "deals", "lead_id", 3, "3 deals name a lead <missing>; check the export"),
        Finding("duplicate_ids", ERROR, "leads", "lead_id", 2, "2 lead ids repeat"),
    ))
    assert "<h2>Data health</h2>" in page
    assert "1 error and 1 warning in the extracts behind these numbers" in page
    assert "<td>deals.lead_id</td><td>3</td><td>3 deals name a lead &lt;missing&gt;; check the export</td>" in page
    assert "Every check of the extracts passed (2 checks)." in render_report(review, health())
    assert "Data health" not in render_report(review)


def test_on_paper_sections_start_a_page_and_charts_have_a_fixed_width(review):
    page = render_report(review, health(), paper="Letter")
    assert "@page { size: Letter;" in page
    assert page.count('<h2 class="page">') == 3  # the funnel, the scorecard and the trends
    assert '"width":680' in page and '"staticPlot":true' in page
    with pytest.raises(ValueError, match="paper must be one of A4, Letter"):
        render_report(review, paper="A3")


def test_the_email_summary_has_the_headlines_and_figures_and_no_script(review):
    text, page = render_summary(review)
    for line in review.headlines:
        assert line in text
    assert "Won in March" in text and "The full review is attached as a PDF." in text
    assert "<script" not in page and "Hand &amp; Co &lt;b&gt;" in page
    message = summary_message(review, ["vp@hand.example"], b"%PDF-1.4 fake", "review-2026-03.pdf")
    assert message["To"] == "vp@hand.example" and message["Subject"] == "Monthly review: March 2026 · Hand & Co <b>"
    (attachment,) = list(message.iter_attachments())
    assert attachment.get_filename() == "review-2026-03.pdf" and attachment.get_content() == b"%PDF-1.4 fake"
