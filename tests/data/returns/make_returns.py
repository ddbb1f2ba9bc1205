"""Generate the corpus of bad and tricky returned forms (phiếu báo cáo) for the merge tests.

Run from the repository root::

    .venv/bin/python tests/data/returns/make_returns.py

A return only verifies against the tracker and the secret its form was issued from, so every
file here is derived from a real form issued by :func:`build_workspace`: a fresh workspace
with a FIXED secret, the bundled sample plan imported at a fixed time, period 2026-11, forms
issued at a fixed time. ``tests/test_returns_corpus.py`` calls the same function to rebuild
that tracker at test time, which is why the committed returns still verify there.

Value edits are made with openpyxl (what an agency's spreadsheet program does), structural
cases with raw edits of the zip package. Each file is then re-zipped with fixed entry times
and its "last saved" time (``dcterms:modified``) set, so the script writes the same bytes on
every run (the password-protected file too: its random salts come from a seeded generator).

Beside the files it writes ``expected.json``: for each file, the outcome of merging that file
alone into the tracker (``accepted``, ``refused``, ``duplicate`` or ``stale``), ``after``
(a file merged first, for duplicates and stale returns), ``message`` (a substring of the
refusal reasons that names what is wrong and where), ``warnings`` (substrings, one per
warning expected on an accepted return), ``changes`` ([key, field, new value] of every cell
that changes, in order) and ``report_date`` (the "Ngày lập phiếu" as read, ISO). The expected
values are written here by hand from the case's meaning, not read back from the merge.
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import shutil
import sys
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
for _path in (ROOT, ROOT / "tests"):  # run as a script from anywhere; tests/ has cfbfile
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import openpyxl  # noqa: E402
from openpyxl.workbook.workbook import Workbook  # noqa: E402

from xladdin.commands.config import set_config  # noqa: E402
from xladdin.commands.forms import issue_forms  # noqa: E402
from xladdin.commands.plan import import_plan  # noqa: E402
from xladdin.core.form_content import form_file_name  # noqa: E402
from xladdin.core.layout import (  # noqa: E402
    FORM_COLUMNS,
    FORM_FIRST_ROW,
    FORM_META_KEYS,
    FORM_META_SHEET,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
)
from xladdin.core.legacy_vn import to_tcvn3, to_vni  # noqa: E402
from xladdin.io.workspace import Workspace, init_workspace  # noqa: E402

SAMPLE_PLAN = ROOT / "examples" / "KeHoach_DienBien_2026.docx"
# The corpus is signed with this secret; a real workspace gets a random one from `theodoi init`.
SECRET = "7a3f5c0e9b1d4a6f8e2c7b5a3d1f0e9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e"
OTHER_SECRET = "0123456789abcdef" * 4  # another office's workspace
IMPORTED_AT = datetime(2026, 11, 21, 9, 0)
ISSUED_AT = datetime(2026, 11, 21, 9, 0)
PERIOD = "2026-11"
OTHER_PERIOD = "2026-10"
SAVED = datetime(2026, 11, 24, 15, 0)  # "last saved" of an ordinary return (UTC, as Excel)
EXPECTED = HERE / "expected.json"
COL = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}
HEADER = {c.field: c.header for c in FORM_COLUMNS}
META_ROW = {k: i + 1 for i, k in enumerate(FORM_META_KEYS)}
VPTU, UBKTTU = "VPTU", "UBKTTU"
# VPTU's form lists these keys first (rows 7, 8, 9, 10, ...); UBKTTU's has two rows.
VPTU_KEYS = ("I.1", "I.2", "I.3", "I.4", "I.5", "I.6", "I.8")
UBKTTU_KEYS = ("II.2.6", "IV.1")
VPTU_FIRST, UBKTTU_FIRST = VPTU_KEYS[0], UBKTTU_KEYS[0]


# -- the workspace the corpus belongs to ------------------------------------------------------
def build_workspace(root: Path, secret: str = SECRET) -> Workspace:
    """The tracker of the corpus: sample plan imported, period 2026-11, forms issued."""
    ws = init_workspace(Path(root))
    ws.secret_file.write_text(secret + "\n", encoding="ascii")
    import_plan(SAMPLE_PLAN, workbook=ws.workbook, now=IMPORTED_AT)
    set_config({"period": PERIOD}, workbook=ws.workbook)
    issue_forms(PERIOD, workbook=ws.workbook, now=ISSUED_AT)
    return ws


def form_path(ws: Workspace, code: str, period: str = PERIOD) -> Path:
    return ws.root / "outbox" / period / form_file_name(code, period)


# -- writing a file as Excel would have saved it -----------------------------------------------
_MODIFIED = re.compile(rb"(<dcterms:modified\b[^>]*>)[^<]*(</dcterms:modified>)")


def zip_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {i.filename: zf.read(i) for i in zf.infolist()}


def pack(parts: dict[str, bytes], saved: datetime | None = SAVED, level: int = 6) -> bytes:
    """A zip of ``parts`` with fixed entry times; ``saved`` becomes Excel's "last saved"."""
    stamp = (saved or SAVED).timetuple()[:6]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as zf:
        for name, body in parts.items():
            if name == "docProps/core.xml" and saved is not None:
                text = saved.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                body = _MODIFIED.sub(rb"\g<1>" + text + rb"\g<2>", body)
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            zf.writestr(info, body, compresslevel=level)
    return out.getvalue()


def workbook_bytes(wb: Workbook, saved: datetime | None = SAVED) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    wb.close()
    return pack(zip_parts(buffer.getvalue()), saved)


Rows = dict[int, dict[str, Any]]


def fill(
    form: Path,
    rows: Rows,
    *,
    saved: datetime | None = SAVED,
    report_date: Any = None,
    edit: Callable[[Workbook], None] | None = None,
) -> bytes:
    """The agency's return: ``rows`` {row index from 0: {field: value}} typed into the form."""
    wb = openpyxl.load_workbook(form)
    ws = wb[FORM_SHEET]
    for i, values in rows.items():
        for field, value in values.items():
            ws.cell(FORM_FIRST_ROW + i, COL[field]).value = value
    if report_date is not None:
        ws.cell(*FORM_REPORT_DATE_CELL).value = report_date
    if edit is not None:
        edit(wb)
    return workbook_bytes(wb, saved)


def patch(data: bytes, edits: dict[str, Callable[[bytes], bytes | None]]) -> bytes:
    """Raw edits of a package: each function gets a part's bytes; None removes the part."""
    parts = zip_parts(data)
    for name, edit in edits.items():
        new = edit(parts.get(name, b""))
        if new is None:
            parts.pop(name, None)
        else:
            parts[name] = new
    return pack(parts, saved=None)


def sheet_part(data: bytes, sheet: str) -> str:
    """The worksheet part of ``sheet`` (openpyxl writes them as sheet1.xml, sheet2.xml, ...)."""
    names = re.findall(rb'<sheet [^>]*name="([^"]+)"', zip_parts(data)["xl/workbook.xml"])
    index = [n.decode() for n in names].index(sheet)
    return f"xl/worksheets/sheet{index + 1}.xml"


def declare(prolog: bytes, cell_text: bytes) -> Callable[[bytes], bytes]:
    """A DOCTYPE (or any prolog) put before the root element; the first text cell uses it."""

    def edit(body: bytes) -> bytes:
        decl = re.match(rb"<\?xml[^>]*\?>\s*", body)
        head, rest = (body[: decl.end()], body[decl.end() :]) if decl else (b"", body)
        rest, n = re.subn(
            rb"(<t(?: [^>]*)?>)[^<]*(</t>)", rb"\g<1>" + cell_text + rb"\g<2>", rest, count=1
        )
        assert n == 1
        return head + prolog + rest

    return edit


def last_task_row(wb: Workbook) -> int:
    """The last row of the form's task table."""
    sheet = wb[FORM_SHEET]
    row = FORM_FIRST_ROW
    while sheet.cell(row + 1, COL["key"]).value:
        row += 1
    return row


def sub(pattern: bytes, repl: bytes, count: int = 1) -> Callable[[bytes], bytes]:
    def edit(body: bytes) -> bytes:
        new, n = re.subn(pattern, repl, body, count=count)
        assert n, f"pattern {pattern!r} not found"
        return new

    return edit


# -- the cases ----------------------------------------------------------------------------------
class Corpus:
    def __init__(self, ws: Workspace, other_ws: Workspace) -> None:
        self.ws = ws
        self.other_ws = other_ws
        self.files: dict[str, bytes] = {}
        self.expected: dict[str, dict[str, Any]] = {}
        self.signatures = {code: signature_of(form_path(ws, code)) for code in (VPTU, UBKTTU)}

    def form(self, code: str, period: str = PERIOD) -> Path:
        return form_path(self.ws, code, period)

    def add(
        self,
        name: str,
        data: bytes,
        outcome: str,
        what: str,
        *,
        message: str | list[str] | None = None,
        changes: list[tuple[str, str, Any]] | None = None,
        warnings: list[str] | None = None,
        report_date: date | None = None,
        after: str | None = None,
    ) -> None:
        assert name not in self.files, name
        if outcome == "accepted":
            assert message is None and changes is not None, name
        else:
            assert message and changes is None and not warnings, name
        entry: dict[str, Any] = {"what": what, "outcome": outcome}
        if after is not None:
            assert after in self.files, f"{name}: {after} must come first"
            entry["after"] = after
        if message is not None:
            entry["message"] = [message] if isinstance(message, str) else message
        if changes is not None:
            entry["changes"] = [list(c) for c in changes]
            entry["warnings"] = warnings or []
        if report_date is not None:
            entry["report_date"] = report_date.isoformat()
        self.files[name] = data
        self.expected[name] = entry

    # -- not a workbook at all --------------------------------------------------------------
    def containers(self) -> None:
        self.add(
            "not_a_zip.xlsx",
            b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n",
            "refused",
            "a PDF renamed .xlsx",
            message="không phải tệp Excel (.xlsx)",
        )
        self.add(
            "empty.xlsx",
            b"",
            "refused",
            "a file of 0 bytes (attachment lost by the mail client)",
            message="không phải tệp Excel (.xlsx)",
        )
        self.add(
            "zip_not_workbook.xlsx",
            pack({"baocao.txt": "Báo cáo tháng 11".encode()}),
            "refused",
            "a zip that holds no workbook, renamed .xlsx",
            message="không phải sổ tính Excel",
        )
        good = fill(self.form(UBKTTU), {0: {"status": "Đang triển khai", "progress": 40}})
        self.add(
            "truncated.xlsx",
            good[: len(good) * 2 // 3],
            "refused",
            "a real return cut off at two thirds (interrupted download)",
            message="bị hỏng hoặc gửi thiếu",
        )
        self.add(
            "password.xlsx",
            encrypted(good, "matkhau123"),
            "refused",
            "a real return saved with a password to open (msoffcrypto, ECMA-376 agile)",
            message="đặt mật khẩu",
        )
        self.add(
            "legacy.xls",
            legacy_xls(),
            "refused",
            "an Excel 97-2003 .xls (OLE compound file with a Workbook stream)",
            message="Excel đời cũ (.xls)",
        )
        self.add(
            "nested.zip",
            pack({"phieu.zip": pack({"PhieuBaoCao_UBKTTU_2026-11.xlsx": good})}),
            "refused",
            "a zip inside a zip",
            message="tệp nén lồng nhau",
        )
        big = zip_parts(good)
        big["xl/media/image1.png"] = b"\0" * (65 * 1024 * 1024)
        self.add(
            "oversized.xlsx",
            pack(big, level=9),
            "refused",
            "a real return with a 65 MB member (of zeros, ~64 kB compressed): a zip bomb",
            message="nội dung giải nén quá lớn",
        )

    # -- a workbook, but not (or no longer) a form ------------------------------------------
    def structure(self) -> None:
        good = fill(self.form(UBKTTU), {0: {"status": "Đang triển khai", "progress": 40}})
        main = sheet_part(good, FORM_SHEET)
        vba = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504  # any vbaProject.bin body
        self.add(
            "macros.xlsm",
            patch(
                good,
                {
                    "xl/vbaProject.bin": lambda _: vba,
                    "[Content_Types].xml": sub(
                        b"</Types>",
                        b'<Default Extension="bin" ContentType="application/'
                        b'vnd.ms-office.vbaProject"/></Types>',
                    ),
                    "xl/_rels/workbook.xml.rels": sub(
                        b"</Relationships>",
                        b'<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/'
                        b'2006/relationships/vbaProject" Target="vbaProject.bin"/>'
                        b"</Relationships>",
                    ),
                },
            ),
            "refused",
            "a return re-saved as .xlsm with a VBA project added",
            message="có chứa macro",
        )
        meta = sheet_part(good, FORM_META_SHEET)
        self.add(
            "meta_sheet_removed.xlsx",
            patch(
                good,
                {
                    meta: lambda _: None,
                    "xl/workbook.xml": sub(rb'<sheet [^>]*name="theodoi_meta"[^>]*/>', b""),
                    "[Content_Types].xml": sub(
                        rb'<Override PartName="/' + meta.encode() + rb'"[^>]*/>', b""
                    ),
                },
            ),
            "refused",
            "the hidden sheet theodoi_meta deleted from the package",
            message="thiếu thông tin nhận dạng phiếu",
        )

        def copy_out(wb: Workbook) -> None:
            fresh = Workbook()
            fresh.properties.created = datetime(2026, 11, 24, 14, 0)
            sheet = fresh.active
            assert sheet is not None
            sheet.title = FORM_SHEET
            for row in wb[FORM_SHEET].iter_rows(values_only=True):
                sheet.append(row)
            fresh.save(buffer)

        buffer = io.BytesIO()
        fill(self.form(UBKTTU), {0: {"status": "Đang triển khai", "progress": 40}}, edit=copy_out)
        self.add(
            "copied_to_new_workbook.xlsx",
            pack(zip_parts(buffer.getvalue())),
            "refused",
            "the filled table copied into a new workbook (same sheet name, no metadata)",
            message="thiếu thông tin nhận dạng phiếu",
        )
        self.add(
            "renamed_sheet.xlsx",
            patch(
                good, {"xl/workbook.xml": sub('name="Phiếu báo cáo"'.encode(), b'name="Sheet1"')}
            ),
            "refused",
            "the form sheet renamed to Sheet1",
            message=f"không có trang “{FORM_SHEET}”",
        )
        xxe = b'<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        self.add(
            "xxe_sheet.xlsx",
            patch(good, {main: declare(xxe, cell_text=b"&xxe;")}),
            "refused",
            "an external entity (XXE) declared in the form sheet's XML and used in A1",
            message=f"phần {main} chứa khai báo DOCTYPE/ENTITY",
        )
        # A prolog may hold any number of comments: the declaration can come after 5 kB.
        self.add(
            "xxe_padded.xlsx",
            patch(good, {main: declare(b"<!--" + b" " * 5000 + b"-->" + xxe, cell_text=b"&xxe;")}),
            "refused",
            "the same XXE payload, after a 5 kB comment at the start of the sheet's XML",
            message=f"phần {main} chứa khai báo DOCTYPE/ENTITY",
        )
        laughs = (
            b'<!DOCTYPE worksheet [<!ENTITY a "hahahahahahahahahaha">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">'
            b'<!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">]>'
        )
        meta = sheet_part(good, FORM_META_SHEET)
        self.add(
            "entity_bomb_meta.xlsx",
            patch(good, {meta: declare(laughs, cell_text=b"&e;")}),
            "refused",
            "an entity expansion bomb (billion laughs) in the hidden metadata sheet",
            message=f"phần {meta} chứa khai báo DOCTYPE/ENTITY",
        )
        self.add(
            "sheet_xml_broken.xlsx",
            patch(good, {main: lambda b: b[: len(b) // 2]}),
            "refused",
            "a well-formed zip whose form sheet XML is cut in half",
            message="trang “Phiếu báo cáo” bị hỏng, không đọc được",
        )

        def merge_cells(wb: Workbook) -> None:
            wb[FORM_SHEET].merge_cells("G7:H7")

        self.add(
            "merged_cells.xlsx",
            fill(
                self.form(UBKTTU),
                {0: {"status": "Đang triển khai", "progress": 40, "result": "Đã triển khai"}},
                edit=merge_cells,
            ),
            "refused",
            "result and difficulties of the first task merged into one cell",
            message="các ô G7:H7 bị gộp",
        )

        def insert_column(wb: Workbook) -> None:
            ws = wb[FORM_SHEET]
            ws.insert_cols(COL["progress"] + 1)
            ws.cell(6, COL["progress"] + 1).value = "Ghi chú"

        self.add(
            "column_inserted.xlsx",
            fill(self.form(UBKTTU), {0: {"status": "Đang triển khai"}}, edit=insert_column),
            "refused",
            "a column 'Ghi chú' inserted after Tiến độ (%)",
            message=f"cột thứ {COL['result']} phải là “{HEADER['result']}”",
        )

    # -- the metadata and its signature --------------------------------------------------------
    def metadata(self) -> None:
        def meta(key: str, value: str) -> Callable[[Workbook], None]:
            def edit(wb: Workbook) -> None:
                wb[FORM_META_SHEET].cell(META_ROW[key], 2).value = value

            return edit

        row = {0: {"status": "Đang triển khai", "progress": 40}}
        signature = "Chữ ký của phiếu không khớp"
        self.add(
            "forged_agency.xlsx",
            fill(self.form(UBKTTU), row, edit=meta("agency_code", "STC")),
            "refused",
            "agency code in the metadata changed from UBKTTU to STC (forged)",
            message=signature,
        )
        self.add(
            "signature_edited.xlsx",
            fill(self.form(UBKTTU), row, edit=meta("signature", "0" * 64)),
            "refused",
            "signature replaced",
            message=signature,
        )
        self.add(
            "keys_edited.xlsx",
            fill(self.form(UBKTTU), row, edit=meta("keys", "II.2.6")),
            "refused",
            "a task key removed from the metadata key list",
            message=signature,
        )
        self.add(
            "other_workspace.xlsx",
            fill(form_path(self.other_ws, UBKTTU), row),
            "refused",
            "a genuine form of another office's tracker (same plan, other secret)",
            message=signature,
        )
        self.add(
            "version_changed.xlsx",
            fill(self.form(UBKTTU), row, edit=meta("version", "0")),
            "refused",
            "form version in the metadata changed",
            message="mẫu phiên bản 0",
        )
        self.add(
            "other_period.xlsx",
            fill(self.form(UBKTTU, OTHER_PERIOD), row),
            "accepted",
            "a genuine, correctly signed form of period 2026-10 (issued, so accepted, late)",
            changes=[(UBKTTU_FIRST, "status", "Đang triển khai"), (UBKTTU_FIRST, "progress", 40)],
            warnings=["Phiếu của kỳ tháng 10 năm 2026, nộp sau khi kỳ đã qua"],
        )

    # -- the rows ----------------------------------------------------------------------------
    def rows(self) -> None:
        form = self.form(VPTU)
        work = {0: {"status": "Đang triển khai", "progress": 30}}

        def insert_row(wb: Workbook) -> None:
            ws = wb[FORM_SHEET]
            ws.insert_rows(FORM_FIRST_ROW + 2)
            ws.cell(FORM_FIRST_ROW + 2, COL["key"]).value = "I.3a"
            ws.cell(FORM_FIRST_ROW + 2, COL["content"]).value = "Nhiệm vụ phát sinh"

        self.add(
            "row_inserted.xlsx",
            fill(form, work, edit=insert_row),
            "refused",
            "a new row I.3a inserted between I.2 and I.3",
            message="dòng 9, cột “Mã NV”: dòng “I.3a” được thêm vào phiếu",
        )

        def delete_row(wb: Workbook) -> None:
            wb[FORM_SHEET].delete_rows(FORM_FIRST_ROW + 2)

        self.add(
            "row_deleted.xlsx",
            fill(form, work, edit=delete_row),
            "refused",
            "the row of I.3 deleted (the rows below move up)",
            message="Trang “Phiếu báo cáo”, dòng 9, cột “Mã NV”: thiếu dòng của nhiệm vụ I.3",
        )

        def swap_rows(wb: Workbook) -> None:
            ws = wb[FORM_SHEET]
            a, b = FORM_FIRST_ROW + 1, FORM_FIRST_ROW + 2
            for c in range(1, len(FORM_COLUMNS) + 1):
                ws.cell(a, c).value, ws.cell(b, c).value = ws.cell(b, c).value, ws.cell(a, c).value

        self.add(
            "rows_reordered.xlsx",
            fill(form, work, edit=swap_rows),
            "refused",
            "rows of I.2 and I.3 swapped (sorted by content)",
            message="dòng 8, cột “Mã NV”: thứ tự các dòng đã bị thay đổi (đây là I.3, đúng ra là I.2)",
        )

        def other_agency(wb: Workbook) -> None:
            ws = wb[FORM_SHEET]
            last = last_task_row(wb) + 1
            ws.cell(last, COL["key"]).value = "I.7"
            ws.cell(last, COL["content"]).value = "Ưu tiên bố trí kinh phí"
            ws.cell(last, COL["status"]).value = "Hoàn thành"
            ws.cell(last, COL["progress"]).value = 100

        self.add(
            "other_agency_task.xlsx",
            fill(form, work, edit=other_agency),
            "refused",
            "a row for I.7 (led by Sở Tài chính) typed below VPTU's tasks, marked done",
            message="dòng 28, cột “Mã NV”: nhiệm vụ I.7 không do cơ quan này chủ trì",
        )

        def note_below(wb: Workbook) -> None:
            wb[FORM_SHEET].cell(
                last_task_row(wb) + 2, COL["key"]
            ).value = "Người lập biểu: Nguyễn Văn A"

        self.add(
            "note_below_table.xlsx",
            fill(form, work, edit=note_below),
            "refused",
            "the clerk's name typed in column A two rows below the table (row 29)",
            message=["dòng 29", "Người lập biểu: Nguyễn Văn A"],
        )

        def edit_key(wb: Workbook) -> None:
            wb[FORM_SHEET].cell(FORM_FIRST_ROW + 1, COL["key"]).value = "I.2x"

        self.add(
            "key_cell_edited.xlsx",
            fill(form, work, edit=edit_key),
            "refused",
            "the locked 'Mã NV' cell of I.2 overtyped with 'I.2x'",
            message="dòng 8, cột “Mã NV”: cột này bị khóa, không được sửa (phiếu ghi “I.2x”, "
            "đúng ra là I.2)",
        )

        def insert_blank_row(wb: Workbook) -> None:
            wb[FORM_SHEET].insert_rows(FORM_FIRST_ROW + 2)

        self.add(
            "row_inserted_blank.xlsx",
            fill(form, work, edit=insert_blank_row),
            "accepted",
            "an empty row inserted between I.2 and I.3 (harmless: rows are found by their key)",
            changes=[(VPTU_FIRST, "status", "Đang triển khai"), (VPTU_FIRST, "progress", 30)],
        )

        def insert_note_row(wb: Workbook) -> None:
            ws = wb[FORM_SHEET]
            ws.insert_rows(FORM_FIRST_ROW + 2)
            ws.cell(FORM_FIRST_ROW + 2, COL["content"]).value = "Ghi chú thêm của cơ quan"

        self.add(
            "row_inserted_note.xlsx",
            fill(form, work, edit=insert_note_row),
            "refused",
            "a row with a note (no task key) inserted between I.2 and I.3",
            message="dòng 9: dòng được chèn thêm vào giữa bảng (“Ghi chú thêm của cơ quan”)",
        )
        self.add(
            "locked_content_edited.xlsx",
            fill(form, {1: {"content": "Rà soát bảo mật (đã sửa)", "status": "Đang triển khai"}}),
            "refused",
            "content (locked) of I.2 rewritten",
            message="dòng 8, cột “Nội dung nhiệm vụ”: cột này bị khóa",
        )
        self.add(
            "locked_due_date_edited.xlsx",
            fill(form, {3: {"due_date": datetime(2026, 12, 31), "status": "Đang triển khai"}}),
            "refused",
            "due date (locked) of I.4 moved from 30/01/2026 to 31/12/2026",
            message="dòng 10, cột “Hạn hoàn thành”: cột này bị khóa",
        )
        self.add(
            "locked_timeframe_edited.xlsx",
            fill(form, {2: {"timeframe": "Quý IV/2026"}}),
            "refused",
            "timeframe (locked) of I.3 rewritten",
            message="dòng 9, cột “Thời gian thực hiện”: cột này bị khóa",
        )

    # -- the values --------------------------------------------------------------------------
    def values(self) -> None:
        form = self.form(UBKTTU)
        self.add(
            "progress_abc.xlsx",
            fill(form, {1: {"status": "Đang triển khai", "progress": "abc"}}),
            "refused",
            "progress 'abc'",
            message="dòng 8, cột “Tiến độ (%)”: không đọc được tiến độ “abc”",
        )
        self.add(
            "progress_150.xlsx",
            fill(form, {0: {"status": "Đang triển khai", "progress": 150}}),
            "refused",
            "progress 150",
            message="dòng 7, cột “Tiến độ (%)”: tiến độ 150% nằm ngoài khoảng 0–100%",
        )
        self.add(
            "progress_150_percent_text.xlsx",
            fill(form, {0: {"status": "Đang triển khai", "progress": "150%"}}),
            "refused",
            "progress '150%' typed as text",
            message="dòng 7, cột “Tiến độ (%)”: tiến độ 150% nằm ngoài khoảng 0–100%",
        )
        self.add(
            "progress_not_started.xlsx",
            fill(form, {0: {"progress": 40}}),
            "refused",
            "progress 40 while the status is still 'Chưa triển khai'",
            message="dòng 7, cột “Tiến độ (%)”: Khi trạng thái là “Chưa triển khai”",
        )
        self.add(
            "done_without_result.xlsx",
            fill(form, {0: {"status": "Hoàn thành", "progress": 100}}),
            "refused",
            "status 'Hoàn thành' without a result",
            message="dòng 7, cột “Kết quả thực hiện”: Đã báo cáo hoàn thành nhưng chưa ghi kết quả",
        )
        self.add(
            "status_ambiguous.xlsx",
            fill(form, {1: {"status": "Chưa hoàn thành"}}),
            "refused",
            "status 'Chưa hoàn thành' (not started or in progress?)",
            message="dòng 8, cột “Trạng thái”: trạng thái “Chưa hoàn thành” không thuộc danh sách",
        )
        self.add(
            "report_date_impossible.xlsx",
            fill(form, {0: {"status": "Đang triển khai"}}, report_date="31/02/2026"),
            "refused",
            "report date 31/02/2026",
            message="ô “Ngày lập phiếu” (dòng 4, cột 2): ngày 31/02/2026 không tồn tại",
        )
        self.add(
            "report_date_future.xlsx",
            fill(form, {0: {"status": "Đang triển khai"}}, report_date="15/01/2030"),
            "refused",
            "report date 15/01/2030, after the day the return is merged",
            message="ngày 15/01/2030 ở sau hôm nay (27/11/2026)",
        )
        self.add(
            "saved_in_future.xlsx",
            fill(form, {0: {"status": "Đang triển khai"}}, saved=datetime(2099, 1, 1, 8, 0)),
            "accepted",
            "saved (docProps) in 2099 by a computer with a wrong clock",
            changes=[(UBKTTU_FIRST, "status", "Đang triển khai")],
            warnings=["đồng hồ máy tính của cơ quan có thể bị sai"],
        )
        long_result = "Kết quả rất dài. " * 2400  # 40,800 characters
        self.add(
            "result_too_long.xlsx",
            fill(form, {0: {"status": "Đang triển khai", "result": long_result}}),
            "accepted",
            "a result of 40,800 characters (an Excel cell holds 32,767)",
            changes=[
                (UBKTTU_FIRST, "status", "Đang triển khai"),
                (UBKTTU_FIRST, "result", long_result.strip()[:32767].rstrip()),
            ],
            warnings=["giới hạn 32.767 ký tự của một ô Excel"],
        )

        def merge_and_edit(wb: Workbook) -> None:
            ws = wb[FORM_SHEET]
            ws.merge_cells("I10:J10")
            ws.cell(FORM_FIRST_ROW + 2, COL["content"]).value = "Nội dung đã sửa"

        self.add(
            "five_faults.xlsx",
            fill(
                self.form(VPTU),
                {
                    0: {"status": "Đang triển khai", "progress": "abc"},
                    1: {"status": "Hoàn thành", "progress": 100},
                    2: {"status": "Đang triển khai"},
                },
                report_date="31/02/2026",
                edit=merge_and_edit,
            ),
            "refused",
            "five faults at once: impossible report date, unreadable progress, 'Hoàn thành' "
            "without a result, an edited locked cell and merged cells",
            message=[
                "ngày 31/02/2026 không tồn tại",
                "dòng 7, cột “Tiến độ (%)”: không đọc được tiến độ “abc”",
                "dòng 8, cột “Kết quả thực hiện”: Đã báo cáo hoàn thành nhưng chưa ghi kết quả",
                "dòng 9, cột “Nội dung nhiệm vụ”: cột này bị khóa",
                "các ô I10:J10 bị gộp",
            ],
        )
        self.add(
            "formula_no_value.xlsx",
            fill(form, {0: {"status": "Đang triển khai", "progress": "=30+20"}}),
            "refused",
            "progress as a formula with no cached value (saved by a program that does not calculate)",
            message="dòng 7, cột “Tiến độ (%)”: ô có công thức nhưng không có giá trị",
        )

    def accepted(self) -> None:
        form = self.form(UBKTTU)
        work = "Đang triển khai"
        k0, k1 = UBKTTU_KEYS
        self.add(
            "untouched.xlsx",
            fill(form, {}),
            "accepted",
            "the form sent back unchanged",
            changes=[],
        )
        self.add(
            "progress_percent_text.xlsx",
            fill(
                form,
                {0: {"status": work, "progress": "50%"}, 1: {"status": work, "progress": "50 %"}},
            ),
            "accepted",
            "progress typed as text '50%' and '50 %'",
            changes=[
                (k0, "status", work),
                (k0, "progress", 50),
                (k1, "status", work),
                (k1, "progress", 50),
            ],
        )

        self.add(
            "progress_fraction.xlsx",
            fill(form, {0: {"status": work, "progress": 0.5}}),
            "accepted",
            "progress 0.5 in a plain number cell: read as 50% (fraction rule), with a warning",
            changes=[(k0, "status", work), (k0, "progress", 50)],
            warnings=["dòng 7, cột “Tiến độ (%)”: đã hiểu 0,5 là 50%"],
        )

        def percent_format(wb: Workbook) -> None:
            wb[FORM_SHEET].cell(FORM_FIRST_ROW, COL["progress"]).number_format = "0%"

        self.add(
            "progress_percent_format.xlsx",
            fill(
                form,
                {0: {"status": "Hoàn thành", "progress": 1, "result": "Đã hoàn thành"}},
                edit=percent_format,
            ),
            "accepted",
            "100% typed into a cell the agency formatted as % (Excel stores 1, shows 100%)",
            changes=[
                (k0, "status", "Hoàn thành"),
                (k0, "progress", 100),
                (k0, "result", "Đã hoàn thành"),
                # Completed, no "Ngày hoàn thành": the report date (its save date here).
                (k0, "completed_on", "2026-11-24"),
            ],
        )
        self.add(
            "progress_decimal_comma.xlsx",
            fill(form, {0: {"status": work, "progress": "62,5"}}),
            "accepted",
            "progress '62,5' with a Vietnamese decimal comma",
            changes=[(k0, "status", work), (k0, "progress", 62.5)],
        )
        self.add(
            "status_synonym.xlsx",
            fill(form, {1: {"status": "đang thực hiện", "progress": 20}}),
            "accepted",
            "status typed as 'đang thực hiện'",
            changes=[(k1, "status", work), (k1, "progress", 20)],
            warnings=["dòng 8, cột “Trạng thái”: đã hiểu “đang thực hiện” là “Đang triển khai”"],
        )
        report = date(2026, 11, 26)
        for name, value, what in (
            ("date_slash.xlsx", "26/11/2026", "report date '26/11/2026'"),
            ("date_dash.xlsx", "26-11-2026", "report date '26-11-2026'"),
            ("date_words.xlsx", "ngày 26 tháng 11 năm 2026", "report date in words"),
            ("date_iso.xlsx", "2026-11-26", "report date '2026-11-26' (ISO)"),
            ("date_cell.xlsx", datetime(2026, 11, 26), "report date as a real date cell"),
        ):
            self.add(
                name,
                fill(form, {0: {"status": work}}, report_date=value),
                "accepted",
                what,
                changes=[(k0, "status", work)],
                report_date=report,
            )

        def general(wb: Workbook) -> None:
            wb[FORM_SHEET].cell(*FORM_REPORT_DATE_CELL).number_format = "General"

        serial = (report - date(1899, 12, 30)).days
        self.add(
            "date_serial.xlsx",
            fill(form, {0: {"status": work}}, report_date=serial, edit=general),
            "accepted",
            f"report date as the Excel serial {serial} in a General cell",
            changes=[(k0, "status", work)],
            report_date=report,
        )
        text = "Đã kiểm tra việc ứng dụng công nghệ số trong công tác kiểm tra, giám sát"
        self.add(
            "tcvn3_text.xlsx",
            fill(form, {0: {"status": work, "result": to_tcvn3(text)}}),
            "accepted",
            "result typed with a TCVN3 (.VnTime) font",
            changes=[(k0, "status", work), (k0, "result", text)],
            warnings=["dòng 7, cột “Kết quả thực hiện”: đã chuyển từ mã TCVN3 sang Unicode"],
        )
        hard = "Thiếu cán bộ chuyên trách về công nghệ thông tin"
        self.add(
            "vni_text.xlsx",
            fill(form, {0: {"status": work, "difficulties": to_vni(hard)}}),
            "accepted",
            "difficulties typed with a VNI-Times font",
            changes=[(k0, "status", work), (k0, "difficulties", hard)],
            warnings=["dòng 7, cột “Khó khăn, vướng mắc”: đã chuyển từ mã VNI sang Unicode"],
        )
        wish = "Đề nghị bổ sung kinh phí đào tạo"
        self.add(
            "nfd_text.xlsx",
            fill(form, {1: {"status": work, "proposals": unicodedata.normalize("NFD", wish)}}),
            "accepted",
            "proposals in decomposed Unicode (NFD, as pasted from a Mac)",
            changes=[(k1, "status", work), (k1, "proposals", wish)],
            warnings=["dòng 8, cột “Đề xuất, kiến nghị”: đã chuyển chữ tổ hợp (NFD)"],
        )
        self.add(
            "multiline_text.xlsx",
            fill(form, {0: {"status": work, "result": "  - Đợt 1: xong\n- Đợt 2: đang làm  "}}),
            "accepted",
            "result on two lines (Alt+Enter) with stray spaces",
            changes=[(k0, "status", work), (k0, "result", "- Đợt 1: xong\n- Đợt 2: đang làm")],
        )
        no_value = fill(form, {0: {"status": work, "progress": "=30+20"}})
        main = sheet_part(no_value, FORM_SHEET)
        self.add(
            "formula_cached.xlsx",
            patch(no_value, {main: sub(rb"(<f>30\+20</f>)(<v\s*/>|<v></v>)?", rb"\1<v>50</v>")}),
            "accepted",
            "progress as a formula =30+20 with its cached value 50 (as Excel saves it)",
            changes=[(k0, "status", work), (k0, "progress", 50)],
            warnings=["dòng 7, cột “Tiến độ (%)”: ô có công thức; đã lấy giá trị hiển thị"],
        )
        inner = fill(form, {1: {"status": work, "progress": 10}})
        self.add(
            "in_zip.zip",
            pack({"BaoCao/PhieuBaoCao_UBKTTU_2026-11.xlsx": inner}),
            "accepted",
            "a return inside a .zip",
            changes=[(k1, "status", work), (k1, "progress", 10)],
        )
        self.add(
            "xlsx_named.xls",
            fill(form, {1: {"status": work, "progress": 15}}),
            "accepted",
            "a genuine .xlsx return renamed .xls by the agency (read by content, not name)",
            changes=[(k1, "status", work), (k1, "progress", 15)],
        )
        self.add(
            "no_saved_time.xlsx",
            patch(
                fill(form, {1: {"status": work, "progress": 35}}),
                {
                    "docProps/core.xml": sub(
                        rb"<dcterms:modified\b[^>]*>[^<]*</dcterms:modified>", b""
                    )
                },
            ),
            "accepted",
            "a return without a 'last saved' time (core property removed by another program)",
            changes=[(k1, "status", work), (k1, "progress", 35)],
        )
        mail = EmailMessage()
        mail["From"] = "ubkt@dienbien.dcs.vn"
        mail["To"] = "vptu@dienbien.dcs.vn"
        mail["Subject"] = "Báo cáo tiến độ tháng 11"
        mail["Date"] = "Tue, 24 Nov 2026 15:00:00 +0700"
        mail["Message-ID"] = "<phieu-ubkttu-2026-11@dienbien.dcs.vn>"
        mail.set_content("Kính gửi Văn phòng Tỉnh ủy,\nĐính kèm phiếu báo cáo.\n")
        mail.add_attachment(
            fill(form, {0: {"status": work, "progress": 70}}),
            maintype="application",
            subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            filename="PhieuBaoCao_UBKTTU_2026-11.xlsx",
        )
        mail.set_boundary("==phieu-bao-cao==")
        self.add(
            "mail.eml",
            bytes(mail),
            "accepted",
            "a return attached to a saved e-mail (.eml)",
            changes=[(k0, "status", work), (k0, "progress", 70)],
        )

    # -- duplicates and stale returns: after an accepted return of the same agency -----------
    def history(self) -> None:
        form = self.form(VPTU)
        k = VPTU_KEYS
        work, done_late = "Đang triển khai", "Hoàn thành quá hạn"
        base = fill(
            form,
            {
                0: {"status": "Đang thực hiện", "progress": "50%", "result": "Đã rà soát 12/20 xã"},
                3: {"status": done_late, "progress": 100, "result": "Xong ngày 15/02/2026"},
                6: {"status": work, "progress": 0.25, "difficulties": "Chờ kinh phí"},
            },
            saved=SAVED,
            report_date="24/11/2026",
        )
        self.add(
            "base_vptu.xlsx",
            base,
            "accepted",
            "an ordinary return of VPTU: three tasks reported (saved 24/11 15:00)",
            changes=[
                (k[0], "status", work),
                (k[0], "progress", 50),
                (k[0], "result", "Đã rà soát 12/20 xã"),
                (k[3], "status", done_late),
                (k[3], "progress", 100),
                (k[3], "result", "Xong ngày 15/02/2026"),
                (k[3], "completed_on", "2026-11-24"),  # blank on the form: the report date
                (k[6], "status", work),
                (k[6], "progress", 25),
                (k[6], "difficulties", "Chờ kinh phí"),
            ],
            warnings=[
                "dòng 7, cột “Trạng thái”: đã hiểu “Đang thực hiện” là “Đang triển khai”",
                "dòng 13, cột “Tiến độ (%)”: đã hiểu 0,25 là 25%",
            ],
            report_date=date(2026, 11, 24),
        )
        self.add(
            "duplicate_vptu.xlsx",
            base,
            "duplicate",
            "the same file as base_vptu.xlsx, sent twice",
            message="đã được tổng hợp trước đó",
            after="base_vptu.xlsx",
        )
        self.add(
            "stale_vptu.xlsx",
            fill(form, {0: {"status": work, "progress": 20}}, saved=datetime(2026, 11, 23, 10, 0)),
            "stale",
            "an earlier save of VPTU's form (23/11 10:00) arriving after base_vptu.xlsx",
            message=["Phiếu lập ngày 23/11/2026 (lưu lúc 23/11/2026 10:00)", "bỏ qua bản cũ"],
            after="base_vptu.xlsx",
        )
        self.add(
            "resaved_old_vptu.xlsx",
            fill(
                form,
                {0: {"status": work, "progress": 10}},
                saved=datetime(2026, 11, 26, 9, 0),
                report_date="20/11/2026",
            ),
            "stale",
            "an old return (made 20/11) opened and saved again on 26/11, after base_vptu.xlsx",
            message="Phiếu lập ngày 20/11/2026",
            after="base_vptu.xlsx",
        )
        self.add(
            "newer_vptu.xlsx",
            fill(
                form,
                {
                    0: {"status": work, "progress": 80, "result": "Đã rà soát 16/20 xã"},
                    3: {"status": done_late, "progress": 100, "result": "Xong ngày 15/02/2026"},
                    6: {"status": work, "progress": 25, "difficulties": "Chờ kinh phí"},
                },
                saved=datetime(2026, 11, 26, 8, 30),
            ),
            "accepted",
            "a later save of VPTU's form (26/11) after base_vptu.xlsx: only I.1 differs",
            changes=[(k[0], "progress", 80), (k[0], "result", "Đã rà soát 16/20 xã")],
            after="base_vptu.xlsx",
        )


# -- files no spreadsheet program saved --------------------------------------------------------
def encrypted(data: bytes, password: str) -> bytes:
    """``data`` encrypted as Excel does with "Encrypt with password"; salts from a seeded RNG."""
    from msoffcrypto.format.ooxml import OOXMLFile
    from msoffcrypto.method import ecma376_agile
    from msoffcrypto.method.container import ecma376_encrypted

    class Clock(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Clock:
            return cls(2026, 11, 24, 15, 0)

    rng = random.Random(20261124)
    saved = ecma376_agile._random_buffer, ecma376_encrypted.datetime
    ecma376_agile._random_buffer = rng.randbytes
    ecma376_encrypted.datetime = Clock
    try:
        out = io.BytesIO()
        OOXMLFile(io.BytesIO(data)).encrypt(password, out)
    finally:
        ecma376_agile._random_buffer, ecma376_encrypted.datetime = saved
    return out.getvalue()


def legacy_xls() -> bytes:
    """An Excel 97-2003 workbook: a compound file whose Workbook stream starts with BOF/EOF."""
    from cfbfile import write_cfb

    bof = bytes.fromhex("0908 1000 0006 0500 bb0d cc07 0000 0000 0600 0000".replace(" ", ""))
    eof = bytes.fromhex("0a000000")
    return write_cfb({"Workbook": (bof + eof).ljust(4096, b"\0")})


# -- main ---------------------------------------------------------------------------------------
def generate() -> Corpus:
    with tempfile.TemporaryDirectory() as tmp:
        ws = build_workspace(Path(tmp) / "ws")
        issue_forms(OTHER_PERIOD, workbook=ws.workbook, now=ISSUED_AT)
        other = build_workspace(Path(tmp) / "other", OTHER_SECRET)
        corpus = Corpus(ws, other)
        corpus.containers()
        corpus.structure()
        corpus.metadata()
        corpus.rows()
        corpus.values()
        corpus.accepted()
        corpus.history()
    return corpus


def signature_of(form: Path) -> str:
    wb = openpyxl.load_workbook(form, read_only=True)
    try:
        return str(wb[FORM_META_SHEET].cell(META_ROW["signature"], 2).value)
    finally:
        wb.close()


def main() -> None:
    corpus = generate()
    for old in HERE.iterdir():
        if old.is_file() and old.name not in ("make_returns.py", "expected.json"):
            old.unlink()
    for name, data in corpus.files.items():
        (HERE / name).write_bytes(data)
    document = {
        "secret": SECRET,
        "period": PERIOD,
        # The forms the corpus was derived from; if the tracker rebuilt at test time issues
        # other signatures (sample plan or importer changed), regenerate the corpus.
        "signatures": corpus.signatures,
        "cases": corpus.expected,
    }
    EXPECTED.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", "utf-8")
    total = sum(len(d) for d in corpus.files.values())
    digest = hashlib.sha256(b"".join(corpus.files.values())).hexdigest()[:12]
    print(f"{len(corpus.files)} files, {total / 1024:.0f} kB, digest {digest}")


if __name__ == "__main__":
    shutil.rmtree(HERE / "__pycache__", ignore_errors=True)
    main()
