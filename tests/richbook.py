"""A feature-rich test workbook and a checker that a headless write lost nothing.

`enrich` adds, by writing package XML directly, everything users or the product may put in
the workbook (VBA, ribbon, shapes, form controls, chart, comments, image, classic + x14
validations and conditional formats, names, protection, ...).  `assert_preserved` then
proves a write kept all of it: every part byte-identical except the rewritten sheets, whose
XML may differ only in `<sheetData>`, `<dimension>` and `<autoFilter ref>`.

Test helper module (not collected: its name does not start with ``test_``).
"""

from __future__ import annotations

import posixpath
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

# tests/ is on sys.path under pytest (as for `conftest`), so the sibling imports top-level.
import richbook_parts as P
import xlwings
from lxml import etree
from openpyxl.utils.protection import hash_password

VBA_SOURCE = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
CONTENT_TYPES = P.CONTENT_TYPES
PASSWORD = "1234"  # legacy sheet/workbook protection password used in the test book


# --- reading ------------------------------------------------------------------------------------
def _nfc(name: str) -> str:
    # Sheet names are compared as NFC: a name typed on another system may arrive decomposed.
    return unicodedata.normalize("NFC", name)


def parts(path: Path) -> dict[str, bytes]:
    """Every zip entry of the package: part name -> uncompressed bytes (in archive order)."""
    return P.read_parts(path)


def _rel_elements(data: bytes) -> list[etree._Element]:
    return P.parse(data).findall(f"{{{P.PKG_REL_NS}}}Relationship")


def main_part(pkg: dict[str, bytes]) -> str:
    for rel in _rel_elements(pkg["_rels/.rels"]):
        if rel.get("Type") == P.RT_OFFICE_DOCUMENT:
            return P.resolve_target("", rel.get("Target", ""))
    raise AssertionError("package has no officeDocument relationship in _rels/.rels")


def sheet_parts(pkg: dict[str, bytes]) -> dict[str, str]:
    """Visible sheet name (NFC) -> worksheet part name, in workbook order."""
    wb_part = main_part(pkg)
    rels = {r.get("Id"): r for r in _rel_elements(pkg[P.rels_name(wb_part)])}
    workbook = P.parse(pkg[wb_part])
    out: dict[str, str] = {}
    for sheet in workbook.iterfind(f"{{{P.MAIN}}}sheets/{{{P.MAIN}}}sheet"):
        rel = rels[sheet.get(f"{{{P.REL_NS}}}id")]
        out[_nfc(sheet.get("name", ""))] = P.resolve_target(wb_part, rel.get("Target", ""))
    return out


def sheet_part(path: Path, sheet_name: str) -> str:
    """Zip part name of the sheet shown as `sheet_name` (matched after NFC normalisation)."""
    mapping = sheet_parts(parts(path))
    key = _nfc(sheet_name)
    if key not in mapping:
        raise KeyError(f"no sheet {sheet_name!r} in {path}; sheets: {list(mapping)}")
    return mapping[key]


# The writer may rewrite exactly these; patterns accept a namespace prefix on the tag.
# The prefix group always participates (maybe empty): a backreference to a group that did
# not take part never matches in Python's `re`.
_SHEET_DATA = re.compile(
    rb"<(?:[\w.-]+:)?sheetData\b[^>]*?/>"
    rb"|<(?P<p>(?:[\w.-]+:)?)sheetData\b[^>]*>.*?</(?P=p)sheetData\s*>",
    re.DOTALL,
)
_DIMENSION = re.compile(rb"<(?:[\w.-]+:)?dimension\b[^>]*>(?:\s*</(?:[\w.-]+:)?dimension>)?")
_AUTOFILTER_REF = re.compile(
    rb"(<(?:[\w.-]+:)?autoFilter\b[^>]*?)\s+ref\s*=\s*(?:\"[^\"]*\"|'[^']*')"
)


def strip_volatile(sheet_xml: bytes) -> bytes:
    """Sheet XML minus what a data write legitimately changes: `<sheetData>` (either form),
    the `<dimension>` element and the `ref` attribute of `<autoFilter>`."""
    out = _SHEET_DATA.sub(b"", sheet_xml, count=1)
    out = _DIMENSION.sub(b"", out, count=1)
    return _AUTOFILTER_REF.sub(rb"\1", out, count=1)


# --- checking -----------------------------------------------------------------------------------
def _first_difference(a: bytes, b: bytes) -> str:
    i = next((k for k, (p, q) in enumerate(zip(a, b, strict=False)) if p != q), min(len(a), len(b)))

    def around(data: bytes) -> str:
        # Decoded so Vietnamese text stays readable; a cut multi-byte char shows escaped.
        return data[max(0, i - 60) : i + 60].decode("utf-8", "backslashreplace")

    return (
        f"sizes {len(a)} -> {len(b)}, first difference at byte {i}:\n"
        f"      before …{around(a)}…\n      after  …{around(b)}…"
    )


def _is_exact_only(name: str) -> bool:
    return name == CONTENT_TYPES or name.endswith(".rels")


def assert_preserved(
    before: Path,
    after: Path,
    *,
    written_sheets: Sequence[str],
    allowed_changed_parts: Iterable[str] = (),
) -> None:
    """Raise AssertionError listing every part the write lost or changed.

    Every part of `before` must exist in `after`.  Parts are byte-identical except the written
    sheets' XML (compared after `strip_volatile`) and `allowed_changed_parts`.  The content
    types and every `.rels` part are always compared exactly; naming one in
    `allowed_changed_parts` is a ValueError.  Parts only present in `after` are not errors
    (a new part needs a content type or relationship, and those changes are caught).
    """
    allowed = set(allowed_changed_parts)
    if bad := sorted(n for n in allowed if _is_exact_only(n)):
        raise ValueError(f"content types and relationships are always compared exactly: {bad}")
    old, new = parts(before), parts(after)
    old_sheets = sheet_parts(old)
    problems: list[str] = []
    try:
        new_sheets = sheet_parts(new)
    except (KeyError, AssertionError, etree.XMLSyntaxError) as exc:
        new_sheets = {}
        problems.append(f"cannot map sheets to parts after the write: {exc!r}")
    written: dict[str, str] = {}
    for name in written_sheets:
        key = _nfc(name)
        if key not in old_sheets:
            raise KeyError(f"written sheet {name!r} not in {before}; sheets: {list(old_sheets)}")
        written[old_sheets[key]] = name
    for key, part in old_sheets.items():
        if new_sheets.get(key) != part:
            problems.append(f"sheet {key!r}: was part {part}, now {new_sheets.get(key)}")
    for name, data in old.items():
        if name not in new:
            problems.append(f"{name}: missing after write")
        elif name in written:
            a, b = strip_volatile(data), strip_volatile(new[name])
            if a != b:
                problems.append(
                    f"{name} (written sheet {written[name]!r}): changed outside "
                    f"sheetData/dimension/autoFilter@ref; {_first_difference(a, b)}"
                )
        elif name not in allowed and data != new[name]:
            problems.append(f"{name}: not byte-identical; {_first_difference(data, new[name])}")
    if problems:
        raise AssertionError(
            f"{len(problems)} difference(s) between {before.name} and {after.name}:\n  "
            + "\n  ".join(problems)
        )


# --- enriching ----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _SheetSpec:
    """Where things go on one sheet (0-based row/col pairs, A1 references otherwise)."""

    name: str
    note_cell: tuple[int, int]  # header cell that gets the comment
    frozen_rows: int
    c0: int  # column where the drawing objects are stacked
    cols: str
    whole_sqref: str  # classic whole-number validation
    list_sqref: str  # classic literal-list validation
    x14_sqref: str  # x14 validation whose list is on another sheet ...
    x14_list: str  # ... namely this range
    color_sqref: str
    bar_sqref: str
    control: str  # "Checkbox" | "Button"
    hyperlinks: tuple[tuple[str, str, str], ...]  # (cell, URL or location, display)
    extra: bool = False


def _cols(*widths: tuple[int, int, float]) -> str:
    return "".join(
        f'<col min="{lo}" max="{hi}" width="{w}" customWidth="1"/>' for lo, hi, w in widths
    )


def _first_free_col(root: etree._Element) -> int:
    """First column right of the data and of every existing validation/format: ours must not
    overlap the product's (Excel repairs files with overlapping validations)."""
    refs = [el.get("ref", "") for el in root.iter(f"{{{P.MAIN}}}dimension")]
    refs += [el.get("sqref", "") for el in root.iter(f"{{{P.MAIN}}}dataValidation")]
    refs += [el.get("sqref", "") for el in root.iter(f"{{{P.MAIN}}}conditionalFormatting")]
    refs += [el.text or "" for el in root.iter(f"{{{P.XM}}}sqref")]
    cols = re.findall(r"\$?([A-Za-z]{1,3})\$?\d+", " ".join(refs))
    return max((P.col_index(c) for c in cols), default=-1) + 1


def _written_spec(name: str, root: etree._Element, status_list: str) -> _SheetSpec:
    f = _first_free_col(root)
    col = [P.col_letter(f + k) for k in range(4)]
    return _SheetSpec(
        name=name,
        note_cell=(0, 0),
        frozen_rows=1,
        c0=f + 4,
        cols=_cols((1, 1, 8.7109375), (2, 2, 42.7109375), (3, 5, 18.7109375)),
        whole_sqref=f"{col[0]}2:{col[0]}1000",
        list_sqref=f"{col[1]}2:{col[1]}1000",
        x14_sqref=f"{col[2]}2:{col[2]}1000",
        x14_list=status_list,
        color_sqref="A2:A1000",  # over the product's data: formats may overlap
        bar_sqref=f"{col[0]}2:{col[0]}1000",
        control="Checkbox",
        hyperlinks=((f"{col[3]}1", "https://www.example.com/theodoinhiemvu", "Hướng dẫn"),),
    )


def _extra_spec(name: str, other: str) -> _SheetSpec:
    return _SheetSpec(
        name=name,
        note_cell=(1, 0),
        frozen_rows=2,
        c0=7,
        cols=_cols((1, 1, 14.7109375), (2, 3, 13.7109375), (4, 5, 24.7109375), (6, 6, 18.7)),
        whole_sqref="B3:C6",
        list_sqref="D9:D20",
        x14_sqref="E3:E6",
        x14_list=f"{P.quote_sheet(other)}!$A$2:$A$100",
        color_sqref="B3:B6",
        bar_sqref="C3:C6",
        control="Button",
        hyperlinks=(
            ("D3", "https://www.example.com/theodoinhiemvu", "Cổng thông tin"),
            ("D4", f"{P.quote_sheet(other)}!A1", "Về trang đầu"),
        ),
        extra=True,
    )


def _merge_list(root: etree._Element, name: str, items: list[str]) -> None:
    """Append `items` to the container `name`, creating it if the product has none; the
    containers that carry a `count` get it fixed (hyperlinks has none)."""
    box = P.child(root, name)
    if box is None:
        box = P.place(root, P.frag(f"<{name}/>"), P.WORKSHEET_ORDER)
    for item in items:
        box.append(P.frag(item))
    if name != "hyperlinks":
        box.set("count", str(len(box)))


def _freeze(root: etree._Element, rows: int) -> None:
    views = P.child(root, "sheetViews")
    if views is None:
        views = P.place(
            root,
            P.frag('<sheetViews><sheetView workbookViewId="0"/></sheetViews>'),
            P.WORKSHEET_ORDER,
        )
    view = views[0]
    if view.find(f"{{{P.MAIN}}}pane") is not None:
        return  # the product already freezes panes: keep its choice
    view.insert(
        0,
        P.frag(
            f'<pane ySplit="{rows}" topLeftCell="A{rows + 1}" activePane="bottomLeft" '
            'state="frozen"/>'
        ),
    )
    n_sel = len(view.findall(f"{{{P.MAIN}}}selection"))
    view.insert(
        1 + n_sel,
        P.frag(f'<selection pane="bottomLeft" activeCell="A{rows + 1}" sqref="A{rows + 1}"/>'),
    )


def _decorate(pkg: P.Package, part: str, spec: _SheetSpec, block: int, image: str) -> None:
    root = P.with_namespaces(pkg.xml(part))
    pkg.set_xml(part, root)
    for tag in ("drawing", "legacyDrawing", "controls"):
        if any(P.local_name(el) == tag for el in root):
            raise ValueError(f"sheet {spec.name!r} already has <{tag}>; enrich needs a plain sheet")
    row, col = spec.note_cell
    note_ref = f"{P.col_letter(col)}{row + 1}"
    comments = pkg.free_name("xl/comments{}.xml")
    pkg.add_part(
        comments,
        P.comments_xml(note_ref, "Kiểm thử", f"Ghi chú tiêu đề của {spec.name}"),
        P.CT_COMMENTS,
    )
    pkg.add_rel(part, P.RT_COMMENTS, comments)
    ctrl_anchor = (spec.c0, 10)
    vml = pkg.free_name("xl/drawings/vmlDrawing{}.vml")
    pkg.add_part(vml, P.vml_xml(block, row, col, spec.control, ctrl_anchor))
    vml_rid = pkg.add_rel(part, P.RT_VML, vml)
    ctrl = pkg.free_name("xl/ctrlProps/ctrlProp{}.xml")
    pkg.add_part(ctrl, P.ctrl_prop_xml(spec.control), P.CT_CTRL_PROP)
    ctrl_rid = pkg.add_rel(part, P.RT_CTRL_PROP, ctrl)
    shape_id = block * 1024 + 2  # the control's VML shape, see vml_xml
    ctrl_name = f"{'Button' if spec.control == 'Button' else 'Check Box'} {shape_id % 1024}"
    drawing = pkg.free_name("xl/drawings/drawing{}.xml")
    image_rid = pkg.add_rel(drawing, P.RT_IMAGE, image)
    chart_rid = None
    if spec.extra:
        chart = pkg.free_name("xl/charts/chart{}.xml")
        pkg.add_part(chart, P.extra_chart_xml(spec.name), P.CT_CHART)
        chart_rid = pkg.add_rel(drawing, P.RT_CHART, chart)
    pkg.add_part(
        drawing,
        P.drawing_xml(
            spec.c0,
            shape_text=f"Khung ghi chú – {spec.name}",
            image_rid=image_rid,
            ctrl_shape_id=shape_id,
            ctrl_name=ctrl_name,
            chart_rid=chart_rid,
        ),
        P.CT_DRAWING,
    )
    drawing_rid = pkg.add_rel(part, P.RT_DRAWING, drawing)

    order = P.WORKSHEET_ORDER
    _freeze(root, spec.frozen_rows)
    if P.child(root, "cols") is None:
        P.place(root, P.frag(f"<cols>{spec.cols}</cols>"), order)
    if spec.extra:
        P.place(
            root,
            P.frag(
                f'<sheetProtection password="{hash_password(PASSWORD)}" sheet="1" objects="1" '
                'scenarios="1"/>'
            ),
            order,
        )
        _merge_list(root, "mergeCells", ['<mergeCell ref="A1:F1"/>'])
    bar_id = P.guid(f"databar:{spec.name}")
    # Priorities are unique per sheet: number ours after the product's rules.
    priorities = [int(r.get("priority", "0")) for r in root.iter(f"{{{P.MAIN}}}cfRule")]
    first = max(priorities, default=0) + 1
    for markup in P.cf_classic(spec.color_sqref, spec.bar_sqref, bar_id, first):
        P.place(root, P.frag(markup), order)
    _merge_list(root, "dataValidations", P.dv_classic(spec.whole_sqref, spec.list_sqref))
    links = []
    for ref, target, display in spec.hyperlinks:
        if target.startswith("http"):
            rid = pkg.add_rel(part, P.RT_HYPERLINK, target, external=True)
            links.append(f'<hyperlink ref="{ref}" r:id="{rid}" display="{P.x(display)}"/>')
        else:
            links.append(
                f'<hyperlink ref="{ref}" location="{P.x(target)}" display="{P.x(display)}"/>'
            )
    _merge_list(root, "hyperlinks", links)
    for name, markup in P.PAGE_DEFAULTS:
        if P.child(root, name) is None:
            P.place(root, P.frag(markup), order)
    P.place(root, P.frag(f'<drawing r:id="{drawing_rid}"/>'), order)
    P.place(root, P.frag(f'<legacyDrawing r:id="{vml_rid}"/>'), order)
    macro = "[0]!SampleCall" if spec.control == "Button" else ""
    P.place(root, P.frag(P.controls_xml(shape_id, ctrl_rid, ctrl_name, *ctrl_anchor, macro)), order)
    ext_lst = P.child(root, "extLst")
    if ext_lst is None:
        ext_lst = P.place(root, P.frag("<extLst/>"), order)
    for markup in (
        P.ext_x14_cf(spec.bar_sqref, bar_id),
        P.ext_x14_dv(spec.x14_list, spec.x14_sqref),
    ):
        ext = P.frag(markup)
        same = next((e for e in ext_lst if e.get("uri") == ext.get("uri")), None)
        if same is None:
            ext_lst.append(ext)
            continue
        # The product already has x14 validations/formats: join its container.
        box = same[0]
        box.extend(list(ext[0]))
        if "count" in box.attrib:
            box.set("count", str(len(box)))


def _next_vml_block(pkg: P.Package) -> int:
    """First o:idmap block no existing VML drawing uses (shape ids must be book-unique)."""
    used = [0]
    for name, data in pkg.parts.items():
        if name.lower().endswith(".vml"):
            for match in re.finditer(rb'<o:idmap\b[^>]*\bdata="([\d,\s]+)"', data):
                used += [int(n) for n in re.split(rb"[,\s]+", match.group(1)) if n]
    return max(used) + 1


def _add_vba(pkg: P.Package, wb_part: str) -> bool:
    """Give the book a VBA project and the macro-enabled content type; True if injected."""
    pkg.set_content_type(wb_part, P.CT_WORKBOOK_MACRO)
    if pkg.find_rel(wb_part, P.RT_VBA) is not None:
        return False
    name = posixpath.join(posixpath.dirname(wb_part), "vbaProject.bin")
    data = pkg.parts.get(name)  # an orphan project part gets related, not replaced
    if data is None:
        with zipfile.ZipFile(VBA_SOURCE) as zf:
            data = zf.read("xl/vbaProject.bin")
    pkg.add_part(name, data, P.CT_VBA)
    pkg.add_rel(wb_part, P.RT_VBA, name)
    return True


def _add_package_parts(pkg: P.Package) -> None:
    """Ribbon (customUI14 + package relationship) and custom document properties."""
    if pkg.find_rel("", P.RT_RIBBON14) is None:
        name = "customUI/customUI14.xml"
        if name not in pkg.parts:
            pkg.add_part(name, P.custom_ui14_xml())  # Default xml -> application/xml
        pkg.add_rel("", P.RT_RIBBON14, name)
    rel = pkg.find_rel("", P.RT_CUSTOM_PROPS)
    if rel is None:
        name = "docProps/custom.xml"
        if name in pkg.parts:
            name = pkg.free_name("docProps/custom{}.xml")
        pkg.add_part(name, P.custom_props_xml(), P.CT_CUSTOM_PROPS)
        pkg.add_rel("", P.RT_CUSTOM_PROPS, name)
        return
    root = pkg.xml(P.resolve_target("", rel.get("Target", "")))
    names = {el.get("name") for el in root}
    pid = max([int(el.get("pid", "1")) for el in root] + [1])
    wrapper = P.parse(P.custom_props_xml())
    for prop in list(wrapper):
        if prop.get("name") not in names:
            pid += 1
            prop.set("pid", str(pid))
            root.append(prop)


def _add_workbook_items(pkg: P.Package, wb_part: str, written: Sequence[str], extra: str) -> None:
    """Workbook protection, print titles and area, a named range."""
    wb = pkg.xml(wb_part)
    order = P.WORKBOOK_ORDER
    names = [s.get("name", "") for s in wb.iterfind(f"{{{P.MAIN}}}sheets/{{{P.MAIN}}}sheet")]
    index = {_nfc(n): i for i, n in enumerate(names)}
    protection = P.child(wb, "workbookProtection")
    if protection is None:
        protection = P.place(wb, P.frag("<workbookProtection/>"), order)
    protection.set("workbookPassword", hash_password(PASSWORD))
    protection.set("lockStructure", "1")
    defined = P.child(wb, "definedNames")
    if defined is None:
        defined = P.place(wb, P.frag("<definedNames/>"), order)
    have = {(d.get("name", "").lower(), d.get("localSheetId")) for d in defined}
    q = P.quote_sheet(extra)
    wanted: list[tuple[str, int | None, str]] = [
        ("_xlnm.Print_Titles", index[_nfc(n)], f"{P.quote_sheet(n)}!$1:$1") for n in written
    ]
    wanted += [
        ("_xlnm.Print_Area", index[_nfc(extra)], f"{q}!$A$1:$F${P.EXTRA_LAST_ROW}"),
        ("_xlnm.Print_Titles", index[_nfc(extra)], f"{q}!$1:$2"),
        ("DanhMucTrangThai", None, f"{q}!$F$3:$F${2 + len(P.EXTRA_STATUSES)}"),
    ]
    for name, local, formula in wanted:
        key = (name.lower(), None if local is None else str(local))
        if key not in have:
            scope = "" if local is None else f' localSheetId="{local}"'
            defined.append(
                P.frag(f'<definedName name="{name}"{scope}>{P.x(formula)}</definedName>')
            )


def _set_code_names(pkg: P.Package, wb_part: str, sheet_list: Sequence[str]) -> None:
    """VBA binds document modules by code name; the injected project has ThisWorkbook, Sheet1
    and Sheet2 (Excel adds modules for further sheets on load).  Named sheets keep theirs."""
    wb = pkg.xml(wb_part)
    pr = P.child(wb, "workbookPr")
    if pr is None:
        pr = P.place(wb, P.frag("<workbookPr/>"), P.WORKBOOK_ORDER)
    if not pr.get("codeName"):
        pr.set("codeName", "ThisWorkbook")
    props = []
    for part in sheet_list:
        root = pkg.xml(part)
        sheet_pr = P.child(root, "sheetPr")
        props.append(
            sheet_pr
            if sheet_pr is not None
            else P.place(root, P.frag("<sheetPr/>"), P.WORKSHEET_ORDER)
        )
    used = {p.get("codeName") for p in props}
    free = (f"Sheet{k}" for k in range(1, 10_000) if f"Sheet{k}" not in used)
    for sheet_pr in props:
        if not sheet_pr.get("codeName"):
            sheet_pr.set("codeName", next(free))


def enrich(
    src: Path, dst: Path, *, written_sheets: Sequence[str], extra_sheet: str = "Ghi chú riêng"
) -> None:
    """Copy package `src` to `dst`, adding every feature a write must preserve.

    Each sheet in `written_sheets` gets a comment on A1 (the header), classic + x14 validations, classic +
    x14 conditional formats, column widths, frozen header row, a drawing (text rectangle,
    picture, form-control twin), a checkbox form control, a hyperlink, page setup and print
    titles.  A new sheet `extra_sheet` gets all of that plus data, a chart over it, merged
    cells, sheet protection, a print area and a named range.  The book gets a VBA project
    (xlwings' quickstart one if `src` has none), the customUI14 ribbon and its relationship,
    custom document properties and workbook protection (password `PASSWORD`).
    """
    pkg = P.Package(Path(src))
    wb_part = main_part(pkg.parts)
    sheets = sheet_parts(pkg.parts)
    if missing := [n for n in written_sheets if _nfc(n) not in sheets]:
        raise KeyError(f"sheets {missing} not in {src}; sheets: {list(sheets)}")
    if _nfc(extra_sheet) in sheets:
        raise ValueError(f"{src} already has a sheet {extra_sheet!r}")
    pkg.ensure_default("rels", "application/vnd.openxmlformats-package.relationships+xml")
    pkg.ensure_default("xml", P.CT_XML)
    pkg.ensure_default("png", P.CT_PNG)
    pkg.ensure_default("vml", P.CT_VML)
    vba_injected = _add_vba(pkg, wb_part)
    _add_package_parts(pkg)

    wb = pkg.xml(wb_part)
    extra_part = pkg.free_name("xl/worksheets/sheet{}.xml")
    pkg.add_part(extra_part, b"", P.CT_WORKSHEET)
    pkg.set_xml(extra_part, P.parse(P.extra_sheet_xml(f"{extra_sheet} – không ghi đè")))
    rid = pkg.add_rel(wb_part, P.RT_WORKSHEET, extra_part)
    sheets_el = P.child(wb, "sheets")
    assert sheets_el is not None
    sheet_ids = [int(s.get("sheetId", "0")) for s in sheets_el]
    new = etree.SubElement(sheets_el, f"{{{P.MAIN}}}sheet", nsmap={"r": P.REL_NS})
    new.set("name", extra_sheet)
    new.set("sheetId", str(max(sheet_ids, default=0) + 1))
    new.set(f"{{{P.REL_NS}}}id", rid)

    image = pkg.free_name("xl/media/image{}.png")
    pkg.add_part(image, P.png_bytes())
    block = _next_vml_block(pkg)
    other = written_sheets[0] if written_sheets else next(iter(sheets))
    status_list = f"{P.quote_sheet(extra_sheet)}!$F$3:$F${2 + len(P.EXTRA_STATUSES)}"
    for i, name in enumerate(written_sheets):
        part = sheets[_nfc(name)]
        _decorate(pkg, part, _written_spec(name, pkg.xml(part), status_list), block + i, image)
    spec = _extra_spec(extra_sheet, other)
    _decorate(pkg, extra_part, spec, block + len(written_sheets), image)
    _add_workbook_items(pkg, wb_part, written_sheets, extra_sheet)
    if vba_injected:
        _set_code_names(pkg, wb_part, [*sheets.values(), extra_part])
    pkg.save(Path(dst))
