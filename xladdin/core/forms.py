"""Which agencies get a form, with which tasks and metadata (pure; no files).

An agency of the catalogue gets a form when it leads or coordinates at least one leaf task
(level "Nhiệm vụ"). Lead tasks are the rows it reports on; coordination tasks are listed for
information only. :mod:`xladdin.io.form_io` lays a :class:`AgencyForm` out as an .xlsx and
:mod:`xladdin.commands.forms` ties the two to the workspace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .agencies import Agency, AgencyCatalogue
from .errors import Location, WorkbookFormatError
from .form_content import KEY_SEPARATOR, AgencyForm, FormTask, locked_snapshot
from .layout import (
    FORM_VERSION,
    SHEET_TASKS,
    Level,
    task_column,
)
from .model import level_from_label, nfc
from .period import Period
from .signing import sign
from .snapshot import snapshot_digest


def agency_codes(text: Any, catalogue: AgencyCatalogue) -> list[str]:
    """Codes of the catalogue agencies named in a lead or coordinating cell, in order.

    The whole text first (a name with a comma such as "Sở Văn hóa, Thể thao và Du lịch"),
    then its parts; names not in the catalogue are left out (validation reports them)."""
    codes: list[str] = []
    for _name, agency in catalogue.named_in(nfc(text)):
        if agency is not None and agency.code not in codes:
            codes.append(agency.code)
    return codes


@dataclass(frozen=True)
class FormPlan:
    """The forms to issue, the agencies without tasks, and leaf tasks no agency leads."""

    forms: tuple[AgencyForm, ...]
    skipped: tuple[Agency, ...]
    unassigned: tuple[str, ...]  # keys of leaf tasks whose lead names no catalogue agency


def _leaf_tasks(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    leaves: list[Mapping[str, Any]] = []
    seen: dict[str, Any] = {}
    key_header = task_column("key").header
    for r in records:
        if level_from_label(r.get("level")) is not Level.TASK:
            continue
        key = nfc(r.get("key"))
        row = r.get("_row")
        where = Location(sheet=SHEET_TASKS, row=int(row) if row is not None else None)
        # A return refers to its rows by key only: a missing, repeated or ";"-carrying key
        # would make a returned row ambiguous, so no form is issued until it is fixed.
        if not key:
            raise WorkbookFormatError(
                f"Nhiệm vụ thiếu “{key_header}”; hãy điền mã rồi lập phiếu lại.", where
            )
        if KEY_SEPARATOR in key:
            raise WorkbookFormatError(
                f"“{key_header}” «{key}» chứa dấu “{KEY_SEPARATOR}”; hãy sửa mã rồi lập phiếu lại.",
                where,
            )
        if key in seen:
            raise WorkbookFormatError(
                f"“{key_header}” «{key}» bị trùng (cũng có ở dòng {seen[key]}); "
                "hãy chạy “Kiểm tra” và sửa trước khi lập phiếu.",
                where,
            )
        seen[key] = row
        leaves.append(r)
    return leaves


def plan_forms(
    records: Iterable[Mapping[str, Any]],
    catalogue: AgencyCatalogue,
    *,
    plan: str,
    period: Period,
    return_deadline: str,
    office: str,
    issued_at: datetime,
    secret: bytes,
) -> FormPlan:
    """One :class:`AgencyForm` per catalogue agency that leads or coordinates a leaf task,
    in catalogue order; tasks in tracker order."""
    issued_at = issued_at.replace(microsecond=0)
    leads: dict[str, list[FormTask]] = {a.code: [] for a in catalogue}
    coords: dict[str, list[FormTask]] = {a.code: [] for a in catalogue}
    unassigned: list[str] = []
    for record in _leaf_tasks(records):
        task = FormTask.from_record(record)
        lead_codes = agency_codes(record.get("lead"), catalogue)
        if not lead_codes:
            unassigned.append(task.key)
        for code in lead_codes:
            leads[code].append(task)
        for code in agency_codes(record.get("coordinating"), catalogue):
            # An agency leading a task reports on it; listing it again "for information"
            # would only invite two different answers.
            if code not in lead_codes:
                coords[code].append(task)
    forms: list[AgencyForm] = []
    skipped: list[Agency] = []
    issued_text = issued_at.isoformat(timespec="seconds")
    for agency in catalogue:
        lead, coord = tuple(leads[agency.code]), tuple(coords[agency.code])
        if not lead and not coord:
            skipped.append(agency)
            continue
        keys = [t.key for t in lead]
        signature = sign(
            secret,
            agency=agency.code,
            period=period.code,
            keys=keys,
            version=FORM_VERSION,
            issued_at=issued_text,
            locked=snapshot_digest(locked_snapshot(lead), keys),
        )
        forms.append(
            AgencyForm(
                agency=agency,
                plan=nfc(plan),
                period=period,
                return_deadline=nfc(return_deadline),
                office=nfc(office),
                issued_at=issued_at,
                lead=lead,
                coordinating=coord,
                signature=signature,
            )
        )
    return FormPlan(tuple(forms), tuple(skipped), tuple(unassigned))


# -- user-visible text of a form --------------------------------------------------------
