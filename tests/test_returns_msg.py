"""Returns saved from Outlook as .msg files: the test-side writer, and merging from a .msg.

``msgfile.make_msg`` builds the .msg per MS-OXMSG on our compound file writer; it is checked
against two independent readers (extract_msg, which the merge uses, and olefile for the
layout) before any merge test relies on it. The merges run on the corpus workspace of
``tests/data/returns/make_returns.py`` with its committed returns.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import struct
import zipfile
from datetime import date, datetime
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from pathlib import Path
from typing import Any

import extract_msg
import olefile
import pytest
from cfbfile import read_cfb, write_cfb
from conftest import corpus_generator
from msgfile import make_msg, short_name

from xladdin.commands.merge import ORIGINALS_DIR, REFUSED_DIR, MergeOutcome, merge_returns
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

CORPUS = Path(__file__).resolve().parent / "data" / "returns"
NOW = datetime(2026, 11, 27, 9, 0)
TODAY = date(2026, 11, 27)
XLSX_MIME = ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")
EDITABLE = ("status", "progress", "result", "difficulties", "proposals")
SUBJECT = "RE: Báo cáo tiến độ thực hiện nhiệm vụ tháng 11/2026"
BODY = "Kính gửi Văn phòng Tỉnh ủy,\r\nĐơn vị gửi kèm phiếu báo cáo.\r\nTrân trọng."
PDF = b"%PDF-1.4\n% cong van kem theo\n%%EOF\n"


make_returns = corpus_generator()
CASES: dict[str, dict[str, Any]] = json.loads((CORPUS / "expected.json").read_text("utf-8"))[
    "cases"
]
BASE_VPTU = (CORPUS / "base_vptu.xlsx").read_bytes()
with zipfile.ZipFile(CORPUS / "in_zip.zip") as _zf:
    (UBKTTU_NAME,) = (Path(n).name for n in _zf.namelist())
    UBKTTU_RETURN = _zf.read(_zf.namelist()[0])


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def expected_changes(case: str) -> list[tuple[str, str, Any]]:
    return [(k, f, v) for k, f, v in CASES[case]["changes"]]


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, date):  # a completion date; expected.json holds it in ISO form
        a = a.isoformat()
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return bool(a == b)


def _same_changes(got: list[tuple[str, str, Any]], want: list[tuple[str, str, Any]]) -> bool:
    return len(got) == len(want) and all(
        g[:2] == w[:2] and _same(g[2], w[2]) for g, w in zip(got, want, strict=True)
    )


# -- the writer, read back independently ---------------------------------------------------------
def _attachments() -> list[tuple[str, bytes]]:
    # One attachment above the 4096-byte mini-stream cutoff, one below it.
    assert len(BASE_VPTU) > 4096 > len(PDF)
    return [("Phiếu_VPTU.xlsx", BASE_VPTU), ("Công văn kèm theo.pdf", PDF)]


def test_msg_round_trips_through_extract_msg() -> None:
    data = make_msg(SUBJECT, BODY, _attachments(), "Văn phòng Tỉnh ủy <vptu@dienbien.dcs.vn>")
    msg = extract_msg.openMsg(io.BytesIO(data))
    try:
        assert isinstance(msg, extract_msg.Message)
        assert msg.classType == "IPM.Note"
        assert msg.subject == SUBJECT
        assert msg.body == BODY
        assert msg.sender == "Văn phòng Tỉnh ủy <vptu@dienbien.dcs.vn>"
        assert msg.to == "Văn phòng Tỉnh ủy <vptu@dienbien.dcs.vn>"
        assert msg.date is not None and msg.date.isoformat() == "2026-11-24T08:00:00+00:00"
        got = [(a.longFilename, a.shortFilename, a.data) for a in msg.attachments]
        assert got == [
            ("Phiếu_VPTU.xlsx", "PHIEU_~1.XLS", BASE_VPTU),
            ("Công văn kèm theo.pdf", "CONGVA~2.PDF", PDF),
        ]
        assert [a.mimetype for a in msg.attachments] == ["/".join(XLSX_MIME), "application/pdf"]
    finally:
        msg.close()
    assert make_msg(SUBJECT, BODY, _attachments(), "Văn phòng Tỉnh ủy <vptu@dienbien.dcs.vn>") == (
        data
    ), "the same mail must give the same bytes"


def _entries(props: bytes, header: int) -> dict[int, tuple[int, bytes]]:
    assert (len(props) - header) % 16 == 0
    out = {}
    for off in range(header, len(props), 16):
        tag, flags = struct.unpack_from("<II", props, off)
        out[tag] = (flags, props[off + 8 : off + 16])
    return out


def _check_object(ole: olefile.OleFileIO, storage: list[str], header: int) -> dict[int, bytes]:
    """Every __substg1.0_ stream of one object has its entry, with the size MS-OXMSG asks."""
    props = ole.openstream([*storage, "__properties_version1.0"]).read()
    entries = _entries(props, header)
    streams = {
        p[-1]: ole.openstream(p).read()
        for p in ole.listdir()
        if p[:-1] == storage and p[-1].startswith("__substg1.0_")
    }
    variable = {t for t in entries if t & 0xFFFF in (0x001F, 0x0102)}
    assert {int(name[-8:], 16) for name in streams} == variable
    for name, data in streams.items():
        tag = int(name[-8:], 16)
        size, reserved = struct.unpack("<II", entries[tag][1])
        assert size == len(data) + (2 if tag & 0xFFFF == 0x001F else 0), name
        assert reserved == 0
    assert all(flags == 6 for flags, _ in entries.values())  # readable | writable
    return {t: v for t, (_, v) in entries.items()}


def test_msg_layout_is_what_ms_oxmsg_describes() -> None:
    data = make_msg(SUBJECT, BODY, _attachments())
    # The strictest olefile: any defect, even an unsure one, raises.
    ole = olefile.OleFileIO(io.BytesIO(data), raise_defects=olefile.DEFECT_UNSURE)
    try:
        assert ole.parsing_issues == []
        top = {p[0] for p in ole.listdir(streams=True, storages=True)}
        storages = {
            "__attach_version1.0_#00000000",
            "__attach_version1.0_#00000001",
            "__recip_version1.0_#00000000",
            "__nameid_version1.0",
        }
        assert storages <= top
        assert all(ole.get_type(s) == olefile.STGTY_STORAGE for s in storages)
        assert ole.get_type("__properties_version1.0") == olefile.STGTY_STREAM

        # Top-level property stream: 32-byte header with the recipient and attachment counts.
        props = ole.openstream("__properties_version1.0").read()
        assert struct.unpack_from("<8sIIII8s", props) == (b"\0" * 8, 1, 2, 1, 2, b"\0" * 8)
        message = _check_object(ole, [], 32)
        for stream, text in (
            ("__substg1.0_001A001F", "IPM.Note"),
            ("__substg1.0_0037001F", SUBJECT),
            ("__substg1.0_003D001F", "RE: "),
            ("__substg1.0_0E1D001F", SUBJECT[4:]),
            ("__substg1.0_1000001F", BODY),
            ("__substg1.0_0C1A001F", "Ủy ban Kiểm tra Tỉnh ủy"),
        ):
            assert ole.openstream(stream).read() == text.encode("utf-16-le"), stream
        assert struct.unpack("<I4x", message[0x340D0003]) == (0x40000,)  # STORE_UNICODE_OK

        # Attachments: 8-byte header, by value, numbered, bytes in 37010102.
        for i, (name, content) in enumerate(_attachments()):
            storage = f"__attach_version1.0_#{i:08X}"
            raw = ole.openstream([storage, "__properties_version1.0"]).read()
            assert raw[:8] == b"\0" * 8
            att = _check_object(ole, [storage], 8)
            assert struct.unpack("<I4x", att[0x37050003]) == (1,)  # PidTagAttachMethod
            assert struct.unpack("<I4x", att[0x0E210003]) == (i,)  # PidTagAttachNumber
            assert ole.openstream([storage, "__substg1.0_37010102"]).read() == content
            for tag, text in (
                ("3707001F", name),
                ("3704001F", short_name(name, i + 1)),
                ("3703001F", Path(name).suffix),
            ):
                stream = ole.openstream([storage, f"__substg1.0_{tag}"]).read()
                assert stream.decode("utf-16-le") == text

        recip = _check_object(ole, ["__recip_version1.0_#00000000"], 8)
        assert struct.unpack("<I4x", recip[0x0C150003]) == (1,)  # MAPI_TO

        # Named-property mapping: the three streams readers look for, empty.
        for stream in ("00020102", "00030102", "00040102"):
            path = ["__nameid_version1.0", f"__substg1.0_{stream}"]
            assert ole.get_type(path) == olefile.STGTY_STREAM
            assert ole.get_size(path) == 0
        # Our own reader sees the same streams.
        ours = read_cfb(data)
        assert {"/".join(p): ole.openstream(p).read() for p in ole.listdir()} == ours
    finally:
        ole.close()


# -- merging from a .msg ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    ws: Workspace = make_returns.build_workspace(tmp_path_factory.mktemp("msgcorpus") / "ws")
    return ws


def _fresh(corpus_workspace: Workspace, root: Path) -> Workspace:
    shutil.copytree(corpus_workspace.root, root)
    return Workspace(root, root / corpus_workspace.workbook.name)


@pytest.fixture
def fresh(corpus_workspace: Workspace, tmp_path: Path) -> Workspace:
    return _fresh(corpus_workspace, tmp_path / "ws")


def _folder(ws: Workspace, key: str) -> Path:
    return ws.folder(TrackerWorkbook.open(ws.workbook).read_config(), key)


def _drop(ws: Workspace, name: str, data: bytes) -> Path:
    inbox = _folder(ws, "inbox_dir")
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / name
    path.write_bytes(data)
    return path


def _merge(ws: Workspace) -> MergeOutcome:
    """`theodoi merge` as the office runs it: the inbox, then filing into archive/."""
    return merge_returns(workbook=ws.workbook, now=NOW, today=TODAY)


def _archived(ws: Workspace, name: str, data: bytes, *, refused: bool = False) -> Path:
    folder = _folder(ws, "archive_dir") / (REFUSED_DIR if refused else "")
    return folder / f"{hashlib.sha256(data).hexdigest()[:16]}_{name}"


def _original(ws: Workspace, name: str, data: bytes) -> Path:
    """Where a mail whose returns were filed one by one is kept as received."""
    return (
        _folder(ws, "archive_dir")
        / ORIGINALS_DIR
        / f"{hashlib.sha256(data).hexdigest()[:16]}_{name}"
    )


def _editable(ws: Workspace) -> dict[tuple[str, str], Any]:
    tasks = TrackerWorkbook.open(ws.workbook).read_tasks().to_dict("records")
    return {(str(t["key"]), f): t[f] for t in tasks for f in EDITABLE}


def test_msg_return_merges_like_the_bare_workbook(
    corpus_workspace: Workspace, tmp_path: Path
) -> None:
    bare_ws = _fresh(corpus_workspace, tmp_path / "bare")
    _drop(bare_ws, "base_vptu.xlsx", BASE_VPTU)
    (bare,) = _merge(bare_ws).results
    assert bare.status == "accepted", bare.reasons

    ws = _fresh(corpus_workspace, tmp_path / "msg")
    mail_name = "Báo cáo tiến độ tháng 11 - VPTU.msg"
    mail = make_msg(SUBJECT, BODY, [("Phiếu_VPTU.xlsx", BASE_VPTU)])
    path = _drop(ws, mail_name, mail)
    outcome = _merge(ws)

    (res,) = outcome.results
    assert res.status == "accepted", res.reasons
    assert res.name == f"{mail_name} › Phiếu_VPTU.xlsx"
    assert res.sha256 == hashlib.sha256(BASE_VPTU).hexdigest()  # the workbook's, not the mail's
    assert res.agency_code == bare.agency_code == "VPTU"
    assert [(c.key, c.field, c.old, c.new) for c in res.changes] == [
        (c.key, c.field, c.old, c.new) for c in bare.changes
    ]
    assert _same_changes(
        [(c.key, c.field, c.new) for c in res.changes], expected_changes("base_vptu.xlsx")
    )
    assert res.warnings == bare.warnings
    assert _editable(ws) == _editable(bare_ws)

    # Filed like any processed return: the workbook on its own under archive/, the mail as
    # received under archive/ban-goc/, out of the inbox, bytes untouched.
    copy = _archived(ws, f"{mail_name}__Phiếu_VPTU.xlsx", BASE_VPTU)
    target = _original(ws, mail_name, mail)
    assert not path.exists()
    assert outcome.archived == [copy, target]
    assert (copy.read_bytes(), target.read_bytes()) == (BASE_VPTU, mail)
    assert outcome.report is not None
    assert f"{mail_name} › Phiếu_VPTU.xlsx" in outcome.report.read_text("utf-8-sig")

    # The same workbook sent again bare is recognised as already merged.
    snapshot = digest(ws.workbook)
    _drop(ws, "base_vptu.xlsx", BASE_VPTU)
    (again,) = _merge(ws).results
    assert again.status == "duplicate", again.reasons
    assert digest(ws.workbook) == snapshot


def test_msg_with_a_return_and_a_pdf_merges_the_return(fresh: Workspace) -> None:
    mail = make_msg(SUBJECT, BODY, [("Phiếu_VPTU.xlsx", BASE_VPTU), ("Công văn kèm theo.pdf", PDF)])
    _drop(fresh, "thu_vptu.msg", mail)
    outcome = _merge(fresh)
    (res,) = outcome.results  # the pdf gives no result at all
    assert res.status == "accepted", res.reasons
    assert res.name == "thu_vptu.msg › Phiếu_VPTU.xlsx"
    got = [(c.key, c.field, c.new) for c in res.changes]
    assert _same_changes(got, expected_changes("base_vptu.xlsx"))
    assert outcome.archived == [
        _archived(fresh, "thu_vptu.msg__Phiếu_VPTU.xlsx", BASE_VPTU),
        _original(fresh, "thu_vptu.msg", mail),
    ]


@pytest.mark.parametrize(
    "attachments",
    [[("Công văn kèm theo.pdf", PDF)], []],
    ids=["only-a-pdf", "no-attachment"],
)
def test_msg_without_an_excel_attachment_is_refused(
    fresh: Workspace, attachments: list[tuple[str, bytes]]
) -> None:
    name = "Thư hỏi lại hạn nộp.msg"
    mail = make_msg("Hỏi về hạn nộp phiếu", "Xin hỏi hạn nộp phiếu tháng 11.", attachments)
    _drop(fresh, name, mail)
    before = digest(fresh.workbook)
    outcome = _merge(fresh)
    (res,) = outcome.results
    assert res.status == "refused"
    assert res.name == name
    assert res.reasons == [f"Thư Outlook {name} không có tệp đính kèm Excel (.xlsx) nào."]
    assert res.changes == []
    assert digest(fresh.workbook) == before
    assert outcome.archived == [_archived(fresh, name, mail, refused=True)]


def _damaged() -> dict[str, bytes]:
    mail = make_msg(SUBJECT, BODY, [("Phiếu_VPTU.xlsx", BASE_VPTU)])
    return {
        "half": mail[: len(mail) // 2],
        "header-only": mail[:512],
        "last-byte-missing": mail[:-1],
        "signature-only": mail[:8],
        "a-workbook-renamed": BASE_VPTU,
        "empty": b"",
    }


@pytest.mark.parametrize("damage", sorted(_damaged()))
def test_damaged_msg_is_refused_and_the_tracker_unchanged(fresh: Workspace, damage: str) -> None:
    data = _damaged()[damage]
    _drop(fresh, "thu_hong.msg", data)
    before = digest(fresh.workbook)
    outcome = _merge(fresh)
    (res,) = outcome.results
    assert res.status == "refused"
    assert res.reasons == ["Thư Outlook thu_hong.msg bị hỏng; không đọc được."]
    assert digest(fresh.workbook) == before
    assert outcome.archived == [_archived(fresh, "thu_hong.msg", data, refused=True)]


def test_msg_with_a_zip_of_two_returns_merges_both(fresh: Workspace) -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("BaoCao/PhieuBaoCao_VPTU_2026-11.xlsx", BASE_VPTU)
        zf.writestr(f"BaoCao/{UBKTTU_NAME}", UBKTTU_RETURN)
    mail = make_msg(SUBJECT, BODY, [("Phiếu báo cáo.zip", buf.getvalue())])
    _drop(fresh, "thu_tong_hop.msg", mail)
    outcome = _merge(fresh)
    by_name = {r.name: r for r in outcome.results}
    inner = "thu_tong_hop.msg › Phiếu báo cáo.zip"
    assert sorted(by_name) == sorted(
        [f"{inner} › PhieuBaoCao_VPTU_2026-11.xlsx", f"{inner} › {UBKTTU_NAME}"]
    )
    vptu, ubkt = (
        by_name[f"{inner} › PhieuBaoCao_VPTU_2026-11.xlsx"],
        by_name[f"{inner} › {UBKTTU_NAME}"],
    )
    assert (vptu.status, ubkt.status) == ("accepted", "accepted"), [vptu.reasons, ubkt.reasons]
    assert (vptu.agency_code, ubkt.agency_code) == ("VPTU", "UBKTTU")
    got = {r.agency_code: [(c.key, c.field, c.new) for c in r.changes] for r in (vptu, ubkt)}
    assert _same_changes(got["VPTU"], expected_changes("base_vptu.xlsx"))
    assert _same_changes(got["UBKTTU"], expected_changes("in_zip.zip"))
    zipped = "thu_tong_hop.msg__Phiếu báo cáo.zip"
    assert outcome.archived == [
        _archived(fresh, f"{zipped}__PhieuBaoCao_VPTU_2026-11.xlsx", BASE_VPTU),
        _archived(fresh, f"{zipped}__{UBKTTU_NAME}", UBKTTU_RETURN),
        _original(fresh, "thu_tong_hop.msg", mail),
    ]


def test_msg_attachment_with_only_a_short_name_is_read_by_content(fresh: Workspace) -> None:
    """Older mail programs give only the 8.3 name: PHIEU_~1.XLS is still an .xlsx inside."""
    mail = make_msg(SUBJECT, BODY, [("Phiếu_VPTU.xlsx", BASE_VPTU)], long_names=False)
    _drop(fresh, "thu.msg", mail)
    (res,) = _merge(fresh).results
    assert res.name == "thu.msg › PHIEU_~1.XLS"
    assert res.status == "accepted", res.reasons
    got = [(c.key, c.field, c.new) for c in res.changes]
    assert _same_changes(got, expected_changes("base_vptu.xlsx"))


def test_clear_signed_msg_return_is_merged(fresh: Workspace) -> None:
    """An S/MIME clear-signed mail: Outlook keeps the whole MIME in one smime.p7m attachment."""
    content = EmailMessage()
    content.set_content("Kính gửi Văn phòng Tỉnh ủy,\nĐính kèm phiếu báo cáo.\n")
    content.add_attachment(
        BASE_VPTU, maintype=XLSX_MIME[0], subtype=XLSX_MIME[1], filename="Phiếu_VPTU.xlsx"
    )
    signed = MIMEMultipart("signed", protocol="application/pkcs7-signature", micalg="sha-256")
    signed.attach(content)
    signature = MIMEApplication(b"0\x82\x01\x00 not a real signature", "pkcs7-signature")
    signature.add_header("Content-Disposition", "attachment", filename="smime.p7s")
    signed.attach(signature)
    mail = make_msg(
        SUBJECT,
        BODY,
        [("smime.p7m", signed.as_bytes())],
        message_class="IPM.Note.SMIME.MultipartSigned",
    )
    _drop(fresh, "thu_ky_so.msg", mail)
    (res,) = _merge(fresh).results
    assert res.name == "thu_ky_so.msg › Phiếu_VPTU.xlsx"
    assert res.status == "accepted", res.reasons
    got = [(c.key, c.field, c.new) for c in res.changes]
    assert _same_changes(got, expected_changes("base_vptu.xlsx"))


def test_msg_with_a_malformed_attachment_name_is_refused(fresh: Workspace) -> None:
    streams = read_cfb(make_msg(SUBJECT, BODY, [("Phiếu_VPTU.xlsx", BASE_VPTU)]))
    streams["__attach_version1.0_#00000000/__substg1.0_3707001F"] += b"\0"  # odd length
    damaged = write_cfb(streams)
    _drop(fresh, "thu_ten_hong.msg", damaged)
    before = digest(fresh.workbook)
    (res,) = _merge(fresh).results
    assert res.status == "refused"
    assert "thu_ten_hong.msg" in res.reasons[0]
    assert digest(fresh.workbook) == before
