"""The tracker printed by LibreOffice (PDF), after an import and a recalculation: the bundled
sample plan, and a synthetic plan of 4,000 tasks led by 200 agencies.

Pages are told apart by their footer ("<sheet> – trang n/N"). The scale a page was printed at
is measured, not read back: each word's printed width over its width at 12 pt
(core/printing.text_points, Times New Roman's metrics, which Liberation Serif shares).
"""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree
from synthetic import write_tracker

from xladdin.commands.plan import import_plan
from xladdin.commands.recalc import recalc_workbook
from xladdin.core.chart import MAX_BARS, chart_bars
from xladdin.core.layout import (
    SHEET_SUMMARY,
    SHEET_TASKS,
    SUMMARY_AGENCIES,
    SUMMARY_CHART_TITLE,
    SUMMARY_OVERDUE,
    SUMMARY_PLAN,
    SUMMARY_SECTIONS,
    TASK_COLUMNS,
)
from xladdin.core.printing import MIN_PRINT_SCALE, printed_columns, text_points
from xladdin.core.recalc import Recalc
from xladdin.io.chartxml import NS_CHART, first_chart_part
from xladdin.io.workspace import init_workspace
from xladdin.io.xlsxpkg import XlsxPackage, parse_xml

pytestmark = pytest.mark.skipif(
    (shutil.which("soffice") is None and shutil.which("libreoffice") is None)
    or shutil.which("pdftotext") is None
    or shutil.which("pdfinfo") is None,
    reason="needs LibreOffice and poppler-utils (bash .ci/run installs them)",
)
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 0)
A4_LANDSCAPE = (841.89, 595.3)
SHEETS = ("Nhiệm vụ", "Cơ quan", "Tổng hợp", "Kiểm tra", "Nhật ký", "Cấu hình")
FOOTER = re.compile(r"^\s*(.+?) – trang \d+/\d+\s*$", re.M)


@dataclass
class Page:
    sheet: str
    text: str  # pdftotext -layout: a row's cells on one line
    size: tuple[float, float]
    words: list[tuple[str, float]]  # (word, printed width in points)

    def scale(self) -> float:
        """The median of printed width / width at 12 pt, over words of 4 letters or more."""
        ratios = [w / text_points(t) for t, w in self.words if len(t) >= 4 and t.isalpha()]
        return statistics.median(ratios)


@dataclass
class Printed:
    pages: list[Page]
    result: Recalc
    workbook: Path

    def of(self, sheet: str) -> list[Page]:
        return [p for p in self.pages if p.sheet == sheet]


def _print(workbook: Path, result: Recalc, tmp: Path) -> Printed:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    assert soffice is not None
    out = tmp / "pdf"
    done = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(out), str(workbook)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    pdf = out / (workbook.stem + ".pdf")
    assert done.returncode == 0 and pdf.is_file(), done.stderr
    texts = _run("pdftotext", "-layout", "-enc", "UTF-8", str(pdf), "-").split("\f")
    info = _run("pdfinfo", "-f", "1", "-l", "100000", str(pdf))
    sizes = [
        (float(w), float(h)) for w, h in re.findall(r"Page\s+\d+ size:\s+([\d.]+) x ([\d.]+)", info)
    ]
    bbox = etree.fromstring(_run("pdftotext", "-bbox", str(pdf), "-").encode())
    pages = []
    for text, size, page in zip(texts, sizes, bbox.iter("{*}page"), strict=False):
        footer = FOOTER.findall(text)
        assert footer, text[-300:]
        words = [
            (w.text or "", float(w.get("xMax", "0")) - float(w.get("xMin", "0")))
            for w in page.iter("{*}word")
        ]
        # The footer's right part names the sheet (the left one may hold a legend).
        sheet = next((n for n in SHEETS if footer[-1].strip().endswith(n)), footer[-1])
        pages.append(Page(sheet, text, size, words))
    assert len(pages) == len(sizes)
    return Printed(pages, result, workbook)


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, check=True).stdout.decode("utf-8")


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> Printed:
    tmp = tmp_path_factory.mktemp("sample")
    ws = init_workspace(tmp / "ws")
    import_plan(plan_docx, workbook=ws.workbook, now=NOW)
    result = recalc_workbook(workbook=ws.workbook, today=TODAY, now=NOW).result
    return _print(ws.workbook, result, tmp)


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Printed:
    tmp = tmp_path_factory.mktemp("large")
    ws = init_workspace(tmp / "ws")
    write_tracker(ws.workbook, 4000, n_agencies=200)
    result = recalc_workbook(workbook=ws.workbook, today=TODAY, now=NOW).result
    return _print(ws.workbook, result, tmp)


@pytest.fixture(params=["sample", "large"])
def printed(request: pytest.FixtureRequest) -> Printed:
    return request.getfixturevalue(request.param)


# -- "Nhiệm vụ" ----------------------------------------------------------------------------
def test_tasks_print_landscape_a4_with_the_header_on_every_page(printed: Printed) -> None:
    pages = printed.of(SHEET_TASKS)
    assert pages
    shown = [c.header for c in printed_columns(SHEET_TASKS, TASK_COLUMNS)]
    for page in pages:
        assert page.size == pytest.approx(A4_LANDSCAPE, abs=0.5)
        flat = " ".join(page.text.split())
        # Every page is one page wide: the header row repeated, left to right.
        assert all(" ".join(h.split()[:1]) in flat for h in shown)
        assert "Mã NV" in flat and "Nội dung nhiệm vụ" in flat and "Kết quả thực" in flat
        for helper in ("Mã cha", "Trọng số", "Nguồn cập nhật", "Loại thời hạn"):
            assert helper not in flat  # on screen only: outside the print area


def test_tasks_never_print_below_the_minimum_scale(printed: Printed) -> None:
    for page in printed.of(SHEET_TASKS):
        assert page.scale() >= MIN_PRINT_SCALE / 100 - 0.005


def test_task_page_count_is_reasonable(printed: Printed) -> None:
    rows = len(printed.result.tasks)
    pages = len(printed.of(SHEET_TASKS))
    # A page holds between 8 rows (long, wrapped plan texts) and 60 (one line each).
    assert rows / 60 <= pages <= max(2, rows / 8)


# -- "Tổng hợp" ----------------------------------------------------------------------------
def test_summary_pages_and_scale(printed: Printed) -> None:
    pages = printed.of(SHEET_SUMMARY)
    assert pages
    for page in pages:
        assert page.size == pytest.approx(A4_LANDSCAPE, abs=0.5)
        assert page.scale() >= MIN_PRINT_SCALE / 100 - 0.005


def test_the_plan_block_and_the_chart_share_the_first_page(printed: Printed) -> None:
    first = printed.of(SHEET_SUMMARY)[0]
    assert SUMMARY_PLAN.title in first.text and SUMMARY_CHART_TITLE in first.text
    assert "Chưa cập nhật trạng thái" in first.text  # the plan block's last line
    for bar in chart_bars(printed.result.agencies):
        assert bar.label in first.text


def test_each_agency_row_prints_whole_on_one_page(printed: Printed) -> None:
    pages = printed.of(SHEET_SUMMARY)
    headers = [c.header for c in SUMMARY_AGENCIES.columns]
    for agency in printed.result.agencies:
        # The row's first and last cells (name, code) on one line of one page.
        lines = [
            (n, line)
            for n, page in enumerate(pages)
            for line in page.text.splitlines()
            if agency.name in line and re.search(rf"\b{re.escape(agency.code)}\s*$", line)
        ]
        assert lines, agency.name
        n = lines[0][0]
        flat = " ".join(pages[n].text.split())
        assert SUMMARY_AGENCIES.title in flat and headers[-1] in flat  # headers repeated


def test_blocks_follow_one_another(printed: Printed) -> None:
    """Down then over: the plan, every agency page, the sections, then the overdue list."""
    order = []
    for page in printed.of(SHEET_SUMMARY):
        for block in (SUMMARY_PLAN, SUMMARY_AGENCIES, SUMMARY_SECTIONS, SUMMARY_OVERDUE):
            if block.title in page.text and (not order or order[-1] != block.title):
                order.append(block.title)
                break
    assert order == [
        SUMMARY_PLAN.title, SUMMARY_AGENCIES.title, SUMMARY_SECTIONS.title, SUMMARY_OVERDUE.title
    ]  # fmt: skip


def test_every_overdue_task_is_listed(printed: Printed) -> None:
    text = "\n".join(p.text for p in printed.of(SHEET_SUMMARY))
    keys = {o.key for o in printed.result.overdue}
    assert keys and all(re.search(rf"(^|\s){re.escape(k)}\s", text, re.M) for k in keys)


def test_the_chart_of_200_agencies_has_at_most_25_bars(large: Printed) -> None:
    pkg = XlsxPackage.from_path(large.workbook)
    part = first_chart_part(pkg, pkg.sheet_part(SHEET_SUMMARY))
    assert part is not None
    root = parse_xml(pkg.read(part))
    c = f"{{{NS_CHART}}}"
    counts = [int(p.get("val", "0")) for p in root.iter(f"{c}ptCount")]
    assert len(large.result.agencies) == 200
    assert counts[1:] == [MAX_BARS, MAX_BARS]  # the name, then categories and values
    labels = [v.text for v in root.find(f".//{c}cat").iter(f"{c}v")]  # type: ignore[union-attr]
    assert labels[-1] == "Các cơ quan khác (176)" and len(labels) == MAX_BARS


def test_the_report_letters_chart_of_200_agencies_fits_a_page(large: Printed) -> None:
    """The consolidated report's picture has the sheet's bars, and is no taller than A4's
    text area (its height in the .docx, EMU)."""
    from docxread import open_docx

    from xladdin.book.base import read_data
    from xladdin.book.file import open_tracker
    from xladdin.core.letter_kinds import LetterKind
    from xladdin.core.letterhead import clean_text
    from xladdin.core.letters import build_letters
    from xladdin.io import letters_io

    data = read_data(open_tracker(large.workbook))
    plan = build_letters(LetterKind.REPORT, large.result, data.catalogue(), data.config)
    (letter,) = plan.letters
    assert letter.chart is not None and len(letter.chart.labels) == MAX_BARS
    assert letter.chart.labels[-1] == "Các cơ quan khác (176)"
    doc = open_docx(
        letters_io.render_docx(
            letters_io.template_path(letter.template), letter.context, letter.chart
        )
    )
    # The tables carry every agency the chart folds into "Các cơ quan khác".
    (table,) = [t for t in doc.tables if "Cơ quan chủ trì" in t.rows[0].cells[1].text]
    listed = [r.cells[1].text for r in table.rows[1:]]
    assert len(listed) == len(large.result.agencies) == 200
    assert set(listed) == {clean_text(a.name) for a in large.result.agencies}
    (shape,) = doc.inline_shapes
    assert round(shape.width.mm) == letters_io.CHART_WIDTH_MM
    assert shape.height.cm <= letters_io.CHART_MAX_HEIGHT_CM + 0.01
    assert letters_io.CHART_MAX_HEIGHT_CM < 29.7 - 2 - 2  # A4 less the letter's margins
