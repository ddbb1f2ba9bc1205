"""The rich test workbook is a valid package, and `assert_preserved` can both pass and fail."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import unicodedata
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
import richbook
import richbook_parts as P
from lxml import etree
from openpyxl.worksheet.datavalidation import DataValidation

WRITTEN = ("Nhiệm vụ", "Cơ quan")
NEVER_WRITTEN = "Cấu hình"
EXTRA = "Ghi chú riêng"


# --- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def base_book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What the product might produce: plain openpyxl output, saved under an .xlsm name (the
    macro-enabled content type is left to `enrich`)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Nhiệm vụ"
    for row in (
        ["STT", "Nhiệm vụ", "Trạng thái"],
        [1, "Xây dựng kế hoạch", "Đang thực hiện"],
        [2, "Báo cáo quý", "Hoàn thành"],
    ):
        ws.append(row)
    ws.auto_filter.ref = "A1:C3"
    agencies = wb.create_sheet("Cơ quan")
    agencies.append(["Mã", "Tên cơ quan"])
    agencies.append(["VP", "Văn phòng"])
    config = wb.create_sheet("Cấu hình")
    config.append(["Khóa", "Giá trị"])
    config.append(["năm", 2025])
    path = tmp_path_factory.mktemp("richbook") / "base.xlsm"
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def rich_book(base_book: Path) -> Path:
    path = base_book.with_name("rich.xlsm")
    richbook.enrich(base_book, path, written_sheets=WRITTEN, extra_sheet=EXTRA)
    return path


def _related(pkg: dict[str, bytes], source: str, rel_type: str) -> list[str]:
    rels = pkg.get(P.rels_name(source))
    if rels is None:
        return []
    return [
        P.resolve_target(source, r.get("Target", ""))
        for r in P.parse(rels)
        if r.get("Type") == rel_type and r.get("TargetMode") != "External"
    ]


def _rewrite(src: Path, dst: Path, mutate: Callable[[dict[str, bytes]], None]) -> Path:
    pkg = richbook.parts(src)
    mutate(pkg)
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in pkg.items():
            zf.writestr(name, data)
    return dst


# --- the package is valid and complete ----------------------------------------------------------
def test_package_is_consistent(rich_book: Path) -> None:
    pkg = richbook.parts(rich_book)
    types = P.parse(pkg["[Content_Types].xml"])
    defaults = {
        d.get("Extension", "").lower(): d.get("ContentType")
        for d in types.iterfind(f"{{{P.CT_NS}}}Default")
    }
    overrides = {
        o.get("PartName", "").lstrip("/"): o.get("ContentType")
        for o in types.iterfind(f"{{{P.CT_NS}}}Override")
    }
    assert set(overrides) <= set(pkg), "Override for a part that does not exist"
    for name, data in pkg.items():
        if name == "[Content_Types].xml":
            continue
        assert name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
        if name.endswith((".xml", ".rels", ".vml")):
            P.parse(data)  # well-formed
        if name.endswith(".rels"):
            source = re.sub(r"_rels/([^/]*)\.rels$", r"\1", name)
            for rel in P.parse(data):
                if rel.get("TargetMode") != "External":
                    target = P.resolve_target(source, rel.get("Target", ""))
                    assert target in pkg, f"{name}: {rel.get('Id')} -> missing {target}"
    assert overrides["xl/workbook.xml"] == P.CT_WORKBOOK_MACRO
    assert overrides["xl/vbaProject.bin"] == P.CT_VBA
    assert _related(pkg, "", P.RT_RIBBON14) == ["customUI/customUI14.xml"]
    ribbon = etree.QName(P.parse(pkg["customUI/customUI14.xml"]))
    assert ribbon.namespace == "http://schemas.microsoft.com/office/2009/07/customui"
    assert _related(pkg, "xl/workbook.xml", P.RT_VBA) == ["xl/vbaProject.bin"]


@pytest.mark.parametrize("sheet", [*WRITTEN, EXTRA])
def test_every_sheet_carries_the_features(rich_book: Path, sheet: str) -> None:
    pkg = richbook.parts(rich_book)
    part = richbook.sheet_part(rich_book, sheet)
    xml = P.parse(pkg[part])
    ns = {"m": P.MAIN, "x14": P.X14, "xm": P.XM, "mc": P.MC, "r": P.REL_NS}
    assert xml.xpath("m:sheetViews/m:sheetView/m:pane[@state='frozen']", namespaces=ns)
    assert xml.xpath("m:cols/m:col[@customWidth='1']", namespaces=ns)
    assert xml.xpath("m:dataValidations/m:dataValidation", namespaces=ns)
    assert xml.xpath("m:conditionalFormatting/m:cfRule", namespaces=ns)
    assert xml.xpath("m:extLst/m:ext/x14:conditionalFormattings", namespaces=ns)
    x14_list = xml.xpath(
        "m:extLst/m:ext/x14:dataValidations/x14:dataValidation[@type='list']"
        "/x14:formula1/xm:f/text()",
        namespaces=ns,
    )
    assert len(x14_list) == 1
    assert not x14_list[0].startswith(P.quote_sheet(sheet)), "list must live on another sheet"
    controls = xml.xpath(
        "mc:AlternateContent/mc:Choice/m:controls/mc:AlternateContent/mc:Choice/m:control",
        namespaces=ns,
    )
    assert len(controls) == 1
    rels = {r.get("Id"): r.get("Target", "") for r in P.parse(pkg[P.rels_name(part)])}
    ctrl_prop = P.resolve_target(part, rels[controls[0].get(f"{{{P.REL_NS}}}id")])
    assert _related(pkg, part, P.RT_CTRL_PROP) == [ctrl_prop]
    assert b"<formControlPr " in pkg[ctrl_prop]
    (comments,) = _related(pkg, part, P.RT_COMMENTS)
    assert b"<comment ref=" in pkg[comments]
    (vml,) = _related(pkg, part, P.RT_VML)
    assert b'ObjectType="Note"' in pkg[vml]
    assert re.search(rb'ObjectType="(Checkbox|Button)"', pkg[vml])
    (drawing,) = _related(pkg, part, P.RT_DRAWING)
    dxml = P.parse(pkg[drawing])
    assert dxml.findall(f".//{{{P.XDR}}}sp"), "no shape"
    assert dxml.findall(f".//{{{P.XDR}}}pic"), "no picture"
    (image,) = _related(pkg, drawing, P.RT_IMAGE)
    assert pkg[image].startswith(b"\x89PNG")
    charts = _related(pkg, drawing, P.RT_CHART)
    if sheet == EXTRA:
        (chart,) = charts
        assert f"{P.quote_sheet(EXTRA)}!$B$3:$B$6".encode() in pkg[chart]
        assert xml.xpath("m:sheetProtection[@sheet='1']", namespaces=ns)
        assert xml.xpath("m:mergeCells/m:mergeCell", namespaces=ns)
        assert xml.xpath("m:hyperlinks/m:hyperlink[@r:id]", namespaces=ns)


def test_openpyxl_reads_the_features(rich_book: Path) -> None:
    with warnings.catch_warnings():
        # openpyxl announces that it would drop the x14 extensions; reading is what we test.
        warnings.simplefilter("ignore", UserWarning)
        wb = openpyxl.load_workbook(rich_book, keep_vba=True)
    assert wb.sheetnames == [*WRITTEN, NEVER_WRITTEN, EXTRA]
    assert wb.vba_archive is not None
    assert wb.security is not None and wb.security.lockStructure
    assert "DanhMucTrangThai" in wb.defined_names
    for name in WRITTEN:
        ws = wb[name]
        assert ws["A1"].comment is not None
        assert ws.freeze_panes == "A2"
        assert ws.print_title_rows == "$1:$1"
        assert ws.column_dimensions["B"].width == pytest.approx(42.7109375)
        assert sorted(dv.type for dv in ws.data_validations.dataValidation) == ["list", "whole"]
    extra = wb[EXTRA]
    assert extra["A2"].comment is not None
    assert extra.freeze_panes == "A3"
    assert extra.protection.sheet
    assert [str(r) for r in extra.merged_cells.ranges] == ["A1:F1"]
    assert extra.print_area == f"{P.quote_sheet(EXTRA)}!$A$1:$F$7"
    assert extra["D3"].hyperlink.target.startswith("https://")
    assert extra["D4"].hyperlink.location == f"{P.quote_sheet(WRITTEN[0])}!A1"
    assert len(extra._charts) == 1
    assert len(extra.data_validations.dataValidation) == 2
    assert {p.name for p in wb.custom_doc_props.props} >= {"Phiên bản mẫu", "Đã kiểm thử"}


def test_libreoffice_converts_to_pdf(rich_book: Path, tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) not installed")
    # A private profile: a concurrent soffice with the default profile would block this one.
    profile = (tmp_path / "lo-profile").as_uri()
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(rich_book),
        ],
        capture_output=True,
        text=True,
        timeout=240,
        check=False,
    )
    pdf = tmp_path / "rich.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists(), f"no PDF; stdout={result.stdout!r} stderr={result.stderr!r}"
    assert pdf.read_bytes().startswith(b"%PDF")


def test_olevba_finds_the_vba_project(rich_book: Path) -> None:
    olevba = Path(sys.executable).with_name("olevba")
    cmd = [str(olevba)] if olevba.exists() else [sys.executable, "-m", "oletools.olevba"]
    result = subprocess.run(
        [*cmd, str(rich_book)], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "VBA MACRO Module1.bas" in result.stdout
    assert "in file: xl/vbaProject.bin" in result.stdout


def test_enrich_is_deterministic(base_book: Path, rich_book: Path, tmp_path: Path) -> None:
    again = tmp_path / "again.xlsm"
    richbook.enrich(base_book, again, written_sheets=WRITTEN, extra_sheet=EXTRA)
    assert again.read_bytes() == rich_book.read_bytes()


def test_enrich_keeps_an_existing_vba_project(tmp_path: Path) -> None:
    src = richbook.VBA_SOURCE
    dst = tmp_path / "quickstart_rich.xlsm"
    richbook.enrich(src, dst, written_sheets=["Sheet1"])
    before, after = richbook.parts(src), richbook.parts(dst)
    assert after["xl/vbaProject.bin"] == before["xl/vbaProject.bin"]
    assert [n for n in after if n.lower().endswith(".bin")] == ["xl/vbaProject.bin"]
    assert after["xl/worksheets/sheet2.xml"] == before["xl/worksheets/sheet2.xml"]
    assert richbook.sheet_part(dst, EXTRA) == "xl/worksheets/sheet3.xml"


def test_enrich_rejects_bad_sheet_names(base_book: Path, tmp_path: Path) -> None:
    with pytest.raises(KeyError, match="Không có"):
        richbook.enrich(base_book, tmp_path / "x.xlsm", written_sheets=["Không có"])
    with pytest.raises(ValueError, match="already has a sheet"):
        richbook.enrich(base_book, tmp_path / "x.xlsm", written_sheets=[], extra_sheet="Cơ quan")


def test_enrich_does_not_overlap_existing_validations(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Nhiệm vụ"
    ws.append(["STT", "Nội dung"])
    dv = DataValidation(type="whole", sqref="C2:H500")
    ws.add_data_validation(dv)
    src, dst = tmp_path / "dv.xlsx", tmp_path / "dv.xlsm"
    wb.save(src)
    richbook.enrich(src, dst, written_sheets=["Nhiệm vụ"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        ws = openpyxl.load_workbook(dst)["Nhiệm vụ"]
    assert sorted(str(dv.sqref) for dv in ws.data_validations.dataValidation) == [
        "C2:H500",
        "I2:I1000",
        "J2:J1000",
    ]


def test_enrich_joins_existing_x14_validations(
    base_book: Path, rich_book: Path, tmp_path: Path
) -> None:
    """A product sheet that already has x14 validations keeps them, next to ours."""
    rich_sheet = P.parse(richbook.parts(rich_book)[richbook.sheet_part(rich_book, EXTRA)])
    ext_el = rich_sheet.find(f"{{{P.MAIN}}}extLst")
    assert ext_el is not None
    ext_lst = etree.tostring(ext_el)  # serialised with the declarations of its prefixes
    part = richbook.sheet_part(base_book, NEVER_WRITTEN)

    def add_ext(pkg: dict[str, bytes]) -> None:
        pkg[part] = pkg[part].replace(b"</worksheet>", ext_lst + b"</worksheet>")

    src = _rewrite(base_book, tmp_path / "x14.xlsm", add_ext)
    dst = tmp_path / "x14_rich.xlsm"
    richbook.enrich(src, dst, written_sheets=[NEVER_WRITTEN])
    xml = P.parse(richbook.parts(dst)[part])
    (box,) = xml.iter(f"{{{P.X14}}}dataValidations")
    assert box.get("count") == "2" and len(box) == 2
    assert len(list(xml.iter(f"{{{P.X14}}}conditionalFormatting"))) == 2
    with pytest.raises(ValueError, match="already has <drawing>"):
        richbook.enrich(
            dst, tmp_path / "twice.xlsm", written_sheets=[NEVER_WRITTEN], extra_sheet="B"
        )


# --- reading helpers ----------------------------------------------------------------------------
def test_sheet_part_resolves_absolute_and_relative_targets(base_book: Path) -> None:
    # openpyxl writes "/xl/worksheets/sheet2.xml", Excel writes "worksheets/sheet1.xml".
    assert richbook.sheet_part(base_book, "Cơ quan") == "xl/worksheets/sheet2.xml"
    assert richbook.sheet_part(richbook.VBA_SOURCE, "_xlwings.conf") == "xl/worksheets/sheet2.xml"
    decomposed = unicodedata.normalize("NFD", "Cấu hình")
    assert richbook.sheet_part(base_book, decomposed) == "xl/worksheets/sheet3.xml"
    with pytest.raises(KeyError, match="Không có"):
        richbook.sheet_part(base_book, "Không có")


@pytest.mark.parametrize(
    ("xml", "expected"),
    [
        (b'<w><dimension ref="A1:C3"/><sheetData><row r="1"/></sheetData><x/></w>', b"<w><x/></w>"),
        (
            b'<w><dimension ref="A1"/><sheetData/><autoFilter ref="A1:C1"/></w>',
            b"<w><autoFilter/></w>",
        ),
        (
            b'<x:w><x:sheetData>\n<x:row r="1"/></x:sheetData><x:autoFilter ref="A1:B9">'
            b'<x:filterColumn colId="0"/></x:autoFilter></x:w>',
            b'<x:w><x:autoFilter><x:filterColumn colId="0"/></x:autoFilter></x:w>',
        ),
        (b"<w><sheetDataX/><cols/></w>", b"<w><sheetDataX/><cols/></w>"),
    ],
)
def test_strip_volatile(xml: bytes, expected: bytes) -> None:
    assert richbook.strip_volatile(xml) == expected


# --- the checker passes when it should ----------------------------------------------------------
def test_assert_preserved_accepts_an_identical_copy(rich_book: Path) -> None:
    richbook.assert_preserved(rich_book, rich_book, written_sheets=WRITTEN)


def _rewrite_sheet_data(xml: bytes, rows: int) -> bytes:
    """What our writer does: new <sheetData>, new <dimension ref>, new <autoFilter ref>."""
    data = "".join(
        f'<row r="{r}"><c r="A{r}"><v>{r}</v></c><c r="B{r}" t="inlineStr"><is><t>mới {r}</t>'
        f"</is></c></row>"
        for r in range(1, rows + 1)
    ).encode()
    xml = re.sub(
        rb"<sheetData>.*?</sheetData>|<sheetData/>",
        lambda _: b"<sheetData>" + data + b"</sheetData>",
        xml,
        flags=re.S,
    )
    xml = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:C{rows}"/>'.encode(), xml)
    return re.sub(rb'(<autoFilter ref=")[^"]*"', rf'\g<1>A1:C{rows}"'.encode(), xml)


def test_assert_preserved_accepts_a_data_write(rich_book: Path, tmp_path: Path) -> None:
    parts_ = [richbook.sheet_part(rich_book, name) for name in WRITTEN]

    def write(pkg: dict[str, bytes]) -> None:
        for part in parts_:
            pkg[part] = _rewrite_sheet_data(pkg[part], rows=40)

    after = _rewrite(rich_book, tmp_path / "written.xlsm", write)
    assert richbook.parts(after)[parts_[0]] != richbook.parts(rich_book)[parts_[0]]
    richbook.assert_preserved(rich_book, after, written_sheets=WRITTEN)


def test_allowed_changed_parts(rich_book: Path, tmp_path: Path) -> None:
    def touch(pkg: dict[str, bytes]) -> None:
        pkg["docProps/core.xml"] = pkg["docProps/core.xml"].replace(b"openpyxl", b"theodoi")

    after = _rewrite(rich_book, tmp_path / "core.xlsm", touch)
    with pytest.raises(AssertionError, match=r"docProps/core\.xml"):
        richbook.assert_preserved(rich_book, after, written_sheets=WRITTEN)
    richbook.assert_preserved(
        rich_book, after, written_sheets=WRITTEN, allowed_changed_parts=["docProps/core.xml"]
    )
    with pytest.raises(ValueError, match="compared exactly"):
        richbook.assert_preserved(
            rich_book, after, written_sheets=WRITTEN, allowed_changed_parts=["_rels/.rels"]
        )


# --- ... and fails when something is lost -------------------------------------------------------
def _drop_rel(source: str, rel_type: str) -> Callable[[dict[str, bytes]], str]:
    def mutate(pkg: dict[str, bytes]) -> str:
        name = P.rels_name(source)
        root = P.parse(pkg[name])
        (rel,) = [r for r in root if r.get("Type") == rel_type]
        root.remove(rel)
        pkg[name] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
        return name

    return mutate


def _edit_sheet(sheet: str, old: bytes, new: bytes) -> Callable[[dict[str, bytes]], str]:
    """Replace the first match of regex `old` in the sheet's XML."""

    def mutate(pkg: dict[str, bytes]) -> str:
        part = richbook.sheet_parts(pkg)[sheet]
        pkg[part], n = re.subn(old, new, pkg[part], count=1)
        assert n == 1, f"{old!r} not in {part}"
        return part

    return mutate


def _delete(part: str) -> Callable[[dict[str, bytes]], str]:
    def mutate(pkg: dict[str, bytes]) -> str:
        del pkg[part]
        return part

    return mutate


def _delete_ctrl_prop(pkg: dict[str, bytes]) -> str:
    (target,) = _related(pkg, richbook.sheet_parts(pkg)[WRITTEN[0]], P.RT_CTRL_PROP)
    return _delete(target)(pkg)


def _x14_list_changed(pkg: dict[str, bytes]) -> str:
    return _edit_sheet(WRITTEN[0], rb"\$F\$6</xm:f>", rb"$F$5</xm:f>")(pkg)


LOSSES: dict[str, Callable[[dict[str, bytes]], str]] = {
    "ribbon relationship dropped": _drop_rel("", P.RT_RIBBON14),
    "x14 validation changed": _x14_list_changed,
    "ctrlProp part removed": _delete_ctrl_prop,
    "VBA project removed": _delete("xl/vbaProject.bin"),
    "comments relationship dropped": _drop_rel("xl/worksheets/sheet1.xml", P.RT_COMMENTS),
    "drawing element dropped": _edit_sheet(WRITTEN[1], rb"<drawing [^>]*/>", b""),
    "frozen pane dropped": _edit_sheet(WRITTEN[0], rb' state="frozen"', b""),
    "unwritten sheet's data changed": _edit_sheet(NEVER_WRITTEN, b"<v>2025</v>", b"<v>2026</v>"),
    "extra sheet's data changed": _edit_sheet(EXTRA, b"<v>12</v>", b"<v>13</v>"),
    "chart range changed": lambda pkg: _replace(pkg, "xl/charts/chart1.xml", b"$B$6", b"$B$5"),
    "image replaced": lambda pkg: _replace(pkg, "xl/media/image1.png", b"IEND", b"IEND\0"),
}


def _replace(pkg: dict[str, bytes], part: str, old: bytes, new: bytes) -> str:
    assert old in pkg[part]
    pkg[part] = pkg[part].replace(old, new)
    return part


@pytest.mark.parametrize("loss", LOSSES, ids=list(LOSSES))
def test_assert_preserved_catches(rich_book: Path, tmp_path: Path, loss: str) -> None:
    expected_part = ""

    def mutate(pkg: dict[str, bytes]) -> None:
        nonlocal expected_part
        expected_part = LOSSES[loss](pkg)

    after = _rewrite(rich_book, tmp_path / "after.xlsm", mutate)
    with pytest.raises(AssertionError) as caught:
        richbook.assert_preserved(rich_book, after, written_sheets=WRITTEN)
    assert expected_part in str(caught.value)


def test_assert_preserved_lists_every_difference(rich_book: Path, tmp_path: Path) -> None:
    def mutate(pkg: dict[str, bytes]) -> None:
        for loss in ("ribbon relationship dropped", "ctrlProp part removed", "VBA project removed"):
            LOSSES[loss](pkg)

    after = _rewrite(rich_book, tmp_path / "after.xlsm", mutate)
    with pytest.raises(AssertionError) as caught:
        richbook.assert_preserved(rich_book, after, written_sheets=WRITTEN)
    message = str(caught.value)
    assert message.startswith("3 difference(s)")
    for part in ("_rels/.rels", "xl/ctrlProps/ctrlProp1.xml", "xl/vbaProject.bin"):
        assert part in message
