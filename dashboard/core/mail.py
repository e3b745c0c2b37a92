"""Sending mail over SMTP for the report and the alerts, with the standard library.

Where the server is comes from the config's `[email]` section, and each setting can be set
or overridden in the environment (SLA_SMTP_HOST, SLA_SMTP_PORT, SLA_SMTP_STARTTLS,
SLA_SMTP_USER, SLA_SMTP_FROM). The password is only ever read from SLA_SMTP_PASSWORD: the
config refuses a password key, so it cannot end up in a file that is shared or committed.
"""

from __future__ import annotations

import os
import smtplib
import socket
import ssl
from dataclasses import dataclass, replace
from email.message import EmailMessage
from pathlib import Path
from typing import Mapping, Sequence

PASSWORD_VARIABLE = "SLA_SMTP_PASSWORD"
TIMEOUT_SECONDS = 30


class MailError(RuntimeError):
    """The message could not be sent; says which setting to check."""


@dataclass(frozen=True)
class MailSettings:
    host: str | None = None
    port: int = 587
    starttls: bool = True
    user: str | None = None
    sender: str | None = None  # the From address; default: the user
    ca_file: Path | None = None  # a CA bundle for a server with a private certificate
    password: str | None = None  # from the environment only


def _flag(text: str, name: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("1", "true", "yes", "on"):
        return True
    if lowered in ("0", "false", "no", "off"):
        return False
    raise MailError(f"{name} must be true or false, got {text!r}")


def mail_settings(configured: MailSettings | None, environ: Mapping[str, str] | None = None) -> MailSettings:
    """The config's `[email]` settings with the environment's on top, and the password from it."""
    environ = os.environ if environ is None else environ
    settings = configured or MailSettings()
    changes: dict = {}
    if environ.get("SLA_SMTP_HOST"):
        changes["host"] = environ["SLA_SMTP_HOST"]
    if environ.get("SLA_SMTP_PORT"):
        try:
            changes["port"] = int(environ["SLA_SMTP_PORT"])
        except ValueError:
            raise MailError(f"SLA_SMTP_PORT must be a port number, got {environ['SLA_SMTP_PORT']!r}") from None
    if environ.get("SLA_SMTP_STARTTLS"):
        changes["starttls"] = _flag(environ["SLA_SMTP_STARTTLS"], "SLA_SMTP_STARTTLS")
    if environ.get("SLA_SMTP_USER"):
        changes["user"] = environ["SLA_SMTP_USER"]
    if environ.get("SLA_SMTP_FROM"):
        changes["sender"] = environ["SLA_SMTP_FROM"]
    changes["password"] = environ.get(PASSWORD_VARIABLE) or None
    return replace(settings, **changes)


def send_mail(settings: MailSettings, message: EmailMessage) -> None:
    """Send one message; MailError says what failed and which setting to look at."""
    if not settings.host:
        raise MailError("no SMTP server: set [email] smtp_host in the config or SLA_SMTP_HOST in the environment")
    sender = settings.sender or settings.user
    if not sender:
        raise MailError("no sender address: set [email] from (or user) in the config, or SLA_SMTP_FROM")
    if "From" not in message:
        message["From"] = sender
    if settings.user and not settings.password:
        raise MailError(f"[email] user is {settings.user!r} but {PASSWORD_VARIABLE} is not set in the environment")
    where = f"{settings.host}:{settings.port}"
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS) as smtp:
            if settings.starttls:
                context = ssl.create_default_context(cafile=str(settings.ca_file) if settings.ca_file else None)
                smtp.starttls(context=context)
            if settings.user:
                smtp.login(settings.user, settings.password)
            smtp.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise MailError(f"{where} refused the login of {settings.user!r} ({error.smtp_code}); check [email] user "
                        f"and {PASSWORD_VARIABLE}") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"{where} does not offer STARTTLS; set [email] starttls = false only if the server is on "
                        "a trusted network") from None
    except ssl.SSLError as error:
        raise MailError(f"the TLS handshake with {where} failed ({error.reason or error}); check the server's "
                        "certificate, or [email] ca_file for a private one") from None
    except smtplib.SMTPRecipientsRefused as error:
        raise MailError(f"{where} refused the recipients {', '.join(error.recipients)}") from None
    except smtplib.SMTPException as error:
        raise MailError(f"{where} did not accept the message: {error}") from None
    except (OSError, socket.timeout) as error:
        raise MailError(f"cannot reach the SMTP server {where} ({error.strerror or error}); check [email] "
                        "smtp_host and smtp_port (or SLA_SMTP_HOST / SLA_SMTP_PORT)") from None


def build_message(subject: str, recipients: Sequence[str], text: str, html: str | None = None,
                  attachments: Sequence[tuple[str, bytes, str]] = ()) -> EmailMessage:
    """A message with a plain-text body, an optional HTML alternative and (filename, bytes, MIME type) attachments."""
    message = EmailMessage()
    message["Subject"] = subject
    message["To"] = ", ".join(recipients)
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    for filename, content, mime in attachments:
        maintype, _, subtype = mime.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message
