"""Safe file writes: owner-file check, lock, backup, atomic replace."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from filelock import FileLock, Timeout

from ..core.errors import WorkbookBusyError

KEEP_BACKUPS = 200


def owner_files(path: Path) -> list[Path]:
    """Excel's lock files for ``path``: ``~$`` replaces the first two characters of
    longer names and is prefixed to short ones; check both spellings. WPS Office writes the
    same ``~$`` owner file, so it is covered too."""
    name = path.name
    candidates = {path.with_name("~$" + name), path.with_name("~$" + name[2:])}
    return sorted(candidates)


def libreoffice_lock(path: Path) -> Path:
    """LibreOffice's lock file for ``path``: ``.~lock.<name>#`` in the same folder."""
    return path.with_name(f".~lock.{path.name}#")


@dataclass(frozen=True)
class OpenElsewhere:
    """Another program has the tracker open: which, its lock file, and who (if it says)."""

    program: str
    lock: Path
    user: str = ""
    host: str = ""
    since: str = ""

    def message(self, path: Path) -> str:
        who = ""
        if self.user or self.host:
            who = f" (người dùng “{self.user}” trên máy “{self.host}”"
            who += f", từ {self.since})" if self.since else ")"
        mine = self.host and self.host.lower() == socket.gethostname().lower()
        return (
            f"Sổ theo dõi {path.name} đang được mở trong {self.program}{who}: có tệp khóa "
            f"{self.lock.name}. Hãy lưu và đóng sổ trong {self.program} rồi chạy lại; chưa có gì "
            "bị thay đổi. Nếu chắc không còn ai mở sổ"
            + (" (chương trình đã bị tắt đột ngột trên chính máy này)" if mine else "")
            + f", xóa tệp {self.lock} rồi chạy lại."
        )


def open_elsewhere(path: Path) -> OpenElsewhere | None:
    """The program that has ``path`` open, from its lock file, or None."""
    for owner in owner_files(path):
        if owner.exists():
            return OpenElsewhere("Excel (hoặc WPS Office)", owner)
    lock = libreoffice_lock(path)
    if lock.exists():
        # "<name>,<login>,<host>,<dd.mm.yyyy hh:mm>,<profile URL>;" as LibreOffice writes it
        try:
            fields = lock.read_text(encoding="utf-8", errors="replace").split(",")
        except OSError:
            fields = []
        fields += [""] * 4
        user = fields[0].strip() or fields[1].strip()
        return OpenElsewhere("LibreOffice", lock, user, fields[2].strip(), fields[3].strip())
    return None


def ensure_not_open_elsewhere(path: Path) -> None:
    """Refuse to write a tracker another program has open: its next save would undo ours."""
    found = open_elsewhere(path)
    if found is not None:
        raise WorkbookBusyError(found.message(path))


LOCK_TIMEOUT = 120.0  # seconds a writer waits for another one to finish


def os_lock(path: Path, *, timeout: float) -> FileLock:
    """An OS lock (flock / LockFileEx, through filelock) on ``path``: the OS releases it when
    its process ends, however it ends, so a lock file left behind (a kill, a full disk)
    blocks nobody. ``timeout`` 0 refuses at once; never a soft (file-exists) lock. The file is
    kept after release: deleting a lock file lets a third process lock a new file while a
    second still waits on the old one."""
    return FileLock(path, timeout=timeout, fallback_to_soft=False, preserve_lock_file=True)


@contextlib.contextmanager
def file_lock(path: Path, *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Serialise writers of one tracker across processes (``<tracker>.lock``)."""
    try:
        with os_lock(path.with_name(path.name + ".lock"), timeout=timeout):
            yield
    except Timeout:
        raise WorkbookBusyError(
            f"Một lần xử lý khác đang ghi sổ theo dõi {path.name}; hãy thử lại sau."
        ) from None


def backup(path: Path, backup_dir: Path) -> Path | None:
    """Copy ``path`` into ``backup_dir`` under a timestamped name; prune old copies."""
    if not path.exists():
        return None
    backup_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{path.stem}_{stamp}{path.suffix}"
    shutil.copy2(path, target)
    olds = sorted(backup_dir.glob(f"{path.stem}_*{path.suffix}"))
    for old in olds[:-KEEP_BACKUPS]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem-2.suffix``, ``stem-3``…: a name no other writer has
    claimed (claimed by creating it, so two runs in the same second get two names)."""
    folder.mkdir(parents=True, exist_ok=True)
    n = 1
    while True:
        candidate = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return candidate
        except FileExistsError:
            n += 1


def atomic_write(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, then replace in one step,
    so an interrupted write leaves the old file whole."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        # mkstemp makes the file 0600; a file the tool writes gets the mode any program would
        # give it (0666 less the umask), so a shared folder stays readable by colleagues.
        if os.name == "posix":
            os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    if os.name == "posix":
        dfd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def zone_identifier(path: Path) -> str | None:
    """The ``Zone.Identifier`` stream Windows attaches to a downloaded file (Mark-of-the-Web,
    e.g. ``ZoneId=3`` for the Internet), or None: elsewhere, or when the file has none."""
    if os.name != "nt":
        return None
    try:
        return Path(f"{path}:Zone.Identifier").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def csv_cell(value: object) -> object:
    """A value for a CSV the office opens in Excel: text starting with = + - @ or a tab or
    carriage return gets a leading ' so Excel shows it instead of running it as a formula
    (OWASP "CSV injection"); None is an empty cell."""
    if value is None:
        return ""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value
