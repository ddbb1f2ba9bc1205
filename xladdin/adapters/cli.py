"""The ``theodoi`` command: every ribbon button, without Excel.

Each command parses its options, makes one call into :mod:`xladdin.commands`
and prints the outcome in Vietnamese. Exit codes: 0 ok, 1 findings, 2 usage or
fatal error. Tracebacks only with ``--debug`` (before or after the command's name).
How a run ends is :mod:`.cli_run`; click's own text, said in Vietnamese, is :mod:`.cli_text`.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import tempfile
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.table import Table

from .. import __version__
from ..core.errors import OutputError, TheoDoiError
from .cli_mail import WORKBOOK_OPTION, config_cmd, mail_options, print_sent, wanted
from .cli_print import print_figures, print_findings, print_import, print_merge
from .cli_run import TheoDoiGroup, console, debug_option, err_console
from .cli_text import DATE_FORMATS, DEBUG_HELP, DateType, os_error_reason

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
FILE = click.Path(path_type=Path, dir_okay=False)
FOLDER = click.Path(path_type=Path, file_okay=False)


def today_option(use: str) -> Any:
    """``--today``: a day typed as YYYY-MM-DD or dd/mm/yyyy; ``use`` says what it is for."""
    help = f"{use} ({DATE_FORMATS}). Mặc định: hôm nay."
    return click.option("--today", type=DateType(), default=None, help=help)


TODAY_OPTION = today_option("Ngày dùng để tính hạn")


@click.group(
    "theodoi",
    cls=TheoDoiGroup,
    context_settings=CONTEXT,
    options_metavar="[TÙY CHỌN]",
    subcommand_metavar="LỆNH [ĐỐI SỐ]...",
)
@click.option("--debug", is_flag=True, expose_value=False, help=DEBUG_HELP)
@click.version_option(
    __version__, "-V", "--version", message="theodoi %(version)s", help="Hiện phiên bản."
)
def cli() -> None:
    """Theo dõi thực hiện nhiệm vụ trong phụ lục kế hoạch.

    Mỗi lệnh làm đúng việc của một nút trên thẻ “Theo dõi nhiệm vụ” trong Excel.
    """


def _command(name: str) -> Any:
    """A ``theodoi`` command, with ``-h/--help`` and ``--debug`` after its name."""

    def decorate(f: Any) -> click.Command:
        command = cli.command(name, context_settings=CONTEXT, options_metavar="[TÙY CHỌN]")(f)
        command.params.append(debug_option())
        return command

    return decorate


def make_folder(folder: Path, what: str) -> None:
    """Create ``folder`` (and its parents) or say in Vietnamese why it cannot be."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"Không tạo được {what} {folder}: {os_error_reason(exc)}.") from exc


@_command("init")
@click.argument("folder", metavar="THƯ_MỤC", type=FOLDER)
@click.option("--force", is_flag=True, help="Ghi đè sổ theo dõi đã có trong thư mục.")
def init_cmd(folder: Path, force: bool) -> None:
    """Tạo thư mục làm việc: sổ theo dõi, các thư mục nhận/gửi/lưu và khóa ký phiếu."""
    from ..io.workspace import init_workspace

    make_folder(folder, "thư mục làm việc")
    ws = init_workspace(folder, force=force)
    console.print(
        f"Đã tạo thư mục làm việc [bold]{ws.root}[/bold] với sổ theo dõi {ws.workbook.name}."
    )
    console.print("Bước tiếp theo: theodoi import KE_HOACH.docx --workbook " + str(ws.workbook))


@_command("import")
@click.argument("plan", metavar="KẾ_HOẠCH.docx", type=FILE)
@WORKBOOK_OPTION
def import_cmd(plan: Path, workbook: Path | None) -> None:
    """Nhập phụ lục nhiệm vụ từ tệp kế hoạch Word (.docx) vào sổ theo dõi."""
    from ..commands.plan import import_plan

    warn_if_macros_lost(workbook)

    with console.status("Đang nhập phụ lục…"):
        outcome = import_plan(plan, workbook=workbook)
    print_import(outcome)


@_command("export")
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
    type=FILE,
    metavar="TỆP",
    default=None,
    help="Tệp kết quả (mặc định: in ra màn hình).",
)
@click.option(
    "--summary",
    type=FILE,
    metavar="TỆP",
    default=None,
    help="Ghi thêm số liệu tổng hợp (JSON) ra tệp này.",
)
@TODAY_OPTION
def export_cmd(
    workbook: Path | None, fmt: str, output: Path | None, summary: Path | None, today: date | None
) -> None:
    """Xuất trang “Nhiệm vụ” (kèm tiến độ, tình trạng hạn tính lại) ra JSON hoặc CSV.

    JSON có thêm khóa “summary” chứa số liệu tổng hợp; với CSV dùng --summary."""
    from ..commands.export import EXPORT_FIELDS, summary_figures

    warn_if_macros_lost(workbook)

    tasks, figures = summary_figures(workbook=workbook, today=today)
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


@_command("log")
@WORKBOOK_OPTION
@click.option(
    "-o",
    "--output",
    type=FILE,
    metavar="TỆP",
    default=None,
    help="Ghi toàn bộ nhật ký ra tệp CSV này (mở được bằng Excel).",
)
def log_cmd(workbook: Path | None, output: Path | None) -> None:
    """Đọc toàn bộ nhật ký: các tệp lưu trữ theo năm và trang “Nhật ký” của sổ, như một.

    Không kèm --output: in số dòng và 20 dòng gần nhất."""
    from ..commands import log
    from ..io.files import atomic_write

    outcome = log.read_whole_log(workbook)
    if output is not None:
        atomic_write(output, log.to_csv(outcome.rows))
    else:
        for r in outcome.rows[-20:]:
            when = r.get("time")
            parts = [
                f"{when:%d/%m/%Y %H:%M}" if hasattr(when, "strftime") else str(when or ""),
                *(str(r.get(f) or "") for f in ("action", "agency", "key", "column", "new")),
            ]
            console.print(" | ".join(p for p in parts if p), markup=False)
    console.print(log.message(outcome, output), markup=False)


SHOWN_FINDINGS = 20


@_command("validate")
@WORKBOOK_OPTION
@TODAY_OPTION
def validate_cmd(workbook: Path | None, today: date | None) -> None:
    """Kiểm tra dữ liệu các trang “Nhiệm vụ”, “Cơ quan”, “Cấu hình”; ghi lỗi vào trang “Kiểm tra”."""
    from ..commands.validate import validate_workbook
    from ..core.errors import FindingsError

    warn_if_macros_lost(workbook)

    with console.status("Đang kiểm tra dữ liệu…"):
        outcome = validate_workbook(workbook=workbook, today=today)
    if not outcome.findings:
        console.print("Không phát hiện lỗi dữ liệu. Trang “Kiểm tra” đã được làm trống.")
        return
    # Thousands of rows on a terminal help nobody (and printing them was most of the run):
    # the first ones here, all of them in "Kiểm tra" and in the CSV.
    print_findings(outcome.findings[:SHOWN_FINDINGS])
    more = len(outcome.findings) - SHOWN_FINDINGS
    if more > 0:
        console.print(f"… và {more} lỗi khác.", markup=False)
    where = f" và trong tệp {outcome.csv_file}" if outcome.csv_file else ""
    raise FindingsError(
        f"Có {len(outcome.findings)} lỗi dữ liệu; các ô lỗi được tô màu, danh sách đầy đủ ở "
        f"trang “Kiểm tra”{where}."
    )


@_command("recalc")
@WORKBOOK_OPTION
@TODAY_OPTION
def recalc_cmd(workbook: Path | None, today: date | None) -> None:
    """Tính lại tiến độ, tình trạng hạn và trang “Tổng hợp” (kèm biểu đồ)."""
    from ..commands.recalc import recalc_workbook

    warn_if_macros_lost(workbook)

    with console.status("Đang tính tiến độ…"):
        outcome = recalc_workbook(workbook=workbook, today=today)
    print_figures(outcome.result)
    if outcome.change is not None:
        console.print(outcome.change.sentence())
    if outcome.backup:
        console.print(f"Bản sao lưu trước khi ghi: {outcome.backup}")


@_command("close-period")
@click.option(
    "--period",
    metavar="KỲ",
    default=None,
    help="Kỳ cần chốt, dạng 2026-11, 2026-Q4 hoặc 2026-H2 (mặc định: “Kỳ báo cáo” trong "
    "“Cấu hình”, hoặc tháng hiện tại).",
)
@WORKBOOK_OPTION
@TODAY_OPTION
def close_period_cmd(period: str | None, workbook: Path | None, today: date | None) -> None:
    """Chốt kỳ báo cáo: lưu trạng thái, tiến độ, kết quả của từng nhiệm vụ trong kỳ để so
    sánh với các kỳ sau."""
    from ..commands.history import close_period, message

    outcome = close_period(period, workbook=workbook, today=today)
    console.print(message(outcome))


@_command("demo")
@click.argument("folder", metavar="[THƯ_MỤC]", type=FOLDER, required=False)
def demo_cmd(folder: Path | None) -> None:
    """Chạy thử trên kế hoạch mẫu, từ đầu đến cuối.

    Tạo thư mục làm việc, nhập phụ lục, tạo phiếu và công văn đề nghị, giả lập bốn cơ quan gửi
    phiếu (một phiếu muộn, một phiếu sai), tổng hợp phiếu, kiểm tra dữ liệu, tính tiến độ."""
    from .demo import run_demo

    if folder is None:
        folder = Path(tempfile.mkdtemp(prefix="theodoi-demo-"))
    make_folder(folder, "thư mục làm việc mẫu")
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
@click.option(
    "-o",
    "--output",
    type=FILE,
    metavar="TỆP",
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
@WORKBOOK_OPTION
def repair_cmd(workbook: Path | None) -> None:
    """Khôi phục macro và thẻ ribbon cho sổ đã mất (ví dụ sau khi lưu bằng LibreOffice)."""
    from ..commands import repair

    with console.status("Đang khôi phục macro và thẻ ribbon…"):
        outcome = repair.repair_workbook(workbook=workbook)
    console.print(repair.message(outcome), markup=False)


@_command("doctor")
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
@mail_options(
    send_help="Chỉ với --kind don-doc: " + "gửi công văn đôn đốc qua thư điện tử. "
    "Lần gửi đầu tiên của kỳ chỉ xem trước (outbox/<kỳ>/thu/), chạy lại để gửi thật."
)
@WORKBOOK_OPTION
@today_option("Ngày ghi trên công văn, cũng là ngày tính hạn")
def letters_cmd(
    kind: str | None,
    agency: str | None,
    pdf: bool,
    send: bool,
    dry_run: bool,
    resend: bool,
    workbook: Path | None,
    today: date | None,
) -> None:
    """Lập công văn Word (và PDF) theo mẫu: đề nghị báo cáo, đôn đốc, báo cáo tổng hợp.

    Tệp được ghi vào thư mục outbox/<kỳ báo cáo>/ của thư mục làm việc; sổ theo dõi
    chỉ được đọc, không bị sửa."""
    from ..commands.letters import make_letters, summary_lines
    from ..core.errors import UsageError

    warn_if_macros_lost(workbook)
    mail, dry = wanted(send, dry_run)
    if mail:
        from ..commands.mail_batches import make_and_send_reminders
        from ..core.letter_kinds import LetterKind, parse_kind

        if parse_kind(kind or "") is not LetterKind.REMINDER:
            raise UsageError("Chỉ gửi thư được công văn đôn đốc: dùng --kind don-doc --send.")
        with console.status("Đang lập và gửi công văn đôn đốc…"):
            made, sent = make_and_send_reminders(
                workbook=workbook, agency=agency, pdf=pdf, today=today, dry_run=dry,
                resend_unconfirmed=resend,
            )  # fmt: skip
        for line in summary_lines(made, limit=None):
            console.print(line, markup=False, highlight=False)
        print_sent(sent)
        return
    with console.status("Đang lập công văn…"):
        outcome = make_letters(
            kind or "",
            workbook=workbook,
            agency=agency,
            pdf=pdf,
            today=today,
        )
    for line in summary_lines(outcome, limit=None, notes=False):
        console.print(line, markup=False, highlight=False)
    for note in outcome.notes:
        console.print(f"  ! {note}", style="yellow", markup=False)


@_command("forms")
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
@mail_options()
@WORKBOOK_OPTION
def forms_cmd(
    period: str | None, pdf: bool, send: bool, dry_run: bool, resend: bool, workbook: Path | None
) -> None:
    """Tạo phiếu báo cáo (.xlsx) và công văn đề nghị báo cáo cho từng cơ quan.

    Mỗi cơ quan chủ trì hoặc phối hợp có một phiếu trong outbox/<kỳ>/: các nhiệm vụ cơ quan
    chủ trì để điền, nhiệm vụ phối hợp để biết, có chữ ký điện tử để nhận lại an toàn."""
    from ..commands.forms import issue_forms_with_letters

    warn_if_macros_lost(workbook)

    mail, dry = wanted(send, dry_run)
    sent = None
    with console.status("Đang tạo phiếu báo cáo…"):
        if mail:
            from ..commands.mail_batches import issue_and_send_forms

            outcome, letters, sent = issue_and_send_forms(
                period, workbook=workbook, pdf=pdf, dry_run=dry, resend_unconfirmed=resend
            )
        else:
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
    for line in outcome.info:
        console.print(line, markup=False, highlight=False)
    if outcome.unassigned:
        console.print(
            "[yellow]Nhiệm vụ chưa có cơ quan chủ trì trong danh mục (không vào phiếu nào): "
            + ", ".join(outcome.unassigned)
            + "[/yellow]"
        )
    if sent is not None:
        print_sent(sent)


@_command("merge")
@click.argument("paths", metavar="[TỆP]...", nargs=-1, type=click.Path(path_type=Path))
@WORKBOOK_OPTION
@today_option("Ngày dùng khi phiếu không ghi ngày lập")
@mail_options(
    "--send-acks",
    "Gửi thư xác nhận cho từng phiếu đến qua thư điện tử (.eml, .msg, hộp thư): đã tổng hợp "
    "những gì, hoặc mọi lý do từ chối. Lần đầu của kỳ chỉ xem trước (outbox/<kỳ>/thu/).",
)
def merge_cmd(
    paths: tuple[Path, ...],
    workbook: Path | None,
    today: date | None,
    send: bool,
    dry_run: bool,
    resend: bool,
) -> None:
    """Tổng hợp phiếu các cơ quan gửi về vào sổ theo dõi.

    TỆP: tệp .xlsx, thư điện tử .eml/.msg, tệp nén .zip hoặc thư mục; mặc định là thư mục
    nhận phiếu (inbox). Phiếu sai bị từ chối nguyên phiếu, sổ theo dõi không thay đổi; phiếu
    đã xử lý trong inbox được chuyển vào archive/."""
    from ..commands.merge import merge_returns
    from ..core.errors import FindingsError

    warn_if_macros_lost(workbook)

    mail, dry = wanted(send, dry_run)
    sent = None
    with console.status("Đang tổng hợp phiếu…"):
        if mail:
            from ..commands.mail_batches import merge_and_acknowledge

            outcome, sent = merge_and_acknowledge(
                list(paths), workbook=workbook, today=today, dry_run=dry, resend_unconfirmed=resend
            )
        else:
            outcome = merge_returns(list(paths), workbook=workbook, today=today)
    print_merge(outcome)
    if sent is not None:
        print_sent(sent)
    refused = outcome.refused
    if refused:
        raise FindingsError(
            f"{len(refused)} phiếu bị từ chối; xem lý do ở bảng trên"
            + (f" và trong {outcome.report}." if outcome.report else ".")
        )


_command("config")(config_cmd)


@_command("jobs")
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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point (the ``theodoi`` script, ``python -m xladdin``); returns the exit code."""
    return cli.main(args=argv, prog_name="theodoi", standalone_mode=False)


if __name__ == "__main__":
    sys.exit(main())
