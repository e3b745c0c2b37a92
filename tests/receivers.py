"""Real local services for the delivery tests: an HTTP webhook receiver and an SMTP server
(aiosmtpd) with STARTTLS and a login, both on 127.0.0.1, started and stopped by the tests."""

from __future__ import annotations

import json
import socket
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


@dataclass
class WebhookReceiver:
    """Records every POST; answers 500 to the first `fail_first` of them (or all, with fail_all)."""

    fail_first: int = 0
    fail_all: bool = False
    requests: list[dict] = field(default_factory=list)
    attempts: int = 0

    def __post_init__(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                receiver.attempts += 1
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if receiver.fail_all or receiver.attempts <= receiver.fail_first:
                    self.send_response(500)
                    self.end_headers()
                    return
                receiver.requests.append({"path": self.path, "content_type": self.headers.get("Content-Type"),
                                          "body": json.loads(body)})
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks/sla"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1, made with the openssl command."""
    key, cert = folder / "smtp_key.pem", folder / "smtp_cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return key, cert


class SmtpServer:
    """aiosmtpd on 127.0.0.1 requiring STARTTLS and the login `user`/`password`; keeps every message."""

    def __init__(self, folder: Path, user: str = "reports", password: str = "s3cret") -> None:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult, LoginPassword

        key, self.certificate = self_signed_certificate(folder)
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificate, key)
        self.messages: list[dict] = []
        server = self

        class Handler:
            async def handle_DATA(self, smtp, session, envelope):  # noqa: N802 (aiosmtpd's name)
                server.messages.append({"from": envelope.mail_from, "to": list(envelope.rcpt_tos),
                                        "authenticated": session.authenticated,
                                        "message": message_from_bytes(envelope.content, policy=policy.default)})
                return "250 OK"

        def authenticate(smtp, session, envelope, mechanism, data):
            ok = isinstance(data, LoginPassword) and (data.login, data.password) == (user.encode(), password.encode())
            # The refusal is spelled out: aiosmtpd 1.4's default one leaves the client waiting.
            return AuthResult(success=ok, handled=False,
                              message=None if ok else "535 5.7.8 Authentication credentials invalid")

        self.port = free_port()
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, tls_context=context,
                                     require_starttls=True, authenticator=authenticate, auth_require_tls=True,
                                     auth_exclude_mechanism=["LOGIN"])  # one mechanism: one refusal to read
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()
