from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from xladdin.adapters.cli import main
from xladdin.commands.export import EXPORT_FIELDS, export_tasks
from xladdin.io.workspace import Workspace


def _by_key(tasks: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(t["key"]): t for t in tasks}


def test_export_json_acceptance_examples(
    imported: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "--workbook", str(imported.workbook), "--format", "json"]) == 0
    tasks = json.loads(capsys.readouterr().out)["tasks"]
    assert len(tasks) == 35 and set(tasks[0]) == set(EXPORT_FIELDS)
    t = _by_key(tasks)
    assert (t["I.4"]["timeframe"], t["I.4"]["due_date"], t["I.4"]["deadline_kind"]) == (
        "Hoàn thành 30/01/2026",
        "2026-01-30",
        "fixed_date",
    )
    assert (t["I.5"]["timeframe"], t["I.5"]["due_date"], t["I.5"]["deadline_kind"]) == (
        "Hoàn thành Qúy I/2026",
        "2026-03-31",
        "quarter",
    )
    assert (t["I.1"]["deadline_kind"], t["I.1"]["due_date"]) == ("ongoing", None)
    assert (t["II.1.1"]["deadline_kind"], t["II.1.1"]["due_date"]) == ("roadmap", None)
    assert (
        t["II"]["level"] == "section"
        and t["II.1"]["level"] == "group"
        and t["II.1.1"]["parent"] == "II.1"
    )
    # "Văn Phòng Tỉnh ủy" (as printed) is the same agency as "Văn phòng Tỉnh ủy"
    from xladdin.commands.plan import catalogue_from_frame
    from xladdin.core.agencies import AgencyCatalogue
    from xladdin.io.tracker_io import TrackerWorkbook

    catalogue: AgencyCatalogue = catalogue_from_frame(
        TrackerWorkbook.open(imported.workbook).read_agencies()
    )
    vptu = catalogue.resolve("Văn phòng Tỉnh ủy")
    assert vptu is not None and t["I.1"]["lead_code"] == vptu.code
    assert t["II.2.6"]["lead_code"] == catalogue.resolve("Ủy ban Kiểm tra Tỉnh ủy").code  # type: ignore[union-attr]


def test_cli_gives_what_the_library_gives(imported: Workspace, tmp_path: Path) -> None:
    out = tmp_path / "x.json"
    assert main(["export", "-w", str(imported.workbook), "-o", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["tasks"] == export_tasks(
        workbook=imported.workbook
    )
    out_csv = tmp_path / "x.csv"
    assert (
        main(["export", "-w", str(imported.workbook), "--format", "csv", "-o", str(out_csv)]) == 0
    )
    rows = list(csv.DictReader(io.StringIO(out_csv.read_text(encoding="utf-8-sig"))))
    lib = export_tasks(workbook=imported.workbook)
    assert [r["key"] for r in rows] == [t["key"] for t in lib]
    assert rows[4]["due_date"] == lib[4]["due_date"] == "2026-01-30"


def test_import_command_matches_library(
    workspace: Workspace, plan_docx: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(plan_docx), "--workbook", str(workspace.workbook)]) == 0
    out = capsys.readouterr().out
    assert "35 dòng (5 phần, 2 nhóm, 28 nhiệm vụ)" in " ".join(out.split())
    assert len(export_tasks(workbook=workspace.workbook)) == 35


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["import", "khong-co.docx"], 2, "Không tìm thấy"),
        (["export", "--format", "xml"], 2, "Lỗi cách dùng"),
        (["lenh-la"], 2, "Lỗi cách dùng"),
    ],
)
def test_errors_are_messages_not_tracebacks(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    code: int,
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "TheoDoiNhiemVu.xlsm").write_bytes(b"")
    assert main(args) == code
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_not_a_docx(
    workspace: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "ke_hoach.docx"
    bad.write_bytes(b"not a zip")
    before = workspace.workbook.read_bytes()
    assert main(["import", str(bad), "-w", str(workspace.workbook)]) == 2
    assert "ke_hoach.docx" in capsys.readouterr().err
    assert workspace.workbook.read_bytes() == before


def test_help_is_vietnamese_and_script_installed() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "xladdin.adapters.cli", "--help"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )
    assert proc.returncode == 0
    assert "Cách dùng:" in proc.stdout and "Lệnh" in proc.stdout and "Nhập phụ lục" in proc.stdout


def test_demo_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo", str(tmp_path / "demo")]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "35 dòng (5 phần, 2 nhóm, 28 nhiệm vụ)" in out
    # the plan's "Văn Phòng Tỉnh ủy" under its standard name
    assert "Văn phòng Tỉnh ủy" in out and "Văn Phòng" not in out
    assert (tmp_path / "demo" / "TheoDoiNhiemVu.xlsm").exists()
