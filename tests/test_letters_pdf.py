"""Letters through LibreOffice: the PDF carries exactly the letter's text and one font family.

Font family, honestly: the letters ask for Times New Roman, which Linux machines (CI
included) do not have. LibreOffice then substitutes Liberation Serif, which is metric-
compatible (same advance widths), so lines and pages break as they do in Word with Times New
Roman. The test accepts exactly these two families (any style: regular, bold, italic) and
requires every font to be embedded with a Unicode map. Anything else, DejaVu in particular,
means a run asked for another font or a glyph was missing and LibreOffice fell back, and
fails the test.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from docxread import full_text, open_docx
from letterdata import PROPOSAL_BREAK, PROPOSAL_JINJA, TODAY, reported_source, workspace_with

from xladdin.commands.letters import LetterFile, make_letters
from xladdin.core.letters import LetterKind

ALLOWED_FAMILIES = ("TimesNewRoman", "TimesNewRomanPS", "TimesNewRomanPSMT", "LiberationSerif")

pytestmark = pytest.mark.skipif(
    (shutil.which("soffice") is None and shutil.which("libreoffice") is None)
    or shutil.which("pdftotext") is None
    or shutil.which("pdffonts") is None,
    reason="needs LibreOffice and poppler-utils (bash .ci/run installs them)",
)


@pytest.fixture(scope="module")
def letters(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> list[LetterFile]:
    fonts = subprocess.run(["fc-list"], capture_output=True, text=True).stdout
    assert "Liberation Serif" in fonts, (
        "Times New Roman's metric-compatible substitute is missing: install fonts-liberation2 "
        "(bash .ci/run does)"
    )
    source = reported_source(tmp_path_factory.mktemp("src") / "ws", plan_docx)
    ws = workspace_with(source, tmp_path_factory.mktemp("pdf") / "ws")
    made = []
    for kind, agency in (
        (LetterKind.REQUEST, "BTCTU"),  # lead and coordinated tasks: two tables
        (LetterKind.REMINDER, "STC"),  # (Văn phòng signs the letters: it gets none)
        (LetterKind.REPORT, None),
    ):
        outcome = make_letters(kind, workbook=ws.workbook, agency=agency, pdf=True, today=TODAY)
        made.extend(outcome.files)
    return made


def _pdftotext(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode("utf-8")


def _pdffonts(pdf: Path) -> list[list[str]]:
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True, text=True)
    lines = out.stdout.splitlines()
    return [line.split() for line in lines[2:] if line.strip()]


def test_every_letter_has_a_pdf(letters: list[LetterFile]) -> None:
    assert [f.docx.name for f in letters] == [
        "CV_DeNghiBaoCao_BTCTU_2026-11.docx",
        "CV_DonDoc_STC_2026-11.docx",
        "BaoCao_TongHop_2026-11.docx",
    ]
    for f in letters:
        assert f.pdf == f.docx.with_suffix(".pdf") and f.pdf.read_bytes().startswith(b"%PDF")
    folder = letters[0].docx.parent
    assert not [p for p in folder.iterdir() if p.name.startswith(".")], "temp files left"


def test_the_vietnamese_text_round_trips_exactly(letters: list[LetterFile]) -> None:
    """Every word of the .docx is in the PDF's text as often, and nothing else but page
    numbers and the table header rows that repeat on each new page."""
    for f in letters:
        assert f.pdf is not None
        doc = open_docx(f.docx)
        words = Counter(full_text(doc).split())
        repeated = {w for t in doc.tables for c in t.rows[0].cells for w in c.text.split()}
        text = _pdftotext(f.pdf)
        assert unicodedata.is_normalized("NFC", text), f.pdf.name
        pages = text.count("\f")
        numbers = Counter(str(n) for n in range(2, pages + 1))  # page numbers from page 2 on
        got = Counter(text.split())
        assert not words - got, (f.pdf.name, "lost or changed", words - got)
        extra = got - words - numbers
        assert set(extra) <= repeated, (f.pdf.name, "not in the letter", extra)
        flat = " ".join(text.split())
        for line in ("ĐẢNG CỘNG SẢN VIỆT NAM", "Điện Biên, ngày 21 tháng 11 năm 2026"):
            assert line in flat, (f.pdf.name, line)
        assert "Nơi nhận:" in flat
        assert "K/T CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG" in flat
    for f in letters[:2]:  # the công văn
        flat = " ".join(_pdftotext(f.pdf).split())  # type: ignore[arg-type]
        assert "Kính gửi:" in flat and "V/v " in flat and "-CV/VPTU" in flat
    report = " ".join(_pdftotext(letters[2].pdf).split())  # type: ignore[arg-type]
    assert PROPOSAL_JINJA in report
    assert " ".join(PROPOSAL_BREAK.split()) in report


def test_the_report_is_a_bao_cao_on_its_first_page(letters: list[LetterFile]) -> None:
    """What the reader of the printed report sees first: its type name and its own number,
    no "V/v" subject and no "Kính gửi" (those belong to a công văn)."""
    report = letters[2]
    assert report.pdf is not None
    first_page = " ".join(_pdftotext(report.pdf).split("\f")[0].split())
    assert "BÁO CÁO tiến độ thực hiện kế hoạch tháng 11 năm 2026 Thực hiện" in first_page
    assert re.search(r"Số\s+-BC/VPTU", first_page), first_page[:300]
    assert "V/v" not in first_page and "Kính gửi" not in first_page
    assert "-CV/" not in first_page


def test_the_pdf_uses_only_times_new_roman_or_its_metric_twin(letters: list[LetterFile]) -> None:
    for f in letters:
        assert f.pdf is not None
        fonts = _pdffonts(f.pdf)
        assert fonts, f.pdf.name
        for row in fonts:
            name = re.sub(r"^[A-Z]{6}\+", "", row[0])  # drop the subset tag
            # LiberationSerif-BoldItalic → LiberationSerif, TimesNewRomanPS-BoldMT → TimesNewRomanPS
            family = re.split(r"[-,]", name)[0]
            assert family in ALLOWED_FAMILIES, (
                f"{f.pdf.name} uses {name}: a run is not in Times New Roman or a glyph is missing"
            )
            emb, uni = row[-5], row[-3]  # the type column may be one or two words
            assert (emb, uni) == ("yes", "yes"), (f.pdf.name, row)
