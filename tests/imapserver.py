"""A real IMAP server for the mailbox tests: Debian's dovecot on loopback, TLS only.

:func:`running_dovecot` writes a throwaway configuration into a fresh temporary folder and
starts ``dovecot -F`` (foreground, so it is a plain child process that the context manager
stops) on 127.0.0.1 and a free port:

* TLS is required on the IMAPS port (no plaintext listener, no plaintext auth). The
  certificate is made here: a small CA and a server certificate for ``127.0.0.1`` and
  ``localhost`` signed by it (with the ``cryptography`` package, else the ``openssl`` CLI), so
  the client verifies the server against the CA file (``THEODOI_IMAP_CAFILE``) and nothing has
  to turn verification off.
* Users live in a passwd-file with ``{PLAIN}`` passwords, all written before the start
  (dovecot re-reads the file at most once a second, so users added later race with logins);
  the userdb is static and every user gets a Maildir under the temporary folder.
* Nothing touches system paths: ``base_dir``, ``state_dir``, logs and mail are in the temporary
  folder. Dovecot never runs as root here. Its login processes refuse to, and an unprivileged
  master cannot chroot or change users, so the master itself runs as one unprivileged
  account (the current user; under root, the ``dovecot`` system account that the Debian package
  creates, else ``nobody``) with ``default_internal_user``, ``default_login_user`` and the
  mail uid all set to that account, chroots disabled and ``first_valid_uid`` lowered to it.
  ``login_trusted_networks`` is not needed: nothing is proxied.
* ``auth_failure_delay = 0``: dovecot's two-second penalty on a failed login only slows tests.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import grp
import os
import pwd
import shutil
import socket
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from imapclient import IMAPClient

PASSWORD = "Mật-khẩu thử 123"  # non-ASCII on purpose: it must survive login and never leak


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or next(
        (p for p in ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot") if os.access(p, os.X_OK)),
        None,
    )


@dataclass
class ImapServer:
    host: str
    port: int
    root: Path
    cafile: Path
    process: subprocess.Popen[bytes]
    user: str = "phieu"
    password: str = PASSWORD

    @property
    def log(self) -> str:
        with contextlib.suppress(OSError):
            return (self.root / "dovecot.log").read_text("utf-8", "replace")
        return ""

    def env(self, user: str | None = None) -> dict[str, str]:
        return {
            "THEODOI_IMAP_USER": user or self.user,
            "THEODOI_IMAP_PASSWORD": self.password,
            "THEODOI_IMAP_CAFILE": str(self.cafile),
        }

    def client(self, user: str | None = None) -> IMAPClient:
        ctx = ssl.create_default_context(cafile=str(self.cafile))
        client = IMAPClient(self.host, port=self.port, ssl=True, ssl_context=ctx, timeout=20)
        client.plain_login(user or self.user, self.password)  # LOGIN is ASCII-only
        return client

    def deliver(self, message: bytes, user: str | None = None, folder: str = "INBOX") -> None:
        """Put a message in a mailbox, as the mail server would on delivery (IMAP APPEND)."""
        with self.client(user) as c:
            c.append(folder, message)


# -- certificates --------------------------------------------------------------------------
def _certificates(folder: Path) -> tuple[Path, Path, Path]:
    """(CA certificate, server certificate, server key) in PEM files."""
    try:
        return _certificates_cryptography(folder)
    except ImportError:
        return _certificates_openssl(folder)


def _certificates_cryptography(folder: Path) -> tuple[Path, Path, Path]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "TheoDoi test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_file.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return ca_file, cert_file, key_file


def _certificates_openssl(folder: Path) -> tuple[Path, Path, Path]:
    ca_file, cert_file, key_file = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    ca_key, ext = folder / "ca.key", folder / "server.ext"
    ext.write_text(
        "basicConstraints=critical,CA:FALSE\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n"
        "extendedKeyUsage=serverAuth\nauthorityKeyIdentifier=keyid\n",
        encoding="ascii",
    )

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True)

    run("ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", str(ca_key))
    run(
        "req", "-x509", "-new", "-key", str(ca_key), "-days", "2", "-subj", "/CN=TheoDoi test CA",
        "-addext", "basicConstraints=critical,CA:TRUE,pathlen:0",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign", "-out", str(ca_file),
    )  # fmt: skip
    run("ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", str(key_file))
    csr = folder / "server.csr"
    run("req", "-new", "-key", str(key_file), "-subj", "/CN=localhost", "-out", str(csr))
    run(
        "x509", "-req", "-in", str(csr), "-CA", str(ca_file), "-CAkey", str(ca_key),
        "-CAcreateserial", "-days", "2", "-extfile", str(ext), "-out", str(cert_file),
    )  # fmt: skip
    return ca_file, cert_file, key_file


# -- the server ----------------------------------------------------------------------------
def _account() -> tuple[str, int, str, int]:
    """(user, uid, group, gid) dovecot runs as: never root."""
    if os.geteuid() != 0:
        pw = pwd.getpwuid(os.geteuid())
        return pw.pw_name, pw.pw_uid, grp.getgrgid(os.getegid()).gr_name, os.getegid()
    for name in ("dovecot", "nobody"):
        with contextlib.suppress(KeyError):
            pw = pwd.getpwnam(name)
            return pw.pw_name, pw.pw_uid, grp.getgrgid(pw.pw_gid).gr_name, pw.pw_gid
    raise RuntimeError("no unprivileged account to run dovecot as")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = required
ssl_cert = <{root}/server.pem
ssl_key = <{root}/server.key
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
auth_failure_delay = 0
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:~/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    port = 0
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {port}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
"""


def _wait_ready(server: ImapServer, deadline: float) -> bool:
    ctx = ssl.create_default_context(cafile=str(server.cafile))
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            return False
        try:
            with (
                socket.create_connection((server.host, server.port), timeout=2) as raw,
                ctx.wrap_socket(raw, server_hostname=server.host) as tls,
            ):
                if tls.recv(64).startswith(b"* OK"):
                    return True
        except OSError:
            time.sleep(0.05)
    return False


@contextlib.contextmanager
def running_dovecot(
    users: tuple[str, ...] = ("phieu",), timeout: float = 20.0
) -> Iterator[ImapServer]:
    binary = dovecot_binary()
    if binary is None:
        raise FileNotFoundError("dovecot")
    user, uid, group, gid = _account()
    # Our own short folder: unix socket paths are limited to ~100 bytes and, under root, the
    # unprivileged account must be able to reach it (pytest's base folder is private).
    root = Path(tempfile.mkdtemp(prefix="theodoi-imap-"))
    try:
        for sub in ("run", "state", "home"):
            (root / sub).mkdir()
        cafile, _, _ = _certificates(root)
        (root / "passwd").write_text(
            "".join(f"{u}:{{PLAIN}}{PASSWORD}\n" for u in users), encoding="utf-8"
        )
        if os.geteuid() == 0:
            root.chmod(0o755)
            for path in (root, *root.rglob("*")):
                os.chown(path, uid, gid)
        for _attempt in range(3):  # another process may take the free port before dovecot
            port = _free_port()
            conf = root / "dovecot.conf"
            conf.write_text(
                CONFIG.format(root=root, user=user, group=group, uid=uid, gid=gid, port=port),
                encoding="utf-8",
            )
            kwargs: dict[str, object] = {}
            if os.geteuid() == 0:
                kwargs = {"user": uid, "group": gid, "extra_groups": []}
            with (root / "stderr.log").open("wb") as err:
                process = subprocess.Popen(
                    [binary, "-F", "-c", str(conf)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=err,
                    **kwargs,  # type: ignore[call-overload]
                )
            server = ImapServer("127.0.0.1", port, root, cafile, process, users[0])
            if _wait_ready(server, time.monotonic() + timeout):
                break
            _stop(process)
        else:
            stderr = (root / "stderr.log").read_text("utf-8", "replace")
            raise RuntimeError(f"dovecot did not start:\n{stderr}\n{server.log}")
        try:
            yield server
        finally:
            _stop(process)
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()  # the master stops its children on SIGTERM
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)
