"""Drive LibreOffice itself as the client some offices and agencies use (see lo_client.py).

    type_and_save(path, [("Nhiệm vụ", "M5", "50%")], tmp_path)   # typed, saved in place
    type_and_save(path, [], tmp_path, save_as=out, filter="Calc MS Excel 2007 XML")
    with held_open(path, tmp_path): ...                          # its lock file is there

Tests using it are skipped, with the install line, where LibreOffice or python3-uno is missing
(``.ci/run`` installs both).
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

CLIENT = Path(__file__).with_name("lo_client.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # python3-uno installs the uno module for this one
XLSX_FILTER = "Calc MS Excel 2007 XML"  # what "Keep current format" writes for .xlsx
ODS_FILTER = "calc8"


@functools.cache
def soffice() -> str | None:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None or not Path(SYSTEM_PYTHON).exists():
        return None
    probe = subprocess.run([SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, check=False)
    return found if probe.returncode == 0 else None


needs_libreoffice = pytest.mark.skipif(
    soffice() is None,
    reason="LibreOffice with python3-uno is needed: apt-get install -y --no-install-recommends "
    "libreoffice-calc-nogui python3-uno (.ci/run does)",
)


def _job(path: Path, typed: Sequence[tuple[str, str, str]], tmp: Path, **extra: Any) -> str:
    # A fresh profile per run: a profile left locked by an office still shutting down would
    # stop the next one from starting.
    profile = Path(tempfile.mkdtemp(prefix="lo-profile-", dir=tmp)).resolve().as_uri()
    return json.dumps(
        {"soffice": soffice(), "profile": profile, "open": str(path), "type": list(typed), **extra},
        ensure_ascii=False,
    )


def office_env(tmp: Path) -> dict[str, str]:
    """A small environment with a UTF-8 locale: without one LibreOffice cannot name a
    Vietnamese folder (an office's "Thư mục") and waits until the timeout."""
    return {"HOME": str(tmp), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"}


def type_and_save(
    path: Path,
    typed: Sequence[tuple[str, str, str]],
    tmp: Path,
    *,
    save_as: Path | None = None,
    filter: str | None = None,
) -> None:
    """Open ``path`` in LibreOffice, type each (sheet, cell, text), save (in place with the
    current filter, or to ``save_as`` with ``filter``) and close."""
    save = {"path": str(save_as or path), "filter": filter}
    done = subprocess.run(
        [SYSTEM_PYTHON, str(CLIENT)],
        input=_job(path, typed, tmp, save=save) + "\n",
        capture_output=True, text=True, timeout=300, check=False, env=office_env(tmp),
    )  # fmt: skip
    assert done.returncode == 0 and "ok" in done.stdout, done.stderr[-3000:]


@contextlib.contextmanager
def held_open(path: Path, tmp: Path) -> Iterator[None]:
    """``path`` open in LibreOffice (not saved) for the duration of the block."""
    client = subprocess.Popen(
        [SYSTEM_PYTHON, str(CLIENT)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=office_env(tmp),
    )  # fmt: skip
    assert client.stdin is not None and client.stdout is not None
    client.stdin.write(_job(path, [], tmp, hold=True) + "\n")
    client.stdin.flush()
    line = client.stdout.readline()
    try:
        assert line.strip() == "ready", (line, client.stderr.read() if client.stderr else "")
        yield
    finally:
        client.stdin.close()
        try:
            client.wait(timeout=120)
        except subprocess.TimeoutExpired:
            client.kill()
