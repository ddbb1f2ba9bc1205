"""A workspace: the folder holding the tracker, its secret and its work folders."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ..core.errors import WorkspaceError
from . import files

WORKBOOK_NAME = "TheoDoiNhiemVu.xlsm"
SECRET_NAME = ".theodoi-secret"
DEFAULT_FOLDERS = {
    "inbox_dir": "inbox",
    "outbox_dir": "outbox",
    "archive_dir": "archive",
    "backup_dir": "backups",
}


def bundled(package: str, name: str) -> Path:
    """A file shipped with the package (workbook template, sample plan, letter templates)."""
    path = Path(str(resources.files(package).joinpath(name)))
    if not path.exists():
        raise WorkspaceError(f"Thiếu tệp đi kèm phần mềm: {name}. Hãy cài đặt lại.")
    return path


def template_workbook() -> Path:
    return bundled("xladdin._workbook", WORKBOOK_NAME)


@dataclass(frozen=True)
class Workspace:
    root: Path
    workbook: Path

    def folder(self, config: dict[str, str], key: str) -> Path:
        value = (config.get(key) or DEFAULT_FOLDERS[key]).strip()
        path = Path(value)
        return path if path.is_absolute() else self.root / path

    @property
    def secret_file(self) -> Path:
        return self.root / SECRET_NAME

    def secret(self) -> bytes:
        try:
            return bytes.fromhex(self.secret_file.read_text(encoding="ascii").strip())
        except (FileNotFoundError, ValueError) as exc:
            raise WorkspaceError(
                f"Thiếu hoặc hỏng tệp khóa ký phiếu {self.secret_file}. Tạo lại thư mục làm việc bằng "
                "“theodoi init” hoặc khôi phục tệp này từ bản sao lưu."
            ) from exc


def init_workspace(root: Path, *, force: bool = False) -> Workspace:
    """Create the workspace: tracker copied from the template, folders, secret."""
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    workbook = root / WORKBOOK_NAME
    if workbook.exists() and not force:
        raise WorkspaceError(
            f"Thư mục {root} đã có sổ theo dõi {WORKBOOK_NAME}; không ghi đè (dùng --force nếu chắc chắn)."
        )
    # Whole or not at all: a tracker cut short by a full disk would block the next "init".
    unwritten = f"chưa tạo sổ theo dõi {WORKBOOK_NAME}"
    files.atomic_write(workbook, template_workbook().read_bytes(), unwritten=unwritten)
    for name in DEFAULT_FOLDERS.values():
        files.make_folder(root / name, f"chưa tạo thư mục {name}")
    secret = root / SECRET_NAME
    if not secret.exists():
        fd = os.open(secret, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        try:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
        except BaseException as exc:
            secret.unlink(missing_ok=True)  # an empty key would sign nothing
            if isinstance(exc, OSError) and files.is_out_of_space(exc):
                raise files.ran_out(
                    root, 0, f"chưa tạo tệp khóa ký phiếu {SECRET_NAME}", exc
                ) from exc
            raise
    return Workspace(root, workbook)


def find_workspace(workbook: Path | None = None, start: Path | None = None) -> Workspace:
    """The given tracker's workspace, or the one of the current folder (or a parent)."""
    if workbook is not None:
        workbook = Path(workbook)
        if not workbook.exists():
            raise WorkspaceError(f"Không tìm thấy sổ theo dõi {workbook}.")
        return Workspace(workbook.resolve().parent, workbook.resolve())
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / WORKBOOK_NAME
        if candidate.exists():
            return Workspace(folder, candidate)
    raise WorkspaceError(
        f"Không tìm thấy sổ theo dõi {WORKBOOK_NAME} trong thư mục hiện tại. "
        "Chỉ rõ bằng --workbook hoặc tạo thư mục làm việc bằng “theodoi init THƯ_MỤC”."
    )
