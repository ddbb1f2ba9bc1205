"""Merge a parsed appendix into the tracker's tasks without losing tracking data.

Pure: old tasks (records read from "Nhiệm vụ") and the new appendix in, the new
task records, the agency catalogue and a report of what changed out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .agencies import Agency, AgencyCatalogue, normalize_key
from .agency_names import add_or_get_standard
from .appendix import Appendix, AppendixRow
from .layout import (
    PLAN_FIELDS,
    STATUS_NOT_STARTED,
    TASK_COLUMNS,
    TRACKING_FIELDS,
    Level,
)
from .model import Task, content_key, level_from_label, nfc
from .timeframe import KIND_LABELS, parse_timeframe

HEADERS = {c.field: c.header for c in TASK_COLUMNS}


@dataclass
class ImportReport:
    tasks: list[dict[str, Any]]
    catalogue: AgencyCatalogue
    new_agencies: list[Agency] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: list[tuple[str, list[str]]] = field(default_factory=list)
    renumbered: list[tuple[str, str]] = field(default_factory=list)
    unchanged: int = 0
    unparsed_timeframes: list[tuple[str, str]] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        levels = [level_from_label(t["level"]) for t in self.tasks]
        return {
            "rows": len(self.tasks),
            "sections": levels.count(Level.SECTION),
            "groups": levels.count(Level.GROUP),
            "tasks": levels.count(Level.TASK),
        }


def task_from_row(row: AppendixRow, catalogue: AgencyCatalogue, new: list[Agency]) -> Task:
    task = Task(
        key=row.key,
        tt=row.tt,
        level=row.level,
        parent=row.parent,
        content=nfc(row.content),
        coordinating=nfc(row.coordinating),
        timeframe=nfc(row.timeframe),
        notes=nfc(row.notes) or None,
    )
    if row.level is not Level.TASK:
        return task
    if row.lead:
        agency, created = add_or_get_standard(catalogue, nfc(row.lead))
        if created:
            new.append(agency)
        task.lead = agency.name
    tf = parse_timeframe(row.timeframe)
    task.due_date = tf.due
    task.deadline_kind = KIND_LABELS[tf.kind]
    task.status = STATUS_NOT_STARTED
    return task


def _plan_values(rec: Mapping[str, Any]) -> dict[str, Any]:
    return {f: rec.get(f) if rec.get(f) not in ("", None) else None for f in PLAN_FIELDS}


def _has_tracking(rec: Mapping[str, Any]) -> bool:
    return any(rec.get(f) not in (None, "", STATUS_NOT_STARTED) for f in TRACKING_FIELDS)


def merge_appendix(
    appendix: Appendix,
    existing: Sequence[Mapping[str, Any]],
    catalogue: AgencyCatalogue,
    *,
    source: str,
    sha256: str = "",
    now: datetime,
) -> ImportReport:
    """New task records in appendix order; tracking data follows each task.

    A task is the same task when its key and text match, when only its number
    changed (same text, renumbered), or when its text was revised under the same
    key. Tasks gone from the plan are reported and written to the log in full.
    """
    new_agencies: list[Agency] = []
    fresh = [task_from_row(r, catalogue, new_agencies).to_record() for r in appendix.rows]
    report = ImportReport(
        tasks=[], catalogue=catalogue, new_agencies=new_agencies, warnings=list(appendix.warnings)
    )
    old = [dict(r) for r in existing if nfc(r.get("key"))]
    for r in old:
        r["key"] = nfc(r["key"])
    old_by_key = {r["key"]: r for r in old}
    matched: dict[int, dict[str, Any]] = {}
    used: set[str] = set()

    def entry(
        action: str, key: str = "", column: str = "", old_v: Any = None, new_v: Any = None
    ) -> None:
        report.log.append(
            {
                "time": now,
                "action": action,
                "file": source,
                "sha256": sha256,
                "agency": "",
                "key": key,
                "column": column,
                "old": old_v,
                "new": new_v,
            }
        )

    # 1. same key and same text
    for i, rec in enumerate(fresh):
        o = old_by_key.get(rec["key"])
        if o is not None and content_key(o.get("content")) == content_key(rec["content"]):
            matched[i] = o
            used.add(o["key"])
    # 2. same text under another key (renumbered)
    by_text: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for o in old:
        if o["key"] not in used:
            by_text.setdefault((nfc(o.get("level")), content_key(o.get("content"))), []).append(o)
    for i, rec in enumerate(fresh):
        if i in matched:
            continue
        cands = [
            o
            for o in by_text.get((rec["level"], content_key(rec["content"])), [])
            if o["key"] not in used
        ]
        if len(cands) == 1:
            matched[i] = cands[0]
            used.add(cands[0]["key"])
    # 3. same key, revised text
    for i, rec in enumerate(fresh):
        if i in matched:
            continue
        o = old_by_key.get(rec["key"])
        if o is not None and o["key"] not in used and nfc(o.get("level")) == rec["level"]:
            matched[i] = o
            used.add(o["key"])

    first_import = not old
    for i, rec in enumerate(fresh):
        o = matched.get(i)
        if o is None:
            report.added.append(rec["key"])
            if not first_import:
                entry("Thêm nhiệm vụ", rec["key"], HEADERS["content"], None, rec["content"])
        else:
            for f in TRACKING_FIELDS:
                if o.get(f) not in (None, ""):
                    rec[f] = o[f]
            if o["key"] != rec["key"]:
                report.renumbered.append((o["key"], rec["key"]))
                entry("Đổi mã nhiệm vụ", rec["key"], HEADERS["key"], o["key"], rec["key"])
            before, after = _plan_values(o), _plan_values(rec)
            diff = [
                f
                for f in PLAN_FIELDS
                if f != "tt"
                and (
                    not _same_agencies(before[f], after[f], catalogue)
                    if f == "lead"
                    else _differs(before[f], after[f])
                )
            ]
            if diff:
                report.changed.append((rec["key"], [HEADERS[f] for f in diff]))
                for f in diff:
                    entry(
                        "Sửa nhiệm vụ theo kế hoạch mới",
                        rec["key"],
                        HEADERS[f],
                        before[f],
                        after[f],
                    )
            elif o["key"] == rec["key"]:
                report.unchanged += 1
        if (
            rec["level"] == "Nhiệm vụ"
            and rec["deadline_kind"] == KIND_LABELS[parse_timeframe("").kind]
        ):
            report.unparsed_timeframes.append((rec["key"], rec["timeframe"]))
        report.tasks.append(rec)
    for o in old:
        if o["key"] in used:
            continue
        report.removed.append(o["key"])
        for f in ("content", *TRACKING_FIELDS):
            if o.get(f) not in (None, ""):
                entry("Bỏ nhiệm vụ (không còn trong kế hoạch)", o["key"], HEADERS[f], o[f], None)
    if first_import:
        c = report.counts()
        entry(
            "Nhập phụ lục",
            new_v=f"{c['rows']} dòng: {c['sections']} phần, {c['groups']} nhóm, {c['tasks']} nhiệm vụ",
        )
    for a in new_agencies:
        entry("Thêm cơ quan", column="Cơ quan", new_v=f"{a.code}: {a.name}")
    return report


def _differs(a: Any, b: Any) -> bool:
    if isinstance(a, str) or isinstance(b, str):
        return nfc(a) != nfc(b)
    return a != b


def _same_agencies(a: Any, b: Any, catalogue: AgencyCatalogue) -> bool:
    """Two lead cells naming the same agencies: the catalogue's name replacing an older
    spelling ("Văn Phòng Tỉnh ủy" → "Văn phòng Tỉnh ủy") is no revision of the plan."""

    def agencies(text: Any) -> list[str]:
        return [
            found.code if found is not None else normalize_key(name)
            for name, found in catalogue.named_in(nfc(text))
        ]

    return agencies(a) == agencies(b)
