"""Returns judged by what they hold, and containers of returns filed one return at a time.

Macros, ActiveX controls and embedded objects are found by what the package declares
(content types, relationships, an .ods manifest and its script events) and by what a part
is (an OLE compound file), under any name; what real saves of LibreOffice and openpyxl hold
(charts, comments, Excel's printer settings) is still merged. A .zip or a mail gives one
outcome per return inside it, and each of those returns is filed by its own outcome, the
container once in ``archive/ban-goc/``. The merges run on the corpus workspace of
``tests/data/returns/make_returns.py`` with its committed returns.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import shutil
import zipfile
from datetime import date, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from conftest import corpus_generator
from libreoffice import ODS_FILTER, XLSX_FILTER, needs_libreoffice, type_and_save
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.workbook.workbook import Workbook

from xladdin.commands.merge import (
    ORIGINALS_DIR,
    REFUSED_DIR,
    MergeOutcome,
    _member_file_name,
    archived_outcome,
    merge_returns,
    read_returns,
)
from xladdin.core.layout import FORM_SHEET
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

CORPUS = Path(__file__).resolve().parent / "data" / "returns"
NOW = datetime(2026, 11, 27, 9, 0)
TODAY = date(2026, 11, 27)
XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
MS_REL = "http://schemas.microsoft.com/office/2006/relationships/"
ACTIVE = "có chứa macro hoặc đối tượng nhúng"

make_returns = corpus_generator()
CASES: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text("utf-8"))[
    "cases"
]
BASE_VPTU = (CORPUS / "base_vptu.xlsx").read_bytes()
PROGRESS_150 = (CORPUS / "progress_150.xlsx").read_bytes()
with zipfile.ZipFile(CORPUS / "in_zip.zip") as _zf:
    UBKTTU_RETURN = _zf.read(_zf.namelist()[0])


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def digest(path: Path) -> str:
    return sha(path.read_bytes())


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, date):  # a completion date; expected.json holds it in ISO form
        a = a.isoformat()
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return bool(a == b)


def same_changes(res: Any, case: str) -> bool:
    got = [(c.key, c.field, c.new) for c in res.changes]
    want = [tuple(c) for c in CASES[case]["changes"]]
    return len(got) == len(want) and all(
        g[:2] == w[:2] and _same(g[2], w[2]) for g, w in zip(got, want, strict=True)
    )


@pytest.fixture(scope="module")
def corpus_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws: Workspace = make_returns.build_workspace(tmp_path_factory.mktemp("containers") / "ws")
    return ws


@pytest.fixture
def fresh(corpus_workspace: Workspace, tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(corpus_workspace.root, root)
    return Workspace(root, root / corpus_workspace.workbook.name)


def folder(ws: Workspace, key: str) -> Path:
    return ws.folder(TrackerWorkbook.open(ws.workbook).read_config(), key)


def drop(ws: Workspace, name: str, data: bytes) -> Path:
    inbox = folder(ws, "inbox_dir")
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / name).write_bytes(data)
    return inbox / name


def merge_inbox(ws: Workspace) -> MergeOutcome:
    """`theodoi merge` as the office runs it: the inbox, then filing into archive/."""
    return merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)


def refusal_of(tmp_path: Path, name: str, data: bytes) -> str:
    """Why the return ``data`` is refused when read ("" when it opens)."""
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    forms, refused = read_returns([path])
    assert len(forms) + len(refused) == 1
    return refused[0].reasons[0] if refused else ""


# -- macros, ActiveX and embedded objects found by content -------------------------------------
def add(body: bytes) -> Any:
    return lambda _old: body


def insert(before: bytes, text: bytes) -> Any:
    return make_returns.sub(re.escape(before), text + before)


def relationship(rel_type: str, target: str, mode: str = "") -> bytes:
    extra = f' TargetMode="{mode}"' if mode else ""
    return f'<Relationship Id="rIdX9" Type="{rel_type}" Target="{target}"{extra}/>'.encode()


def override(part: str, content_type: str) -> bytes:
    return f'<Override PartName="{part}" ContentType="{content_type}"/>'.encode()


SHEET_RELS = "xl/worksheets/_rels/sheet1.xml.rels"
SHEET_RELS_BODY = (
    b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    b"</Relationships>"
)
NOT_OLE = b'Attribute VB_Name = "Module1"\r\nSub Auto_Open()\r\nEnd Sub\r\n'

ACTIVE_XLSX: dict[str, tuple[dict[str, Any], str]] = {
    # A VBA project under a picture's name, declared by an Override only.
    "vba-under-an-image-name": (
        {
            "xl/media/logo.png": add(NOT_OLE),
            "[Content_Types].xml": insert(
                b"</Types>", override("/xl/media/logo.png", "application/vnd.ms-office.vbaProject")
            ),
        },
        "[Content_Types].xml",
    ),
    # The same, the content type written with a character reference (the XML is parsed).
    "vba-content-type-char-ref": (
        {
            "xl/media/logo.png": add(NOT_OLE),
            "[Content_Types].xml": insert(
                b"</Types>",
                override("/xl/media/logo.png", "application/vnd.ms-office.vba&#x50;roject"),
            ),
        },
        "[Content_Types].xml",
    ),
    # A Default for an extension that a part has.
    "vba-by-extension-default": (
        {
            "xl/media/data.dat": add(NOT_OLE),
            "[Content_Types].xml": insert(
                b"</Types>",
                b'<Default Extension="DAT" ContentType="application/vnd.ms-office.vbaProject"/>',
            ),
        },
        "[Content_Types].xml",
    ),
    # The workbook typed as a macro-enabled one.
    "macro-enabled-main": (
        {
            "[Content_Types].xml": make_returns.sub(
                rb"application/vnd\.openxmlformats-officedocument\.spreadsheetml\.sheet\.main\+xml",
                b"application/vnd.ms-excel.sheet.macroEnabled.main+xml",
            )
        },
        "[Content_Types].xml",
    ),
    # A VBA project by relationship only, nothing in the content types.
    "vba-by-relationship-only": (
        {
            "xl/media/data.dat": add(NOT_OLE),
            "xl/_rels/workbook.xml.rels": insert(
                b"</Relationships>", relationship(MS_REL + "vbaProject", "media/data.dat")
            ),
        },
        "xl/_rels/workbook.xml.rels",
    ),
    "activex-control-on-the-sheet": (
        {
            "xl/activeX/activeX1.xml": add(b"<ax:ocx xmlns:ax='x'/>"),
            SHEET_RELS: lambda old: (old or SHEET_RELS_BODY).replace(
                b"</Relationships>",
                relationship(REL + "control", "../activeX/activeX1.xml") + b"</Relationships>",
            ),
        },
        SHEET_RELS,
    ),
    "ole-object-linked-outside": (
        {
            SHEET_RELS: lambda old: (old or SHEET_RELS_BODY).replace(
                b"</Relationships>",
                relationship(REL + "oleObject", "file:///C:/x.xls", "External")
                + b"</Relationships>",
            ),
        },
        SHEET_RELS,
    ),
    "embedded-package": (
        {
            "xl/embeddings/Tai_lieu.docx": add(b"PK\x03\x04 a docx"),
            SHEET_RELS: lambda old: (old or SHEET_RELS_BODY).replace(
                b"</Relationships>",
                relationship(REL + "package", "../embeddings/Tai_lieu.docx") + b"</Relationships>",
            ),
        },
        SHEET_RELS,
    ),
    # A compound file under an image's name, declared nowhere.
    "ole-bytes-under-an-image-name": (
        {"xl/media/image9.png": add(OLE)},
        "xl/media/image9.png",
    ),
}


@pytest.mark.parametrize("case", sorted(ACTIVE_XLSX))
def test_active_content_is_refused_by_content(tmp_path: Path, case: str) -> None:
    edits, part = ACTIVE_XLSX[case]
    said = refusal_of(tmp_path, "phieu.xlsx", make_returns.patch(BASE_VPTU, edits))
    assert said.startswith("phieu.xlsx: phiếu có chứa macro hoặc đối tượng nhúng"), said
    assert f"ở phần {part};" in said and "phiếu gốc" in said


def test_a_declaring_part_that_is_not_xml_is_refused(tmp_path: Path) -> None:
    damaged = make_returns.patch(BASE_VPTU, {SHEET_RELS: add(b"<Relationships><oops")})
    said = refusal_of(tmp_path, "phieu.xlsx", damaged)
    assert f"phần {SHEET_RELS} bị hỏng" in said


def test_an_active_return_leaves_the_tracker_and_is_filed_refused(fresh: Workspace) -> None:
    edits, _ = ACTIVE_XLSX["vba-by-relationship-only"]
    data = make_returns.patch(BASE_VPTU, edits)
    drop(fresh, "Phieu_VPTU.xlsx", data)
    before = digest(fresh.workbook)
    outcome = merge_inbox(fresh)
    (res,) = outcome.results
    assert res.status == "refused" and ACTIVE in res.reasons[0]
    assert digest(fresh.workbook) == before
    target = folder(fresh, "archive_dir") / REFUSED_DIR / f"{sha(data)[:16]}_Phieu_VPTU.xlsx"
    assert outcome.archived == [target]


def _printer_settings(data: bytes) -> bytes:
    """What Excel adds on "Page Setup": a DEVMODE in a .bin part (not a compound file)."""
    devmode = "Microsoft Print to PDF".encode("utf-16-le").ljust(64, b"\0") + b"\x01\x04" * 100
    return make_returns.patch(
        data,
        {
            "xl/printerSettings/printerSettings1.bin": add(devmode),
            "[Content_Types].xml": insert(
                b"</Types>",
                b'<Default Extension="bin" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.printerSettings"/>',
            ),
            SHEET_RELS: lambda old: (old or SHEET_RELS_BODY).replace(
                b"</Relationships>",
                relationship(REL + "printerSettings", "../printerSettings/printerSettings1.bin")
                + b"</Relationships>",
            ),
        },
    )


def _chart_and_comment(wb: Workbook) -> None:
    sheet = wb[FORM_SHEET]
    sheet["H7"].comment = Comment("Số liệu đến ngày 24/11", "VPTU")
    chart = BarChart()
    chart.add_data(Reference(sheet, min_col=6, min_row=7, max_row=12))
    sheet.add_chart(chart, "P3")


ROWS = {0: {"status": "Đang triển khai", "progress": 40, "result": "Đã rà soát 8/20 xã"}}


@pytest.fixture(scope="module")
def rich_return(corpus_workspace: Workspace) -> bytes:
    """A return saved by openpyxl with a chart and a comment on the form's sheet."""
    form = make_returns.form_path(corpus_workspace, "VPTU")
    data: bytes = make_returns.fill(form, ROWS, edit=_chart_and_comment)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert any(n.startswith("xl/charts/") for n in names) and any(n.endswith(".vml") for n in names)
    return data


@pytest.mark.parametrize("extra", ["chart-and-comment", "printer-settings", "both"])
def test_openpyxl_saves_with_harmless_parts_are_merged(
    fresh: Workspace, rich_return: bytes, extra: str
) -> None:
    plain = make_returns.fill(make_returns.form_path(fresh, "VPTU"), ROWS)
    data = {
        "chart-and-comment": rich_return,
        "printer-settings": _printer_settings(plain),
        "both": _printer_settings(rich_return),
    }[extra]
    drop(fresh, "Phieu_VPTU.xlsx", data)
    (res,) = merge_inbox(fresh).results
    assert res.status == "accepted", res.reasons
    assert {(c.field, c.new) for c in res.changes} >= {("status", "Đang triển khai")}


def _restamp(data: bytes, saved: datetime) -> bytes:
    """The "last saved" time of a LibreOffice save set to ``saved``, every other byte of each
    part and each entry's compression kept (LibreOffice stamps the real clock)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename == "docProps/core.xml":
                stamp = saved.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
                body = re.sub(rb"(<dcterms:modified\b[^>]*>)[^<]*", rb"\g<1>" + stamp, body)
            elif info.filename == "meta.xml":
                stamp = saved.strftime("%Y-%m-%dT%H:%M:%S").encode()
                body = re.sub(rb"(<dc:date>)[^<]*", rb"\g<1>" + stamp, body)
            dst.writestr(info, body)
    return out.getvalue()


@pytest.fixture(scope="module")
def libreoffice_saves(
    rich_return: bytes, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, bytes]:
    """The rich return opened in LibreOffice and saved as .xlsx and as .ods."""
    tmp = tmp_path_factory.mktemp("lo")
    source = tmp / "Phieu_VPTU.xlsx"
    source.write_bytes(rich_return)
    saves = {}
    for suffix, filter_name in ((".xlsx", XLSX_FILTER), (".ods", ODS_FILTER)):
        target = tmp / f"saved{suffix}"
        type_and_save(source, [], tmp, save_as=target, filter=filter_name)
        saves[suffix] = _restamp(target.read_bytes(), make_returns.SAVED)
    return saves


@needs_libreoffice
@pytest.mark.parametrize("suffix", [".xlsx", ".ods"])
def test_libreoffice_saves_with_a_chart_and_a_comment_are_merged(
    fresh: Workspace, libreoffice_saves: dict[str, bytes], suffix: str
) -> None:
    data = libreoffice_saves[suffix]
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        if suffix == ".ods":  # the chart is an embedded object of its own
            manifest = zf.read("META-INF/manifest.xml")
            assert b"application/vnd.oasis.opendocument.chart" in manifest
            assert any(n.startswith("Object 1/") for n in names)
        else:
            assert any(n.startswith("xl/charts/") for n in names)
    drop(fresh, f"Phieu_VPTU{suffix}", data)
    (res,) = merge_inbox(fresh).results
    assert res.status == "accepted", res.reasons
    assert ("status", "Đang triển khai") in {(c.field, c.new) for c in res.changes}


def _manifest_entry(path: str, media: str) -> bytes:
    return (
        f' <manifest:file-entry manifest:full-path="{path}" manifest:media-type="{media}"/>\n'
    ).encode()


ODS_CASES: dict[str, tuple[dict[str, Any], str]] = {
    "embedded-ole-object": (
        {
            "Object 2": add(b"an OLE object's bytes, not yet a compound file"),
            "META-INF/manifest.xml": insert(
                b"</manifest:manifest>",
                _manifest_entry("Object 2", "application/vnd.sun.star.oleobject"),
            ),
        },
        "META-INF/manifest.xml",
    ),
    "embedded-text-document": (
        {
            "Object 3/content.xml": add(b"<office:document-content/>"),
            "META-INF/manifest.xml": insert(
                b"</manifest:manifest>",
                _manifest_entry("Object 3/", "application/vnd.oasis.opendocument.text"),
            ),
        },
        "META-INF/manifest.xml",
    ),
    "basic-inside-an-embedded-object": (
        {"Object 1/Basic/Standard/Module1.xml": add(b"<script:module/>")},
        "Object 1/Basic/Standard/Module1.xml",
    ),
    "ole-bytes-as-a-picture": (
        {"Pictures/1000.png": add(OLE)},
        "Pictures/1000.png",
    ),
    "script-on-document-load": (
        {
            "content.xml": make_returns.sub(
                rb"<office:scripts\s*/>",
                b"<office:scripts><office:event-listeners><script:event-listener "
                b'script:language="ooo:script" script:event-name="dom:load" '
                b'xlink:href="vnd.sun.star.script:Standard.Module1.Main?language=Basic&amp;'
                b'location=document" xlink:type="simple"/></office:event-listeners>'
                b"</office:scripts>",
            )
        },
        "content.xml",
    ),
}


@needs_libreoffice
@pytest.mark.parametrize("case", sorted(ODS_CASES))
def test_active_content_in_an_ods_is_refused(
    tmp_path: Path, libreoffice_saves: dict[str, bytes], case: str
) -> None:
    edits, part = ODS_CASES[case]
    data = make_returns.patch(libreoffice_saves[".ods"], edits)
    assert edits.keys() <= set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    said = refusal_of(tmp_path, "phieu.ods", data)
    assert said.startswith("phieu.ods: phiếu có chứa macro hoặc đối tượng nhúng"), said
    assert f"ở phần {part};" in said


# -- containers: one outcome and one place in the archive per return ---------------------------
def _zip(members: list[tuple[str, bytes]], damage: str = "") -> bytes:
    """A zip of ``members``; the member named ``damage`` stored with a byte flipped (its
    CRC no longer matches: it cannot be read out)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            method = zipfile.ZIP_STORED if name == damage else zipfile.ZIP_DEFLATED
            zf.writestr(name, data, compress_type=method)
    raw = bytearray(buf.getvalue())
    if damage:
        data = dict(members)[damage]
        at = bytes(raw).index(data)
        raw[at + len(data) // 2] ^= 0xFF
    return bytes(raw)


def _mail(attachments: list[tuple[str, bytes]]) -> bytes:
    msg = EmailMessage()
    msg["Subject"] = "Báo cáo tiến độ tháng 11/2026"
    msg["From"] = "Văn phòng Tỉnh ủy <vptu@dienbien.dcs.vn>"
    msg["To"] = "tonghop@dienbien.dcs.vn"
    msg.set_content("Kính gửi Văn phòng Tỉnh ủy,\nĐơn vị gửi kèm phiếu báo cáo.\n")
    for name, data in attachments:
        if name.endswith(".zip"):
            msg.add_attachment(data, maintype="application", subtype="zip", filename=name)
        else:
            msg.add_attachment(data, maintype=XLSX_MIME[0], subtype=XLSX_MIME[1], filename=name)
    return bytes(msg)


def copy_of(ws: Workspace, container: str, member: str, data: bytes, *, refused: bool) -> Path:
    root = folder(ws, "archive_dir")
    return (root / REFUSED_DIR if refused else root) / f"{sha(data)[:16]}_{container}__{member}"


def original(ws: Workspace, name: str, data: bytes) -> Path:
    return folder(ws, "archive_dir") / ORIGINALS_DIR / f"{sha(data)[:16]}_{name}"


def test_zip_of_good_bad_nested_and_damaged_returns(fresh: Workspace) -> None:
    nested = _zip([("PhieuBaoCao_UBKTTU.xlsx", UBKTTU_RETURN)])
    damaged = b"PK\x03\x04" + bytes(range(256)) * 40  # stored, then a byte flipped
    z = "phieu_thang11.zip"
    data = _zip(
        [
            ("BaoCao/PhieuBaoCao_VPTU.xlsx", BASE_VPTU),
            ("BaoCao/con.zip", nested),
            ("BaoCao/hong.xlsx", damaged),
            ("BaoCao/progress_150.xlsx", PROGRESS_150),
            ("BaoCao/PhieuBaoCao_UBKTTU.xlsx", UBKTTU_RETURN),
            ("BaoCao/ghi-chu.txt", "không phải phiếu".encode()),
        ],
        damage="BaoCao/hong.xlsx",
    )
    path = drop(fresh, z, data)
    outcome = merge_inbox(fresh)

    by_name = {r.name: r for r in outcome.results}
    assert len(outcome.results) == len(by_name) == 5  # one row per return, none for the .txt
    vptu, ubkt = by_name[f"{z} › PhieuBaoCao_VPTU.xlsx"], by_name[f"{z} › PhieuBaoCao_UBKTTU.xlsx"]
    assert (vptu.status, ubkt.status) == ("accepted", "accepted"), [vptu.reasons, ubkt.reasons]
    assert same_changes(vptu, "base_vptu.xlsx") and same_changes(ubkt, "in_zip.zip")
    assert (vptu.sha256, ubkt.sha256) == (sha(BASE_VPTU), sha(UBKTTU_RETURN))
    bad = by_name[f"{z} › progress_150.xlsx"]
    assert bad.status == "refused" and "150%" in bad.reasons[0]
    inner = by_name[f"{z} › con.zip"]
    assert inner.status == "refused" and inner.sha256 == sha(nested)
    assert inner.reasons[0].startswith(f"Tệp nén {z} chứa tệp nén lồng nhau con.zip; không xử lý.")
    broken = by_name[f"{z} › hong.xlsx"]
    assert broken.status == "refused" and broken.sha256 == ""
    assert broken.reasons == [f"Tệp nén {z}: không giải nén được BaoCao/hong.xlsx."]
    assert all(r.path == path for r in outcome.results)

    # Each return filed by its own outcome, the zip itself once among the originals.
    filed = [
        copy_of(fresh, z, "PhieuBaoCao_VPTU.xlsx", BASE_VPTU, refused=False),
        copy_of(fresh, z, "con.zip", nested, refused=True),
        copy_of(fresh, z, "progress_150.xlsx", PROGRESS_150, refused=True),
        copy_of(fresh, z, "PhieuBaoCao_UBKTTU.xlsx", UBKTTU_RETURN, refused=False),
        original(fresh, z, data),
    ]
    assert outcome.archived == filed
    assert [p.read_bytes() for p in filed] == [BASE_VPTU, nested, PROGRESS_150, UBKTTU_RETURN, data]
    assert not path.exists()
    archive = folder(fresh, "archive_dir")
    assert sorted(p for p in archive.rglob("*") if p.is_file()) == sorted(filed)
    assert archived_outcome(archive, z) == "refused"  # what the mailbox reads back
    assert outcome.report is not None
    report = outcome.report.read_text("utf-8-sig")
    assert all(name in report for name in by_name)

    # The same zip again: its returns are duplicates or refused again, the copies kept.
    drop(fresh, z, data)
    snapshot = digest(fresh.workbook)
    again = merge_inbox(fresh)
    assert sorted(r.status for r in again.results) == ["duplicate"] * 2 + ["refused"] * 3
    assert digest(fresh.workbook) == snapshot
    assert again.archived == filed
    assert sorted(p for p in archive.rglob("*") if p.is_file()) == sorted(filed)


def test_mail_with_a_good_and_a_refused_return(fresh: Workspace) -> None:
    name = "mail_17_0a1b2c3d4e5f.eml"
    broken_zip = b"PK\x03\x04 cut off while sending"
    mail = _mail(
        [
            ("Phiếu_VPTU.xlsx", BASE_VPTU),
            ("Phiếu sai.xlsx", PROGRESS_150),
            ("Phụ lục.zip", broken_zip),
        ]
    )
    path = drop(fresh, name, mail)
    outcome = merge_inbox(fresh)
    assert sorted((r.name, r.status) for r in outcome.results) == [
        (f"{name} › Phiếu sai.xlsx", "refused"),
        (f"{name} › Phiếu_VPTU.xlsx", "accepted"),
        (f"{name} › Phụ lục.zip", "refused"),
    ]
    by_name = {r.name: r for r in outcome.results}
    assert same_changes(by_name[f"{name} › Phiếu_VPTU.xlsx"], "base_vptu.xlsx")
    assert by_name[f"{name} › Phụ lục.zip"].reasons == [
        f"Tệp nén {name} › Phụ lục.zip bị hỏng; không đọc được."
    ]
    filed = {
        copy_of(fresh, name, "Phiếu_VPTU.xlsx", BASE_VPTU, refused=False),
        copy_of(fresh, name, "Phiếu sai.xlsx", PROGRESS_150, refused=True),
        copy_of(fresh, name, "Phụ lục.zip", broken_zip, refused=True),
        original(fresh, name, mail),
    }
    assert set(outcome.archived) == filed and len(outcome.archived) == 4
    assert outcome.archived[-1] == original(fresh, name, mail)
    assert all(p.exists() for p in filed) and not path.exists()
    assert archived_outcome(folder(fresh, "archive_dir"), name) == "refused"


def test_mail_whose_returns_are_all_merged_is_filed_as_merged(fresh: Workspace) -> None:
    name = "mail_18_aa.eml"
    zipped = _zip([("BaoCao/PhieuBaoCao_UBKTTU.xlsx", UBKTTU_RETURN)])
    mail = _mail([("Phiếu_VPTU.xlsx", BASE_VPTU), ("Phiếu.zip", zipped)])
    drop(fresh, name, mail)
    outcome = merge_inbox(fresh)
    assert sorted((r.name, r.status) for r in outcome.results) == [
        (f"{name} › Phiếu.zip › PhieuBaoCao_UBKTTU.xlsx", "accepted"),
        (f"{name} › Phiếu_VPTU.xlsx", "accepted"),
    ]
    assert set(outcome.archived) == {
        copy_of(fresh, name, "Phiếu_VPTU.xlsx", BASE_VPTU, refused=False),
        copy_of(fresh, name, "Phiếu.zip__PhieuBaoCao_UBKTTU.xlsx", UBKTTU_RETURN, refused=False),
        original(fresh, name, mail),
    }
    assert archived_outcome(folder(fresh, "archive_dir"), name) == "merged"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        (
            "tai_lieu.zip",
            _zip([("CongVan.pdf", b"%PDF-1.4\n%%EOF\n")]),
            "Tệp nén tai_lieu.zip không có phiếu báo cáo (.xlsx hoặc .ods) nào.",
        ),
        (
            "thu.eml",
            _mail([("Tài liệu.zip", _zip([("CongVan.pdf", b"%PDF-1.4\n%%EOF\n")]))]),
            "Thư thu.eml không có tệp đính kèm phiếu báo cáo (.xlsx hoặc .ods) nào.",
        ),
    ],
    ids=["zip", "mail-with-a-zip"],
)
def test_container_without_a_return_is_refused_whole(
    fresh: Workspace, name: str, data: bytes, message: str
) -> None:
    """Left unread it would stay in the inbox for ever; refused, it is filed like a bad file."""
    drop(fresh, name, data)
    outcome = merge_inbox(fresh)
    (res,) = outcome.results
    assert (res.name, res.status, res.reasons) == (name, "refused", [message])
    target = folder(fresh, "archive_dir") / REFUSED_DIR / f"{sha(data)[:16]}_{name}"
    assert outcome.archived == [target]


def test_missing_file_is_named_not_called_damaged(fresh: Workspace, tmp_path: Path) -> None:
    missing = [tmp_path / "khong_co.xlsx", tmp_path / "khong_co.zip", tmp_path / "khong_co.txt"]
    outcome = merge_returns(missing, workbook=fresh.workbook, now=NOW, today=TODAY)
    assert [r.reasons for r in outcome.results] == [
        [f"Không tìm thấy tệp {p}; hãy kiểm tra lại đường dẫn."] for p in missing
    ]


@pytest.mark.parametrize(
    ("name", "file_name"),
    [
        ("a.zip › Phieu_VPTU.xlsx", "Phieu_VPTU.xlsx"),
        ("thu.eml › Phiếu.zip › Phieu.xlsx", "Phiếu.zip__Phieu.xlsx"),
        ('a.zip › Phiếu: "VPTU"?.xlsx', "Phiếu_ _VPTU__.xlsx"),
        ("a.zip › Phie\u0302\u0301u.xlsx", "Phiếu.xlsx"),  # NFD from a Mac's zip
        ("a.zip › ...", "_"),
    ],
)
def test_member_copies_have_names_any_system_accepts(name: str, file_name: str) -> None:
    assert _member_file_name(name) == file_name


def test_long_member_name_is_cut_keeping_its_extension() -> None:
    cut = _member_file_name("a.zip › " + "Phiếu báo cáo " * 30 + ".xlsx")
    assert cut.endswith("~.xlsx") and len(cut.encode()) <= 120


def test_archived_outcome_reads_names_with_brackets(tmp_path: Path) -> None:
    """A mail saved as ``thu [2].eml`` is found by its own name, not read as a pattern."""
    (tmp_path / REFUSED_DIR).mkdir()
    (tmp_path / ORIGINALS_DIR).mkdir()
    (tmp_path / ORIGINALS_DIR / "0123456789abcdef_thu [2].eml").write_bytes(b"")
    (tmp_path / "fedcba9876543210_thu [2].eml__Phieu.xlsx").write_bytes(b"")
    (tmp_path / REFUSED_DIR / "0011223344556677_thu 2.eml__Phieu.xlsx").write_bytes(b"")
    assert archived_outcome(tmp_path, "thu [2].eml") == "merged"
    assert archived_outcome(tmp_path, "thu 2.eml") == "refused"
    assert archived_outcome(tmp_path, "thu 3.eml") is None
