"""A real SMTP server for the sending tests: aiosmtpd on loopback, TLS and AUTH required.

:func:`running_smtp` starts aiosmtpd's :class:`~aiosmtpd.controller.Controller` on 127.0.0.1
and a free port, either with STARTTLS (the session begins in clear text; AUTH and mail only
after STARTTLS) or with implicit TLS (``security="TLS"``, TLS from the first byte). The
certificate is the one tests/imapserver.py makes (a small CA and a server certificate for
127.0.0.1), so the client verifies the server against the CA file (``THEODOI_SMTP_CAFILE``).

Every message the server accepted is kept as the bytes the client sent (``accepted``).
``drop_at = n`` makes the server close the connection when the n-th message's data has
arrived, before it replies: the client never learns whether the message went, and the server
does not keep it (a server that goes away mid-batch).
"""

from __future__ import annotations

import contextlib
import ssl
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from imapserver import _certificates, _free_port

USER = "vptu@dienbien.test"
PASSWORD = "Mật-khẩu gửi 456"  # non-ASCII on purpose: AUTH PLAIN must carry UTF-8


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes


@dataclass
class SmtpServer:
    host: str
    port: int
    security: str
    cafile: Path
    accepted: list[Received] = field(default_factory=list)
    drop_at: int = 0  # the n-th DATA (counted from 1 over the server's life) is dropped
    datas: int = 0

    def env(self) -> dict[str, str]:
        return {
            "THEODOI_SMTP_USER": USER,
            "THEODOI_SMTP_PASSWORD": PASSWORD,
            "THEODOI_SMTP_CAFILE": str(self.cafile),
        }

    def config(self) -> dict[str, str]:
        return {
            "smtp_host": self.host,
            "smtp_port": str(self.port),
            "smtp_security": self.security,
            "smtp_user": USER,
            "smtp_sender": USER,
            "mail_pause_seconds": "0",
        }


class _Handler:
    def __init__(self, server: SmtpServer) -> None:
        self.server = server

    async def handle_DATA(self, smtp: Any, session: Any, envelope: Any) -> str:
        self.server.datas += 1
        if self.server.datas == self.server.drop_at:
            smtp.transport.close()
            return "421 dropped"  # never reaches the client: the connection is gone
        self.server.accepted.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
        )
        return "250 OK: queued as test-" + str(self.server.datas)


def _authenticator(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
    ok = (
        isinstance(data, LoginPassword)
        and data.login.decode("utf-8") == USER
        and data.password.decode("utf-8") == PASSWORD
    )
    return AuthResult(success=ok, handled=False)


@contextlib.contextmanager
def running_smtp(security: str = "STARTTLS") -> Iterator[SmtpServer]:
    with tempfile.TemporaryDirectory(prefix="theodoi-smtp-") as tmp:
        cafile, cert, key = _certificates(Path(tmp))
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(cert, key)
        port = _free_port()
        server = SmtpServer("127.0.0.1", port, security, cafile)
        options: dict[str, Any] = {
            "authenticator": _authenticator,
            "auth_required": True,
        }
        if security == "TLS":
            options["ssl_context"] = ctx
            # aiosmtpd only counts STARTTLS as encryption; this whole connection is TLS.
            options["auth_require_tls"] = False
        else:
            options["tls_context"] = ctx
            options["require_starttls"] = True
        controller = Controller(
            _Handler(server), hostname="127.0.0.1", port=port, server_hostname="127.0.0.1",
            **options,
        )  # fmt: skip
        controller.start()
        try:
            yield server
        finally:
            controller.stop()
