"""``theodoi letters`` and the "Tạo công văn" button, on files: read the tracker, recalc, write.

Letters only read the tracker (nothing is written back), so this works while the tracker is
open in Excel. Output goes to ``<outbox>/<period>/``; a letter made again replaces the old
file in one step.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from ..book.base import Book, read_data
from ..book.file import open_tracker
from ..core.letter_report import with_history
from ..core.letters import KINDS, LetterKind, build_letters, parse_kind
from ..core.period import Period
from ..core.tracker import TrackerData, recalc
from ..io import letters_io
from ..io.workspace import Workspace
from .history import change_for, read_trend


@dataclass(frozen=True)
class LetterFile:
    kind: LetterKind
    agency_code: str
    docx: Path
    pdf: Path | None = None


@dataclass
class LettersOutcome:
    workspace: Workspace
    folder: Path
    period: Period
    files: list[LetterFile] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # problems: shown as warnings
    info: list[str] = field(default_factory=list)  # decisions, such as the deadline printed


def write_letters(
    data: TrackerData,
    workspace: Workspace,
    kinds: Sequence[LetterKind | str],
    *,
    agency: str | None = None,
    only: Collection[str] | None = None,
    soffice: str | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> LettersOutcome:
    """Make the letters of ``kinds`` from the tracker's data; PDFs too when ``soffice`` is given.

    ``agency`` picks one agency (by code or name); ``only`` keeps the letters of these codes
    (the forms' cover letters), with one recalculation and one PDF run for all of them.
    ``today`` is the date the letters bear; ``now`` the moment they are made (the files'
    creation time, the clock when not given). The core call shared by the CLI and the ribbon
    button (which reads ``data`` from Excel)."""
    today = today or date.today()
    made_at = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    result = recalc(data, today)
    config = data.config
    catalogue = data.catalogue()
    plans = [build_letters(parse_kind(k), result, catalogue, config, agency=agency) for k in kinds]
    if any(letter.kind is LetterKind.REPORT for plan in plans for letter in plan.letters):
        folder = workspace.folder(config, "archive_dir")
        trend = read_trend(folder)
        change = change_for(folder, trend, result, result.period)
        for plan in plans:
            plan.letters = [
                with_history(letter, result, change, trend)
                if letter.kind is LetterKind.REPORT
                else letter
                for letter in plan.letters
            ]
    if only is not None:
        for plan in plans:
            plan.letters = [letter for letter in plan.letters if letter.agency_code in only]
    # Render everything before writing anything, so a bad template leaves no half-done batch.
    rendered = []
    templates = letters_io.LetterTemplates()  # each template read and compiled once
    for plan in plans:
        for letter in plan.letters:
            template = letters_io.template_path(letter.template, workspace.root)
            data_bytes = templates.render(
                template, letter.context, letter.chart, created=made_at, trend=letter.trend_chart
            )
            rendered.append((letter, data_bytes))
    folder = workspace.folder(config, "outbox_dir") / result.period.code
    outcome = LettersOutcome(workspace, folder, result.period)
    for plan in plans:
        outcome.notes.extend(plan.notes)
        if plan.letters:
            outcome.info.extend(plan.info)
    docx_files = []
    for letter, data_bytes in rendered:
        path = folder / letter.file_name
        letters_io.write_docx(path, data_bytes)
        docx_files.append((letter, path))
    pdfs: dict[Path, Path] = {}
    if soffice is not None and docx_files:
        made = letters_io.convert_to_pdf([p for _, p in docx_files], soffice)
        pdfs = {pdf.with_suffix(".docx"): pdf for pdf in made}
    outcome.files = [
        LetterFile(letter.kind, letter.agency_code, path, pdfs.get(path))
        for letter, path in docx_files
    ]
    return outcome


def make_letters(
    kind: LetterKind | str,
    *,
    workbook: Path | None = None,
    agency: str | None = None,
    pdf: bool = False,
    today: date | None = None,
) -> LettersOutcome:
    """``theodoi letters``: one kind of letter for every relevant agency (or one agency)."""
    letter_kind = parse_kind(kind)
    # Checked first: a missing LibreOffice must not leave a batch of .docx without its PDFs.
    soffice = letters_io.require_soffice() if pdf else None
    book = open_tracker(workbook)
    return write_letters(
        read_data(book), book.workspace, [letter_kind], agency=agency, soffice=soffice, today=today
    )


# The consolidated report and the reminders are what the office sends on its own initiative;
# requests for reports go out with the forms.
BUTTON_KINDS = (LetterKind.REPORT, LetterKind.REMINDER)


def run(book: Book, kinds: Sequence[LetterKind | str] = BUTTON_KINDS) -> LettersOutcome:
    """The letters of ``kinds`` from the tracker's data, with PDFs when LibreOffice is there."""
    soffice = letters_io.find_soffice()
    return write_letters(read_data(book), book.workspace, kinds, soffice=soffice)


def message(outcome: LettersOutcome) -> str:
    lines = summary_lines(outcome)
    if outcome.files and not any(f.pdf for f in outcome.files):
        lines.append("Máy chưa cài LibreOffice nên chưa có bản PDF (chỉ có bản Word).")
    return "\n".join(lines)


def summary_lines(
    outcome: LettersOutcome, *, limit: int | None = 12, notes: bool = True
) -> list[str]:
    """The outcome in Vietnamese (at most ``limit`` file names), for a message box or console."""
    if not outcome.files:
        lines = ["Không lập công văn nào."]
    else:
        counts: dict[LetterKind, int] = {}
        for f in outcome.files:
            counts[f.kind] = counts.get(f.kind, 0) + 1
        what = ", ".join(f"{n} {KINDS[k].label}" for k, n in counts.items())
        lines = [f"Đã lập {what} ({outcome.period.label}) trong thư mục {outcome.folder}:"]
        shown = outcome.files if limit is None else outcome.files[:limit]
        for f in shown:
            lines.append(f"• {f.docx.name}" + (" (+ PDF)" if f.pdf else ""))
        if len(shown) < len(outcome.files):
            lines.append(f"… và {len(outcome.files) - len(shown)} tệp khác.")
        lines.extend(outcome.info)
    if notes:
        lines.extend(outcome.notes)
    return lines
