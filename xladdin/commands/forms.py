"""`theodoi forms`: one form per agency, read from the tracker, written to the outbox.

The tracker is only read (no lock, no backup): forms can be issued while someone has the
tracker open in Excel. Each form goes to ``<outbox>/<period>/PhieuBaoCao_<CODE>_<period>.xlsx``;
issuing again for the same period replaces that agency's file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import NamedTuple

from ..book.base import Book, read_data
from ..book.file import open_tracker
from ..core.agencies import Agency
from ..core.deadlines import configured_deadline
from ..core.errors import UsageError
from ..core.forms import plan_forms
from ..core.layout import SHEET_CONFIG
from ..core.model import nfc
from ..core.period import Period, current_period, parse_period
from ..core.tracker import TrackerData
from ..io.form_io import FormWriter, write_form
from ..io.forms_ledger import IssuedPeriod, record_issue
from ..io.workspace import Workspace


class IssuedForm(NamedTuple):
    code: str
    name: str
    path: Path
    n_lead: int
    n_coordinating: int


@dataclass
class FormsOutcome:
    workspace: Workspace
    period: Period
    folder: Path
    issued_at: datetime
    forms: list[IssuedForm]
    skipped: list[Agency]  # catalogue agencies that neither lead nor coordinate a task
    unassigned: list[str]  # keys of tasks whose lead names no catalogue agency: in no form
    # What was decided for every form, in Vietnamese: the return deadline when "Cấu hình"'s
    # had passed on the day of issue.
    info: list[str] = field(default_factory=list)


def resolve_period(text: str | None, configured: str | None, now: datetime) -> Period:
    """The period asked for; else the one in "Cấu hình"; else the month of ``now``."""
    if text is not None and str(text).strip():
        return parse_period(text)
    try:
        return current_period(configured, now.date())
    except UsageError as exc:
        raise UsageError(
            f"{exc.message} (giá trị “Kỳ báo cáo” trong trang “{SHEET_CONFIG}”; sửa lại hoặc "
            "chỉ rõ kỳ bằng --period)"
        ) from exc


def issue_forms(
    period: str | None = None, *, workbook: Path | None = None, now: datetime | None = None
) -> FormsOutcome:
    """Write the forms of ``period`` for every agency that leads or coordinates a task."""
    book = open_tracker(workbook)
    return write_forms(read_data(book), book.workspace, period, now=now)


def write_forms(
    data: TrackerData, ws: Workspace, period: str | None, *, now: datetime | None = None
) -> FormsOutcome:
    """The core call of the CLI and the button: the tracker's data in, forms on disk."""
    now = (now or datetime.now()).replace(microsecond=0)
    config = data.config
    chosen = resolve_period(period, config.get("period"), now)
    secret = ws.secret()
    office = " ".join(p for p in (config.get("office"), config.get("committee")) if p)
    # The same deadline as the cover letters: the configured one while it is ahead, else the
    # issue day plus the configured working days (a form must not be late on arrival).
    deadline = configured_deadline(now.date(), config)
    planned = plan_forms(
        data.task_records(),
        data.catalogue(),
        plan=config.get("plan_name", ""),
        period=chosen,
        return_deadline=deadline.text,
        office=office,
        issued_at=now,
        secret=secret,
    )
    folder = ws.folder(config, "outbox_dir") / chosen.code
    issued: list[IssuedForm] = []
    writer = FormWriter()
    for form in planned.forms:
        path = write_form(folder / form.file_name, form, writer)
        issued.append(
            IssuedForm(
                form.agency.code, form.agency.name, path, len(form.lead), len(form.coordinating)
            )
        )
    if issued:
        record_issue(
            ws.folder(config, "outbox_dir"),
            IssuedPeriod(chosen.code, now, nfc(deadline.text), len(issued)),
        )
    return FormsOutcome(
        workspace=ws,
        period=chosen,
        folder=folder,
        issued_at=now,
        forms=issued,
        skipped=list(planned.skipped),
        unassigned=list(planned.unassigned),
        info=list(deadline.lines) if issued else [],
    )


def write_forms_and_letters(
    data: TrackerData,
    ws: Workspace,
    period: str | None,
    *,
    now: datetime | None = None,
    pdf: bool = False,
) -> tuple[FormsOutcome, list[Path]]:
    """Forms plus each agency's cover letter (công văn đề nghị báo cáo), same period.

    The issuing office's own form (when it leads tasks) gets no cover letter: the letters
    never address the office that signs them (:func:`xladdin.core.letters.build_letters`)."""
    from ..core.letters import LetterKind
    from ..io.letters_io import require_soffice
    from .letters import write_letters

    soffice = require_soffice() if pdf else None
    outcome = write_forms(data, ws, period, now=now)
    # The letters name the period of the forms even when --period differs from "Cấu hình".
    data = data.with_config({"period": outcome.period.code})
    # An agency that only coordinates has nothing to report, so no cover letter.
    reporting = {form.code for form in outcome.forms if form.n_lead}
    done = write_letters(
        data,
        ws,
        [LetterKind.REQUEST],
        only=reporting,
        soffice=soffice,
        today=outcome.issued_at.date(),
        now=outcome.issued_at,
    )
    return outcome, [f.docx for f in done.files]


def run(
    book: Book, period: str | None = None, *, now: datetime | None = None, pdf: bool = False
) -> tuple[FormsOutcome, list[Path]]:
    """The forms and their cover letters, from the tracker's data (the tracker is only read)."""
    return write_forms_and_letters(read_data(book), book.workspace, period, now=now, pdf=pdf)


def message(outcome: FormsOutcome, letters: Sequence[Path]) -> str:
    lines = [
        f"Đã tạo {len(outcome.forms)} phiếu báo cáo kỳ {outcome.period.label} và "
        f"{len(letters)} công văn đề nghị báo cáo trong thư mục:",
        str(outcome.folder),
    ]
    lines.extend(outcome.info)
    if outcome.unassigned:
        lines.append(
            f"{len(outcome.unassigned)} nhiệm vụ chưa có cơ quan chủ trì trong danh mục nên không "
            "vào phiếu nào: " + ", ".join(outcome.unassigned[:10])
        )
    return "\n".join(lines)


def issue_forms_with_letters(
    period: str | None = None,
    *,
    workbook: Path | None = None,
    pdf: bool = False,
    now: datetime | None = None,
) -> tuple[FormsOutcome, list[Path]]:
    """:func:`run` on the tracker file (``theodoi forms``)."""
    return run(open_tracker(workbook), period, now=now, pdf=pdf)


__all__ = [
    "FormsOutcome",
    "IssuedForm",
    "issue_forms",
    "issue_forms_with_letters",
    "message",
    "resolve_period",
    "run",
    "write_forms",
    "write_forms_and_letters",
]
