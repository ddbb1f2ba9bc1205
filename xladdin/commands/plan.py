"""Import (or re-import) the plan's appendix: ``theodoi import`` and the "Nhập phụ lục" button.

The plan is read and parsed before the tracker is touched, so a bad plan changes nothing.
Re-importing keeps every tracking value; see :mod:`xladdin.core.importer` for the matching.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..book.base import Book, append_log, read_data
from ..book.file import edit_tracker
from ..core.agencies import AgencyCatalogue, agencies_from_records
from ..core.appendix import Appendix, parse_appendix
from ..core.errors import InputFileError
from ..core.importer import ImportReport, merge_appendix
from ..core.layout import (
    AGENCY_COLUMNS,
    SHEET_AGENCIES,
    SHEET_TASKS,
    TASK_COLUMNS,
)
from ..io.docx_io import read_docx
from ..io.workspace import Workspace
from .config import write_config


@dataclass(frozen=True)
class PlanFile:
    path: Path
    title: str
    appendix: Appendix
    sha256: str
    legacy_fonts: dict[str, int] = field(default_factory=dict)  # font -> runs converted


def read_plan(plan: Path) -> PlanFile:
    """Read and parse a plan before touching the tracker, so a bad plan changes nothing."""
    doc = read_docx(plan)
    appendix = parse_appendix(doc)
    digest = hashlib.sha256(Path(plan).read_bytes()).hexdigest()
    return PlanFile(Path(plan), doc.title, appendix, digest, dict(doc.legacy_fonts))


def newest_plan(folder: Path) -> Path:
    """The most recently saved .docx in ``folder``: the plan the button imports."""
    plans = [p for p in folder.glob("*.docx") if p.is_file() and not p.name.startswith(("~$", "."))]
    if not plans:
        raise InputFileError(
            f"Chưa có tệp kế hoạch (.docx) trong thư mục làm việc {folder}.\n"
            "Hãy chép tệp kế hoạch vào thư mục đó rồi bấm lại “Nhập phụ lục”."
        )
    return max(plans, key=lambda p: (p.stat().st_mtime, p.name))


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items() if k != "_row"} for r in frame.to_dict("records")]


def catalogue_from_frame(frame: pd.DataFrame) -> AgencyCatalogue:
    """The catalogue of the "Cơ quan" sheet; clashing names or codes raise."""
    return AgencyCatalogue(agencies_from_records(frame.to_dict("records")))


def catalogue_records(catalogue: AgencyCatalogue) -> list[dict[str, Any]]:
    return [
        {
            "code": a.code,
            "name": a.name,
            "aliases": "; ".join(a.aliases),
            "email": a.email,
            "contact": a.contact,
            "addressee": a.addressee,
        }
        for a in catalogue
    ]


@dataclass
class PlanImport:
    """An appendix merged into the tracker's records: what every import writes back."""

    appendix: Appendix
    report: ImportReport
    title: str
    agencies: list[dict[str, Any]]


def merge_plan(
    plan: PlanFile, tasks: pd.DataFrame, agencies: pd.DataFrame, *, now: datetime
) -> PlanImport:
    """Merge a plan's appendix into the tracker's tasks and agency catalogue (pure)."""
    catalogue = catalogue_from_frame(agencies)
    report = merge_appendix(
        plan.appendix,
        _records(tasks),
        catalogue,
        source=plan.path.name,
        sha256=plan.sha256,
        now=now,
    )
    return PlanImport(plan.appendix, report, plan.title, catalogue_records(catalogue))


@dataclass
class ImportOutcome:
    workspace: Workspace
    plan: Path
    appendix: Appendix
    report: ImportReport
    backup: Path | None
    plan_title: str
    legacy_fonts: dict[str, int] = field(default_factory=dict)

    def legacy_line(self) -> str:
        """What was typed in a legacy font and converted, for the report ("" if nothing)."""
        if not self.legacy_fonts:
            return ""
        fonts = ", ".join(f"{f} ({n} đoạn)" for f, n in sorted(self.legacy_fonts.items()))
        return f"Đã chuyển sang Unicode chữ gõ bằng phông cũ (TCVN3/VNI): {fonts}."


def run(book: Book, plan: PlanFile, *, now: datetime) -> ImportOutcome:
    """Merge ``plan`` into the tracker: tasks, agency catalogue, audit log, plan name."""
    data = read_data(book)
    merged = merge_plan(plan, data.tasks, data.agencies, now=now)
    report = merged.report
    book.write_table(SHEET_TASKS, TASK_COLUMNS, report.tasks, key_field="key")
    book.write_table(SHEET_AGENCIES, AGENCY_COLUMNS, merged.agencies, key_field="code")
    append_log(book, report.log)
    if not data.config.get("plan_name") and merged.title:
        write_config(book, data.config, {"plan_name": merged.title})
    return ImportOutcome(
        book.workspace, plan.path, merged.appendix, report, None, merged.title, plan.legacy_fonts
    )


def message(outcome: ImportOutcome) -> str:
    report = outcome.report
    c = report.counts()
    lines = [
        f"Đã nhập phụ lục từ “{outcome.plan.name}”: {c['rows']} dòng ({c['sections']} phần, "
        f"{c['groups']} nhóm, {c['tasks']} nhiệm vụ).",
        f"Thêm mới {len(report.added)}, sửa {len(report.changed)}, đổi mã "
        f"{len(report.renumbered)}, bỏ {len(report.removed)}, giữ nguyên {report.unchanged}.",
    ]
    if report.new_agencies:
        lines.append(f"Cơ quan mới trong danh mục: {len(report.new_agencies)}.")
    if outcome.legacy_line():
        lines.append(outcome.legacy_line())
    if report.unparsed_timeframes:
        lines.append(
            f"{len(report.unparsed_timeframes)} nhiệm vụ chưa hiểu được thời gian thực hiện: "
            "cần nhập hạn bằng tay."
        )
    return "\n".join(lines)


def import_plan(
    plan: Path, *, workbook: Path | None = None, now: datetime | None = None
) -> ImportOutcome:
    """:func:`run` on the tracker file (``theodoi import``)."""
    parsed = read_plan(plan)
    with edit_tracker(workbook) as book:
        outcome = run(book, parsed, now=now or datetime.now().replace(microsecond=0))
    outcome.backup = book.last_backup
    return outcome
