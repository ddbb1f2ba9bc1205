"""After a headless recalc of the real sample, "Tổng hợp" holds the library's figures, the chart
points at the agency block, and LibreOffice renders the sheet with the chart."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
import python_calamine

from xladdin.commands.recalc import recalc_workbook
from xladdin.core.chart import chart_bars
from xladdin.core.layout import SHEET_SUMMARY, SUMMARY_CHART_TITLE
from xladdin.io.chartxml import first_chart_part
from xladdin.io.workspace import Workspace
from xladdin.io.xlsxpkg import XlsxPackage, parse_xml

C = "http://schemas.openxmlformats.org/drawingml/2006/chart"
TODAY = date(2026, 11, 21)
NOW = datetime(2026, 11, 21, 10, 0)


def _series(xml: bytes) -> dict[str, tuple[str, list[str]]]:
    root = parse_xml(xml)
    ser = root.find(f".//{{{C}}}ser")
    assert ser is not None
    out = {}
    for kind in ("tx", "cat", "val"):
        holder = ser.find(f"{{{C}}}{kind}")
        assert holder is not None, kind
        ref = holder.find(f".//{{{C}}}f")
        assert ref is not None, kind
        points = [v.text or "" for v in holder.iter(f"{{{C}}}v")]
        out[kind] = (ref.text or "", points)
    return out


@pytest.fixture
def recalculated(imported: Workspace) -> tuple[Workspace, object]:
    outcome = recalc_workbook(workbook=imported.workbook, today=TODAY, now=NOW)
    return imported, outcome.result


def test_chart_references_its_data_block(recalculated: tuple[Workspace, object]) -> None:
    ws, result = recalculated
    pkg = XlsxPackage.from_path(ws.workbook)
    part = first_chart_part(pkg, pkg.sheet_part(SHEET_SUMMARY))
    assert part is not None
    series = _series(pkg.read(part))
    agencies = result.agencies  # type: ignore[attr-defined]
    bars = chart_bars(agencies)
    n = len(bars)
    assert n == len(agencies) == 6  # at most 25 agencies: one bar each, most overdue first
    assert [b.overdue for b in bars] == sorted((b.overdue for b in bars), reverse=True)
    assert series["tx"][0] == "'Tổng hợp'!$AI$4"
    assert series["cat"] == (f"'Tổng hợp'!$AH$5:$AH${4 + n}", [b.label for b in bars])
    assert series["val"][0] == f"'Tổng hợp'!$AI$5:$AI${4 + n}"
    assert [float(v) for v in series["val"][1]] == [b.completion_rate for b in bars]
    # The cells the chart points at hold the same names and rates.
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(ws.workbook))
        .get_sheet_by_name(SHEET_SUMMARY)
        .to_python(skip_empty_area=False)
    )
    assert [r[33] for r in rows[4 : 4 + n]] == [b.label for b in bars]
    assert [r[34] for r in rows[4 : 4 + n]] == [b.completion_rate for b in bars]
    # The agency block still lists every agency, in its own order.
    assert [r[3] for r in rows[4 : 4 + n]] == [a.name for a in agencies]
    assert pkg.read(part).count(SUMMARY_CHART_TITLE.encode()) == 1


def test_libreoffice_renders_the_recalculated_summary(
    recalculated: tuple[Workspace, object], tmp_path: Path
) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice or pdftotext is not installed (.ci/run installs them)")
    ws, result = recalculated
    out = tmp_path / "pdf"
    proc = subprocess.run(
        [soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to",
         "pdf", "--outdir", str(out), str(ws.workbook)],
        capture_output=True, text=True, timeout=180, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    text = subprocess.run(
        ["pdftotext", "-layout", str(out / "TheoDoiNhiemVu.pdf"), "-"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "Tính lúc 21/11/2026 10:00" in text and "Ngày tính hạn: 21/11/2026" in text
    chart_page = next(p for p in text.split("\f") if SUMMARY_CHART_TITLE in p)
    for agency in result.agencies:  # type: ignore[attr-defined]
        assert agency.name in chart_page
    overdue = result.overdue  # type: ignore[attr-defined]
    assert overdue and all(o.key in text for o in overdue)
