"""``theodoi repair``: put the ribbon and the macros back into a tracker that lost them.

A tracker saved by LibreOffice with its Excel filter (or saved as .xlsx and renamed) keeps every
sheet but loses its VBA project, so the ribbon's buttons point at nothing and cannot repair
it themselves. This puts back the code names VBA binds to, the macro-enabled content type, a
VBA project made by the same build as the shipped workbook (pyOpenVBA) and the shipped ribbon;
every sheet part, value, format and user addition stays as it is. Backup and atomic write as
for every write.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..book.base import read_config
from ..book.file import FileBook
from ..io.macros import (
    VBA_PART,
    mark_macro_enabled,
    missing_macro_parts,
    put_ribbon,
    put_vba_project,
    set_code_names,
)
from ..io.tracker_io import TrackerWorkbook
from ..io.workspace import Workspace, find_workspace
from ..workbook_build.build import sheet_specs, vba_modules
from ..workbook_build.ribbon import ribbon_xml
from ..workbook_build.vba_project import build_vba_project


@dataclass
class RepairOutcome:
    workspace: Workspace
    problems: list[str]  # what was wrong (empty: nothing to repair, nothing written)
    backup: Path | None


def repair_workbook(*, workbook: Path | None = None) -> RepairOutcome:
    ws = find_workspace(workbook)
    with TrackerWorkbook.edit(ws.workbook, None) as tracker:
        tracker.backup_dir = ws.folder(
            read_config(FileBook(tracker, ws, writable=False)), "backup_dir"
        )
        pkg = tracker.pkg
        problems = missing_macro_parts(pkg)
        if problems:
            set_code_names(pkg, {s.name: s.code_name for s in sheet_specs()})
            mark_macro_enabled(pkg)
            pkg.delete(VBA_PART)  # a damaged project is replaced, not patched
            put_vba_project(pkg, build_vba_project(pkg.to_bytes(), vba_modules()))
            put_ribbon(pkg, ribbon_xml())
            tracker.mark_package_changed()
    return RepairOutcome(ws, problems, tracker.last_backup)


def message(outcome: RepairOutcome) -> str:
    name = outcome.workspace.workbook.name
    if not outcome.problems:
        return f"Sổ {name} còn nguyên macro và thẻ ribbon; không cần sửa, sổ không thay đổi."
    lines = [
        f"Đã khôi phục macro và thẻ ribbon cho sổ {name} (trước đó sổ "
        + ", ".join(outcome.problems)
        + "). Dữ liệu các trang giữ nguyên."
    ]
    if outcome.backup:
        lines.append(f"Bản sao trước khi sửa: {outcome.backup}")
    lines.append("Mở lại sổ trong Excel và bấm “Kiểm tra cài đặt”.")
    return "\n".join(lines)
