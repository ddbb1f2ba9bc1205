"""Developer script: page images of the letters for the README (docs/images/*.png).

    .venv/bin/python docs/make_letter_images.py

Imports the sample plan into a temporary workspace, types in the reports of
tests/letterdata.py, makes the letters as PDF with LibreOffice and renders chosen pages with
pdftoppm (poppler-utils), as a small palette PNG. Needs LibreOffice, poppler-utils and
fonts-liberation2, like the PDF tests.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from letterdata import TODAY, reported_source  # noqa: E402

from xladdin.commands.letters import make_letters  # noqa: E402
from xladdin.core.letters import LetterKind  # noqa: E402

OUT = ROOT / "docs" / "images"
DPI = 60
# (kind, agency, page, image name)
PAGES = (
    (LetterKind.REQUEST, "STC", 1, "cong-van-de-nghi-bao-cao.png"),
    (LetterKind.REMINDER, "STC", 1, "cong-van-don-doc.png"),
    (LetterKind.REPORT, None, 1, "bao-cao-tong-hop-1.png"),
    (LetterKind.REPORT, None, 2, "bao-cao-tong-hop-2.png"),
)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        source = reported_source(Path(tmp) / "ws", ROOT / "examples" / "KeHoach_DienBien_2026.docx")
        for kind, agency, page, name in PAGES:
            outcome = make_letters(kind, workbook=source, agency=agency, pdf=True, today=TODAY)
            pdf = outcome.files[0].pdf
            assert pdf is not None
            stem = Path(tmp) / "page"
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(DPI), "-f", str(page), "-l", str(page),
                 "-singlefile", str(pdf), str(stem)],
                check=True,
            )  # fmt: skip
            image = Image.open(stem.with_suffix(".png")).convert("RGB")
            image.quantize(colors=64).save(OUT / name, optimize=True)
            print(f"wrote {OUT / name} ({(OUT / name).stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
