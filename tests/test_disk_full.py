"""A full disk (issue 14): refused up front with a Vietnamese message naming the folder, and a
write that runs out of room halfway leaves no partial backup, no temp file and the old file.

Two kinds of test. The ``real_`` ones run the CLI in a child process on a small tmpfs made
genuinely full (``unshare -rm``: a user and mount namespace, no root needed; skipped where the
system forbids it): every ENOSPC there comes from the kernel. The others run anywhere and put
the failure at one exact OS call: ``shutil.disk_usage`` reporting a nearly full drive, the
backup's ``shutil.copyfileobj`` or the temp file's ``write`` raising ENOSPC or EDQUOT halfway.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from xladdin.adapters.cli import main
from xladdin.core.errors import DiskFullError, OutputError, TheoDoiError
from xladdin.core.layout import SHEET_TASKS, TASK_COLUMNS
from xladdin.io import files
from xladdin.io.letters_io import write_docx
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

RECALC = ["recalc", "--today", "2026-11-21", "--workbook"]


def snapshot(root: Path) -> dict[str, str]:
    """Every file under ``root`` (its lock file aside) → SHA-256 of its bytes."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(".lock")
    }


def temps(root: Path) -> list[Path]:
    return sorted(root.rglob("*.tmp"))


def assert_user_message(err: str, folder: Path) -> None:
    """Vietnamese, NFC, naming the folder, no traceback, not the last-resort message."""
    assert f"Ổ đĩa chứa thư mục {folder} đã đầy" in err
    assert "hãy giải phóng dung lượng rồi chạy lại" in err
    assert "Traceback" not in err and "Lỗi không mong đợi" not in err
    assert "No space left" not in err and "Errno" not in err
    assert unicodedata.is_normalized("NFC", err)


# -- the error -------------------------------------------------------------------------------
def test_disk_full_is_a_user_error_and_an_os_error() -> None:
    assert issubclass(DiskFullError, TheoDoiError)
    assert issubclass(DiskFullError, OSError)
    assert issubclass(DiskFullError, OutputError)
    assert DiskFullError("x").exit_code == 2


# -- refused up front ------------------------------------------------------------------------
def tiny_disk(monkeypatch: pytest.MonkeyPatch, free: int) -> None:
    real = shutil.disk_usage

    def usage(path: Any) -> Any:
        total, used, _ = real(path)
        return type(real(path))(total, used, free)

    monkeypatch.setattr(shutil, "disk_usage", usage)


def test_a_nearly_full_drive_is_refused_before_any_write(
    imported: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(imported.root)
    tiny_disk(monkeypatch, 300_000)
    assert main([*RECALC, str(imported.workbook)]) == 2
    err = capsys.readouterr().err
    assert_user_message(err, imported.root)
    assert "(còn trống 0,30 MB, cần khoảng " in err
    assert "chưa ghi gì vào sổ theo dõi TheoDoiNhiemVu.xlsm" in err
    assert snapshot(imported.root) == before  # no backup, tracker byte-identical
    assert temps(imported.root) == []


def test_the_backup_and_the_new_tracker_on_one_drive_add_up(
    imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Room for either file alone (plus the margin) but not for both: refused before the backup."""
    size = imported.workbook.stat().st_size
    tiny_disk(monkeypatch, size + files.SPACE_MARGIN + size // 2)
    before = snapshot(imported.root)
    with (
        pytest.raises(DiskFullError) as caught,
        TrackerWorkbook.edit(imported.workbook, imported.root / "backups") as book,
    ):
        book.write_table(SHEET_TASKS, TASK_COLUMNS, [{"key": "I", "content": "x"}])
    assert caught.value.errno == errno.ENOSPC
    assert str(imported.root) in str(caught.value)
    assert snapshot(imported.root) == before


def test_a_backup_for_the_excel_backend_is_refused_too(
    imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny_disk(monkeypatch, 1000)
    backups = imported.root / "elsewhere" / "backups"
    with pytest.raises(DiskFullError, match="chưa ghi gì vào sổ theo dõi"):
        files.backup(imported.workbook, backups)
    assert not backups.exists()


def test_forms_letters_and_reports_are_refused_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tiny_disk(monkeypatch, 1000)
    with pytest.raises(DiskFullError) as caught:
        files.atomic_write(tmp_path / "out" / "KetQua.csv", b"a;b\n")
    assert "chưa ghi tệp KetQua.csv" in str(caught.value)
    with pytest.raises(DiskFullError) as caught:
        write_docx(tmp_path / "letters" / "CV.docx", b"PK")
    assert str(caught.value).startswith("Ổ đĩa chứa thư mục")  # not re-worded "Không ghi được"
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []


# -- running out of room halfway -------------------------------------------------------------
class HalfWriter:
    """A file object whose first write puts half the bytes on disk, then fails like a full
    drive (or an exhausted quota) does."""

    def __init__(self, real: BinaryIO, code: int) -> None:
        self.real, self.code = real, code

    def write(self, data: bytes) -> int:
        self.real.write(data[: len(data) // 2])
        self.real.flush()
        raise OSError(self.code, os.strerror(self.code))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def __enter__(self) -> HalfWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.real.close()


def fail_temp_write(monkeypatch: pytest.MonkeyPatch, prefix: str, code: int) -> dict[int, str]:
    """The temp file whose name starts with ``prefix`` fails halfway through its write; the
    answer fills with its descriptor and path (to prove it existed and is gone)."""
    real_mkstemp, real_fdopen = files.tempfile.mkstemp, os.fdopen
    doomed: dict[int, str] = {}

    def mkstemp(*args: Any, **kwargs: Any) -> tuple[int, str]:
        fd, name = real_mkstemp(*args, **kwargs)
        if Path(name).name.startswith(prefix):
            doomed[fd] = name
        return fd, name

    def fdopen(fd: int, *args: Any, **kwargs: Any) -> Any:
        fh = real_fdopen(fd, *args, **kwargs)
        return HalfWriter(fh, code) if fd in doomed else fh

    monkeypatch.setattr(files.tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "fdopen", fdopen)
    return doomed


def test_the_drive_filling_while_the_new_tracker_is_written(
    imported: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(imported.root)
    doomed = fail_temp_write(monkeypatch, ".TheoDoiNhiemVu.xlsm.", errno.ENOSPC)
    assert main([*RECALC, str(imported.workbook)]) == 2
    assert_user_message(capsys.readouterr().err, imported.root)
    assert len(doomed) == 1  # the new tracker's temp file was made, and failed halfway
    assert not any(Path(p).exists() for p in doomed.values())
    # the backup made just before was whole, but no write followed it: it is gone too
    assert snapshot(imported.root) == before
    assert temps(imported.root) == []


def test_a_quota_reached_while_copying_the_backup(
    imported: Workspace, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    before = snapshot(imported.root)
    on_disk: list[int] = []

    def half_copy(src: BinaryIO, dst: BinaryIO, length: int = 0) -> None:
        data = src.read()
        dst.write(data[: len(data) // 2])
        dst.flush()
        on_disk.append(os.fstat(dst.fileno()).st_size)
        raise OSError(errno.EDQUOT, os.strerror(errno.EDQUOT))

    monkeypatch.setattr(shutil, "copyfileobj", half_copy)
    assert main([*RECALC, str(imported.workbook)]) == 2
    err = capsys.readouterr().err
    assert on_disk and on_disk[0] > 0  # half a backup did reach the disk, and is gone
    assert "Đã hết hạn mức dung lượng được cấp cho bạn trên ổ đĩa chứa thư mục " in err
    assert str(imported.root / "backups") in err
    assert "Traceback" not in err and "Lỗi không mong đợi" not in err
    assert snapshot(imported.root) == before
    assert temps(imported.root) == []


def test_any_other_os_error_mid_write_also_leaves_no_temp_file(
    imported: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EIO is not a full disk: it stays an OSError, but the temp file still goes and the
    tracker is as it was (the whole backup taken before it stays, as after any failed save)."""
    original = imported.workbook.read_bytes()
    fail_temp_write(monkeypatch, ".TheoDoiNhiemVu.xlsm.", errno.EIO)
    with (
        pytest.raises(OSError) as caught,
        TrackerWorkbook.edit(imported.workbook, imported.root / "backups") as book,
    ):
        book.write_table(SHEET_TASKS, TASK_COLUMNS, [{"key": "I", "content": "x"}])
    assert caught.value.errno == errno.EIO and not isinstance(caught.value, DiskFullError)
    assert imported.workbook.read_bytes() == original
    assert temps(imported.root) == []


def test_a_form_cut_short_keeps_the_old_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "PhieuBaoCao_STC_2026-11.xlsx"
    target.write_bytes(b"old form")
    fail_temp_write(monkeypatch, f".{target.name}.", errno.ENOSPC)
    with pytest.raises(DiskFullError) as caught:
        files.atomic_write(target, b"new form " * 1000)
    assert "chưa ghi tệp PhieuBaoCao_STC_2026-11.xlsx" in str(caught.value)
    assert target.read_bytes() == b"old form"
    assert temps(tmp_path) == []


def test_temp_files_of_a_killed_writer_are_swept_by_the_next_save(imported: Workspace) -> None:
    backups = imported.root / "backups"
    backups.mkdir(exist_ok=True)
    orphans = [
        imported.root / ".TheoDoiNhiemVu.xlsm.k1ll3d.tmp",
        backups / ".TheoDoiNhiemVu_20261121-090000-000000.xlsm.k1ll3d.tmp",
    ]
    unrelated = imported.root / ".Other.xlsx.abc.tmp"  # another file's writer: not ours
    for path in [*orphans, unrelated]:
        path.write_bytes(b"half")
    with TrackerWorkbook.edit(imported.workbook, backups) as book:
        book.write_table(SHEET_TASKS, TASK_COLUMNS, [{"key": "I", "content": "x"}])
    assert book.last_backup is not None
    assert not any(p.exists() for p in orphans)
    assert unrelated.exists()


# -- a genuinely full file system ------------------------------------------------------------
CHILD = r"""
import json, os, shutil, sys
from pathlib import Path
source, mnt, left, race, report, *argv = sys.argv[1:]
mnt = Path(mnt)
ws = mnt / "ws"
if source:
    shutil.copytree(source, ws)
st = os.statvfs(mnt)
with open(mnt / "filler", "wb") as fh:  # what other programs put on the drive
    fh.write(b"\0" * max(st.f_bavail * st.f_frsize - int(left), 0))
if race == "1":
    # Another program takes the room between the check and the write: skip the check, so the
    # write itself meets the full drive.
    from xladdin.io import files
    files.ensure_space = lambda needs, unwritten: None

def listing():
    return {str(p.relative_to(mnt)): p.read_bytes().hex() if p.stat().st_size < 200_000 else "big"
            for p in sorted(mnt.rglob("*")) if p.is_file() and p.name != "filler"}

before = listing()
from xladdin.adapters.cli import main
rc = main([a.replace("{ws}", str(ws)) for a in argv])
st = os.statvfs(mnt)
Path(report).write_text(json.dumps({"rc": rc, "before": before, "after": listing(),
                                    "free": st.f_bavail * st.f_frsize}))
"""


def _can_mount_tmpfs(tmp: Path) -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    tmp.mkdir(exist_ok=True)
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", 'mount -t tmpfs -o size=1m tmpfs "$0"', str(tmp)],
        capture_output=True,
        check=False,
    )
    return probe.returncode == 0


@pytest.fixture
def full_disk(tmp_path: Path) -> Callable[..., tuple[dict[str, Any], str]]:
    """Run the CLI on a 16 MB tmpfs left with ``left`` free bytes; the workspace ``source``
    (if any) is copied in as ``{ws}``. Returns the child's report and its stderr."""
    mnt = tmp_path / "mnt"
    if not _can_mount_tmpfs(mnt):
        pytest.skip("no tmpfs in a user namespace here (unshare -rm refused)")

    def run(
        source: Path | None, left: int, argv: list[str], *, race: bool = False
    ) -> tuple[dict[str, Any], str]:
        report = tmp_path / "report.json"
        proc = subprocess.run(
            ["unshare", "-rm", "sh", "-c",
             'mount -t tmpfs -o size=16m tmpfs "$0" && exec "$@"', str(mnt),
             sys.executable, "-c", CHILD, str(source or ""), str(mnt), str(left),
             "1" if race else "0", str(report), *argv],
            capture_output=True, text=True, encoding="utf-8", check=False, timeout=300,
        )  # fmt: skip
        assert report.exists(), proc.stderr
        return json.loads(report.read_text()), proc.stderr

    return run


def changed(report: dict[str, Any]) -> dict[str, Any]:
    before, after = report["before"], report["after"]
    return {k: after.get(k) for k in set(before) | set(after) if before.get(k) != after.get(k)}


def test_real_full_disk_refused_up_front(
    imported: Workspace, tmp_path: Path, full_disk: Callable[..., tuple[dict[str, Any], str]]
) -> None:
    report, err = full_disk(imported.root, 600_000, [*RECALC, "{ws}/TheoDoiNhiemVu.xlsm"])
    assert report["rc"] == 2
    assert_user_message(err, tmp_path / "mnt" / "ws")
    assert "đã đầy (còn trống 0,6" in err and "chưa ghi gì vào sổ theo dõi" in err
    assert set(changed(report)) <= {"ws/TheoDoiNhiemVu.xlsm.lock"}


@pytest.mark.parametrize("where", ["backup", "tracker"])
def test_real_full_disk_halfway_leaves_nothing(
    where: str,
    imported: Workspace,
    tmp_path: Path,
    full_disk: Callable[..., tuple[dict[str, Any], str]],
) -> None:
    """The kernel's own ENOSPC: halfway through the backup copy (room for half of it), or
    halfway through the new tracker (room for the backup and half the new file)."""
    size = imported.workbook.stat().st_size
    left = size // 2 if where == "backup" else size + size // 2
    report, err = full_disk(imported.root, left, [*RECALC, "{ws}/TheoDoiNhiemVu.xlsm"], race=True)
    assert report["rc"] == 2, err
    ws = tmp_path / "mnt" / "ws"
    assert_user_message(err, ws / "backups" if where == "backup" else ws)
    # tracker byte-identical, no backup (whole or cut), no temp file: only the lock file is new
    assert set(changed(report)) <= {"ws/TheoDoiNhiemVu.xlsm.lock"}
    assert not [k for k in report["after"] if k.endswith(".tmp")]
    assert report["free"] >= left - 8192  # what the failed write took is given back


def test_real_full_disk_forms_are_whole_or_absent(
    imported: Workspace, tmp_path: Path, full_disk: Callable[..., tuple[dict[str, Any], str]]
) -> None:
    report, err = full_disk(
        imported.root, 40_000, ["forms", "--period", "2026-11", "--workbook",
                                "{ws}/TheoDoiNhiemVu.xlsm"], race=True,
    )  # fmt: skip
    assert report["rc"] == 2, err
    assert_user_message(err, tmp_path / "mnt" / "ws" / "outbox" / "2026-11")
    unwritten = err.split("chưa ghi tệp ", 1)[1].split(";")[0]
    made = {k: v for k, v in changed(report).items() if v is not None}
    assert f"ws/outbox/2026-11/{unwritten}" not in made
    assert not [k for k in made if k.endswith(".tmp")]
    for name, data in made.items():  # the forms and letters written before the disk filled
        if name.endswith((".xlsx", ".docx")):
            with zipfile.ZipFile(io.BytesIO(bytes.fromhex(data))) as zf:
                assert zf.testzip() is None


@pytest.mark.parametrize("race", [False, True])
def test_real_full_disk_init_leaves_no_cut_tracker(
    race: bool, tmp_path: Path, full_disk: Callable[..., tuple[dict[str, Any], str]]
) -> None:
    report, err = full_disk(None, 20_000, ["init", "{ws}"], race=race)
    assert report["rc"] == 2, err
    assert_user_message(err, tmp_path / "mnt" / "ws")
    assert "chưa tạo sổ theo dõi TheoDoiNhiemVu.xlsm" in err
    assert report["after"] == {}  # no tracker, whole or cut, and no temp file
