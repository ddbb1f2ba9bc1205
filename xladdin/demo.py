"""``theodoi demo``: the main job on the bundled sample plan, end to end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .operations import (
    ImportOutcome,
    RecalcOutcome,
    ValidateOutcome,
    export_tasks,
    import_plan,
    recalc_workbook,
    validate_workbook,
)
from .workspace import Workspace, bundled, init_workspace

SAMPLE_PLAN = "KeHoach_DienBien_2026.docx"


@dataclass
class DemoResult:
    workspace: Workspace
    import_outcome: ImportOutcome
    tasks: list[dict[str, Any]]
    validation: ValidateOutcome
    recalc: RecalcOutcome


def run_demo(folder: Path, *, now: datetime | None = None) -> DemoResult:
    """Set up a workspace, import the sample plan, validate and recalculate it."""
    ws = init_workspace(folder, force=True)
    outcome = import_plan(bundled("xladdin._examples", SAMPLE_PLAN), workbook=ws.workbook, now=now)
    today = now.date() if now else None
    validation = validate_workbook(workbook=ws.workbook, today=today)
    recalc = recalc_workbook(workbook=ws.workbook, today=today, now=now)
    return DemoResult(
        ws, outcome, export_tasks(workbook=ws.workbook, today=today), validation, recalc
    )
