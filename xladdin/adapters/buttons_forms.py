"""The "Tạo phiếu báo cáo" and "Tổng hợp phiếu" buttons on the open workbook.

Same core calls as ``theodoi forms`` and ``theodoi merge``; the difference is where the
tracker's data comes from (one bulk read of each sheet through xlwings) and how a merge
is written back (whole columns and one block of log rows, then one save), since the file
cannot be rewritten underneath Excel.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from .buttons import _read_data, append_records, sheet_rows, workspace_of, write_fields


def forms_action(book: Any, now: datetime | None = None) -> str:
    from ..commands.forms import write_forms_and_letters

    ws = workspace_of(book)
    data, _rows = _read_data(book)
    outcome, letters = write_forms_and_letters(data, ws, None, now=now)
    lines = [
        f"Đã tạo {len(outcome.forms)} phiếu báo cáo kỳ {outcome.period.label} và "
        f"{len(letters)} công văn đề nghị báo cáo trong thư mục:",
        str(outcome.folder),
    ]
    if outcome.unassigned:
        lines.append(
            f"{len(outcome.unassigned)} nhiệm vụ chưa có cơ quan chủ trì trong danh mục nên không "
            "vào phiếu nào: " + ", ".join(outcome.unassigned[:10])
        )
    return "\n".join(lines)


def merge_action(book: Any, today: date | None = None, now: datetime | None = None) -> str:
    from ..commands.merge import finish, plan_merge, read_returns
    from ..core.layout import LOG_COLUMNS, SHEET_LOG, SHEET_TASKS, TASK_COLUMNS
    from ..core.table import table_from_rows
    from ..core.tracker import period_of
    from ..io import files

    ws = workspace_of(book)
    now = now or datetime.now().replace(microsecond=0)
    today = today or now.date()
    data, rows = _read_data(book)
    config = data.config
    inbox = ws.folder(config, "inbox_dir")
    forms, refused = read_returns([inbox])
    if not forms and not refused:
        return f"Thư mục nhận phiếu {inbox} đang trống: không có phiếu nào để tổng hợp."
    log_rows = sheet_rows(book, SHEET_LOG)
    log = table_from_rows(log_rows, LOG_COLUMNS, sheet=SHEET_LOG, source=book.name)
    period = period_of(config, today)
    plan = plan_merge(
        forms,
        data,
        log.to_dict("records"),
        secret=ws.secret(),
        period=period,
        today=today,
        now=now,
    )
    backup = None
    if plan.log_rows:
        # The file on disk is the tracker before this merge: keep it, as the CLI does.
        backup = files.backup(ws.workbook, ws.folder(config, "backup_dir"))
        changed = {f for changes in plan.cells.values() for f in changes}
        fields = [c.field for c in TASK_COLUMNS if c.field in changed]
        write_fields(book, SHEET_TASKS, rows[SHEET_TASKS], TASK_COLUMNS, plan.cells, fields)
        append_records(book, SHEET_LOG, log_rows, LOG_COLUMNS, plan.log_rows)
        # Saved at once: the returns are about to move to the archive, so an unsaved merge
        # could not be repeated.
        book.save()
    outcome = finish(ws, config, period, inbox, [*refused, *plan.results], backup, now)
    lines = [
        f"Tổng hợp phiếu kỳ {period.label}: {len(outcome.accepted)} phiếu được tổng hợp "
        f"({outcome.cells_changed} ô thay đổi), {len(outcome.refused)} phiếu bị từ chối."
    ]
    for r in outcome.refused[:5]:
        lines.append(f"• {r.name}: {r.reasons[0] if r.reasons else ''}")
    if len(outcome.refused) > 5:
        lines.append(f"… và {len(outcome.refused) - 5} phiếu khác.")
    if outcome.report:
        lines.append(f"Chi tiết: {outcome.report}")
    return "\n".join(lines)
