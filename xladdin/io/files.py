"""Safe file writes: owner-file check, lock, free-space check, backup, atomic replace."""

from __future__ import annotations

import contextlib
import errno
import glob
import hashlib
import os
import shutil
import socket
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from filelock import FileLock, Timeout

from ..core.errors import DiskFullError, WorkbookBusyError

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


# -- room on the drive ---------------------------------------------------------------------
SPACE_MARGIN = 1 << 20  # bytes left free beyond a write's own: blocks, metadata, other programs
_NO_ROOM = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}  # Windows has no EDQUOT


def is_out_of_space(exc: BaseException) -> bool:
    """A write refused for lack of room: the drive is full (ENOSPC, also Windows'
    ERROR_DISK_FULL) or the user's quota is used up (EDQUOT)."""
    return isinstance(exc, OSError) and exc.errno in _NO_ROOM


def _existing(folder: Path) -> Path:
    """``folder``, or its nearest parent that exists (a backup folder not made yet)."""
    here = Path(folder).absolute()
    while not here.exists() and here.parent != here:
        here = here.parent
    return here


def _free(folder: Path) -> int | None:
    """Free bytes for this user on the drive holding ``folder``; None when the drive does
    not say (some network shares)."""
    try:
        return shutil.disk_usage(_existing(folder)).free
    except OSError:
        return None


def _drive(folder: Path) -> object:
    """Which drive holds ``folder`` (its device number), to add up what one drive takes."""
    try:
        return os.stat(_existing(folder)).st_dev
    except OSError:
        return _existing(folder)


def _mb(size: int) -> str:
    """Megabytes as Vietnamese writes them: 0,04 / 1,1 / 82.751,4."""
    text = f"{size / 1e6:,.{2 if size < 1e6 else 1}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def tracker_unwritten(path: Path) -> str:
    """What a refused tracker write did not do, for :class:`DiskFullError`."""
    return f"chưa ghi gì vào sổ theo dõi {path.name}"


def _no_room(
    folder: Path, size: int, unwritten: str, *, free: int | None, quota: bool = False
) -> DiskFullError:
    """The error naming ``folder``'s drive: ``size`` bytes were to go there, ``free`` are
    left (None: not known); ``quota`` when the user's share, not the drive, is used up."""
    where = Path(folder).absolute()
    if quota:
        text = (
            f"Đã hết hạn mức dung lượng được cấp cho bạn trên ổ đĩa chứa thư mục {where}: "
            f"{unwritten}; hãy giải phóng dung lượng hoặc xin thêm hạn mức rồi chạy lại."
        )
    else:
        amounts = ""
        if free is not None:
            amounts = f" (còn trống {_mb(free)} MB, cần khoảng {_mb(size + SPACE_MARGIN)} MB)"
        text = (
            f"Ổ đĩa chứa thư mục {where} đã đầy{amounts}: {unwritten}; "
            "hãy giải phóng dung lượng rồi chạy lại."
        )
    error = DiskFullError(text)
    error.errno = errno.EDQUOT if quota else errno.ENOSPC  # (no filename: str() stays the text)
    return error


def ensure_space(needs: Iterable[tuple[Path, int]], unwritten: str) -> None:
    """Refuse (:class:`DiskFullError`) before writing anything when a drive has less free room
    than the bytes about to be written into its folders plus :data:`SPACE_MARGIN`. ``needs``
    is (folder, bytes) pairs; folders on one drive add up and the first one names the drive.
    A drive that does not report its free space is not checked (the write still cleans up)."""
    drives: dict[object, tuple[Path, int]] = {}
    for folder, size in needs:
        drive = _drive(folder)
        first, total = drives.get(drive, (folder, 0))
        drives[drive] = (first, total + size)
    for folder, total in drives.values():
        free = _free(folder)
        if free is not None and free < total + SPACE_MARGIN:
            raise _no_room(folder, total, unwritten, free=free)


def ran_out(folder: Path, size: int, unwritten: str, exc: OSError) -> DiskFullError:
    """The error for a write into ``folder`` that the OS refused for lack of room."""
    quota = exc.errno != errno.ENOSPC
    return _no_room(folder, size, unwritten, free=_free(folder), quota=quota)


def make_folder(folder: Path, unwritten: str, *, size: int = 0) -> None:
    """``folder.mkdir(parents=True, exist_ok=True)``; a drive with no room even for a folder
    raises :class:`DiskFullError` (``size``: the bytes meant to go in it, for the message)."""
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        if is_out_of_space(exc):
            raise ran_out(folder, size, unwritten, exc) from exc
        raise


def _write_then_replace(
    path: Path,
    size: int,
    unwritten: str,
    fill: Callable[[BinaryIO], object],
    *,
    stat_from: Path | None = None,
) -> None:
    """Fill a temp file beside ``path``, fsync it and rename it over ``path`` in one step.
    Whatever fails before the rename (the drive or the quota full halfway, any other error)
    removes the temp file, so ``path`` is as it was or whole and no ``*.tmp`` is left (only
    a kill cannot clean up: :func:`remove_orphan_temps`); a lack of room raises
    :class:`DiskFullError`."""
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            # mkstemp makes the file 0600; a file the tool writes gets the mode any program
            # would give it (0666 less the umask), so a shared folder stays readable.
            if os.name == "posix":
                os.fchmod(fh.fileno(), 0o666 & ~_umask())
            fill(fh)
            fh.flush()
            os.fsync(fh.fileno())
        if stat_from is not None:
            shutil.copystat(stat_from, tmp)
        os.replace(tmp, path)
    except BaseException as exc:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        if isinstance(exc, OSError) and is_out_of_space(exc):
            raise ran_out(path.parent, size, unwritten, exc) from exc
        raise


def backup(path: Path, backup_dir: Path) -> Path | None:
    """Copy ``path`` into ``backup_dir`` under a timestamped name; prune old copies.

    Refused before copying when the drive lacks the room (:class:`DiskFullError`). The copy
    is written under a hidden temp name, fsynced, then renamed, so a backup bearing the
    tracker's name is always whole; a copy that fails halfway leaves nothing."""
    if not path.exists():
        return None
    size = path.stat().st_size
    unwritten = tracker_unwritten(path)
    ensure_space([(backup_dir, size)], unwritten)
    make_folder(backup_dir, unwritten, size=size)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = backup_dir / f"{path.stem}_{stamp}{path.suffix}"

    def copy(fh: BinaryIO) -> None:
        with path.open("rb") as src:
            shutil.copyfileobj(src, fh, 1 << 20)

    _write_then_replace(target, size, unwritten, copy, stat_from=path)
    olds = sorted(backup_dir.glob(f"{path.stem}_*{path.suffix}"))
    for old in olds[:-KEEP_BACKUPS]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def remove_orphan_temps(path: Path, backup_dir: Path | None) -> None:
    """Temp files a killed writer of ``path`` left behind: ``.<name>.*.tmp`` beside it and
    ``.<stem>_*<suffix>.*.tmp`` in ``backup_dir``. Call only under the tracker's lock: every
    writer of the tracker holds it, so no such file belongs to a live writer."""
    found = list(path.parent.glob(f".{glob.escape(path.name)}.*.tmp"))
    if backup_dir is not None and backup_dir.is_dir():
        found += backup_dir.glob(f".{glob.escape(path.stem)}_*{glob.escape(path.suffix)}.*.tmp")
    for orphan in found:
        with contextlib.suppress(OSError):
            orphan.unlink()


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it: put it straight back
    os.umask(mask)
    return mask


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """``folder/stem.suffix``, or ``stem-2.suffix``, ``stem-3``…: a name no other writer has
    claimed (claimed by creating it, so two runs in the same second get two names)."""
    make_folder(folder, f"chưa ghi tệp {stem}{suffix}")
    n = 1
    while True:
        candidate = folder / (f"{stem}{suffix}" if n == 1 else f"{stem}-{n}{suffix}")
        try:
            os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            return candidate
        except FileExistsError:
            n += 1


def atomic_write(path: Path, data: bytes, *, unwritten: str | None = None) -> None:
    """Write to a temp file in the same folder, fsync, then replace in one step, so an
    interrupted write leaves the old file whole. Refused before writing when the drive lacks
    the room, and a write that runs out of room halfway leaves no temp file: both raise
    :class:`DiskFullError`, whose message ends with ``unwritten`` (default: "chưa ghi tệp …")."""
    path = Path(path)
    unwritten = unwritten or f"chưa ghi tệp {path.name}"
    ensure_space([(path.parent, len(data))], unwritten)
    _write_then_replace(path, len(data), unwritten, lambda fh: fh.write(data))
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
