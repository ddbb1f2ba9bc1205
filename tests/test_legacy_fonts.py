"""Plans typed in the legacy Vietnamese fonts (.VnTime/.VnTimeH for TCVN3, VNI-Times for VNI)
import as the Unicode plan does: the run's font decides, so short words and capitals too."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from lxml import etree

from xladdin.commands.plan import import_plan
from xladdin.core.appendix import parse_appendix
from xladdin.core.legacy_vn import from_font, legacy_font, to_tcvn3, to_vni
from xladdin.io.docx_io import read_docx
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace, init_workspace

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NOW = datetime(2026, 11, 21, 9, 0)


def _retype(src: Path, dst: Path, encode: Callable[[str], tuple[str, str]]) -> Path:
    """The same document with every run retyped: (font, stored text) from its Unicode text."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(data)
                for run in root.iter(f"{{{W}}}r"):
                    texts = run.findall(f"{{{W}}}t")
                    if not texts:
                        continue
                    whole = "".join(t.text or "" for t in texts)
                    font, _ = encode(whole)
                    for t in texts:
                        t.text = encode(t.text or "")[1]
                    rpr = run.find(f"{{{W}}}rPr")
                    if rpr is None:
                        rpr = etree.SubElement(run, f"{{{W}}}rPr")
                        run.remove(rpr)
                        run.insert(0, rpr)
                    fonts = rpr.find(f"{{{W}}}rFonts")
                    if fonts is None:
                        fonts = etree.Element(f"{{{W}}}rFonts")
                        rpr.insert(0, fonts)
                    for attr in ("ascii", "hAnsi", "cs"):
                        fonts.set(f"{{{W}}}{attr}", font)
                data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            zout.writestr(item, data)
    return dst


def tcvn3(text: str) -> tuple[str, str]:
    # Headings in capitals were typed in the "H" font, whose lowercase bytes draw capitals.
    if text.strip() and text == text.upper() and any(c.isalpha() for c in text):
        return ".VnTimeH", to_tcvn3(text.lower())
    return ".VnTime", to_tcvn3(text)


def vni(text: str) -> tuple[str, str]:
    return "VNI-Times", to_vni(text)


def _rows(path: Path, fold: bool) -> list[tuple[str, ...]]:
    rows = [
        (r.key, r.content, r.lead, r.coordinating, r.timeframe)
        for r in parse_appendix(read_docx(path)).rows
    ]
    return [tuple(x.casefold() for x in r) for r in rows] if fold else rows


def _folded(records: list[dict[str, object]], fold: bool) -> list[dict[str, object]]:
    if not fold:
        return records
    return [{k: v.casefold() if isinstance(v, str) else v for k, v in r.items()} for r in records]


@pytest.mark.parametrize("encode", [tcvn3, vni], ids=["tcvn3", "vni"])
def test_a_plan_in_a_legacy_font_imports_as_unicode(
    plan_docx: Path, tmp_path: Path, encode: Callable[[str], tuple[str, str]]
) -> None:
    legacy = _retype(plan_docx, tmp_path / "legacy.docx", encode)
    doc = read_docx(legacy)
    assert doc.legacy_fonts, "the converted runs are counted"
    # .VnTime has no toned capitals (typists get "ủy" for "Ủy"): TCVN3 compares without case.
    fold = encode is tcvn3
    assert _rows(legacy, fold) == _rows(plan_docx, fold)
    assert doc.title == read_docx(plan_docx).title

    unicode_ws = init_workspace(tmp_path / "unicode")
    legacy_ws = init_workspace(tmp_path / "legacy")
    import_plan(plan_docx, workbook=unicode_ws.workbook, now=NOW)
    outcome = import_plan(legacy, workbook=legacy_ws.workbook, now=NOW)
    assert "Đã chuyển sang Unicode chữ gõ bằng phông cũ" in outcome.legacy_line()

    def table(ws: Workspace, part: str) -> list[dict[str, object]]:
        book = TrackerWorkbook.open(ws.workbook)
        frame = book.read_tasks() if part == "tasks" else book.read_agencies()
        return [
            {k: v for k, v in r.items() if k not in ("_row", "source", "updated_at")}
            for r in frame.to_dict("records")
        ]

    # no bogus agencies, the same tasks, timeframes and deadlines
    for part in ("agencies", "tasks"):
        assert _folded(table(legacy_ws, part), fold) == _folded(table(unicode_ws, part), fold)


@pytest.mark.parametrize(
    ("font", "kind"),
    [
        (".VnTime", "tcvn3"),
        (".VnArialH", "tcvn3-caps"),
        ("VNI-Times", "vni"),
        ("Times New Roman", None),
    ],
)
def test_font_names(font: str, kind: str | None) -> None:
    assert legacy_font(font) == kind


def test_short_words_and_capitals_convert_by_font() -> None:
    assert from_font(to_tcvn3("Dũng"), "tcvn3") == "Dũng"
    assert from_font(to_tcvn3("văn phòng tỉnh ủy"), "tcvn3-caps") == "VĂN PHÒNG TỈNH ỦY"
    assert from_font(to_vni("Tham số"), "vni") == "Tham số"


def test_a_return_typed_in_a_legacy_font_is_converted_by_its_font(imported: Workspace) -> None:
    """Short texts the cautious detection would leave alone convert when the cell's font says
    TCVN3 or VNI (here VNI "Tham số" and TCVN3 "Dũng")."""
    from openpyxl.styles import Font
    from test_merge import fill

    from xladdin.commands.config import set_config
    from xladdin.commands.forms import issue_forms
    from xladdin.commands.merge import merge_returns
    from xladdin.core.layout import FORM_COLUMNS, FORM_FIRST_ROW, FORM_SHEET

    set_config({"period": "2026-11"}, workbook=imported.workbook)
    form = next(
        f for f in issue_forms("2026-11", workbook=imported.workbook, now=NOW).forms if f.n_lead
    )
    col = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}

    def fonts(wb: object) -> None:
        ws = wb[FORM_SHEET]  # type: ignore[index]
        ws.cell(FORM_FIRST_ROW, col["difficulties"]).font = Font(name="VNI-Times")
        ws.cell(FORM_FIRST_ROW, col["proposals"]).font = Font(name=".VnTime")

    rows = {0: {"status": "Đang triển khai", "progress": 20,
                "difficulties": to_vni("Tham số"), "proposals": to_tcvn3("Dũng")}}  # fmt: skip
    fill(form.path, imported.root / "inbox" / form.path.name, rows, edit=fonts)
    outcome = merge_returns(workbook=imported.workbook, now=NOW, today=NOW.date())
    (res,) = outcome.results
    assert res.status == "accepted", res.reasons
    new = {c.field: c.new for c in res.changes}
    assert new["difficulties"] == "Tham số" and new["proposals"] == "Dũng"
    assert any("theo phông chữ của ô" in w for w in res.warnings)


def test_ods_cells_in_a_legacy_font_are_found() -> None:
    from xladdin.io.ods_io import sheet_facts

    content = b"""<?xml version="1.0" encoding="UTF-8"?>
<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"
 xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0"
 xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"
 xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0">
<office:font-face-decls><style:font-face style:name="VNI-Times" svg:font-family="&apos;VNI-Times&apos;"/>
</office:font-face-decls>
<office:automatic-styles><style:style style:name="ce1" style:family="table-cell">
<style:text-properties style:font-name="VNI-Times"/></style:style></office:automatic-styles>
<office:body><office:spreadsheet><table:table table:name="S">
<table:table-row table:number-rows-repeated="2"><table:table-cell/></table:table-row>
<table:table-row><table:table-cell table:number-columns-repeated="2"/>
<table:table-cell table:style-name="ce1"/><table:table-cell office:value-type="percentage"/></table:table-row>
<table:table-row table:number-rows-repeated="1048573"><table:table-cell table:number-columns-repeated="1024"/></table:table-row>
</table:table></office:spreadsheet></office:body></office:document-content>"""
    formulas, merged, percent, legacy = sheet_facts(content, "S")
    assert legacy == {(3, 3): "vni"} and percent == {(3, 4)}
    assert not formulas and not merged
