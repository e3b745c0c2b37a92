"""The [email] section: the SMTP server the report and the alerts send through, with the
environment on top and the password from the environment only."""

import pytest

from dashboard.core.config import DEFAULT_CONFIG_PATH, ConfigError, load_config
from dashboard.core.mail import MailError, MailSettings, mail_settings

SAMPLE = DEFAULT_CONFIG_PATH.read_text(encoding="utf-8")


def load(tmp_path, extra: str):
    path = tmp_path / "sla_config.toml"
    path.write_text(SAMPLE.replace('folder = "data/sample"', f'folder = "{DEFAULT_CONFIG_PATH.parent / "data/sample"}"')
                    + extra, encoding="utf-8")
    return load_config(path)


def test_the_smtp_password_is_refused_in_the_config(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, '\n[email]\nsmtp_host = "smtp.example.com"\npassword = "hunter2"\n')
    assert any(problem.startswith("email.password: never put the SMTP password in the config file")
               and "SLA_SMTP_PASSWORD" in problem for problem in caught.value.problems), caught.value.problems


@pytest.mark.parametrize("extra, expected", [
    ("smtp_port = 0", "email.smtp_port: must be a port number"),
    ('from = "reports"', "email.from: must be an email address"),
    ('ca_file = "no/such.pem"', "email.ca_file:"),
    ('smtp_hots = "x"', "email.smtp_hots: unknown key; did you mean 'smtp_host'?"),
])
def test_a_bad_email_setting_names_its_key(tmp_path, extra, expected):
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, f'\n[email]\nsmtp_host = "smtp.example.com"\n{extra}\n')
    assert any(problem.startswith(expected) for problem in caught.value.problems), caught.value.problems


def test_email_settings_load_with_defaults(tmp_path):
    config = load(tmp_path, '\n[email]\nsmtp_host = "smtp.example.com"\nuser = "reports@example.com"\n')
    assert config.email == MailSettings(host="smtp.example.com", port=587, starttls=True, user="reports@example.com")


def test_the_environment_sets_or_overrides_each_setting_and_holds_the_password():
    configured = MailSettings(host="smtp.example.com", user="reports@example.com")
    settings = mail_settings(configured, {"SLA_SMTP_HOST": "127.0.0.1", "SLA_SMTP_PORT": "2525",
                                          "SLA_SMTP_STARTTLS": "false", "SLA_SMTP_PASSWORD": "s3cret"})
    assert (settings.host, settings.port, settings.starttls, settings.user, settings.password) == (
        "127.0.0.1", 2525, False, "reports@example.com", "s3cret")
    assert mail_settings(None, {}).host is None
    with pytest.raises(MailError, match="SLA_SMTP_PORT must be a port number"):
        mail_settings(None, {"SLA_SMTP_PORT": "smtp"})


def test_a_server_that_is_not_there_is_named_in_the_error():
    from dashboard.core.mail import build_message, send_mail
    from tests.receivers import free_port

    settings = MailSettings(host="127.0.0.1", port=free_port(), starttls=False, sender="sla@example.com")
    with pytest.raises(MailError, match=r"cannot reach the SMTP server 127\.0\.0\.1:\d+"):
        send_mail(settings, build_message("subject", ["vp@example.com"], "text"))
    with pytest.raises(MailError, match="no SMTP server"):
        send_mail(MailSettings(), build_message("subject", ["vp@example.com"], "text"))
    with pytest.raises(MailError, match="SLA_SMTP_PASSWORD is not set"):
        send_mail(MailSettings(host="127.0.0.1", user="reports", sender="a@b.c"), build_message("s", ["v@e.c"], "t"))
