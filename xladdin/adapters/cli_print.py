"""What ``theodoi`` prints after a command: import report, findings, figures, merge table.

Shared by the commands and by ``theodoi demo``, which prints each step's outcome the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table

from .cli_run import console


def print_import(outcome: Any) -> None:
    r = outcome.report
    c = r.counts()
    console.print(
        f"Đã nhập phụ lục từ [bold]{outcome.plan.name}[/bold] vào {outcome.workspace.workbook.name}: "
        f"{c['rows']} dòng ({c['sections']} phần, {c['groups']} nhóm, {c['tasks']} nhiệm vụ)."
    )
    console.print(
        f"Thêm mới {len(r.added)}, sửa {len(r.changed)}, đổi mã {len(r.renumbered)}, "
        f"bỏ {len(r.removed)}, giữ nguyên {r.unchanged}."
    )
    for key, cols in r.changed:
        console.print(f"  • {key}: thay đổi {', '.join(cols)}")
    for old, new in r.renumbered:
        console.print(f"  • {old} → {new}: đổi mã (giữ nguyên dữ liệu theo dõi)")
    for key in r.removed:
        console.print(f"  • {key}: không còn trong kế hoạch (dữ liệu cũ đã ghi vào “Nhật ký”)")
    if outcome.legacy_line():
        console.print(outcome.legacy_line(), markup=False)
    if r.new_agencies:
        console.print(
            "Cơ quan mới trong danh mục: "
            + "; ".join(f"{a.code} – {a.name}" for a in r.new_agencies)
        )
    for key, text in r.unparsed_timeframes:
        console.print(
            f"[yellow]  ! {key}: chưa hiểu thời gian “{text}” – cần nhập hạn bằng tay.[/yellow]"
        )
    for w in r.warnings:
        console.print(f"[yellow]  ! {w}[/yellow]")
    if outcome.backup:
        console.print(f"Bản sao lưu trước khi ghi: {outcome.backup}")


def print_findings(findings: Sequence[Any]) -> None:
    table = Table(title="Kết quả kiểm tra dữ liệu")
    for header in ("Trang tính", "Dòng", "Cột", "Giá trị", "Nội dung"):
        table.add_column(header, justify="right" if header == "Dòng" else "left")
    for f in findings:
        rec = f.record()
        table.add_row(
            rec["sheet"],
            str(rec["row"] or ""),
            rec["column"],
            str(rec["value"] or ""),
            rec["message"],
        )
    console.print(table)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%".replace(".", ",")


def _num(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def print_figures(result: Any) -> None:
    from ..core.layout import PLAN_FIGURES

    plan = result.plan.as_dict()
    console.print(f"Ngày tính hạn {result.today:%d/%m/%Y}; kỳ báo cáo {result.period.label}.")
    table = Table(title="Toàn kế hoạch")
    table.add_column("Chỉ tiêu")
    table.add_column("Số liệu", justify="right")
    for key, label in PLAN_FIGURES:
        value = plan[key]
        shown = (
            _num(value * 100)
            if key == "completion_rate"
            else (_num(value) if key == "mean_progress" else str(value))
        )
        table.add_row(label, shown)
    console.print(table)
    by_agency = Table(title="Theo cơ quan chủ trì")
    for header in (
        "Cơ quan",
        "Số NV",
        "Hoàn thành",
        "Quá hạn",
        "Sắp đến hạn",
        "Tỷ lệ HT",
        "Tiến độ BQ",
    ):
        by_agency.add_column(header, justify="left" if header == "Cơ quan" else "right")
    for a in result.agencies:
        by_agency.add_row(
            a.name, str(a.tasks), str(a.completed), str(a.overdue), str(a.due_soon),
            _pct(a.completion_rate), _num(a.mean_progress),
        )  # fmt: skip
    console.print(by_agency)
    if result.overdue:
        console.print(f"[red]{len(result.overdue)} nhiệm vụ quá hạn[/red] (xem trang “Tổng hợp”).")


def print_merge(outcome: Any) -> None:
    labels = {"accepted": "[green]Đã tổng hợp[/green]", "refused": "[red]Từ chối[/red]",
              "duplicate": "Trùng, bỏ qua", "stale": "[yellow]Bản cũ, bỏ qua[/yellow]"}  # fmt: skip
    if not outcome.results:
        console.print("Không có phiếu nào để tổng hợp.")
        return
    table = Table(title=f"Tổng hợp phiếu kỳ {outcome.period.label}")
    for header in ("Tệp", "Cơ quan", "Kết quả", "Số ô", "Lý do, cảnh báo"):
        table.add_column(header, justify="right" if header == "Số ô" else "left")
    for r in outcome.results:
        notes = "\n".join([*r.reasons, *(f"! {w}" for w in r.warnings)])
        table.add_row(
            r.name, r.agency_name or r.agency_code, labels[r.status], str(len(r.changes)), notes
        )
    console.print(table)
    console.print(
        f"Đã tổng hợp {len(outcome.accepted)} phiếu, thay đổi {outcome.cells_changed} ô; "
        f"từ chối {len(outcome.refused)}."
    )
    if outcome.backup:
        console.print(f"Bản sao lưu trước khi ghi: {outcome.backup}")
    if outcome.report:
        console.print(f"Báo cáo kết quả: {outcome.report}")
