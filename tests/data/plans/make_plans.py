"""Generate synthetic provincial plan documents (.docx) for importer tests.

Run from the repository root::

    .venv/bin/python tests/data/plans/make_plans.py

The script is deterministic: it always writes byte-identical files (fixed
core properties, fixed zip timestamps).  For every ``<stem>.docx`` it writes
``<stem>.expected.json`` beside it: one object per appendix row in document
order (header rows and continuation rows are not listed), e.g.::

    {"key": "II.1.2", "tt": "1.2", "level": "task", "parent": "II.1",
     "content": "...", "lead": "...", "coordinating": "...",
     "timeframe": "...", "notes": "..."}

Key scheme (the importer's contract):

* section row (Roman TT): level "section", key = Roman numeral upper-cased,
  parent "";
* row with an Arabic TT, no lead and no timeframe, inside a section, with task
  children: level "group", key = section key + "." + number;
* task row: key = parent key + "." + LAST component of the TT
  ("1.2" under group "II.1" -> "II.1.2"; "3" under section "I" -> "I.3");
* task without TT: parent key + ".x" + ordinal among the TT-less tasks of
  that parent ("I.x1").

Text fields are NFC, whitespace-collapsed (NBSP -> space) and trimmed; a line
break (``w:br``) or a paragraph break inside a cell becomes one space; a
continuation row's cell texts are appended to the previous task's cells with
one space.  Section/group titles keep their printed case; lead agencies keep
their printed case too (no case folding).  "notes" is the Ghi chú text, ""
when empty or when the table has no such column.

Documents
=========

KeHoach_LaiChau_6cot.docx -- 3 sections, 2 groups, 14 tasks
    * Body: letterhead table (2 columns, Quốc hiệu), preamble paragraphs, a
      NON-appendix 3-column table "STT | Chỉ tiêu | Giá trị" with numbered rows
      (1, 2, 3 -- looks like tasks, must be ignored), the signature table
      ("Nơi nhận" | "TM. ỦY BAN NHÂN DÂN"), then a landscape section break,
      "PHỤ LỤC" and the appendix.  Four tables in total; only the last one is
      the appendix.
    * Appendix: 6 columns "STT | Nhiệm vụ chi tiết | Đơn vị chủ trì |
      Đơn vị phối hợp | Thời hạn | Ghi chú".
    * Header row marked repeat (w:tblHeader) AND physically repeated as a
      normal row in mid-table (PDF->Word conversion artefact); the repeated
      row starts with w:lastRenderedPageBreak.
    * Section rows: Roman TT (one with NBSP/space around it: "\\u00a0I ")
      + title cell spanning the other 5 columns (w:gridSpan=5); titles contain
      double/trailing spaces.
    * Numbering restarts at 1 in every section.  Section II has groups
      "1" and "2\\u00a0" (NBSP after the number, title with a leading space)
      with tasks "1.1", "1.2", "2.1", "2.2".
    * Task I.4 is split over a page: after it comes the repeated header row,
      then a continuation row (empty STT, content starting with a lowercase
      word, empty lead, empty timeframe, and the rest of the coordinating
      text "UBND các xã, phường") -> appended to I.4.
    * A task with NO STT but with lead + timeframe (a real task) at the end of
      section I -> key "I.x1".
    * Lead cell vertically merged (w:vMerge restart/continue) over tasks
      III.1 and III.2 -> both have lead "Sở Công Thương".
    * Stray whitespace: NBSP, leading/trailing spaces, double spaces, text
      split over several runs (including mid-word and a bold run), a w:br in
      a content cell (II.2.2), and a coordinating cell with two paragraphs
      (II.1.2).
    * One content cell stored in Unicode NFD (decomposed diacritics, III.3);
      expected text is NFC.
    * Lead names varying in case: "Văn Phòng UBND tỉnh" (I.3) vs
      "Văn phòng UBND tỉnh" (I.x1, II.2.1) -- kept as printed.
    * Ghi chú filled on some tasks (I.3, II.1.2, III.2, III.3).
    * Timeframes: "Quý II/2026", "Thường xuyên", "trước ngày 15/5/2026",
      "6 tháng đầu năm 2026", "Hằng năm", "Năm 2026", "2026 - 2028",
      "Qúy IV/2026" (typo kept), "Theo hướng dẫn của Trung ương",
      "Quý III/2026", "Khi có yêu cầu", "Tháng 12/2026", "Quý I/2027".

KeHoach_headers_variant.docx -- 2 sections, 0 groups, 5 tasks
    * 5 columns with different header wording: "Số TT | Nội dung |
      Cơ quan chủ trì thực hiện | Cơ quan, đơn vị phối hợp |
      Tiến độ thực hiện".
    * TWO header rows (both w:tblHeader): top row has "Phân công" spanning the
      two agency columns (gridSpan=2); "Số TT", "Nội dung", "Tiến độ thực
      hiện" are vertically merged over both rows (vMerge restart/continue).
    * The appendix is inside the body (no "PHỤ LỤC" heading) and the
      signature table comes AFTER it; a letterhead table comes before it.
    * Tasks directly under sections (keys "I.1".."I.3", "II.1", "II.2"); no
      Ghi chú column (notes always ""); one task with an empty coordinating
      cell.
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Pt, Twips

OUT_DIR = Path(__file__).resolve().parent
FIXED_DATE = _dt.datetime(2026, 1, 5, 8, 0, 0)
ZIP_DATE = (2026, 1, 5, 8, 0, 0)

NBSP = "\u00a0"


# ---------------------------------------------------------------------------
# Cell content model
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Bold:
    text: str


class _Marker:
    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return self.name


BR = _Marker("BR")  # w:br inside the current paragraph
PARA = _Marker("PARA")  # start a new paragraph inside the cell

Piece = str | Bold | _Marker


@dataclass
class Cell:
    content: str | list = ""
    span: int = 1
    vmerge: str | None = None  # "restart" | "continue" | None
    bold: bool = False
    center: bool = False
    page_break_mark: bool = False  # w:lastRenderedPageBreak before first run

    def pieces(self) -> list:
        if isinstance(self.content, str):
            return [self.content] if self.content else []
        return list(self.content)


@dataclass
class Row:
    kind: str  # "header" | "header_repeat" | "item" | "cont"
    cells: list
    key: str = ""
    level: str = ""
    parent: str = ""
    cant_split: bool = False


@dataclass
class PlanTable:
    grid: list  # column widths in twips
    rows: list
    fields: dict  # expected field name -> grid column index
    extra: dict = field(default_factory=dict)


# ---------------------------------------------------------------------------
# Normalisation used for the expected JSON
# ---------------------------------------------------------------------------

_WS = re.compile(r"\s+")


def norm(text: str) -> str:
    text = unicodedata.normalize("NFC", text).replace(NBSP, " ")
    return _WS.sub(" ", text).strip()


def raw_text(cell: Cell) -> str:
    out = []
    for p in cell.pieces():
        if isinstance(p, Bold):
            out.append(p.text)
        elif p is BR or p is PARA:
            out.append("\n")
        else:
            out.append(p)
    return "".join(out)


# ---------------------------------------------------------------------------
# XML helpers (lxml via python-docx's OxmlElement)
# ---------------------------------------------------------------------------


def _el(tag: str, **attrs: str):
    e = OxmlElement(tag)
    for k, v in attrs.items():
        e.set(qn(k), v)
    return e


def _run(text: str, bold: bool = False, page_mark: bool = False):
    r = _el("w:r")
    if bold:
        rpr = _el("w:rPr")
        rpr.append(_el("w:b"))
        r.append(rpr)
    if page_mark:
        r.append(_el("w:lastRenderedPageBreak"))
    t = _el("w:t")
    t.text = text
    t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    r.append(t)
    return r


def _paragraph(center: bool):
    p = _el("w:p")
    ppr = _el("w:pPr")
    ppr.append(_el("w:spacing", **{"w:before": "40", "w:after": "40"}))
    if center:
        ppr.append(_el("w:jc", **{"w:val": "center"}))
    p.append(ppr)
    return p


def _tc(cell: Cell, grid: list, col: int):
    tc = _el("w:tc")
    tcpr = _el("w:tcPr")
    width = sum(grid[col : col + cell.span])
    tcpr.append(_el("w:tcW", **{"w:w": str(width), "w:type": "dxa"}))
    if cell.span > 1:
        tcpr.append(_el("w:gridSpan", **{"w:val": str(cell.span)}))
    if cell.vmerge == "restart":
        tcpr.append(_el("w:vMerge", **{"w:val": "restart"}))
    elif cell.vmerge == "continue":
        tcpr.append(_el("w:vMerge"))
    tcpr.append(_el("w:vAlign", **{"w:val": "center"}))
    tc.append(tcpr)

    p = _paragraph(cell.center)
    tc.append(p)
    first = True
    for piece in cell.pieces():
        if piece is PARA:
            p = _paragraph(cell.center)
            tc.append(p)
            continue
        if piece is BR:
            r = _el("w:r")
            r.append(_el("w:br"))
            p.append(r)
            continue
        bold = cell.bold or isinstance(piece, Bold)
        text = piece.text if isinstance(piece, Bold) else piece
        p.append(_run(text, bold=bold, page_mark=cell.page_break_mark and first))
        first = False
    return tc


def _tr(row: Row, grid: list, header: bool):
    tr = _el("w:tr")
    if header or row.cant_split:
        trpr = _el("w:trPr")
        if row.cant_split:
            trpr.append(_el("w:cantSplit"))
        if header:
            trpr.append(_el("w:tblHeader"))
        tr.append(trpr)
    col = 0
    for cell in row.cells:
        tr.append(_tc(cell, grid, col))
        col += cell.span
    if col != len(grid):
        raise ValueError(f"row spans {col} columns, grid has {len(grid)}: {row}")
    return tr


def add_table(doc, grid: list, rows: list, header_rows: int = 0, borders=True):
    """Append a table built from Row specs to the document body."""
    table = doc.add_table(rows=0, cols=len(grid))
    if borders:
        table.style = doc.styles["Table Grid"]
    tbl = table._tbl
    tblpr = tbl.tblPr
    for old in tblpr.findall(qn("w:tblW")):
        tblpr.remove(old)
    tblw = _el("w:tblW", **{"w:w": str(sum(grid)), "w:type": "dxa"})
    look = tblpr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(tblw)
    else:
        tblpr.append(tblw)
    tblpr.append(_el("w:tblLayout", **{"w:type": "fixed"}))
    # python-docx already ordered tblPr children; tblLayout must precede
    # tblCellMar/tblLook -- move it before tblLook if present.
    layout = tblpr.find(qn("w:tblLayout"))
    if look is not None:
        look.addprevious(layout)
    grid_el = tbl.tblGrid
    for gc in list(grid_el):
        grid_el.remove(gc)
    for w in grid:
        grid_el.append(_el("w:gridCol", **{"w:w": str(w)}))
    for i, row in enumerate(rows):
        tbl.append(_tr(row, grid, header=i < header_rows))
    return table


# ---------------------------------------------------------------------------
# Document-level helpers
# ---------------------------------------------------------------------------


def new_document():
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(13)
    rpr = normal.element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = _el("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), "Times New Roman")
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Twips(11906), Twips(16838)  # A4
    sec.top_margin = sec.bottom_margin = Twips(1134)
    sec.left_margin, sec.right_margin = Twips(1701), Twips(1134)
    cp = doc.core_properties
    cp.author = "TheoDoiNhiemVu test data"
    cp.last_modified_by = "TheoDoiNhiemVu test data"
    cp.comments = "Synthetic plan generated by tests/data/plans/make_plans.py"
    cp.created = FIXED_DATE
    cp.modified = FIXED_DATE
    cp.revision = 1
    return doc


def para(doc, text="", bold=False, italic=False, center=False, runs=None):
    p = doc.add_paragraph()
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for t in runs if runs is not None else [text]:
        r = p.add_run(t)
        if bold:
            r.bold = True
        if italic:
            r.italic = True
    return p


def landscape_section(doc):
    sec = doc.add_section(WD_SECTION.NEW_PAGE)
    sec.orientation = WD_ORIENT.LANDSCAPE
    sec.page_width, sec.page_height = Twips(16838), Twips(11906)
    sec.top_margin = sec.bottom_margin = Twips(1134)
    sec.left_margin, sec.right_margin = Twips(1134), Twips(1134)
    return sec


def plain_rows(data: list, bold_first=False) -> list:
    rows = []
    for i, cells in enumerate(data):
        rows.append(Row("other", [Cell(c, bold=bold_first and i == 0) for c in cells]))
    return rows


def letterhead(doc, left_top: str, left_sub: str, number: str, place_date: str):
    rows = [
        Row(
            "other",
            [
                Cell([Bold(left_top), PARA, Bold(left_sub), PARA, "Số: " + number], center=True),
                Cell(
                    [
                        Bold("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
                        PARA,
                        Bold("Độc lập - Tự do - Hạnh phúc"),
                        PARA,
                        place_date,
                    ],
                    center=True,
                ),
            ],
        )
    ]
    add_table(doc, [3600, 5471], rows, borders=False)


def signature_table(doc, recipients: list, sign_lines: list):
    left = [Bold("Nơi nhận:")]
    for r in recipients:
        left += [PARA, r]
    right = []
    for i, line in enumerate(sign_lines):
        if i:
            right.append(PARA)
        right.append(Bold(line) if line and not line.startswith("(") else line)
    add_table(
        doc, [4200, 4871], [Row("other", [Cell(left), Cell(right, center=True)])], borders=False
    )


# ---------------------------------------------------------------------------
# Expected JSON
# ---------------------------------------------------------------------------

FIELD_ORDER = ["content", "lead", "coordinating", "timeframe", "notes"]


def expected_rows(pt: PlanTable) -> list:
    ncols = len(pt.grid)
    vmerge_text: dict = {}
    out: list = []
    last_task: dict | None = None
    for row in pt.rows:
        # expand to grid columns; spanned columns hold the text only once
        by_col: dict = {}
        col = 0
        for cell in row.cells:
            if cell.vmerge == "restart":
                vmerge_text[col] = raw_text(cell)
            text = vmerge_text.get(col, "") if cell.vmerge == "continue" else raw_text(cell)
            by_col[col] = norm(text)
            for extra in range(col + 1, col + cell.span):
                by_col[extra] = ""
            col += cell.span
        assert col == ncols
        if row.kind in ("header", "header_repeat", "other"):
            continue

        def val(name: str, by_col: list[str] = by_col) -> str:
            idx = pt.fields.get(name)
            return "" if idx is None else by_col[idx]

        if row.kind == "cont":
            assert last_task is not None, "continuation row without a task"
            assert val("tt") == "" and val("lead") == "" and val("timeframe") == ""
            assert val("content")[:1].islower(), "continuation must start lowercase"
            for name in FIELD_ORDER:
                add = val(name)
                if add:
                    last_task[name] = (last_task[name] + " " + add).strip()
            continue
        obj = {
            "key": row.key,
            "tt": val("tt"),
            "level": row.level,
            "parent": row.parent,
        }
        for name in FIELD_ORDER:
            obj[name] = val(name)
        if row.level in ("section", "group"):
            for name in ("lead", "coordinating", "timeframe", "notes"):
                assert obj[name] == "", (row.key, name)
        out.append(obj)
        last_task = obj if row.level == "task" else None
    _check_keys(out)
    return out


_ROMAN = re.compile(r"^[IVXLC]+$", re.I)


def _check_keys(items: list) -> None:
    """Re-derive every key from the contract and compare with the spec."""
    section = group = ""
    untitled: dict = {}
    for it in items:
        tt = it["tt"]
        if it["level"] == "section":
            assert _ROMAN.match(tt), tt
            section, group = tt.upper(), ""
            want, parent = section, ""
        elif it["level"] == "group":
            group = section + "." + tt
            want, parent = group, section
        else:
            parent = group or section
            if group and tt and "." not in tt:
                # an undotted number after a group would close the group
                raise AssertionError(f"ambiguous task {tt} inside group {group}")
            if tt:
                want = parent + "." + tt.split(".")[-1]
            else:
                untitled[parent] = untitled.get(parent, 0) + 1
                want = f"{parent}.x{untitled[parent]}"
        assert (it["key"], it["parent"]) == (want, parent), (it, want, parent)
    keys = [it["key"] for it in items]
    assert len(keys) == len(set(keys)), "duplicate keys"


# ---------------------------------------------------------------------------
# Document 1: KeHoach_LaiChau_6cot
# ---------------------------------------------------------------------------


def _task(key, parent, tt, content, lead, coord, time, notes="", **kw):
    def mk(x, **ckw):
        return x if isinstance(x, Cell) else Cell(x, **ckw)

    return Row(
        "item",
        [mk(tt, center=True), mk(content), mk(lead), mk(coord), mk(time, center=True), mk(notes)],
        key=key,
        level="task",
        parent=parent,
        **kw,
    )


def laichau_table() -> PlanTable:
    header = [
        "STT",
        "Nhiệm vụ chi tiết",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
        "Ghi chú",
    ]
    grid = [737, 5103, 2268, 2835, 1701, 1926]  # 14570 twips, landscape A4

    def hdr(kind, mark=False):
        cells = [Cell(h, bold=True, center=True) for h in header]
        cells[0].page_break_mark = mark
        return Row(kind, cells, cant_split=True)

    def section(tt, title, key):
        return Row(
            "item",
            [Cell(tt, bold=True, center=True), Cell(title, span=5, bold=True)],
            key=key,
            level="section",
            parent="",
        )

    def group(tt, title, key, parent):
        return Row(
            "item",
            [
                Cell(tt, bold=True, center=True),
                Cell(title, bold=True),
                Cell(),
                Cell(),
                Cell(),
                Cell(),
            ],
            key=key,
            level="group",
            parent=parent,
        )

    nfd = unicodedata.normalize(
        "NFD",
        "Triển khai thanh toán không dùng tiền mặt trong thu học phí, viện phí và "
        "các dịch vụ công thiết yếu",
    )
    rows = [
        hdr("header"),
        section(NBSP + "I ", "NÂNG CAO NHẬN THỨC,  HOÀN THIỆN THỂ CHẾ VÀ CHÍNH SÁCH ", "I"),
        _task(
            "I.1",
            "I",
            "1",
            "Xây dựng, ban hành Kế hoạch chuyển đổi số năm 2026 của các sở, ban, "
            "ngành, UBND các xã, phường",
            "Sở Khoa học và Công nghệ",
            "Các sở, ban, ngành; UBND các xã, phường",
            "Quý II/2026",
        ),
        _task(
            "I.2",
            "I",
            "2",
            [
                "Đẩy mạnh ",
                Bold("tuyên truyền"),
                ", phổ biến về chuyển đổi số trên ",
                "các phương tiện thông tin đại chúng,  ",
                "Cổng Thông tin điện tử tỉnh và mạng xã hội ",
            ],
            " Sở Văn hóa, Thể thao và Du lịch",
            "Báo và Phát thanh, Truyền hình Lai Châu;  các sở, ngành liên quan",
            "Thường xuyên",
        ),
        _task(
            "I.3",
            "I",
            "3",
            "Rà soát, cập nhật danh mục dịch vụ công trực tuyến toàn trình, một phần "
            "trên Cổng Dịch vụ công quốc gia",
            "Văn Phòng UBND tỉnh",
            "Các sở, ban, ngành; UBND các xã, phường",
            "trước ngày 15/5/2026",
            "Báo cáo kết quả về Sở Khoa học" + NBSP + "và Công nghệ",
        ),
        # task split over a page: first half ...
        _task(
            "I.4",
            "I",
            "4",
            "Tổ chức đánh giá, xếp hạng mức độ chuyển đổi số của các sở, ban, ngành,",
            "Sở Khoa học và Công nghệ",
            "Các sở, ban, ngành;",
            "6 tháng đầu năm 2026",
        ),
        # ... page break: header physically repeated, then the continuation row
        hdr("header_repeat", mark=True),
        Row(
            "cont",
            [
                Cell("", center=True),
                Cell("địa phương năm 2025 theo Bộ chỉ số DTI và công bố kết quả"),
                Cell(""),
                Cell("UBND các xã, phường"),
                Cell(""),
                Cell(""),
            ],
        ),
        _task(
            "I.5",
            "I",
            "5",
            ["Kiện toàn Tổ công nghệ số cộng đ", "ồng tại các thôn, bản, ", "tổ dân phố"],
            "UBND các xã, phường",
            "Sở Khoa học và Công nghệ",
            "Hằng năm",
        ),
        # a real task without STT (has lead + timeframe)
        _task(
            "I.x1",
            "I",
            "",
            "100% văn bản điện tử trao đổi giữa các cơ quan hành chính nhà nước "
            "được ký số theo quy định",
            "Văn phòng UBND tỉnh",
            "Các sở, ban, ngành; UBND các xã, phường",
            "Thường xuyên",
        ),
        section("II", "PHÁT TRIỂN HẠ TẦNG SỐ, DỮ LIỆU SỐ", "II"),
        group("1", "Hạ tầng số", "II.1", "II"),
        _task(
            "II.1.1",
            "II.1",
            "1.1",
            "Nâng cấp Trung tâm dữ liệu tỉnh, bảo đảm sẵn sàng kết nối với Trung "
            "tâm dữ liệu quốc gia",
            "Sở Khoa học và Công nghệ",
            "Công an tỉnh; VNPT Lai Châu; Viettel Lai Châu",
            "Năm 2026",
        ),
        _task(
            "II.1.2",
            "II.1",
            "1.2",
            "Phủ sóng di động 4G/5G đến 100% thôn, bản chưa có sóng",
            "Sở Khoa học và Công nghệ",
            ["Các doanh nghiệp viễn thông;", PARA, "UBND các xã, phường"],
            "2026 - 2028",
            "Lồng ghép Chương trình mục tiêu quốc gia",
        ),
        group("2" + NBSP, " Dữ liệu số", "II.2", "II"),
        _task(
            "II.2.1",
            "II.2",
            "2.1",
            "Số hóa hồ sơ, kết quả giải quyết thủ tục hành chính còn hiệu lực",
            "Văn phòng UBND tỉnh",
            "Các sở, ban, ngành",
            "Qúy IV/2026",
        ),
        _task(
            "II.2.2",
            "II.2",
            "2.2",
            [
                "Xây dựng, cập nhật cơ sở dữ liệu chuyên ngành:",
                BR,
                "đất đai, dân cư, y tế, giáo dục",
            ],
            "Sở Nông nghiệp và Môi trường",
            "Sở Y tế; Sở Giáo dục và Đào tạo; Công an tỉnh",
            "Theo hướng dẫn của Trung ương",
        ),
        section("III", "PHÁT TRIỂN KINH TẾ SỐ VÀ XÃ HỘI SỐ", "III"),
        _task(
            "III.1",
            "III",
            "1",
            "Hỗ trợ doanh nghiệp nhỏ và vừa, hợp tác xã chuyển đổi số; đưa sản phẩm "
            "OCOP lên sàn thương mại điện tử",
            Cell("Sở Công Thương", vmerge="restart"),
            "Sở Nông nghiệp và Môi trường; UBND các xã, phường",
            "Quý III/2026",
        ),
        _task(
            "III.2",
            "III",
            "2",
            "Tổ chức hội nghị xúc tiến, kết nối cung cầu sản phẩm trên môi trường số",
            Cell("", vmerge="continue"),
            "Các hiệp hội doanh nghiệp",
            "Khi có yêu cầu",
            "Phối hợp với các tỉnh vùng Tây Bắc",
        ),
        _task(
            "III.3",
            "III",
            "3",
            nfd,
            "Sở Tài chính",
            "Sở Y tế; Sở Giáo dục và Đào tạo; các tổ chức tín dụng",
            "Tháng 12/2026",
            " Chỉ tiêu ≥ 80% giao dịch ",
        ),
        _task(
            "III.4",
            "III",
            "4",
            "Phổ cập kỹ năng số cho người dân thông qua phong trào “Bình dân học vụ số”",
            "Tỉnh Đoàn",
            "Sở Giáo dục và Đào tạo;" + NBSP + "Sở Khoa học và Công nghệ",
            "Quý I/2027",
        ),
    ]
    fields = {"tt": 0, "content": 1, "lead": 2, "coordinating": 3, "timeframe": 4, "notes": 5}
    return PlanTable(grid=grid, rows=rows, fields=fields)


def build_laichau(path: Path) -> list:
    doc = new_document()
    letterhead(
        doc,
        "ỦY BAN NHÂN DÂN",
        "TỈNH LAI CHÂU",
        "      /KH-UBND",
        "Lai Châu, ngày      tháng 01 năm 2026",
    )
    para(doc)
    para(doc, "KẾ HOẠCH", bold=True, center=True)
    para(
        doc,
        "Chuyển đổi số, phát triển chính quyền số tỉnh Lai Châu năm 2026",
        bold=True,
        center=True,
    )
    para(doc, "-----", center=True)
    para(doc, "I. CĂN CỨ XÂY DỰNG KẾ HOẠCH", bold=True)
    para(
        doc,
        "- Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị về đột phá phát "
        "triển khoa học, công nghệ, đổi mới sáng tạo và chuyển đổi số quốc gia;",
    )
    para(
        doc,
        "- Quyết định số 749/QĐ-TTg ngày 03/6/2020 của Thủ tướng Chính phủ phê duyệt "
        "Chương trình Chuyển đổi số quốc gia đến năm 2025, định hướng đến năm 2030;",
    )
    para(
        doc,
        "Ủy ban nhân dân tỉnh ban hành Kế hoạch chuyển đổi số, phát triển chính quyền "
        "số tỉnh Lai Châu năm 2026 như sau:",
    )
    para(doc, "II. MỤC TIÊU", bold=True)
    para(doc, "1. Mục tiêu chung", bold=True)
    para(
        doc,
        "Đẩy mạnh chuyển đổi số toàn diện trong hoạt động của các cơ quan nhà nước, "
        "phục vụ người dân, doanh nghiệp; phát triển kinh tế số, xã hội số.",
    )
    para(doc, "2. Một số chỉ tiêu chủ yếu", bold=True)
    add_table(
        doc,
        [737, 6000, 2334],
        plain_rows(
            [
                ["STT", "Chỉ tiêu", "Giá trị"],
                ["1", "Tỷ lệ hồ sơ thủ tục hành chính được xử lý trực tuyến toàn trình", "≥ 80%"],
                ["2", "Tỷ lệ văn bản điện tử được ký số", "100%"],
                ["3", "Tỷ lệ dân số trưởng thành có danh tính số", "95%"],
            ],
            bold_first=True,
        ),
    )
    para(doc, "III. NHIỆM VỤ, GIẢI PHÁP", bold=True)
    para(
        doc,
        "Các nhiệm vụ cụ thể được phân công tại Phụ lục kèm theo Kế hoạch này.",
    )
    para(doc, "IV. TỔ CHỨC THỰC HIỆN", bold=True)
    para(
        doc,
        "Các sở, ban, ngành, UBND các xã, phường căn cứ Kế hoạch này xây dựng kế "
        "hoạch chi tiết, báo cáo kết quả thực hiện về Sở Khoa học và Công nghệ trước "
        "ngày 15/12/2026 để tổng hợp.",
    )
    signature_table(
        doc,
        [
            "- Bộ Khoa học và Công nghệ (b/c);",
            "- TT Tỉnh ủy, TT HĐND tỉnh (b/c);",
            "- Chủ tịch, các PCT UBND tỉnh;",
            "- Các sở, ban, ngành tỉnh;",
            "- UBND các xã, phường;",
            "- Lưu: VT, KTN.",
        ],
        ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "", "(Đã ký)"],
    )
    landscape_section(doc)
    para(doc, "PHỤ LỤC", bold=True, center=True)
    para(
        doc,
        "DANH MỤC NHIỆM VỤ CHUYỂN ĐỔI SỐ TỈNH LAI CHÂU NĂM 2026",
        bold=True,
        center=True,
    )
    para(
        doc,
        "(Kèm theo Kế hoạch số      /KH-UBND ngày      /01/2026 của UBND tỉnh Lai Châu)",
        italic=True,
        center=True,
    )
    pt = laichau_table()
    add_table(doc, pt.grid, pt.rows, header_rows=1)
    para(doc)
    save(doc, path)
    return expected_rows(pt)


# ---------------------------------------------------------------------------
# Document 2: KeHoach_headers_variant
# ---------------------------------------------------------------------------


def variant_table() -> PlanTable:
    grid = [680, 3400, 1800, 1900, 1291]  # 9071 twips, portrait A4

    def v_task(key, parent, tt, content, lead, coord, time):
        return Row(
            "item",
            [
                Cell(tt, center=True),
                Cell(content),
                Cell(lead),
                Cell(coord),
                Cell(time, center=True),
            ],
            key=key,
            level="task",
            parent=parent,
        )

    def section(tt, title):
        return Row(
            "item",
            [Cell(tt, bold=True, center=True), Cell(title, span=4, bold=True)],
            key=tt,
            level="section",
            parent="",
        )

    rows = [
        Row(
            "header",
            [
                Cell("Số TT", bold=True, center=True, vmerge="restart"),
                Cell("Nội dung", bold=True, center=True, vmerge="restart"),
                Cell("Phân công", bold=True, center=True, span=2),
                Cell("Tiến độ thực hiện", bold=True, center=True, vmerge="restart"),
            ],
            cant_split=True,
        ),
        Row(
            "header",
            [
                Cell("", vmerge="continue"),
                Cell("", vmerge="continue"),
                Cell("Cơ quan chủ trì thực hiện", bold=True, center=True),
                Cell("Cơ quan, đơn vị phối hợp", bold=True, center=True),
                Cell("", vmerge="continue"),
            ],
            cant_split=True,
        ),
        section("I", "CẢI CÁCH THỂ CHẾ"),
        v_task(
            "I.1",
            "I",
            "1",
            "Rà soát, hệ thống hóa văn bản quy phạm pháp luật do HĐND, UBND tỉnh ban hành",
            "Sở Tư pháp",
            "Các sở, ban, ngành",
            "Quý I/2026",
        ),
        v_task(
            "I.2",
            "I",
            "2",
            "Xây dựng quy định chức năng, nhiệm vụ của các cơ quan chuyên môn sau sắp xếp",
            "Sở Nội vụ",
            "",
            "Tháng 6/2026",
        ),
        v_task(
            "I.3",
            "I",
            "3",
            "Kiểm tra công tác cải cách hành chính tại các cơ quan, đơn vị",
            "Văn phòng UBND tỉnh",
            "Sở Tư pháp; Sở Nội vụ",
            "Thường xuyên",
        ),
        section("II", "CẢI CÁCH THỦ TỤC HÀNH CHÍNH"),
        v_task(
            "II.1",
            "II",
            "1",
            "Công bố, công khai thủ tục hành chính trên Cổng Dịch vụ công và tại Bộ "
            "phận Một cửa các cấp",
            "Trung tâm Phục vụ hành chính công tỉnh",
            "Các sở, ban, ngành; UBND các xã, phường",
            "Hằng quý",
        ),
        v_task(
            "II.2",
            "II",
            "2",
            "Triển khai dịch vụ bưu chính công ích trong tiếp nhận hồ sơ, trả kết quả "
            "giải quyết thủ tục hành chính",
            "Sở Khoa học và Công nghệ",
            "Bưu điện tỉnh",
            "Năm 2026",
        ),
    ]
    fields = {"tt": 0, "content": 1, "lead": 2, "coordinating": 3, "timeframe": 4}
    return PlanTable(grid=grid, rows=rows, fields=fields)


def build_variant(path: Path) -> list:
    doc = new_document()
    letterhead(
        doc,
        "ỦY BAN NHÂN DÂN",
        "TỈNH SƠN LA",
        "      /KH-UBND",
        "Sơn La, ngày      tháng 02 năm 2026",
    )
    para(doc)
    para(doc, "KẾ HOẠCH", bold=True, center=True)
    para(doc, "Cải cách hành chính tỉnh Sơn La năm 2026", bold=True, center=True)
    para(doc, "I. MỤC ĐÍCH, YÊU CẦU", bold=True)
    para(
        doc,
        "Tiếp tục đẩy mạnh cải cách hành chính, nâng cao chất lượng phục vụ người "
        "dân, doanh nghiệp; xác định rõ nhiệm vụ, trách nhiệm của từng cơ quan, đơn vị.",
    )
    para(doc, "II. NHIỆM VỤ VÀ PHÂN CÔNG THỰC HIỆN", bold=True)
    para(doc, "(Chi tiết tại bảng phân công dưới đây)", italic=True)
    pt = variant_table()
    add_table(doc, pt.grid, pt.rows, header_rows=2)
    para(doc, "III. TỔ CHỨC THỰC HIỆN", bold=True)
    para(
        doc,
        "Thủ trưởng các cơ quan, đơn vị chịu trách nhiệm trước Chủ tịch UBND tỉnh về "
        "kết quả thực hiện nhiệm vụ được giao; báo cáo định kỳ hằng quý về Sở Nội vụ.",
    )
    signature_table(
        doc,
        ["- Bộ Nội vụ (b/c);", "- TT Tỉnh ủy (b/c);", "- Các sở, ban, ngành;", "- Lưu: VT."],
        ["TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH", "", "(Đã ký)"],
    )
    save(doc, path)
    return expected_rows(pt)


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def save(doc, path: Path) -> None:
    """Save with fixed zip timestamps so the output is byte-for-byte stable."""
    buf = io.BytesIO()
    doc.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, date_time=ZIP_DATE)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o644 << 16
            dst.writestr(zi, src.read(info.filename))
    path.write_bytes(out.getvalue())


def write_json(path: Path, items: list) -> None:
    path.write_text(json.dumps(items, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


DOCUMENTS = {
    "KeHoach_LaiChau_6cot": build_laichau,
    "KeHoach_headers_variant": build_variant,
}


def main() -> None:
    for stem, builder in DOCUMENTS.items():
        docx_path = OUT_DIR / f"{stem}.docx"
        items = builder(docx_path)
        write_json(OUT_DIR / f"{stem}.expected.json", items)
        counts = {
            lvl: sum(1 for i in items if i["level"] == lvl) for lvl in ("section", "group", "task")
        }
        print(f"{docx_path.name}: {counts}")


if __name__ == "__main__":
    main()
