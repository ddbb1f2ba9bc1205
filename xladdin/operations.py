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

from .agencies import Agency, AgencyCatalogue
from .appendix import Appendix, parse_appendix
from .importer import ImportReport, merge_appendix
from .io.docx_io import read_docx
from .io.tracker_io import TrackerWorkbook
from .layout import (
    AGENCY_COLUMNS,
    CONFIG_COLUMNS,
    CONFIG_ITEMS,
    LOG_COLUMNS,
    SHEET_AGENCIES,
    SHEET_CONFIG,
    SHEET_LOG,
    SHEET_TASKS,
    TASK_COLUMNS,
)
from .model import level_from_label, nfc
from .timeframe import kind_from_label
from .workspace import Workspace, find_workspace


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items() if k != "_row"} for r in frame.to_dict("records")]


def catalogue_from_frame(frame: pd.DataFrame) -> AgencyCatalogue:
    agencies = []
    for r in frame.to_dict("records"):
        name = nfc(r.get("name"))
        if not name:
            continue
        aliases = tuple(a for a in (nfc(x) for x in str(r.get("aliases") or "").split(";")) if a)
        agencies.append(
            Agency(
                code=nfc(r.get("code")),
                name=name,
                aliases=aliases,
                email=nfc(r.get("email")),
                contact=nfc(r.get("contact")),
                addressee=nfc(r.get("addressee")),
            )
        )
    return AgencyCatalogue(agencies)


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


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def import_plan(
    plan: Path, *, workbook: Path | None = None, now: datetime | None = None
) -> ImportOutcome:
    """Import (or re-import) the appendix of ``plan`` into the tracker."""
    ws = find_workspace(workbook)
    now = now or datetime.now().replace(microsecond=0)
    doc = read_docx(plan)
    appendix = parse_appendix(doc)
    with _editing(ws) as (book, config):
        existing = _records(book.read_tasks())
        catalogue = catalogue_from_frame(book.read_agencies())
        report = merge_appendix(
            appendix, existing, catalogue, source=Path(plan).name, sha256=_sha256(plan), now=now
        )
        book.write_table(SHEET_TASKS, TASK_COLUMNS, report.tasks, key_field="key")
        book.write_table(
            SHEET_AGENCIES, AGENCY_COLUMNS, catalogue_records(catalogue), key_field="code"
        )
        book.append_rows(SHEET_LOG, LOG_COLUMNS, report.log)
        if not config.get("plan_name") and doc.title:
            _set_config(book, config, {"plan_name": doc.title})
    return ImportOutcome(ws, Path(plan), appendix, report, book.last_backup, doc.title)


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


def export_tasks(*, workbook: Path | None = None) -> list[dict[str, Any]]:
    ws = find_workspace(workbook)
    book = TrackerWorkbook.open(ws.workbook)
    return export_records(_records(book.read_tasks()), catalogue_from_frame(book.read_agencies()))
