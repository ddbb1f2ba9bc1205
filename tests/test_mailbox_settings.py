"""Mailbox settings, credentials and failures: no password in the workbook or in a message."""

from __future__ import annotations

import socket
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import keyring.backend
import pytest
from imapserver import PASSWORD, ImapServer, dovecot_binary, running_dovecot
from keyring.backends import fail
from keyring.credentials import SimpleCredential

from xladdin.commands.mailbox import MailOutcome, collect_mail, finish_mail, mailbox_enabled
from xladdin.core.errors import MailboxError, TheoDoiError
from xladdin.core.layout import CONFIG_ITEMS
from xladdin.io.imap_io import (
    ENV_CAFILE,
    KEYRING_SERVICE,
    Credentials,
    MailSettings,
    credentials,
    open_mailbox,
)
from xladdin.io.workspace import Workspace

needs_dovecot = pytest.mark.skipif(
    dovecot_binary() is None,
    reason="dovecot is not installed (Debian: apt-get install dovecot-imapd; .ci/run does)",
)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A real keyring backend kept in memory: this machine has no OS password store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.store: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.store.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.store[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.store.pop((service, username), None)

    def get_credential(self, service: str, username: str | None) -> SimpleCredential | None:
        for (svc, user), password in self.store.items():
            if svc == service and username in (None, user):
                return SimpleCredential(user, password)
        return None


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(before)


def test_config_items_hold_no_credentials() -> None:
    keys = {i.key for i in CONFIG_ITEMS}
    assert {
        "imap_host",
        "imap_port",
        "imap_folder",
        "imap_processed_folder",
        "imap_rejected_folder",
        "imap_tls_verify",
    } <= keys
    # The sending account's name is a setting (issue 16: "account in Cấu hình"); its password,
    # and the mailbox's user name and password, never are.
    assert not [k for k in keys - {"smtp_user"} if "pass" in k or "user" in k or "mat_khau" in k]
    defaults = {i.key: i.default for i in CONFIG_ITEMS}
    settings = MailSettings.from_config(defaults)
    assert not settings.enabled and not mailbox_enabled(defaults)
    assert (settings.port, settings.folder, settings.verify_tls) == (993, "INBOX", True)
    assert (settings.processed_folder, settings.rejected_folder) == ("Đã xử lý", "Bị từ chối")


def test_no_host_means_no_mailbox(workspace: Workspace) -> None:
    outcome = collect_mail(workspace, {"imap_host": ""})
    assert outcome == MailOutcome() and outcome.lines() == []
    assert finish_mail(workspace, {}, outcome, None) == []


@pytest.mark.parametrize("value", ["không", "Khong", "KHÔNG", "no"])
def test_tls_verification_off_only_when_asked(value: str) -> None:
    assert not MailSettings.from_config({"imap_host": "x", "imap_tls_verify": value}).verify_tls
    assert MailSettings.from_config({"imap_host": "x", "imap_tls_verify": "Có"}).verify_tls


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("imap_port", "abc", "Cổng máy chủ thư “abc”"),
        ("imap_port", "70000", "Cổng máy chủ thư “70000”"),
        ("imap_tls_verify", "hmm", "phải là “có” hoặc “không”"),
    ],
)
def test_bad_settings(key: str, value: str, message: str) -> None:
    # "Kiểm tra dữ liệu" flags the same cells (tests/test_validate.py, CONFIG_FAULTS).
    with pytest.raises(MailboxError, match=message):
        MailSettings.from_config({"imap_host": "mail.example", key: value})


def test_credentials_from_environment_first(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(KEYRING_SERVICE, "phieu", "from-keyring")
    env = {"THEODOI_IMAP_USER": "phieu", "THEODOI_IMAP_PASSWORD": "from-env"}
    assert credentials(env) == Credentials("phieu", "from-env")
    assert "from-env" not in repr(credentials(env))


def test_password_from_the_os_keyring(memory_keyring: MemoryKeyring) -> None:
    memory_keyring.set_password(KEYRING_SERVICE, "phieu", "from-keyring")
    memory_keyring.set_password("another-service", "phieu", "not-this")
    assert credentials({"THEODOI_IMAP_USER": "phieu"}) == Credentials("phieu", "from-keyring")
    # A store that keeps the user name too needs no environment at all.
    assert credentials({}) == Credentials("phieu", "from-keyring")


def test_missing_credentials_say_what_to_do(memory_keyring: MemoryKeyring) -> None:
    with pytest.raises(MailboxError) as info:
        credentials({"THEODOI_IMAP_USER": "phieu"})
    text = info.value.user_message()
    assert "THEODOI_IMAP_PASSWORD" in text and "keyring set theodoi-imap" in text
    assert "tài khoản phieu" in text


def test_no_keyring_backend_is_no_password() -> None:
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        with pytest.raises(MailboxError, match="Chưa có mật khẩu"):
            credentials({"THEODOI_IMAP_USER": "phieu"})
    finally:
        keyring.set_keyring(before)


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_connection_refused() -> None:
    settings = MailSettings("127.0.0.1", _closed_port())
    with pytest.raises(MailboxError) as info, open_mailbox(settings, Credentials("a", "b")):
        pass
    assert isinstance(info.value, ConnectionError) and isinstance(info.value, TheoDoiError)
    assert "127.0.0.1" in str(info.value) and "từ chối kết nối" in str(info.value)


@pytest.fixture
def server() -> Iterator[ImapServer]:
    if dovecot_binary() is None:
        pytest.skip("dovecot is not installed (Debian: apt-get install dovecot-imapd)")
    with running_dovecot() as srv:
        yield srv


@needs_dovecot
def test_login_failure_names_host_not_password(server: ImapServer, monkeypatch: Any) -> None:
    monkeypatch.setenv(ENV_CAFILE, str(server.cafile))
    wrong = "Sai-mật-khẩu-987"
    settings = MailSettings(server.host, server.port)
    with pytest.raises(MailboxError) as info, open_mailbox(settings, Credentials("phieu", wrong)):
        pass
    text = "".join(traceback.format_exception(info.value))
    assert f"{server.host}:{server.port}" in text
    assert "sai tên đăng nhập hoặc mật khẩu" in text
    assert wrong not in text and wrong not in repr(info.value.__context__)
    assert info.value.__cause__ is None


@needs_dovecot
def test_self_signed_server_needs_its_ca_or_verification_off(
    server: ImapServer, monkeypatch: Any
) -> None:
    monkeypatch.delenv(ENV_CAFILE, raising=False)
    creds = Credentials("phieu", PASSWORD)
    with (
        pytest.raises(MailboxError, match="chứng chỉ TLS"),
        open_mailbox(MailSettings(server.host, server.port), creds),
    ):
        pass
    unverified = MailSettings(server.host, server.port, verify_tls=False)
    with open_mailbox(unverified, creds) as client:
        assert client.folder_exists("INBOX")
    monkeypatch.setenv(ENV_CAFILE, str(server.cafile))
    with open_mailbox(MailSettings("localhost", server.port), creds) as client:
        assert client.folder_exists("INBOX")


@needs_dovecot
def test_missing_folder(server: ImapServer, monkeypatch: Any, workspace: Workspace) -> None:
    for name, value in server.env().items():
        monkeypatch.setenv(name, value)
    config = {"imap_host": server.host, "imap_port": str(server.port), "imap_folder": "Phiếu"}
    with pytest.raises(MailboxError, match="Không mở được thư mục thư “Phiếu”"):
        collect_mail(workspace, config)
    assert (Path(workspace.root) / ".theodoi-mail.json").exists()


def test_server_words_never_carry_the_password() -> None:
    import imaplib

    from xladdin.io.imap_io import describe_cause

    cause = describe_cause(imaplib.IMAP4.error("NO [ALERT] bad password hunter2"), "hunter2")
    assert cause == "máy chủ báo lỗi: NO [ALERT] bad password ***"
    # Our own words are not touched, even by a password that happens to be in them.
    assert "hợp lệ" in describe_cause(UnicodeError("label too long"), "p")
