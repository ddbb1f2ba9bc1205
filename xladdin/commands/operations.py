"""What each button / command does, on files: read, one core call, write.

The CLI, the scheduled jobs and the demo call these; the ribbon buttons call the
same core functions on data read from the open workbook.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ..core.agencies import AgencyCatalogue, agencies_from_records
from ..core.appendix import Appendix, parse_appendix
from ..core.chart import ChartSeries
from ..core.importer import ImportReport, merge_appendix
from ..core.layout import (
    AGENCY_COLUMNS,
    CHECK_COLUMNS,
    CONFIG_COLUMNS,
    CONFIG_ITEMS,
    LOG_COLUMNS,
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_SUMMARY,
    SHEET_TASKS,
    SUMMARY_AGENCIES,
    SUMMARY_FIRST_DATA_ROW,
    TASK_COLUMNS,
)
from ..core.model import level_from_label, nfc
from ..core.recalc import Recalc
from ..core.summary import summary_grid
from ..core.timeframe import kind_from_label
from ..core.tracker import TrackerData, check, recalc
from ..io.docx_io import read_docx
from ..io.tracker_io import TrackerWorkbook
from ..io.workspace import Workspace, find_workspace
from ..validators import Finding


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
class ImportOutcome:
    workspace: Workspace
    plan: Path
    appendix: Appendix
    report: ImportReport
    backup: Path | None
    plan_title: str


@dataclass
class PlanImport:
    """An appendix merged into the tracker's records: what every import path writes back."""

    appendix: Appendix
    report: ImportReport
    title: str
    agencies: list[dict[str, Any]]


@dataclass(frozen=True)
class PlanFile:
    path: Path
    title: str
    appendix: Appendix
    sha256: str


def read_plan(plan: Path) -> PlanFile:
    """Read and parse a plan before touching the tracker, so a bad plan changes nothing."""
    doc = read_docx(plan)
    appendix = parse_appendix(doc)
    digest = hashlib.sha256(Path(plan).read_bytes()).hexdigest()
    return PlanFile(Path(plan), doc.title, appendix, digest)


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


def import_plan(
    plan: Path, *, workbook: Path | None = None, now: datetime | None = None
) -> ImportOutcome:
    """Import (or re-import) the appendix of ``plan`` into the tracker."""
    ws = find_workspace(workbook)
    now = now or datetime.now().replace(microsecond=0)
    parsed = read_plan(plan)
    with _editing(ws) as (book, config):
        merged = merge_plan(parsed, book.read_tasks(), book.read_agencies(), now=now)
        report = merged.report
        book.write_table(SHEET_TASKS, TASK_COLUMNS, report.tasks, key_field="key")
        book.write_table(SHEET_AGENCIES, AGENCY_COLUMNS, merged.agencies, key_field="code")
        book.append_rows(SHEET_LOG, LOG_COLUMNS, report.log)
        if not config.get("plan_name") and merged.title:
            _set_config(book, config, {"plan_name": merged.title})
    return ImportOutcome(ws, Path(plan), merged.appendix, report, book.last_backup, merged.title)


@contextlib.contextmanager
def _editing(ws: Workspace) -> Iterator[tuple[TrackerWorkbook, dict[str, str]]]:
    """Edit the tracker under its lock; the backup goes to the folder its own config names."""
    with TrackerWorkbook.edit(ws.workbook, None) as book:
        config = book.read_config()
        book.backup_dir = ws.folder(config, "backup_dir")
        yield book, config


def _set_config(
    book: TrackerWorkbook, config: Mapping[str, str], values: Mapping[str, str]
) -> None:
    rows = []
    for item in CONFIG_ITEMS:
        value = values.get(item.key, config.get(item.key, item.default))
        rows.append({"label": item.label, "value": value, "help": item.help, "key": item.key})
    book.write_table(SHEET_CONFIG, CONFIG_COLUMNS, rows, key_field="key")


def set_config(values: Mapping[str, str], *, workbook: Path | None = None) -> None:
    ws = find_workspace(workbook)
    with _editing(ws) as (book, config):
        _set_config(book, config, values)


# -- export ------------------------------------------------------------------------
EXPORT_FIELDS = (
    "key", "tt", "level", "parent", "content", "lead", "lead_code", "coordinating", "timeframe",
    "due_date", "deadline_kind", "status", "progress", "result", "difficulties", "proposals",
    "updated_at", "source", "due_state", "weight", "notes",
)  # fmt: skip


def _iso(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return value


def export_records(
    tasks: Iterable[Mapping[str, Any]], catalogue: AgencyCatalogue
) -> list[dict[str, Any]]:
    """Tasks with English field names and codes: the format other systems read."""
    out = []
    for t in tasks:
        level = level_from_label(t.get("level"))
        kind = (
            kind_from_label(str(t.get("deadline_kind") or "")) if t.get("deadline_kind") else None
        )
        lead = nfc(t.get("lead"))
        agency = catalogue.resolve(lead) if lead else None
        rec = {f: _iso(t.get(f)) for f in EXPORT_FIELDS}
        rec.update(
            {
                "level": level.value if level else None,
                "deadline_kind": kind.value if kind else None,
                "lead_code": agency.code if agency else None,
            }
        )
        for f, v in rec.items():
            if v == "" or (isinstance(v, float) and v != v):
                rec[f] = None
        out.append(rec)
    return out


def export_tasks(
    *, workbook: Path | None = None, today: date | None = None
) -> list[dict[str, Any]]:
    return summary_figures(workbook=workbook, today=today)[0]


# -- validate and recalc ------------------------------------------------------------
def read_data(book: TrackerWorkbook) -> TrackerData:
    return TrackerData(
        tasks=book.read_tasks(),
        agencies=book.read_agencies(),
        config_table=book.read_table(SHEET_CONFIG, CONFIG_COLUMNS),
    )


COMPUTED_FIELDS = ("progress", "due_state")


@dataclass
class ValidateOutcome:
    workspace: Workspace
    findings: list[Finding]
    backup: Path | None


def validate_workbook(
    *, workbook: Path | None = None, today: date | None = None
) -> ValidateOutcome:
    """Validate the tracker and list the findings in "Kiểm tra" (replacing the last run's)."""
    ws = find_workspace(workbook)
    today = today or date.today()
    with _editing(ws) as (book, _config):
        findings = check(read_data(book), today)
        book.write_table(SHEET_CHECKS, CHECK_COLUMNS, [f.record() for f in findings])
    return ValidateOutcome(ws, findings, book.last_backup)


@dataclass
class RecalcOutcome:
    workspace: Workspace
    result: Recalc
    backup: Path | None


def task_cells(result: Recalc, positions: Mapping[str, int]) -> dict[tuple[int, int], Any]:
    """The computed cells of "Nhiệm vụ" (progress, due state) by (row, column)."""
    cells: dict[tuple[int, int], Any] = {}
    for t in result.tasks:
        row = t.get("_row")
        if row is None:
            continue
        for field in COMPUTED_FIELDS:
            cells[(int(row), positions[field])] = t.get(field)
    return cells


def recalc_workbook(
    *, workbook: Path | None = None, today: date | None = None, now: datetime | None = None
) -> RecalcOutcome:
    """Recalculate progress and due states, and rewrite the "Tổng hợp" sheet and its chart."""
    ws = find_workspace(workbook)
    today = today or date.today()
    with _editing(ws) as (book, _config):
        result = recalc(read_data(book), today, now)
        positions = book.header_positions(SHEET_TASKS, TASK_COLUMNS)
        # Only the computed cells change; every other cell of "Nhiệm vụ" stays as it is.
        book.write_grid(SHEET_TASKS, task_cells(result, positions))
        grid = summary_grid(result)
        name_ref, cat_ref, val_ref = grid.chart_refs()
        agencies = grid.blocks[SUMMARY_AGENCIES.title]
        book.write_grid(
            SHEET_SUMMARY,
            grid.cells,
            clear_from_row=SUMMARY_FIRST_DATA_ROW,
            chart=ChartSeries(
                name_ref=name_ref,
                name=SUMMARY_AGENCIES.columns[1].header,
                categories_ref=cat_ref,
                categories=[str(r[0]) for r in agencies],
                values_ref=val_ref,
                values=[float(r[1]) for r in agencies],
            ),
        )
    return RecalcOutcome(ws, result, book.last_backup)


def summary_figures(
    *, workbook: Path | None = None, today: date | None = None
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Export: tasks with freshly computed fields, and the summary figures (nothing written)."""
    ws = find_workspace(workbook)
    book = TrackerWorkbook.open(ws.workbook)
    data = read_data(book)
    result = recalc(data, today or date.today())
    return export_records(result.tasks, data.catalogue()), result.figures()
