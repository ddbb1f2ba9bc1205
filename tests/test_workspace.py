from __future__ import annotations

import stat
from pathlib import Path

import pytest

from xladdin.core.errors import WorkspaceError
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import find_workspace, init_workspace


def test_init_creates_everything(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    assert ws.workbook.exists()
    for name in ("inbox", "outbox", "archive", "backups"):
        assert (ws.root / name).is_dir()
    assert len(ws.secret()) == 32
    assert stat.S_IMODE(ws.secret_file.stat().st_mode) & 0o077 == 0
    config = TrackerWorkbook.open(ws.workbook).read_config()
    assert config["letter_suffix"] == "-CV/VPTU" and config["due_soon_days"] == "15"
    assert ws.folder(config, "backup_dir") == ws.root / "backups"
    assert ws.secret().hex() not in ws.workbook.read_bytes().decode("latin-1")


def test_init_refuses_to_overwrite(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    secret = ws.secret()
    with pytest.raises(WorkspaceError, match="không ghi đè"):
        init_workspace(tmp_path / "ws")
    init_workspace(tmp_path / "ws", force=True)
    assert ws.secret() == secret  # forcing a new tracker never changes the signing key


def test_find_workspace_from_subfolder(tmp_path: Path) -> None:
    ws = init_workspace(tmp_path / "ws")
    assert find_workspace(start=ws.root / "inbox").workbook == ws.workbook
    with pytest.raises(WorkspaceError, match="--workbook"):
        find_workspace(start=tmp_path)
