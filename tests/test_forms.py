"""Agency forms: who gets one, what it holds, how it is protected and signed."""

from __future__ import annotations

import io
import shutil
import subprocess
import unicodedata
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands.config import set_config
from xladdin.commands.forms import FormsOutcome, issue_forms, resolve_period
from xladdin.core.agencies import Agency, AgencyCatalogue
from xladdin.core.errors import UsageError, WorkbookFormatError
from xladdin.core.form_content import STATUS_MEANINGS, AgencyForm, form_file_name, instructions
from xladdin.core.forms import agency_codes, plan_forms
from xladdin.core.layout import (
    FORM_COLUMNS,
    FORM_COORD_COLUMNS,
    FORM_COORD_SHEET,
    FORM_EDITABLE,
    FORM_FIRST_ROW,
    FORM_FORMAT,
    FORM_HEADER_ROW,
    FORM_HELP_SHEET,
    FORM_LOCKED,
    FORM_META_KEYS,
    FORM_META_SHEET,
    FORM_REPORT_DATE_CELL,
    FORM_SHEET,
    FORM_VERSION,
    STATUSES,
    Level,
)
from xladdin.core.model import level_from_label
from xladdin.core.period import parse_period
from xladdin.core.signing import canonical, sign, verify
from xladdin.core.snapshot import snapshot_digest
from xladdin.io.form_io import form_bytes
from xladdin.io.workspace import Workspace

NOW = datetime(2026, 11, 21, 10, 0)
COL = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}
COORD_COL = {c.field: i + 1 for i, c in enumerate(FORM_COORD_COLUMNS)}


# -- signing -----------------------------------------------------------------------------
_text = st.text(min_size=0, max_size=20)
_fields = st.fixed_dictionaries(
    {
        "agency": _text,
        "period": _text,
        "keys": st.lists(_text, max_size=6),
        "version": _text,
        "issued_at": _text,
    }
)
_secret = st.binary(min_size=1, max_size=64)


@given(secret=_secret, fields=_fields)
def test_sign_verify_round_trip(secret: bytes, fields: dict[str, Any]) -> None:
    signature = sign(secret, **fields)
    assert len(signature) == 64 and int(signature, 16) >= 0
    assert verify(secret, signature, **fields)
    assert verify(secret, f"  {signature.upper()} ", **fields)  # as a spreadsheet may show it


@given(
    secret=_secret,
    fields=_fields,
    field=st.sampled_from(["agency", "period", "version", "issued_at"]),
    extra=st.text(min_size=1, max_size=5),
)
def test_changing_a_text_field_breaks_the_signature(
    secret: bytes, fields: dict[str, Any], field: str, extra: str
) -> None:
    signature = sign(secret, **fields)
    changed = {**fields, field: fields[field] + extra}
    assert not verify(secret, signature, **changed)


@given(secret=_secret, fields=_fields, data=st.data())
def test_changing_the_keys_breaks_the_signature(
    secret: bytes, fields: dict[str, Any], data: st.DataObject
) -> None:
    signature = sign(secret, **fields)
    keys: list[str] = fields["keys"]
    variants = [[*keys, "X"], [*keys[:-1], keys[-1] + "1"] if keys else ["1"]]
    if len(keys) > 1 and keys != keys[::-1]:
        variants.append(keys[::-1])  # the same keys in another order
    if keys:
        variants.append(keys[1:])
        variants.append([";".join(keys[:2]), *keys[2:]] if len(keys) > 1 else [])
    for other in variants:
        if other != keys:
            assert not verify(secret, signature, **{**fields, "keys": other})


@given(secret=_secret, other=_secret, fields=_fields)
def test_another_secret_does_not_verify(
    secret: bytes, other: bytes, fields: dict[str, Any]
) -> None:
    if other != secret:
        assert not verify(other, sign(secret, **fields), **fields)


def test_signature_encoding_is_unambiguous_and_nfc() -> None:
    base = {"agency": "VPTU", "period": "2026-11", "version": "1", "issued_at": "x"}
    assert canonical(keys=["A;B"], **base) != canonical(keys=["A", "B"], **base)
    assert canonical(keys=["A", "B"], **base) != canonical(keys=["AB"], **base)
    composed = {**base, "agency": unicodedata.normalize("NFC", "Ủy ban")}
    decomposed = {**base, "agency": unicodedata.normalize("NFD", "Ủy ban")}
    assert canonical(keys=[], **composed) == canonical(keys=[], **decomposed)
    assert canonical(keys=["I.1"], **base) == (
        b'{"agency":"VPTU","issued_at":"x","keys":["I.1"],"period":"2026-11","version":"1"}'
    )
    with pytest.raises(TypeError):
        sign(b"k", keys="I.1", **base)


@pytest.mark.parametrize("bad", [None, 12, "", "zz", "é" * 64, b"00"])
def test_malformed_signatures_do_not_verify(bad: Any) -> None:
    assert not verify(b"k", bad, agency="A", period="P", keys=[], version="1", issued_at="t")


# -- the pure plan -----------------------------------------------------------------------
def _catalogue() -> AgencyCatalogue:
    return AgencyCatalogue(
        [
            Agency(code="VPTU", name="Văn phòng Tỉnh ủy"),
            Agency(code="BTCTU", name="Ban Tổ chức Tỉnh ủy"),
            Agency(code="UBKTTU", name="Ủy ban Kiểm tra Tỉnh ủy", aliases=("UBKT Tỉnh ủy",)),
            Agency(code="STC", name="Sở Tài chính"),
            Agency(code="SVHTTDL", name="Sở Văn hóa, Thể thao và Du lịch"),
            Agency(code="CAT", name="Công an tỉnh"),
        ]
    )


def _task(key: str, lead: str, coordinating: str = "", **values: Any) -> dict[str, Any]:
    return {"key": key, "level": "Nhiệm vụ", "lead": lead, "coordinating": coordinating} | values


RECORDS: list[dict[str, Any]] = [
    {"key": "I", "level": "Phần", "content": "Phần I", "lead": "Văn phòng Tỉnh ủy"},
    _task(
        "I.1",
        "Văn Phòng Tỉnh ủy",
        "Ban Tổ chức Tỉnh ủy, Sở Tài chính",
        content="Nội dung một",
        timeframe="Hoàn thành 30/6/2026",
        due_date=date(2026, 6, 30),
        status="Đang triển khai",
        progress=45.5,
        result="Dòng một\nDòng hai",
        difficulties="=không phải công thức",
        proposals=None,
    ),
    _task("I.2", "Ban Tổ chức Tỉnh ủy; UBKT Tỉnh ủy", "Văn phòng Tỉnh ủy", progress=100.0),
    _task("I.3", "Sở Văn hóa, Thể thao và Du lịch", "Các cơ quan liên quan"),
    _task("I.4", "Một cơ quan lạ"),
    _task("I.5", "Văn phòng Tỉnh ủy", "Văn phòng Tỉnh ủy; Sở Tài chính", status="Hoàn thành"),
]


def _plan(records: list[dict[str, Any]] = RECORDS, secret: bytes = b"s" * 32) -> Any:
    return plan_forms(
        records,
        _catalogue(),
        plan="Kế hoạch thử",
        period=parse_period("2026-11"),
        return_deadline="25/11/2026",
        office="VĂN PHÒNG TỈNH ỦY ĐIỆN BIÊN",
        issued_at=datetime(2026, 11, 21, 10, 0, 5, 123),
        secret=secret,
    )


def _by_code(forms: tuple[AgencyForm, ...]) -> dict[str, AgencyForm]:
    return {f.agency.code: f for f in forms}


def test_plan_assigns_lead_and_coordination_tasks() -> None:
    plan = _plan()
    forms = _by_code(plan.forms)
    assert list(forms) == ["VPTU", "BTCTU", "UBKTTU", "STC", "SVHTTDL"]  # catalogue order
    assert forms["VPTU"].keys == ("I.1", "I.5")  # the section row is not a task
    assert [t.key for t in forms["VPTU"].coordinating] == ["I.2"]
    assert forms["BTCTU"].keys == ("I.2",) and forms["UBKTTU"].keys == ("I.2",)  # both leads
    assert [t.key for t in forms["BTCTU"].coordinating] == ["I.1"]
    assert forms["STC"].keys == () and [t.key for t in forms["STC"].coordinating] == ["I.1", "I.5"]
    assert forms["SVHTTDL"].keys == ("I.3",)  # a name with a comma stays whole
    assert [a.code for a in plan.skipped] == ["CAT"]
    assert plan.unassigned == ("I.4",)


def test_plan_metadata_and_signature() -> None:
    secret = b"s" * 32
    form = _by_code(_plan(secret=secret).forms)["VPTU"]
    meta = form.metadata()
    # The identifying rows in order, then the snapshot of what the form shows.
    assert list(meta)[: len(FORM_META_KEYS)] == list(FORM_META_KEYS)
    assert list(meta)[len(FORM_META_KEYS) :] == ["locked:I.1", "locked:I.5", "coord"]
    assert meta["format"] == FORM_FORMAT and meta["version"] == FORM_VERSION
    assert meta["issued_at"] == "2026-11-21T10:00:05"  # seconds, no microseconds
    assert meta["keys"] == "I.1;I.5" and meta["period"] == "2026-11"
    assert meta["agency_code"] == "VPTU" and meta["plan"] == "Kế hoạch thử"
    assert all(isinstance(v, str) for v in meta.values())
    assert verify(
        secret,
        meta["signature"],
        agency="VPTU",
        period="2026-11",
        keys=["I.1", "I.5"],
        version=FORM_VERSION,
        issued_at=meta["issued_at"],
        locked=snapshot_digest(meta, ["I.1", "I.5"]),
    )
    # Without the snapshot the signature no longer verifies: it cannot be dropped.
    assert not verify(
        secret,
        meta["signature"],
        agency="VPTU",
        period="2026-11",
        keys=["I.1", "I.5"],
        version=FORM_VERSION,
        issued_at=meta["issued_at"],
    )
    assert form.file_name == "PhieuBaoCao_VPTU_2026-11.xlsx" == form_file_name("VPTU", "2026-11")


@pytest.mark.parametrize(
    ("records", "words"),
    [
        ([_task("I.1", "Sở Tài chính"), _task("I.1", "Văn phòng Tỉnh ủy")], "bị trùng"),
        ([_task("", "Sở Tài chính")], "thiếu"),
        ([_task("I;1", "Sở Tài chính")], "dấu"),
    ],
)
def test_unusable_keys_stop_the_forms(records: list[dict[str, Any]], words: str) -> None:
    with pytest.raises(WorkbookFormatError, match=words):
        _plan(records)


def test_agency_codes_resolves_names_and_lists() -> None:
    cat = _catalogue()
    assert agency_codes("VPTU", cat) == ["VPTU"]
    assert agency_codes("Sở Văn hóa, Thể thao và Du lịch", cat) == ["SVHTTDL"]
    assert agency_codes("Ban Tổ chức Tỉnh ủy, Công an tỉnh; Ai đó", cat) == ["BTCTU", "CAT"]
    assert agency_codes(None, cat) == [] and agency_codes("  ", cat) == []


def test_instructions_explain_every_status_and_the_rules() -> None:
    assert tuple(STATUS_MEANINGS) == STATUSES
    form = _by_code(_plan().forms)["VPTU"]
    text = "\n".join(t for _s, t in instructions(form))
    for status in STATUSES:
        assert f"{status}:" in text
    for phrase in ("0 đến 100", "không kèm dấu %", "Không thêm, xóa", "đổi tên", "25/11/2026"):
        assert phrase in text
    assert text == unicodedata.normalize("NFC", text)


# -- the written file (pure) -------------------------------------------------------------
def _calamine(data: bytes) -> CalamineWorkbook:
    return CalamineWorkbook.from_filelike(io.BytesIO(data))


def test_form_file_values_read_back() -> None:
    form = _by_code(_plan().forms)["VPTU"]
    data = form_bytes(form)
    book = _calamine(data)
    assert book.sheet_names == [FORM_SHEET, FORM_COORD_SHEET, FORM_HELP_SHEET, FORM_META_SHEET]
    rows = book.get_sheet_by_name(FORM_SHEET).to_python(skip_empty_area=False)
    assert rows[0][0] == "PHIẾU BÁO CÁO TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ"
    assert rows[1][0] == "Kế hoạch thử"
    assert rows[2][0] == "Cơ quan: Văn phòng Tỉnh ủy"
    assert "Kỳ báo cáo: tháng 11 năm 2026 (2026-11)" in rows[2]
    assert "Hạn gửi: 25/11/2026" in rows[2]
    r, c = FORM_REPORT_DATE_CELL
    assert rows[r - 1][c - 2] == "Ngày lập phiếu:" and rows[r - 1][c - 1] == ""
    assert rows[FORM_HEADER_ROW - 1][: len(FORM_COLUMNS)] == [col.header for col in FORM_COLUMNS]
    body = rows[FORM_FIRST_ROW - 1 :]
    assert [row[COL["key"] - 1] for row in body] == ["I.1", "I.5"]
    first = body[0]
    assert first[COL["content"] - 1] == "Nội dung một"
    assert first[COL["due_date"] - 1] == date(2026, 6, 30)
    assert first[COL["status"] - 1] == "Đang triển khai"
    assert first[COL["progress"] - 1] == 45.5
    assert first[COL["result"] - 1] == "Dòng một\nDòng hai"  # line breaks kept
    assert first[COL["difficulties"] - 1] == "=không phải công thức"  # text, not a formula
    assert body[1][COL["status"] - 1] == "Hoàn thành"
    meta = book.get_sheet_by_name(FORM_META_SHEET).to_python()
    assert [row[0] for row in meta] == list(form.metadata())
    assert {row[0]: row[1] for row in meta} == form.metadata()


def test_form_protection_validations_and_package() -> None:
    form = _by_code(_plan().forms)["VPTU"]
    data = form_bytes(form)
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert not any("vbaProject" in n for n in names)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    assert wb.security is not None and wb.security.lockStructure
    ws = wb[FORM_SHEET]
    assert ws.protection.sheet and not ws.protection.password
    last = FORM_FIRST_ROW + len(form.lead) - 1
    for row in range(FORM_FIRST_ROW, last + 1):
        for field in FORM_EDITABLE:
            assert not ws.cell(row, COL[field]).protection.locked, (row, field)
        for field in FORM_LOCKED:
            assert ws.cell(row, COL[field]).protection.locked, (row, field)
    assert not ws.cell(*FORM_REPORT_DATE_CELL).protection.locked
    assert ws.cell(1, 1).protection.locked and ws.cell(FORM_HEADER_ROW, 1).protection.locked
    assert ws.cell(FORM_FIRST_ROW, COL["due_date"]).number_format == "dd/mm/yyyy"
    assert ws.freeze_panes == f"A{FORM_FIRST_ROW}"
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.fitToWidth == 1
    validations = {str(dv.sqref): dv for dv in ws.data_validations.dataValidation}
    status = validations[f"E{FORM_FIRST_ROW}:E{last}"]
    assert status.type == "list" and status.formula1 == '"' + ",".join(STATUSES) + '"'
    progress = validations[f"F{FORM_FIRST_ROW}:F{last}"]
    assert (progress.type, progress.operator) == ("decimal", "between")
    assert (progress.formula1, progress.formula2) == ("0", "100")
    for name in (FORM_COORD_SHEET, FORM_HELP_SHEET, FORM_META_SHEET):
        assert wb[name].protection.sheet
    coord = wb[FORM_COORD_SHEET]
    assert all(
        coord.cell(FORM_FIRST_ROW, c).protection.locked for c in range(1, len(COORD_COL) + 1)
    )
    assert wb[FORM_META_SHEET].sheet_state == "veryHidden"
    assert wb.properties.creator == "TheoDoiNhiemVu"
    assert wb.properties.title and "Văn phòng Tỉnh ủy" in wb.properties.title


def test_form_without_lead_tasks_has_an_empty_table() -> None:
    form = _by_code(_plan().forms)["STC"]
    data = form_bytes(form)
    rows = _calamine(data).get_sheet_by_name(FORM_SHEET).to_python(skip_empty_area=False)
    assert len(rows) == FORM_HEADER_ROW  # nothing below the header
    assert not openpyxl.load_workbook(io.BytesIO(data))[FORM_SHEET].data_validations.dataValidation
    meta = {r[0]: r[1] for r in _calamine(data).get_sheet_by_name(FORM_META_SHEET).to_python()}
    assert meta["keys"] == ""
    coord = _calamine(data).get_sheet_by_name(FORM_COORD_SHEET).to_python(skip_empty_area=False)
    assert [r[0] for r in coord[FORM_FIRST_ROW - 1 :]] == ["I.1", "I.5"]


def test_same_issue_time_gives_the_same_bytes() -> None:
    first = form_bytes(_by_code(_plan().forms)["VPTU"])
    assert form_bytes(_by_code(_plan().forms)["VPTU"]) == first


# -- issuing from a tracker --------------------------------------------------------------
def _expected(ws: Workspace) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """Lead and coordination keys by agency code, straight from the tracker (every lead of
    the sample plan names one agency)."""
    data = read_data(open_tracker(ws.workbook))
    catalogue = data.catalogue()
    lead: dict[str, list[str]] = {}
    coord: dict[str, list[str]] = {}
    for t in data.task_records():
        if level_from_label(t["level"]) is not Level.TASK:
            continue
        agency = catalogue.resolve(t["lead"] or "")
        assert agency is not None
        lead.setdefault(agency.code, []).append(t["key"])
        partner = catalogue.resolve(t["coordinating"] or "")
        if partner is not None and partner.code != agency.code:
            coord.setdefault(partner.code, []).append(t["key"])
    return lead, coord


@pytest.fixture
def issued(imported: Workspace) -> tuple[Workspace, FormsOutcome]:
    return imported, issue_forms("2026-11", workbook=imported.workbook, now=NOW)


def test_every_agency_with_tasks_gets_one_form(issued: tuple[Workspace, FormsOutcome]) -> None:
    ws, outcome = issued
    lead, coord = _expected(ws)
    assert outcome.period.code == "2026-11"
    assert outcome.folder == ws.root / "outbox" / "2026-11"
    codes = [f.code for f in outcome.forms]
    assert sorted(codes) == sorted(set(lead) | set(coord)) and len(set(codes)) == len(codes)
    assert sorted(p.name for p in outcome.folder.iterdir()) == sorted(
        f"PhieuBaoCao_{c}_2026-11.xlsx" for c in codes
    )
    for f in outcome.forms:
        assert f.path == outcome.folder / form_file_name(f.code, "2026-11")
        assert (f.n_lead, f.n_coordinating) == (
            len(lead.get(f.code, [])),
            len(coord.get(f.code, [])),
        )
    assert outcome.skipped == [] and outcome.unassigned == []


def test_issued_forms_read_back(issued: tuple[Workspace, FormsOutcome]) -> None:
    ws, outcome = issued
    lead, coord = _expected(ws)
    tasks = {t["key"]: t for t in read_data(open_tracker(ws.workbook)).task_records()}
    secret = ws.secret()
    for f in outcome.forms:
        data = f.path.read_bytes()
        book = _calamine(data)
        rows = book.get_sheet_by_name(FORM_SHEET).to_python(skip_empty_area=False)
        assert rows[FORM_HEADER_ROW - 1][: len(FORM_COLUMNS)] == [c.header for c in FORM_COLUMNS]
        body = rows[FORM_FIRST_ROW - 1 :]
        keys = [r[COL["key"] - 1] for r in body]
        assert keys == lead.get(f.code, [])
        for r in body:
            t = tasks[r[COL["key"] - 1]]
            assert r[COL["status"] - 1] == (t["status"] or "")
            assert r[COL["progress"] - 1] == ("" if t["progress"] is None else t["progress"])
            assert r[COL["content"] - 1] == t["content"]
            assert r[COL["due_date"] - 1] == (t["due_date"] or "")
        coord_rows = book.get_sheet_by_name(FORM_COORD_SHEET).to_python(skip_empty_area=False)
        assert coord_rows[FORM_HEADER_ROW - 1][: len(FORM_COORD_COLUMNS)] == [
            c.header for c in FORM_COORD_COLUMNS
        ]
        assert [r[0] for r in coord_rows[FORM_FIRST_ROW - 1 :]] == coord.get(f.code, [])
        meta = {r[0]: r[1] for r in book.get_sheet_by_name(FORM_META_SHEET).to_python()}
        assert meta["agency_code"] == f.code and meta["period"] == "2026-11"
        assert meta["issued_at"] == "2026-11-21T10:00:00"
        assert meta["keys"] == ";".join(keys)
        fields = {
            "agency": meta["agency_code"],
            "period": meta["period"],
            "keys": meta["keys"].split(";") if meta["keys"] else [],
            "version": meta["version"],
            "issued_at": meta["issued_at"],
            "locked": snapshot_digest(meta, meta["keys"].split(";") if meta["keys"] else []),
        }
        assert verify(secret, meta["signature"], **fields)
        assert not verify(b"another workspace secret", meta["signature"], **fields)
        wb = openpyxl.load_workbook(f.path)
        assert wb[FORM_META_SHEET].sheet_state == "veryHidden"
        assert wb[FORM_SHEET].protection.sheet
        assert wb.properties.created == NOW.astimezone(UTC).replace(tzinfo=None)
        assert not any("vbaProject" in n for n in zipfile.ZipFile(f.path).namelist())


def test_coordination_sheet_of_the_office(issued: tuple[Workspace, FormsOutcome]) -> None:
    _ws, outcome = issued
    vptu = next(f for f in outcome.forms if f.code == "VPTU")
    rows = _calamine(vptu.path.read_bytes()).get_sheet_by_name(FORM_COORD_SHEET).to_python()
    body = rows[FORM_FIRST_ROW - 1 :]
    assert [r[0] for r in body] == ["II.2.5", "II.2.6", "II.2.7", "II.2.8"]
    assert [r[COORD_COL["lead"] - 1] for r in body] == [
        "Ban Tổ chức Tỉnh ủy",
        "Ủy ban Kiểm tra Tỉnh ủy",  # the plan's "UBKT Tỉnh ủy", written out on import
        "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "Ban Nội chính Tỉnh ủy",
    ]


def test_issuing_again_replaces_the_files(imported: Workspace) -> None:
    first = issue_forms("2026-11", workbook=imported.workbook, now=NOW)
    before = {f.path: f.path.read_bytes() for f in first.forms}
    again = issue_forms("2026-11", workbook=imported.workbook, now=NOW)
    assert {f.path: f.path.read_bytes() for f in again.forms} == before  # deterministic
    later = issue_forms("2026-11", workbook=imported.workbook, now=datetime(2026, 11, 22, 8))
    assert all(f.path.read_bytes() != before[f.path] for f in later.forms)
    assert not [p for p in first.folder.iterdir() if p.name.startswith(".")]  # no temp files


def test_period_defaults_and_errors(imported: Workspace) -> None:
    assert issue_forms(workbook=imported.workbook, now=NOW).period.code == "2026-11"
    set_config({"period": "2026-q4"}, workbook=imported.workbook)
    outcome = issue_forms(workbook=imported.workbook, now=NOW)
    assert outcome.period.code == "2026-Q4" and outcome.folder.name == "2026-Q4"
    assert issue_forms("2026-H2", workbook=imported.workbook, now=NOW).period.code == "2026-H2"
    with pytest.raises(UsageError, match="Kỳ báo cáo “2026-13”: tháng phải từ 1 đến 12"):
        issue_forms("2026-13", workbook=imported.workbook, now=NOW)
    with pytest.raises(UsageError, match="không đúng dạng"):
        issue_forms("tháng 11", workbook=imported.workbook, now=NOW)
    set_config({"period": "quý 4"}, workbook=imported.workbook)
    with pytest.raises(UsageError, match="Cấu hình"):
        issue_forms(workbook=imported.workbook, now=NOW)


def test_resolve_period_prefers_the_argument() -> None:
    assert resolve_period("2026-Q1", "2026-11", NOW).code == "2026-Q1"
    assert resolve_period(None, "2026-11", NOW).code == "2026-11"
    assert resolve_period("  ", "", datetime(2027, 2, 3)).code == "2027-02"


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.skipif(_soffice() is None, reason="LibreOffice (soffice) is not installed")
def test_libreoffice_opens_a_form(issued: tuple[Workspace, FormsOutcome], tmp_path: Path) -> None:
    _ws, outcome = issued
    form = next(f for f in outcome.forms if f.code == "VPTU").path
    out = tmp_path / "pdf"
    subprocess.run(
        [
            str(_soffice()),
            "--headless",
            f"-env:UserInstallation={(tmp_path / 'lo-profile').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(form),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = out / (form.stem + ".pdf")
    assert pdf.exists() and pdf.read_bytes().startswith(b"%PDF")
    assert pdf.stat().st_size > 5000


# -- printed timeframes ------------------------------------------------------------------
def test_form_prints_quy_the_standard_way(issued: tuple[Workspace, FormsOutcome]) -> None:
    ws, outcome = issued
    vptu = next(f for f in outcome.forms if f.code == "VPTU")
    book = _calamine(vptu.path.read_bytes())
    body = book.get_sheet_by_name(FORM_SHEET).to_python()[FORM_FIRST_ROW - 1 :]
    printed = {r[COL["key"] - 1]: r[COL["timeframe"] - 1] for r in body}
    assert printed["I.5"] == "Hoàn thành Quý I/2026"
    assert printed["I.6"] == "Hoàn thành Quý II/2026"
    assert not any("Qúy" in str(v) for v in printed.values())
    coord = book.get_sheet_by_name(FORM_COORD_SHEET).to_python()[FORM_FIRST_ROW - 1 :]
    assert not any("Qúy" in str(c) for r in coord for c in r)
    # The tracker keeps the plan's text.
    tasks = {t["key"]: t for t in read_data(open_tracker(ws.workbook)).task_records()}
    assert tasks["I.5"]["timeframe"] == "Hoàn thành Qúy I/2026"


@pytest.mark.parametrize("snapshot", [True, False])
@pytest.mark.parametrize("printed", ["Hoàn thành Qúy I/2026", "Hoàn thành Quý I/2026"])
def test_locked_timeframe_as_printed_before_or_after_is_untouched(
    printed: str, snapshot: bool
) -> None:
    """A form issued before timeframes were printed the standard way shows the plan's "Qúy";
    one issued after shows "Quý". Neither is an edit of a locked cell."""
    from xladdin.core.return_checks import task_problems
    from xladdin.core.returns import FormFile, ReturnSource
    from xladdin.core.snapshot import locked_entries

    due = date(2026, 3, 31)
    task = _task("I.5", "Văn phòng Tỉnh ủy", content="Nội dung", due_date=due)
    task["timeframe"] = "Hoàn thành Qúy I/2026"

    def form(cell: str) -> FormFile:
        row: list[Any] = [None] * len(FORM_COLUMNS)
        row[COL["key"] - 1], row[COL["content"] - 1] = "I.5", "Nội dung"
        row[COL["timeframe"] - 1], row[COL["due_date"] - 1] = cell, due
        meta = locked_entries([("I.5", ["Nội dung", printed, due])]) if snapshot else {}
        source = ReturnSource.of("phieu.xlsx", b"", Path("phieu.xlsx"))
        return FormFile(source, [], meta, None, None, [], [row])

    def check(cell: str) -> tuple[list[Any], list[str]]:
        return task_problems(form(cell), ["I.5"], {"I.5": 0}, {"I.5": task}, "VPTU", _catalogue())

    assert check(printed) == ([], [])
    problems, _ = check("Hoàn thành Quý II/2026")  # really edited: still refused
    assert [(p.row, p.col) for p in problems] == [(FORM_FIRST_ROW, COL["timeframe"])]
    assert "bị khóa" in problems[0].text
