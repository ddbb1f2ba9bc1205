"""``theodoi demo``: the main job on the bundled sample plan, end to end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from .operations import ImportOutcome, export_tasks, import_plan
from .workspace import Workspace, bundled, init_workspace

SAMPLE_PLAN = "KeHoach_DienBien_2026.docx"


@dataclass
class DemoResult:
    workspace: Workspace
    import_outcome: ImportOutcome
    tasks: list[dict[str, Any]]


def run_demo(folder: Path, *, now: datetime | None = None) -> DemoResult:
    ws = init_workspace(folder, force=True)
    outcome = import_plan(bundled("xladdin._examples", SAMPLE_PLAN), workbook=ws.workbook, now=now)
    return DemoResult(ws, outcome, export_tasks(workbook=ws.workbook))
