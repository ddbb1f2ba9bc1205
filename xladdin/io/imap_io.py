"""The office mailbox over IMAP with implicit TLS (IMAPS): settings, credentials, connection.

Credentials never come from the workbook, which is emailed around and opened by many people.
The user name comes from the environment variable ``THEODOI_IMAP_USER``; the password from
``THEODOI_IMAP_PASSWORD`` or, better on an office PC, from the operating system's password store
(Windows Credential Manager, macOS Keychain, Secret Service on Linux) through ``keyring``, under
the service name ``theodoi-imap``: ``keyring set theodoi-imap <user>``.

Every failure to reach or use the server becomes a :class:`MailboxError` naming the host and
the cause in Vietnamese; the password never appears in a message.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import socket
import ssl
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from imapclient import IMAPClient
from imapclient.exceptions import LoginError

from ..core.errors import MailboxError
from ..core.model import nfc, yes_no

ENV_USER = "THEODOI_IMAP_USER"
ENV_PASSWORD = "THEODOI_IMAP_PASSWORD"
# A CA bundle to trust besides (instead of) the system's: a test server or an office CA.
ENV_CAFILE = "THEODOI_IMAP_CAFILE"
KEYRING_SERVICE = "theodoi-imap"
TIMEOUT = 60.0  # seconds per network operation; a return mail of a few MB takes far less
SEEN = b"\\Seen"
DELETED = b"\\Deleted"

# What goes wrong on the wire while a session is open; other OSErrors (disk full while
# writing the inbox) are not the mailbox's fault and are left to the caller.
NETWORK_ERRORS: tuple[type[BaseException], ...] = (
    imaplib.IMAP4.error,
    ssl.SSLError,
    ConnectionError,
    TimeoutError,
    socket.gaierror,
)


@dataclass(frozen=True)
class MailSettings:
    """The mailbox part of "Cấu hình" (no credentials there)."""

    host: str
    port: int = 993
    folder: str = "INBOX"
    processed_folder: str = "Đã xử lý"
    rejected_folder: str = "Bị từ chối"
    verify_tls: bool = True

    @classmethod
    def from_config(cls, config: Mapping[str, str]) -> MailSettings:
        host = nfc(config.get("imap_host"))
        port_text = nfc(config.get("imap_port")) or "993"
        try:
            port = int(float(port_text))
        except ValueError:
            port = 0
        if not 0 < port < 65536:
            raise MailboxError(
                f"Cổng máy chủ thư “{port_text}” ở trang “Cấu hình” không hợp lệ "
                "(cần một số từ 1 đến 65535, thường là 993)."
            )
        verify = yes_no(config.get("imap_tls_verify") or "có")
        if verify is None:
            raise MailboxError(
                f"Ô “Kiểm tra chứng chỉ máy chủ thư” ở trang “Cấu hình” phải là “có” hoặc “không” "
                f"(đang là “{nfc(config.get('imap_tls_verify'))}”)."
            )
        return cls(
            host=host,
            port=port,
            folder=nfc(config.get("imap_folder")) or "INBOX",
            processed_folder=nfc(config.get("imap_processed_folder")) or "Đã xử lý",
            rejected_folder=nfc(config.get("imap_rejected_folder")) or "Bị từ chối",
            verify_tls=verify,
        )

    @property
    def enabled(self) -> bool:
        return bool(self.host)


@dataclass(frozen=True)
class Credentials:
    user: str
    password: str

    def __repr__(self) -> str:  # a log line or traceback must never show the password
        return f"Credentials(user={self.user!r}, password='***')"


def _from_keyring(user: str | None) -> tuple[str, str] | None:
    return keyring_login(KEYRING_SERVICE, user)


def keyring_login(service: str, user: str | None) -> tuple[str, str] | None:
    """(user, password) from the OS password store, or None when it has none (or no store)."""
    try:
        import keyring
    except ImportError:  # pragma: no cover - keyring is a dependency
        return None
    try:
        if user:
            password = keyring.get_password(service, user)
            return (user, password) if password else None
        # Stores that keep the user name too (Windows Credential Manager) can answer without it.
        cred = keyring.get_credential(service, None)
    except Exception:
        # No store, a locked one, a D-Bus failure...: each backend raises its own kind; all
        # mean "no password here", and the message of credentials() says what to do.
        return None
    if cred is None or not cred.username or not cred.password:
        return None
    return cred.username, cred.password


def credentials(env: Mapping[str, str] | None = None) -> Credentials:
    """Environment variables first, then the OS password store."""
    env = os.environ if env is None else env
    user = (env.get(ENV_USER) or "").strip()
    password = env.get(ENV_PASSWORD) or ""
    if user and password:
        return Credentials(user, password)
    found = _from_keyring(user or None)
    if found is not None:
        return Credentials(*found)
    who = f"tài khoản {user}" if user else "hộp thư"
    raise MailboxError(
        f"Chưa có mật khẩu {who}. Đặt biến môi trường {ENV_USER} (tên đăng nhập) và "
        f"{ENV_PASSWORD} (mật khẩu), hoặc lưu mật khẩu vào kho mật khẩu của hệ điều hành bằng "
        f"lệnh “keyring set {KEYRING_SERVICE} TÊN_ĐĂNG_NHẬP” và đặt {ENV_USER}. "
        "Không ghi mật khẩu vào sổ theo dõi."
    )


def tls_context(verify: bool, cafile: str | None = None) -> ssl.SSLContext:
    ctx = ssl.create_default_context(cafile=cafile or None)
    if not verify:
        # Only for a self-signed test server ("Kiểm tra chứng chỉ máy chủ thư" = "không").
        ctx.check_hostname = False
        ctx.verify_mode = ssl.CERT_NONE
    return ctx


def describe_cause(exc: BaseException, secret: str = "") -> str:
    """The cause of a mailbox failure in Vietnamese, without the password."""
    if isinstance(exc, ssl.SSLCertVerificationError):
        cause = (
            f"chứng chỉ TLS của máy chủ không tin cậy được ({exc.verify_message}); kiểm tra tên "
            "máy chủ, hoặc đặt chứng chỉ gốc của máy chủ vào biến môi trường " + ENV_CAFILE
        )
    elif isinstance(exc, ssl.SSLError):
        cause = (
            f"không thiết lập được kết nối TLS ({exc.reason or exc}); kiểm tra máy chủ có dùng "
            "IMAPS ở cổng này không"
        )
    elif isinstance(exc, UnicodeError):
        cause = "tên máy chủ không hợp lệ"
    elif isinstance(exc, socket.gaierror):
        cause = "không tìm thấy máy chủ (sai tên máy chủ hoặc mất mạng)"
    elif isinstance(exc, ConnectionRefusedError):
        cause = "máy chủ từ chối kết nối (sai cổng hoặc dịch vụ thư chưa chạy)"
    elif isinstance(exc, TimeoutError):
        cause = "máy chủ không trả lời (hết thời gian chờ)"
    elif isinstance(exc, LoginError):
        cause = "đăng nhập bị từ chối: sai tên đăng nhập hoặc mật khẩu"
    elif isinstance(exc, imaplib.IMAP4.abort | ConnectionError):
        cause = "kết nối bị ngắt giữa chừng"
    elif isinstance(exc, OSError):
        cause = f"lỗi mạng ({exc.strerror or exc})"
    else:
        text = exc.args[0] if exc.args else exc
        text = text.decode("utf-8", "replace") if isinstance(text, bytes) else str(text)
        if secret:  # only the server's words: no server should echo a password, but never show it
            text = text.replace(secret, "***")
        cause = f"máy chủ báo lỗi: {text}"
    return cause


def mailbox_error(settings: MailSettings, exc: BaseException, secret: str = "") -> MailboxError:
    return MailboxError(
        f"Không làm việc được với hộp thư trên máy chủ {settings.host}:{settings.port}: "
        f"{describe_cause(exc, secret)}."
    )


@contextlib.contextmanager
def open_mailbox(
    settings: MailSettings, creds: Credentials | None = None, *, timeout: float = TIMEOUT
) -> Iterator[IMAPClient]:
    """A logged-in client (UIDs, not sequence numbers); logs out at the end."""
    creds = creds or credentials()
    ctx = tls_context(settings.verify_tls, os.environ.get(ENV_CAFILE))
    try:
        client = IMAPClient(
            settings.host, port=settings.port, ssl=True, ssl_context=ctx, timeout=timeout
        )
    except (imaplib.IMAP4.error, OSError, UnicodeError) as exc:
        raise mailbox_error(settings, exc, creds.password) from None
    try:
        try:
            login(client, creds)
        except (imaplib.IMAP4.error, OSError) as exc:
            # `from None`: the chained exception could carry the server's echo of the command.
            raise mailbox_error(settings, exc, creds.password) from None
        try:
            yield client
        except MailboxError:
            raise  # already worded (it is a ConnectionError too, so it must pass first)
        except NETWORK_ERRORS as exc:
            raise mailbox_error(settings, exc, creds.password) from None
    finally:
        with contextlib.suppress(Exception):
            client.logout()
        with contextlib.suppress(Exception):
            client.shutdown()


def login(client: IMAPClient, creds: Credentials) -> None:
    if creds.user.isascii() and creds.password.isascii():
        client.login(creds.user, creds.password)
    else:
        # imaplib sends LOGIN's arguments as ASCII only; SASL PLAIN carries UTF-8 (RFC 4616),
        # so a Vietnamese password still works.
        client.plain_login(creds.user, creds.password)


def select(client: IMAPClient, settings: MailSettings, folder: str) -> int:
    """Select ``folder`` read-write; returns its UIDVALIDITY."""
    try:
        info = client.select_folder(folder)
    except imaplib.IMAP4.error as exc:
        raise MailboxError(
            f"Không mở được thư mục thư “{folder}” trên máy chủ {settings.host} "
            f"({describe_cause(exc)}). Kiểm tra ô “Thư mục thư nhận phiếu” ở trang “Cấu hình”."
        ) from None
    return int(info.get(b"UIDVALIDITY", 0))


def ensure_folder(client: IMAPClient, folder: str) -> None:
    # imapclient encodes the name in modified UTF-7 (RFC 3501), so "Đã xử lý" works as is.
    if not client.folder_exists(folder):
        client.create_folder(folder)
        with contextlib.suppress(imaplib.IMAP4.error):
            client.subscribe_folder(folder)  # so that mail clients show it


def move_message(client: IMAPClient, uid: int, folder: str) -> None:
    """Mark ``uid`` read and move it to ``folder`` (MOVE, else COPY + \\Deleted + EXPUNGE)."""
    client.add_flags([uid], [SEEN], silent=True)
    if client.has_capability("MOVE"):
        client.move([uid], folder)
        return
    client.copy([uid], folder)
    client.add_flags([uid], [DELETED], silent=True)
    if client.has_capability("UIDPLUS"):
        client.uid_expunge([uid])  # only this message, not others a person flagged \Deleted
    else:
        client.expunge()


def exists(client: IMAPClient, uid: int) -> bool:
    return bool(client.fetch([uid], ["FLAGS"]))
