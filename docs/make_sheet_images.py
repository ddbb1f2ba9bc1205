"""Developer script: page images of the printed tracker for the README (docs/images/*.png).

    .venv/bin/python docs/make_sheet_images.py

Imports the sample plan into a temporary workspace, types in the reports of
tests/letterdata.py, recalculates, prints the whole tracker to PDF with LibreOffice and renders
the first page of "Tổng hợp" (tong-hop.png) and of "Nhiệm vụ" (nhiem-vu.png) with pdftoppm
(poppler-utils), as small palette PNGs. Pages are found by their footer ("<sheet> – trang
n/N"). Needs LibreOffice, poppler-utils and fonts-liberation2, like the PDF tests.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from letterdata import TODAY, reported_source  # noqa: E402

from xladdin.commands.recalc import recalc_workbook  # noqa: E402
from xladdin.core.layout import SHEET_SUMMARY, SHEET_TASKS  # noqa: E402

OUT = ROOT / "docs" / "images"
DPI = 75
PAGES = ((SHEET_SUMMARY, "tong-hop.png"), (SHEET_TASKS, "nhiem-vu.png"))


def first_page(pdf: Path, sheet: str) -> int:
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")
    for n, page in enumerate(text.split("\f"), start=1):
        lines = [line for line in page.splitlines() if " – trang " in line]
        if lines and lines[-1].split(" – trang ")[0].rstrip().endswith(sheet):
            return n
    raise SystemExit(f"no page of {sheet} in {pdf}")


def main() -> int:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice is needed (soffice)")
    with tempfile.TemporaryDirectory() as tmp:
        workbook = reported_source(
            Path(tmp) / "ws", ROOT / "examples" / "KeHoach_DienBien_2026.docx"
        )
        recalc_workbook(workbook=workbook, today=TODAY)
        subprocess.run(
            [soffice, "--headless", f"-env:UserInstallation={(Path(tmp) / 'lo').as_uri()}",
             "--convert-to", "pdf", "--outdir", tmp, str(workbook)],
            check=True, capture_output=True,
        )  # fmt: skip
        pdf = Path(tmp) / (workbook.stem + ".pdf")
        for sheet, name in PAGES:
            page = first_page(pdf, sheet)
            stem = Path(tmp) / "page"
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                 "-singlefile", str(pdf), str(stem)],
                check=True,
            )  # fmt: skip
            image = Image.open(stem.with_suffix(".png")).convert("RGB")
            image.quantize(colors=96).save(OUT / name, optimize=True)
            print(f"wrote {OUT / name} ({(OUT / name).stat().st_size:,} bytes, page {page})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
