"""The monthly review as a PDF, and by email: printed by a real headless Chromium, sent to a real
SMTP server (aiosmtpd, STARTTLS and a login) started on 127.0.0.1, and read back."""

import shutil
import subprocess

import pytest

from dashboard.cli import main
from tests.receivers import SmtpServer
from tests.companies.review_company import write_reset_company


@pytest.fixture
def reset_config(tmp_path, monkeypatch):
    path = write_reset_company(tmp_path / "extracts")
    monkeypatch.setenv("SLA_CONFIG", str(path))
    return path


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout


def pdf_pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def test_the_pdf_is_printed_with_page_breaks_and_the_data_health_notes(reset_config, tmp_path, capsys):
    pdf = tmp_path / "review.pdf"
    assert main(["report", "--config", str(reset_config), "--month", "2026-03", "--pdf", str(pdf)]) == 0
    assert f"wrote {pdf}" in capsys.readouterr().out
    assert pdf.read_bytes().startswith(b"%PDF-")
    text = pdf_text(pdf)
    assert "Monthly review: March 2026" in text and "Hand & Co <b>" in text
    for section in ("Goal attainment", "Funnel against the SLA targets", "KPI scorecard", "Trends", "Data health"):
        assert section in text, section
    # sections that start a page: the funnel, the scorecard and the trends each open one
    pages = text.split("\f")
    assert pdf_pages(pdf) == len([page for page in pages if page.strip()]) >= 4
    assert any(page.lstrip().startswith("Funnel against the SLA targets") for page in pages)
    assert any(page.lstrip().startswith("KPI scorecard") for page in pages)
    assert "page 1 of" in text  # the footer
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")], check=True)
        assert (tmp_path / "page-1.png").stat().st_size > 5_000  # something was drawn


def test_letter_paper_is_letter_sized(reset_config, tmp_path):
    pdf = tmp_path / "review.pdf"
    assert main(["report", "--config", str(reset_config), "--month", "2026-03", "--pdf", str(pdf), "--paper", "Letter"]) == 0
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    assert "612 x 792 pts (letter)" in info


def test_the_review_is_emailed_with_its_pdf_and_a_summary(reset_config, tmp_path, monkeypatch, capsys):
    smtp = SmtpServer(tmp_path)
    try:
        config = reset_config.read_text(encoding="utf-8") + (
            f'\n[email]\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\nuser = "reports"\n'
            f'from = "sla@hand.example"\nca_file = "{smtp.certificate.as_posix()}"\n')
        reset_config.write_text(config, encoding="utf-8")
        monkeypatch.setenv("SLA_SMTP_PASSWORD", "s3cret")
        assert main(["report", "--config", str(reset_config), "--month", "2026-03",
                     "--email", "board@hand.example", "--email", "vp@hand.example"]) == 0
        assert "sent the review for March 2026 to board@hand.example, vp@hand.example" in capsys.readouterr().out
        (received,) = smtp.messages
        assert received["authenticated"] and received["to"] == ["board@hand.example", "vp@hand.example"]
        message = received["message"]
        assert message["Subject"] == "Monthly review: March 2026 · Hand & Co <b>"
        assert message["From"] == "sla@hand.example"
        html_part = message.get_body(("html",)).get_content()
        assert "Hand &amp; Co &lt;b&gt;" in html_part and "<script" not in html_part
        assert "Won in March" in message.get_body(("plain",)).get_content()
        (attachment,) = list(message.iter_attachments())
        assert attachment.get_filename() == "review-2026-03.pdf" and attachment.get_content_type() == "application/pdf"
        saved = tmp_path / "received.pdf"
        saved.write_bytes(attachment.get_content())
        assert "Monthly review: March 2026" in pdf_text(saved)
    finally:
        smtp.stop()


def test_a_wrong_password_is_reported_without_a_traceback(reset_config, tmp_path, monkeypatch, capsys):
    smtp = SmtpServer(tmp_path)
    try:
        reset_config.write_text(reset_config.read_text(encoding="utf-8") + (
            f'\n[email]\nsmtp_host = "127.0.0.1"\nsmtp_port = {smtp.port}\nuser = "reports"\n'
            f'from = "sla@hand.example"\nca_file = "{smtp.certificate.as_posix()}"\n'), encoding="utf-8")
        monkeypatch.setenv("SLA_SMTP_PASSWORD", "wrong")
        assert main(["report", "--config", str(reset_config), "--month", "2026-03", "--email", "vp@hand.example"]) == 2
        err = capsys.readouterr().err
        assert "refused the login of 'reports'" in err and "SLA_SMTP_PASSWORD" in err and "Traceback" not in err
        assert smtp.messages == []
    finally:
        smtp.stop()


def test_the_html_report_draws_its_charts_in_a_browser(reset_config, tmp_path, browser):
    out = tmp_path / "review.html"
    assert main(["report", "--config", str(reset_config), "--month", "2026-03", "--out", str(out)]) == 0
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    try:
        page.route("**/*", lambda route: route.abort() if not route.request.url.startswith("file:") else route.continue_())
        page.goto(out.as_uri())
        page.wait_for_function("document.body.dataset.charts !== undefined", timeout=60_000)
        assert page.evaluate("document.body.dataset.charts") == "drawn"
        assert page.locator("div.chart .main-svg").count() >= 3
    finally:
        page.close()
