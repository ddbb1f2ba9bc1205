"""The ``theodoi`` command: every ribbon button, without Excel.

Each command parses its options, makes one call into :mod:`xladdin.commands`
and prints the outcome in Vietnamese. Exit codes: 0 ok, 1 findings, 2 usage or
fatal error. Tracebacks only with ``--debug``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.table import Table

from .. import __version__
from ..core.errors import TheoDoiError

# soft_wrap: messages are whole sentences; a terminal wraps them itself, and a log, Task
# Scheduler or a pipe gets each message on one line (never split at column 80).
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

HEADINGS = {"Options": "Tùy chọn", "Commands": "Lệnh", "Arguments": "Đối số"}


class VietnameseFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, prefix="Cách dùng: ")

    def write_heading(self, heading: str) -> None:
        super().write_heading(HEADINGS.get(heading, heading))


click.Context.formatter_class = VietnameseFormatter
CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
HELP_HELP = "Hiện hướng dẫn này rồi thoát."
WORKBOOK_OPTION = click.option(
    "--workbook",
    "-w",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Sổ theo dõi (.xlsm). Mặc định: sổ trong thư mục làm việc hiện tại.",
)

TODAY_OPTION = click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
    default=None,
    help="Ngày dùng để tính hạn (YYYY-MM-DD hoặc dd/mm/yyyy). Mặc định: hôm nay.",
)


@click.group(
    context_settings=CONTEXT,
    add_help_option=False,
    options_metavar="[TÙY CHỌN]",
    subcommand_metavar="LỆNH [ĐỐI SỐ]...",
)
@click.help_option("-h", "--help", help=HELP_HELP)
@click.option("--debug", is_flag=True, help="In chi tiết lỗi kỹ thuật (traceback) khi có lỗi.")
@click.version_option(
    __version__, "-V", "--version", message="theodoi %(version)s", help="Hiện phiên bản."
)
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Theo dõi thực hiện nhiệm vụ trong phụ lục kế hoạch.

    Mỗi lệnh làm đúng việc của một nút trên thẻ “Theo dõi nhiệm vụ” trong Excel.
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _command(name: str) -> Any:
    return cli.command(
        name, context_settings=CONTEXT, add_help_option=False, options_metavar="[TÙY CHỌN]"
    )


def _help(f: Any) -> Any:
    return click.help_option("-h", "--help", help=HELP_HELP)(f)


@_command("init")
@_help
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--force", is_flag=True, help="Ghi đè sổ theo dõi đã có trong thư mục.")
def init_cmd(folder: Path, force: bool) -> None:
    """Tạo thư mục làm việc: sổ theo dõi, các thư mục nhận/gửi/lưu và khóa ký phiếu."""
    from ..io.workspace import init_workspace

    ws = init_workspace(folder, force=force)
    console.print(
        f"Đã tạo thư mục làm việc [bold]{ws.root}[/bold] với sổ theo dõi {ws.workbook.name}."
    )
    console.print("Bước tiếp theo: theodoi import KE_HOACH.docx --workbook " + str(ws.workbook))


@_command("import")
@_help
@click.argument("plan", metavar="KẾ_HOẠCH.docx", type=click.Path(path_type=Path, dir_okay=False))
@WORKBOOK_OPTION
def import_cmd(plan: Path, workbook: Path | None) -> None:
    """Nhập phụ lục nhiệm vụ từ tệp kế hoạch Word (.docx) vào sổ theo dõi."""
    from ..commands.plan import import_plan

    warn_if_macros_lost(workbook)

    with console.status("Đang nhập phụ lục…"):
        outcome = import_plan(plan, workbook=workbook)
    print_import(outcome)


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


@_command("export")
@_help
@WORKBOOK_OPTION
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "csv"]),
    default="json",
    show_default=True,
    help="Định dạng.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Tệp kết quả (mặc định: in ra màn hình).",
)
@click.option(
    "--summary",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Ghi thêm số liệu tổng hợp (JSON) ra tệp này.",
)
@TODAY_OPTION
def export_cmd(
    workbook: Path | None, fmt: str, output: Path | None, summary: Path | None, today: Any
) -> None:
    """Xuất trang “Nhiệm vụ” (kèm tiến độ, tình trạng hạn tính lại) ra JSON hoặc CSV.

    JSON có thêm khóa “summary” chứa số liệu tổng hợp; với CSV dùng --summary."""
    from ..commands.export import EXPORT_FIELDS, summary_figures

    warn_if_macros_lost(workbook)

    tasks, figures = summary_figures(workbook=workbook, today=today.date() if today else None)
    if summary is not None:
        summary.write_text(json.dumps(figures, ensure_ascii=False, indent=2) + "\n", "utf-8")
    if fmt == "json":
        text = json.dumps({"tasks": tasks, "summary": figures}, ensure_ascii=False, indent=2) + "\n"
    else:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(EXPORT_FIELDS), lineterminator="\n")
        writer.writeheader()
        from ..io.files import csv_cell

        writer.writerows({k: csv_cell(v) for k, v in t.items()} for t in tasks)
        text = buf.getvalue()
    if output is None:
        sys.stdout.write(text)
    else:
        output.write_text(text, encoding="utf-8-sig" if fmt == "csv" else "utf-8")
        err_console.print(f"Đã xuất {len(tasks)} dòng ra {output}.")


@_command("validate")
@_help
@WORKBOOK_OPTION
@TODAY_OPTION
def validate_cmd(workbook: Path | None, today: Any) -> None:
    """Kiểm tra dữ liệu các trang “Nhiệm vụ”, “Cơ quan”, “Cấu hình”; ghi lỗi vào trang “Kiểm tra”."""
    from ..commands.validate import validate_workbook
    from ..core.errors import FindingsError

    warn_if_macros_lost(workbook)

    with console.status("Đang kiểm tra dữ liệu…"):
        outcome = validate_workbook(workbook=workbook, today=today.date() if today else None)
    if not outcome.findings:
        console.print("Không phát hiện lỗi dữ liệu. Trang “Kiểm tra” đã được làm trống.")
        return
    print_findings(outcome.findings)
    raise FindingsError(
        f"Có {len(outcome.findings)} lỗi dữ liệu; các ô lỗi được tô màu và liệt kê ở trang “Kiểm tra”."
    )


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


@_command("recalc")
@_help
@WORKBOOK_OPTION
@TODAY_OPTION
def recalc_cmd(workbook: Path | None, today: Any) -> None:
    """Tính lại tiến độ, tình trạng hạn và trang “Tổng hợp” (kèm biểu đồ)."""
    from ..commands.recalc import recalc_workbook

    warn_if_macros_lost(workbook)

    with console.status("Đang tính tiến độ…"):
        outcome = recalc_workbook(workbook=workbook, today=today.date() if today else None)
    print_figures(outcome.result)
    if outcome.backup:
        console.print(f"Bản sao lưu trước khi ghi: {outcome.backup}")


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


@_command("demo")
@_help
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False), required=False)
def demo_cmd(folder: Path | None) -> None:
    """Chạy thử trên kế hoạch mẫu, từ đầu đến cuối.

    Tạo thư mục làm việc, nhập phụ lục, tạo phiếu và công văn đề nghị, giả lập bốn cơ quan gửi
    phiếu (một phiếu muộn, một phiếu sai), tổng hợp phiếu, kiểm tra dữ liệu, tính tiến độ."""
    from .demo import run_demo

    folder = folder or Path(tempfile.mkdtemp(prefix="theodoi-demo-"))
    with console.status("Đang chạy thử…"):
        result = run_demo(folder)
    print_import(result.import_outcome)
    console.print(
        f"Đã tạo {len(result.forms.forms)} phiếu báo cáo kỳ {result.forms.period.label} "
        f"trong {result.forms.folder}."
    )
    print_merge(result.merge)
    if result.validation.findings:
        print_findings(result.validation.findings)
    else:
        console.print("Kiểm tra dữ liệu: không có lỗi.")
    print_figures(result.recalc.result)
    console.print(f"\nThư mục làm việc mẫu: [bold]{result.workspace.root}[/bold]")


@_command("build-workbook")
@_help
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Tệp đích (mặc định: workbook/TheoDoiNhiemVu.xlsm của mã nguồn).",
)
@click.option("--check", is_flag=True, help="Chỉ kiểm tra tệp đích có đúng bản dựng mới không.")
def build_cmd(output: Path | None, check: bool) -> None:
    """Dựng lại sổ theo dõi .xlsm từ mã nguồn dạng văn bản (dành cho người phát triển)."""
    from ..core.errors import FindingsError
    from ..workbook_build.build import WORKBOOK_PATH, build_workbook

    target = output or WORKBOOK_PATH
    data = build_workbook()
    if check:
        if not target.exists() or target.read_bytes() != data:
            raise FindingsError(f"{target} khác bản dựng mới; chạy “theodoi build-workbook”.")
        console.print(f"{target} đúng với mã nguồn.")
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    console.print(f"Đã dựng {target} ({len(data):,} byte).")


def warn_if_macros_lost(workbook: Path | None) -> None:
    """One line when the tracker lost its macros or ribbon (e.g. saved by LibreOffice): the
    command still runs, but the buttons cannot, and cannot repair themselves."""
    from ..io.macros import missing_macro_parts_in
    from ..io.workspace import find_workspace

    try:
        ws = find_workspace(workbook)
    except TheoDoiError:
        return  # the command itself says what is wrong
    problems = missing_macro_parts_in(ws.workbook)
    if problems:
        err_console.print(
            f"Lưu ý: sổ {ws.workbook.name} {', '.join(problems)}, nên các nút trong Excel không "
            f"chạy được. Chạy “theodoi repair --workbook {ws.workbook}” để khôi phục (các nút "
            "không tự làm được việc này).",
            markup=False,
        )


@_command("repair")
@_help
@WORKBOOK_OPTION
def repair_cmd(workbook: Path | None) -> None:
    """Khôi phục macro và thẻ ribbon cho sổ đã mất (ví dụ sau khi lưu bằng LibreOffice)."""
    from ..commands import repair

    with console.status("Đang khôi phục macro và thẻ ribbon…"):
        outcome = repair.repair_workbook(workbook=workbook)
    console.print(repair.message(outcome), markup=False)


@_command("doctor")
@_help
@WORKBOOK_OPTION
def doctor_cmd(workbook: Path | None) -> None:
    """Kiểm tra cài đặt: Python, xlwings, thư mục làm việc, macro, LibreOffice (nút “Kiểm tra cài đặt”).

    Mỗi dòng: OK, hoặc việc cần sửa và cách sửa. Mã thoát 1 khi có việc cần sửa."""
    from ..commands import doctor
    from ..core.errors import FindingsError

    report = doctor.doctor(workbook=workbook)
    for check in report.checks:
        console.print(check.line(), markup=False)
    if not report.ok:
        raise FindingsError(
            f"Có {len(report.problems)} việc cần sửa để các nút trên thẻ “Theo dõi nhiệm vụ” chạy "
            "được; xem các dòng CẦN SỬA ở trên."
        )
    console.print("Cài đặt đầy đủ: các nút đều dùng được.")


@_command("letters")
@_help
@click.option(
    "--kind",
    metavar="de-nghi|don-doc|bao-cao",
    default=None,
    help="Loại công văn: de-nghi (đề nghị báo cáo, gửi kèm phiếu), don-doc (đôn đốc cơ quan có "
    "nhiệm vụ quá hạn, sắp đến hạn, chưa báo cáo), bao-cao (báo cáo tổng hợp gửi Ban Thường vụ).",
)
@click.option(
    "--agency",
    metavar="MÃ",
    default=None,
    help="Chỉ lập cho một cơ quan (mã ở trang “Cơ quan”). Mặc định: mọi cơ quan liên quan.",
)
@click.option("--pdf", is_flag=True, help="Lập thêm bản PDF (cần cài LibreOffice).")
@WORKBOOK_OPTION
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
    default=None,
    help="Ngày ghi trên công văn, cũng là ngày tính hạn (YYYY-MM-DD hoặc dd/mm/yyyy). "
    "Mặc định: hôm nay.",
)
def letters_cmd(
    kind: str | None, agency: str | None, pdf: bool, workbook: Path | None, today: Any
) -> None:
    """Lập công văn Word (và PDF) theo mẫu: đề nghị báo cáo, đôn đốc, báo cáo tổng hợp.

    Tệp được ghi vào thư mục outbox/<kỳ báo cáo>/ của thư mục làm việc; sổ theo dõi
    chỉ được đọc, không bị sửa."""
    from ..commands.letters import make_letters, summary_lines

    warn_if_macros_lost(workbook)

    with console.status("Đang lập công văn…"):
        outcome = make_letters(
            kind or "",
            workbook=workbook,
            agency=agency,
            pdf=pdf,
            today=today.date() if today else None,
        )
    for line in summary_lines(outcome, limit=None, notes=False):
        console.print(line, markup=False, highlight=False)
    for note in outcome.notes:
        console.print(f"  ! {note}", style="yellow", markup=False)


@_command("forms")
@_help
@click.option(
    "--period",
    metavar="KỲ",
    default=None,
    help="Kỳ báo cáo: 2026-11 (tháng), 2026-Q4 (quý), 2026-H2 (6 tháng). Mặc định: ô “Kỳ báo cáo” "
    "ở trang “Cấu hình”, để trống thì tháng hiện tại.",
)
@click.option(
    "--pdf", is_flag=True, help="Lập thêm bản PDF của công văn đề nghị (cần LibreOffice)."
)
@WORKBOOK_OPTION
def forms_cmd(period: str | None, pdf: bool, workbook: Path | None) -> None:
    """Tạo phiếu báo cáo (.xlsx) và công văn đề nghị báo cáo cho từng cơ quan.

    Mỗi cơ quan chủ trì hoặc phối hợp có một phiếu trong outbox/<kỳ>/: các nhiệm vụ cơ quan
    chủ trì để điền, nhiệm vụ phối hợp để biết, có chữ ký điện tử để nhận lại an toàn."""
    from ..commands.forms import issue_forms_with_letters

    warn_if_macros_lost(workbook)

    with console.status("Đang tạo phiếu báo cáo…"):
        outcome, letters = issue_forms_with_letters(period, workbook=workbook, pdf=pdf)
    table = Table(title=f"Phiếu báo cáo kỳ {outcome.period.label} ({outcome.period.code})")
    for header in ("Mã", "Cơ quan", "Chủ trì", "Phối hợp", "Tệp"):
        table.add_column(header, justify="right" if header in ("Chủ trì", "Phối hợp") else "left")
    for f in outcome.forms:
        table.add_row(f.code, f.name, str(f.n_lead), str(f.n_coordinating), f.path.name)
    console.print(table)
    console.print(
        f"Đã tạo {len(outcome.forms)} phiếu và {len(letters)} công văn trong {outcome.folder}."
    )
    if outcome.unassigned:
        console.print(
            "[yellow]Nhiệm vụ chưa có cơ quan chủ trì trong danh mục (không vào phiếu nào): "
            + ", ".join(outcome.unassigned)
            + "[/yellow]"
        )


@_command("merge")
@_help
@click.argument("paths", metavar="[TỆP]...", nargs=-1, type=click.Path(path_type=Path))
@WORKBOOK_OPTION
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d", "%d/%m/%Y"]),
    default=None,
    help="Ngày dùng khi phiếu không ghi ngày lập (YYYY-MM-DD). Mặc định: hôm nay.",
)
def merge_cmd(paths: tuple[Path, ...], workbook: Path | None, today: Any) -> None:
    """Tổng hợp phiếu các cơ quan gửi về vào sổ theo dõi.

    TỆP: tệp .xlsx, thư điện tử .eml/.msg, tệp nén .zip hoặc thư mục; mặc định là thư mục
    nhận phiếu (inbox). Phiếu sai bị từ chối nguyên phiếu, sổ theo dõi không thay đổi; phiếu
    đã xử lý trong inbox được chuyển vào archive/."""
    from ..commands.merge import merge_returns
    from ..core.errors import FindingsError

    warn_if_macros_lost(workbook)

    with console.status("Đang tổng hợp phiếu…"):
        outcome = merge_returns(
            list(paths), workbook=workbook, today=today.date() if today else None
        )
    print_merge(outcome)
    refused = outcome.refused
    if refused:
        raise FindingsError(
            f"{len(refused)} phiếu bị từ chối; xem lý do ở bảng trên"
            + (f" và trong {outcome.report}." if outcome.report else ".")
        )


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


@_command("jobs")
@_help
@click.option(
    "--once",
    is_flag=True,
    help="Chạy một lần những việc đã đến giờ rồi thoát (để Task Scheduler hoặc cron gọi).",
)
@WORKBOOK_OPTION
@click.option("--interval-seconds", type=click.IntRange(min=1), default=None, hidden=True)
def jobs_cmd(once: bool, workbook: Path | None, interval_seconds: int | None) -> None:
    """Việc tự động: thu và tổng hợp phiếu, tính tiến độ, công văn đôn đốc, báo cáo tổng hợp.

    Giờ chạy đặt ở trang “Cấu hình”. Không có --once thì chạy liên tục đến khi bấm Ctrl+C.
    Sổ đang mở trong Excel hoặc LibreOffice thì lần đó bỏ qua, lần sau làm tiếp. Nhật ký:
    logs/theodoi-jobs.log trong thư mục làm việc."""
    from ..core.errors import FindingsError
    from .jobs import run_jobs

    runs = run_jobs(workbook=workbook, once=once, interval_seconds=interval_seconds)
    failed = [r for r in runs if r.status == "failed"]
    if failed:
        raise FindingsError(
            f"{len(failed)} việc bị lỗi ({', '.join(r.label for r in failed)}); "
            "xem logs/theodoi-jobs.log trong thư mục làm việc."
        )


def usage_message(exc: click.UsageError) -> str:
    """click's English usage errors, said in Vietnamese for the common cases."""
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        return f"Thiếu {exc.param.human_readable_name}."
    if isinstance(exc, click.NoSuchOption):
        return f"Không có tùy chọn {exc.option_name}."
    if isinstance(exc, click.BadParameter):
        where = exc.param_hint if isinstance(exc.param_hint, str) else None
        if where is None and exc.param is not None:
            where = exc.param.get_error_hint(exc.ctx) if exc.ctx else exc.param.human_readable_name
        detail = exc.message
        if "does not match the format" in detail:
            detail = "ngày phải có dạng YYYY-MM-DD hoặc dd/mm/yyyy."
        return f"Giá trị không hợp lệ cho {where}: {detail}"
    if exc.message.startswith("No such command"):
        return exc.message.replace("No such command", "Không có lệnh", 1)
    return exc.format_message()


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit code instead of raising."""
    args = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in args
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            with contextlib.suppress(ValueError, OSError):
                reconfigure(encoding="utf-8")
    try:
        cli.main(args=args, prog_name="theodoi", standalone_mode=False)
    except TheoDoiError as exc:
        err_console.print(f"[red]Lỗi:[/red] {exc.user_message()}")
        if debug:
            traceback.print_exc()
        return exc.exit_code
    except click.exceptions.Abort:
        err_console.print("Đã dừng.")
        return 2
    except click.UsageError as exc:
        if exc.ctx is not None:
            err_console.print(exc.ctx.get_usage())
        err_console.print(f"[red]Lỗi cách dùng:[/red] {usage_message(exc)}", markup=True)
        err_console.print("Gõ “theodoi --help” để xem hướng dẫn.")
        return 2
    except click.ClickException as exc:
        err_console.print(f"[red]Lỗi:[/red] {exc.format_message()}")
        return 2
    except KeyboardInterrupt:
        err_console.print("Đã dừng theo yêu cầu.")
        return 2
    except Exception as exc:  # the last line of defence: no traceback for users
        err_console.print(f"[red]Lỗi không mong đợi:[/red] {type(exc).__name__}: {exc}")
        if debug:
            traceback.print_exc()
        else:
            err_console.print(
                "Chạy lại với --debug để xem chi tiết kỹ thuật và báo cho bộ phận kỹ thuật."
            )
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
