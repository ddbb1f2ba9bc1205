"""Sending mail over SMTP with STARTTLS or implicit TLS: settings, credentials, connection.

As for the mailbox (:mod:`xladdin.io.imap_io`), the password never comes from the workbook:
``THEODOI_SMTP_PASSWORD``, else the operating system's password store under the service
name ``theodoi-smtp`` (``keyring set theodoi-smtp <user>``). The account name is in "Cấu
hình" ("Tài khoản gửi thư"), or ``THEODOI_SMTP_USER``. Mail is never sent unencrypted: the
connection is TLS from the start, or STARTTLS before the login.

Every failure to reach or use the server becomes a :class:`~xladdin.core.errors.MailboxError`
naming the host and the cause in Vietnamese; the password never appears in a message.
"""

from __future__ import annotations

import base64
import contextlib
import os
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import EmailMessage

from ..core.errors import MailboxError
from ..core.model import nfc
from .imap_io import Credentials, describe_cause, keyring_login, tls_context

ENV_USER = "THEODOI_SMTP_USER"
ENV_PASSWORD = "THEODOI_SMTP_PASSWORD"
ENV_CAFILE = "THEODOI_SMTP_CAFILE"  # a CA bundle to trust: a test server or an office CA
KEYRING_SERVICE = "theodoi-smtp"
TIMEOUT = 60.0
SECURITY = ("STARTTLS", "TLS")


def _int(config: Mapping[str, str], key: str, label: str, default: int, low: int, high: int) -> int:
    text = nfc(config.get(key)) or str(default)
    try:
        value = int(float(text))
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise MailboxError(
            f"Ô “{label}” ở trang “Cấu hình” không hợp lệ: “{text}” (cần một số từ {low} "
            f"đến {high})."
        )
    return value


@dataclass(frozen=True)
class SmtpSettings:
    """The sending part of "Cấu hình" (no password there)."""

    host: str
    port: int = 587
    security: str = "STARTTLS"
    user: str = ""
    sender: str = ""
    pause: float = 2.0  # seconds between two messages
    max_per_run: int = 100

    @classmethod
    def from_config(cls, config: Mapping[str, str]) -> SmtpSettings:
        security = (nfc(config.get("smtp_security")) or "STARTTLS").upper()
        if security not in SECURITY:
            raise MailboxError(
                f"Ô “Kiểu mã hóa khi gửi thư” ở trang “Cấu hình” phải là STARTTLS hoặc TLS "
                f"(đang là “{nfc(config.get('smtp_security'))}”)."
            )
        port = _int(
            config,
            "smtp_port",
            "Cổng máy chủ gửi thư",
            587 if security == "STARTTLS" else 465,
            1,
            65535,
        )
        user = nfc(config.get("smtp_user"))
        return cls(
            host=nfc(config.get("smtp_host")),
            port=port,
            security=security,
            user=user,
            sender=nfc(config.get("smtp_sender")) or user,
            pause=_int(config, "mail_pause_seconds", "Số giây nghỉ giữa hai thư", 2, 0, 600),
            max_per_run=_int(
                config, "mail_max_per_run", "Số thư gửi tối đa mỗi lần", 100, 1, 10000
            ),
        )

    @property
    def enabled(self) -> bool:
        return bool(self.host)

    def require(self) -> None:
        """Raise when the settings cannot send (no server, no sender address)."""
        if not self.host:
            raise MailboxError(
                "Chưa điền ô “Máy chủ gửi thư (SMTP)” ở trang “Cấu hình” nên chưa gửi được thư. "
                "Điền máy chủ (hoặc dùng lệnh theodoi config smtp_host TÊN_MÁY_CHỦ), hoặc xem "
                "trước thư bằng --dry-run."
            )
        if "@" not in self.sender:
            raise MailboxError(
                "Chưa có địa chỉ thư gửi đi: điền ô “Địa chỉ thư gửi đi” hoặc “Tài khoản gửi "
                "thư” ở trang “Cấu hình” bằng một địa chỉ thư điện tử."
            )


def credentials(settings: SmtpSettings, env: Mapping[str, str] | None = None) -> Credentials:
    """Environment variables first, then the OS password store."""
    env = os.environ if env is None else env
    user = (env.get(ENV_USER) or "").strip() or settings.user
    password = env.get(ENV_PASSWORD) or ""
    if user and password:
        return Credentials(user, password)
    found = keyring_login(KEYRING_SERVICE, user or None)
    if found is not None:
        return Credentials(*found)
    who = f"tài khoản gửi thư {user}" if user else "tài khoản gửi thư"
    raise MailboxError(
        f"Chưa có mật khẩu {who}. Đặt biến môi trường {ENV_PASSWORD}, hoặc lưu mật khẩu vào "
        f"kho mật khẩu của hệ điều hành bằng lệnh “keyring set {KEYRING_SERVICE} "
        "TÊN_ĐĂNG_NHẬP”, và điền ô “Tài khoản gửi thư” ở trang “Cấu hình”. Không ghi mật khẩu "
        "vào sổ theo dõi."
    )


def smtp_error(settings: SmtpSettings, exc: BaseException, secret: str = "") -> MailboxError:
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        cause = "đăng nhập bị từ chối: sai tài khoản hoặc mật khẩu"
    elif isinstance(exc, smtplib.SMTPServerDisconnected):
        cause = "kết nối bị ngắt giữa chừng"
    elif isinstance(exc, smtplib.SMTPNotSupportedError):
        cause = "máy chủ không hỗ trợ STARTTLS; thử kiểu mã hóa TLS (cổng 465)"
    elif isinstance(exc, smtplib.SMTPResponseException):
        raw = exc.smtp_error
        text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw or "")
        if secret:
            text = text.replace(secret, "***")
        cause = f"máy chủ báo lỗi {exc.smtp_code}: {text}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        cause = "máy chủ từ chối mọi địa chỉ người nhận"
    else:
        cause = describe_cause(exc, secret)
    return MailboxError(f"Không gửi được thư qua máy chủ {settings.host}:{settings.port}: {cause}.")


# What goes wrong on the wire while a session is open.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (smtplib.SMTPException, OSError)
CONNECT_ERRORS: tuple[type[BaseException], ...] = (*NETWORK_ERRORS, UnicodeError)


class SmtpSession:
    """A logged-in SMTP connection; :meth:`send` returns the server's reply."""

    def __init__(self, client: smtplib.SMTP, settings: SmtpSettings, secret: str) -> None:
        self.client = client
        self.settings = settings
        self._secret = secret

    def send(self, msg: EmailMessage, recipients: list[str]) -> str:
        """Send ``msg`` to ``recipients``; the server's reply to the data ("250 …").

        Raises MailboxError when the server did not accept the message."""
        try:
            refused = self.client.send_message(msg, self.settings.sender, recipients)
        except NETWORK_ERRORS as exc:
            raise smtp_error(self.settings, exc, self._secret) from None
        text = _last_reply(self.client)
        if refused:
            text += " (máy chủ từ chối: " + ", ".join(sorted(refused)) + ")"
        return text


def _last_reply(client: smtplib.SMTP) -> str:
    """The reply smtplib kept of the last command (the end of DATA)."""
    reply = getattr(client, "_theodoi_last", None)
    return str(reply) if reply else "250"


class _RecordingSMTP(smtplib.SMTP):
    """Keeps the reply to DATA: the server's own words, recorded in the ledger."""

    def data(self, msg):  # type: ignore[no-untyped-def]
        code, text = super().data(msg)
        self._theodoi_last = f"{code} {text.decode('utf-8', 'replace')}"
        return code, text


class _RecordingSMTPSSL(smtplib.SMTP_SSL):
    def data(self, msg):  # type: ignore[no-untyped-def]
        code, text = super().data(msg)
        self._theodoi_last = f"{code} {text.decode('utf-8', 'replace')}"
        return code, text


def login(client: smtplib.SMTP, creds: Credentials) -> None:
    if creds.user.isascii() and creds.password.isascii():
        client.login(creds.user, creds.password)
        return
    # smtplib encodes AUTH arguments as ASCII; SASL PLAIN carries UTF-8 (RFC 4616), so a
    # Vietnamese password still works.
    token = b"\0" + creds.user.encode("utf-8") + b"\0" + creds.password.encode("utf-8")
    code, reply = client.docmd("AUTH", "PLAIN " + base64.b64encode(token).decode("ascii"))
    if code != 235:
        raise smtplib.SMTPAuthenticationError(code, reply)


@contextlib.contextmanager
def open_smtp(
    settings: SmtpSettings, creds: Credentials | None = None, *, timeout: float = TIMEOUT
) -> Iterator[SmtpSession]:
    """A logged-in, encrypted session; QUIT at the end."""
    settings.require()
    creds = creds or credentials(settings)
    cafile = os.environ.get(ENV_CAFILE) or None
    ctx: ssl.SSLContext = tls_context(True, cafile)
    client: smtplib.SMTP
    try:
        if settings.security == "TLS":
            client = _RecordingSMTPSSL(settings.host, settings.port, timeout=timeout, context=ctx)
            client.ehlo()
        else:
            client = _RecordingSMTP(settings.host, settings.port, timeout=timeout)
            client.ehlo()
            client.starttls(context=ctx)
            client.ehlo()
        login(client, creds)
    except CONNECT_ERRORS as exc:
        raise smtp_error(settings, exc, creds.password) from None
    try:
        yield SmtpSession(client, settings, creds.password)
    finally:
        with contextlib.suppress(Exception):
            client.quit()
        with contextlib.suppress(Exception):
            client.close()
