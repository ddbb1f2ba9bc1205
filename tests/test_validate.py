"""Validation of the tracker: a tracker with known faults gives exactly those findings.

The faulty tracker is the imported sample plan (clean, checked first) with one fault
per row, written back through :meth:`TrackerWorkbook.write_table` like every other
writer does. The same findings must come from the pure call
(:func:`xladdin.core.tracker.check`), the file operation (``validate_workbook``, which lists
them in "Kiểm tra") and the CLI (exit code 1).
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from xladdin.adapters.cli import main
from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands.validate import validate_workbook
from xladdin.core.layout import (
    AGENCY_COLUMNS,
    CHECK_COLUMNS,
    CONFIG_COLUMNS,
    SHEET_AGENCIES,
    SHEET_CHECKS,
    SHEET_CONFIG,
    SHEET_TASKS,
    TASK_COLUMNS,
    Column,
)
from xladdin.core.tracker import check
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace
from xladdin.validators import Finding, validate_return_rows
from xladdin.validators.tasks import TRACKING_RULES, TaskSchema, TrackingSchema

TODAY = date(2026, 11, 21)
STATUS_LIST = "Chưa triển khai, Đang triển khai, Hoàn thành, Hoàn thành quá hạn, Tạm dừng"
KIND_LIST = (
    "Ngày cụ thể, Quý, Nửa năm, Tháng, Năm, Khoảng thời gian, Thường xuyên, Định kỳ, "
    "Theo lộ trình, Chưa xác định"
)

# (sheet, Excel row, column header, value as "Kiểm tra" shows it, message)
Expected = tuple[str, int, str, str | None, str]


@dataclass(frozen=True)
class Fault:
    """One faulty row: the record found by ``key`` (or code/setting key) gets ``changes``."""

    key: str
    changes: dict[str, Any]
    code: str
    column: str
    value: str | None
    message: str


TASK_FAULTS: tuple[Fault, ...] = (
    Fault(
        "I.1",
        {"status": "Đang làm"},
        "status_invalid",
        "Trạng thái",
        "Đang làm",
        f"Trạng thái “Đang làm” không có trong danh sách: {STATUS_LIST}.",
    ),
    Fault(
        "I.2",
        {"status": "Đang triển khai", "progress": 150},
        "progress_invalid",
        "Tiến độ (%)",
        "150",
        "Tiến độ phải là số từ 0 đến 100 (đang là 150).",
    ),
    Fault(
        "I.3",
        {"status": "Đang triển khai", "progress": "năm mươi"},
        "progress_invalid",
        "Tiến độ (%)",
        "năm mươi",
        "Tiến độ phải là số từ 0 đến 100 (đang là “năm mươi”).",
    ),
    Fault(
        "I.4",
        {"status": "Hoàn thành", "progress": 80, "result": "Đã ban hành quy chế"},
        "progress_done",
        "Tiến độ (%)",
        "80",
        "Khi trạng thái là “Hoàn thành”, tiến độ phải là 100 (đang là 80).",
    ),
    Fault(
        "I.5",
        {"status": "Hoàn thành", "progress": 100},
        "result_missing",
        "Kết quả thực hiện",
        None,
        "Đã báo cáo hoàn thành nhưng chưa ghi kết quả thực hiện.",
    ),
    Fault(
        "I.6",
        {"status": "Chưa triển khai", "progress": 30},
        "progress_not_started",
        "Tiến độ (%)",
        "30",
        "Khi trạng thái là “Chưa triển khai”, tiến độ phải là 0 hoặc để trống (đang là 30).",
    ),
    Fault(
        "I.7",
        {"status": "Đang triển khai", "progress": 100},
        "status_for_100",
        "Trạng thái",
        "Đang triển khai",
        "Tiến độ 100 nhưng trạng thái là “Đang triển khai”: chọn “Hoàn thành” hoặc "
        "“Hoàn thành quá hạn”, hoặc sửa tiến độ.",
    ),
    Fault(
        "I.8",
        {"status": "Đang triển khai", "progress": 0},
        "status_for_0",
        "Tiến độ (%)",
        "0",
        "Khi trạng thái là “Đang triển khai”, tiến độ phải lớn hơn 0 (đang là 0); "
        "nếu chưa làm, chọn “Chưa triển khai”.",
    ),
    Fault(
        "I.9",
        {"parent": "IX"},
        "parent_missing",
        "Mã cha",
        "IX",
        "Mã cha “IX” không có trong cột “Mã NV”.",
    ),
    Fault(
        "I.10",
        {"parent": "I.10"},
        "parent_missing",
        "Mã cha",
        "I.10",
        "Mã cha “I.10” trùng với mã của chính nhiệm vụ này; hãy ghi mã "
        "của phần hoặc nhóm chứa nhiệm vụ.",
    ),
    Fault(
        "II.1.1",
        {"lead": "Sở Xây dựng"},
        "lead_unknown",
        "Cơ quan chủ trì",
        "Sở Xây dựng",
        "Cơ quan chủ trì “Sở Xây dựng” chưa có trong trang “Cơ quan”: thêm cơ quan, "
        "hoặc thêm tên này vào cột tên gọi khác của cơ quan đó.",
    ),
    Fault(
        "II.1.2",
        {"lead": None},
        "lead_missing",
        "Cơ quan chủ trì",
        None,
        "Nhiệm vụ chưa có cơ quan chủ trì.",
    ),
    Fault(
        "II.2.1",
        {"deadline_kind": "Ngày cụ thể", "due_date": None},
        "due_missing",
        "Hạn hoàn thành",
        None,
        "Loại thời hạn “Ngày cụ thể” cần có hạn hoàn thành (ngày/tháng/năm).",
    ),
    Fault(
        "II.2.2",
        {"due_date": "30/13/2026"},
        "due_invalid",
        "Hạn hoàn thành",
        "30/13/2026",
        "Hạn hoàn thành phải là một ngày, dạng ngày/tháng/năm (đang là “30/13/2026”).",
    ),
    Fault(
        "II.2.3",
        {"updated_at": date(2026, 12, 1)},
        "updated_future",
        "Cập nhật lần cuối",
        "01/12/2026",
        "Ngày cập nhật 01/12/2026 muộn hơn ngày hôm nay (21/11/2026); kiểm tra lại.",
    ),
    Fault(
        "II.2.4",
        {"weight": -1},
        "weight_invalid",
        "Trọng số",
        "-1",
        "Trọng số phải là số không âm (đang là -1).",
    ),
    Fault(
        "II.2.5",
        {"level": "Nhiệm vụ con"},
        "level_invalid",
        "Cấp",
        "Nhiệm vụ con",
        "Cấp phải là “Phần”, “Nhóm”, “Nhiệm vụ” (đang là “Nhiệm vụ con”).",
    ),
    Fault(
        "II.2.6",
        {"deadline_kind": "Sắp tới"},
        "kind_invalid",
        "Loại thời hạn",
        "Sắp tới",
        f"Loại thời hạn “Sắp tới” không có trong danh sách: {KIND_LIST}.",
    ),
    Fault(
        "II.2.7",
        {"updated_at": "hôm qua"},
        "updated_invalid",
        "Cập nhật lần cuối",
        "hôm qua",
        "Ngày cập nhật phải là một ngày, dạng ngày/tháng/năm (đang là “hôm qua”).",
    ),
    Fault(
        "II.2.8",
        {"content": None},
        "content_missing",
        "Nội dung nhiệm vụ",
        None,
        "Thiếu nội dung nhiệm vụ.",
    ),
    Fault("II.2.9", {"key": None}, "key_missing", "Mã NV", None, "Thiếu mã nhiệm vụ (Mã NV)."),
    Fault(
        "III.1",
        {"status": "Đang triển khai", "progress": 0.5},
        "progress_fraction",
        "Tiến độ (%)",
        "0,5",
        "Tiến độ 0,5 là 0,5% hay 50%? Nếu là 50%, hãy gõ 50 (hoặc gõ kèm dấu %); nếu đúng là 0,5%, "
        "hãy gõ 0,5% để phần mềm không phải đoán.",
    ),
)

AGENCY_FAULTS: tuple[Fault, ...] = (
    Fault(
        "VPTU",
        {"email": "vanphong@dienbien"},
        "email_invalid",
        "Email",
        "vanphong@dienbien",
        "Email “vanphong@dienbien” không đúng dạng (ví dụ: vanphong@dienbien.dcs.vn; "
        "nhiều địa chỉ thì cách nhau bởi dấu ;).",
    ),
    # Typed in capitals (an older tracker, or an edit by hand): proposed, never rewritten.
    Fault(
        "BNCTU",
        {"name": "BAN NỘI CHÍNH TỈNH UỶ"},
        "name_not_standard",
        "Tên cơ quan",
        "BAN NỘI CHÍNH TỈNH UỶ",
        "Tên cơ quan “BAN NỘI CHÍNH TỈNH UỶ” chưa viết hoa theo quy định (Nghị định "
        "30/2020/NĐ-CP, Phụ lục II); tên chuẩn là “Ban Nội chính Tỉnh ủy”. Nếu đồng ý, hãy sửa "
        "ô này; phần mềm không tự đổi tên, tên cũ vẫn được nhận ra khi đối chiếu.",
    ),
    # BTCTU (the row above) gets the aliases "Ban Tổ chức; BTC" first: see _break_agencies.
    Fault(
        "UBKTTU",
        {"aliases": "BTC"},
        "alias_taken",
        "Tên gọi khác, viết tắt (cách nhau bởi dấu ;)",
        "BTC",
        "Tên gọi khác “BTC” (đã thuộc Ban Tổ chức Tỉnh ủy): mỗi tên chỉ được thuộc một cơ quan.",
    ),
)

CONFIG_FAULTS: tuple[Fault, ...] = (
    Fault(
        "period",
        {"value": "2026-13"},
        "config_invalid",
        "Giá trị",
        "2026-13",
        "Kỳ báo cáo không đúng: ghi dạng 2026-11 (tháng), 2026-Q4 (quý) hoặc 2026-H2 (6 tháng) "
        "(đang là “2026-13”).",
    ),
    Fault(
        "due_soon_days",
        {"value": "abc"},
        "config_invalid",
        "Giá trị",
        "abc",
        "Số ngày “sắp đến hạn” phải là số nguyên từ 0 đến 366 (đang là “abc”).",
    ),
    Fault(
        "reply_working_days",
        {"value": "0"},
        "config_invalid",
        "Giá trị",
        "0",
        "Số ngày làm việc để báo cáo khi được đôn đốc phải là số nguyên từ 1 đến 60 (đang là “0”).",
    ),
    Fault(
        "log_keep_rows",
        {"value": "nhiều"},
        "config_invalid",
        "Giá trị",
        "nhiều",
        "Số dòng tối đa của trang “Nhật ký” phải là số nguyên từ 0 (không chuyển) đến 1000000 "
        "(đang là “nhiều”).",
    ),
    Fault(
        "reminder_time",
        {"value": "25:00"},
        "config_invalid",
        "Giá trị",
        "25:00",
        "Giờ lập công văn đôn đốc phải từ 00:00 đến 23:59, dạng 08:00 (đang là “25:00”).",
    ),
    Fault(
        "imap_port",
        {"value": "99999"},
        "config_invalid",
        "Giá trị",
        "99999",
        "Cổng máy chủ thư phải là số nguyên từ 1 đến 65535 (đang là “99999”).",
    ),
    Fault(
        "imap_tls_verify",
        {"value": "tắt"},
        "config_invalid",
        "Giá trị",
        "tắt",
        "Kiểm tra chứng chỉ máy chủ thư phải là “có” hoặc “không” (đang là “tắt”).",
    ),
)

DUPLICATE_KEY = "I.1"  # appended again at the end of "Nhiệm vụ"
EXTRA_AGENCY = {"code": "STC", "name": "Sở Tư pháp"}  # code already used by Sở Tài Chính


@dataclass
class FaultyTracker:
    path: Path
    expected: list[Expected]
    codes: list[str]
    originals: dict[str, list[dict[str, Any]]] = field(default_factory=dict)


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]


def _strip_rows(records: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "_row"} for r in records]


def _apply(
    records: list[dict[str, Any]], faults: Sequence[Fault], key_field: str, sheet: str
) -> list[tuple[Expected, str]]:
    """Apply ``faults`` in place; the expected finding of each, with its code."""
    by_key = {r[key_field]: r for r in records}
    out = []
    for fault in faults:
        record = by_key[fault.key]
        record.update(fault.changes)
        out.append(((sheet, record["_row"], fault.column, fault.value, fault.message), fault.code))
    return out


def _break_tracker(path: Path) -> FaultyTracker:
    expected: list[tuple[Expected, str]] = []
    with TrackerWorkbook.edit(path, None) as book:
        tasks = _records(book.read_tasks())
        agencies = _records(book.read_agencies())
        config = _records(book.read_table(SHEET_CONFIG, CONFIG_COLUMNS))
        originals = {"tasks": tasks, "agencies": agencies, "config": config}
        tasks = [dict(r) for r in tasks]
        agencies = [dict(r) for r in agencies]
        config = [dict(r) for r in config]

        expected += _apply(tasks, TASK_FAULTS, "key", SHEET_TASKS)
        first = next(r for r in originals["tasks"] if r["key"] == DUPLICATE_KEY)
        last_row = max(r["_row"] for r in tasks)
        duplicate = {**first, "content": "Bản sao của nhiệm vụ I.1", "_row": last_row + 1}
        tasks.append(duplicate)
        expected.append(
            (
                (
                    SHEET_TASKS,
                    last_row + 1,
                    "Mã NV",
                    DUPLICATE_KEY,
                    f"Mã NV “{DUPLICATE_KEY}” bị trùng với dòng {first['_row']}.",
                ),
                "key_duplicate",
            )
        )
        book.write_table(SHEET_TASKS, TASK_COLUMNS, _strip_rows(tasks), key_field="key")

        next(a for a in agencies if a["code"] == "BTCTU")["aliases"] = "Ban Tổ chức; BTC"
        expected += _apply(agencies, AGENCY_FAULTS, "code", SHEET_AGENCIES)
        extra_row = max(a["_row"] for a in agencies) + 1
        stc_row = next(a["_row"] for a in agencies if a["code"] == "STC")
        agencies.append({**EXTRA_AGENCY, "_row": extra_row})
        expected.append(
            (
                (
                    SHEET_AGENCIES,
                    extra_row,
                    "Mã",
                    "STC",
                    f"Mã cơ quan “STC” bị trùng với dòng {stc_row}.",
                ),
                "code_duplicate",
            )
        )
        book.write_table(SHEET_AGENCIES, AGENCY_COLUMNS, _strip_rows(agencies), key_field="code")

        expected += _apply(config, CONFIG_FAULTS, "key", SHEET_CONFIG)
        book.write_table(SHEET_CONFIG, CONFIG_COLUMNS, _strip_rows(config), key_field="key")

    order = {SHEET_TASKS: 0, SHEET_AGENCIES: 1, SHEET_CONFIG: 2}
    expected.sort(key=lambda e: (order[e[0][0]], e[0][1]))
    return FaultyTracker(
        path, [e for e, _ in expected], [c for _, c in expected], originals=originals
    )


@pytest.fixture
def faulty(imported: Workspace) -> FaultyTracker:
    assert (
        check(read_data(open_tracker(imported.workbook)), TODAY) == []
    )  # the sample itself is clean
    return _break_tracker(imported.workbook)


def _shown(findings: Sequence[Finding]) -> list[Expected]:
    return [(f.sheet, f.row or 0, f.column, f.record()["value"], f.message) for f in findings]


def _check_sheet(path: Path) -> list[Expected]:
    frame = TrackerWorkbook.open(path).read_table(SHEET_CHECKS, CHECK_COLUMNS)
    return [
        (r["sheet"], int(r["row"]), r["column"], r["value"], r["message"])
        for r in frame.to_dict("records")
    ]


def _validate_api(path: Path) -> list[Finding] | None:
    return validate_workbook(workbook=path, today=TODAY).findings


def _validate_cli(path: Path) -> list[Finding] | None:
    code = main(["validate", "-w", str(path), "--today", TODAY.isoformat()])
    assert code in (0, 1)
    return None if code == 1 else []


RUNNERS: dict[str, Callable[[Path], list[Finding] | None]] = {
    "validate_workbook": _validate_api,
    "cli": _validate_cli,
}


# -- the pure call -----------------------------------------------------------------------
def test_fixture_has_many_kinds_of_fault(faulty: FaultyTracker) -> None:
    assert len(faulty.expected) >= 15
    assert len(set(faulty.codes)) >= 15
    assert {e[0] for e in faulty.expected} == {SHEET_TASKS, SHEET_AGENCIES, SHEET_CONFIG}


def test_check_finds_exactly_the_faults(faulty: FaultyTracker) -> None:
    findings = check(read_data(open_tracker(faulty.path)), TODAY)
    assert _shown(findings) == faulty.expected
    assert [f.code for f in findings] == faulty.codes


def test_findings_name_the_field_of_their_column(faulty: FaultyTracker) -> None:
    findings = check(read_data(open_tracker(faulty.path)), TODAY)
    columns = {
        SHEET_TASKS: TASK_COLUMNS,
        SHEET_AGENCIES: AGENCY_COLUMNS,
        SHEET_CONFIG: CONFIG_COLUMNS,
    }
    for f in findings:
        assert {c.field: c.header for c in columns[f.sheet]}[f.field] == f.column


def test_future_update_is_relative_to_the_injected_today(faulty: FaultyTracker) -> None:
    data = read_data(open_tracker(faulty.path))
    codes_then = [f.code for f in check(data, date(2026, 12, 1))]
    assert "updated_future" not in codes_then  # 01/12/2026 is not after 01/12/2026
    assert codes_then.count("updated_invalid") == 1


def test_write_table_keeps_a_repeated_key_as_its_own_row(faulty: FaultyTracker) -> None:
    rows = _records(TrackerWorkbook.open(faulty.path).read_tasks())
    copies = [r for r in rows if r["key"] == DUPLICATE_KEY]
    assert len(copies) == 2
    assert copies[1]["content"] == "Bản sao của nhiệm vụ I.1"
    assert copies[1]["_row"] == max(r["_row"] for r in rows)
    first = next(r for r in faulty.originals["tasks"] if r["key"] == DUPLICATE_KEY)
    assert copies[0]["_row"] == first["_row"]
    assert copies[0]["content"] == first["content"]


# -- the file operation and the CLI ------------------------------------------------------
@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_file_run_lists_the_same_findings_in_checks_sheet(
    faulty: FaultyTracker, runner: str
) -> None:
    findings = RUNNERS[runner](faulty.path)
    if findings is not None:
        assert _shown(findings) == faulty.expected
    assert _check_sheet(faulty.path) == faulty.expected


def test_validate_workbook_and_cli_agree_with_check(faulty: FaultyTracker) -> None:
    pure = check(read_data(open_tracker(faulty.path)), TODAY)
    outcome = validate_workbook(workbook=faulty.path, today=TODAY)
    assert outcome.findings == pure
    assert main(["validate", "-w", str(faulty.path), "--today", "21/11/2026"]) == 1
    assert _check_sheet(faulty.path) == _shown(pure)


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_clean_tracker_clears_the_previous_findings(faulty: FaultyTracker, runner: str) -> None:
    assert main(["validate", "-w", str(faulty.path), "--today", TODAY.isoformat()]) == 1
    assert len(_check_sheet(faulty.path)) == len(faulty.expected)
    with TrackerWorkbook.edit(faulty.path, None) as book:
        for sheet, columns, key, name in (
            (SHEET_TASKS, TASK_COLUMNS, "key", "tasks"),
            (SHEET_AGENCIES, AGENCY_COLUMNS, "code", "agencies"),
            (SHEET_CONFIG, CONFIG_COLUMNS, "key", "config"),
        ):
            book.write_table(sheet, columns, _strip_rows(faulty.originals[name]), key_field=key)

    assert check(read_data(open_tracker(faulty.path)), TODAY) == []
    findings = RUNNERS[runner](faulty.path)
    assert findings == []
    assert _check_sheet(faulty.path) == []


def test_clean_sample_cli_exit_code_zero(imported: Workspace) -> None:
    assert main(["validate", "-w", str(imported.workbook), "--today", "2026-11-21"]) == 0
    assert _check_sheet(imported.workbook) == []


def test_names_not_written_the_standard_way_are_listed_not_rewritten(
    imported: Workspace,
) -> None:
    """A tracker imported before standard names: the plan's spellings are proposals only."""
    old_names = {"VPTU": "Văn Phòng Tỉnh ủy", "STC": "Sở Tài Chính", "UBKTTU": "UBKT Tỉnh ủy"}
    with TrackerWorkbook.edit(imported.workbook, None) as book:
        agencies = _records(book.read_agencies())
        for a in agencies:
            if a["code"] in old_names:
                a.update(name=old_names[a["code"]], aliases=None)
        book.write_table(SHEET_AGENCIES, AGENCY_COLUMNS, _strip_rows(agencies), key_field="code")
    rows = {a["code"]: a["_row"] for a in agencies}

    findings = validate_workbook(workbook=imported.workbook, today=TODAY).findings
    assert [(f.sheet, f.row, f.column, f.code) for f in findings] == [
        (SHEET_AGENCIES, rows[code], "Tên cơ quan", "name_not_standard")
        for code in sorted(old_names, key=rows.__getitem__)
    ]
    by_row = {f.row: f for f in findings}
    for code, proposed in (
        ("VPTU", "Văn phòng Tỉnh ủy"),
        ("STC", "Sở Tài chính"),
        ("UBKTTU", "Ủy ban Kiểm tra Tỉnh ủy"),
    ):
        f = by_row[rows[code]]
        assert f.value == old_names[code]
        assert f"“{old_names[code]}”" in f.message and f"tên chuẩn là “{proposed}”" in f.message
    # Standard names (Ban Tổ chức Tỉnh ủy, ...) are not listed, and nothing was renamed.
    after = {
        a["code"]: a["name"]
        for a in _records(TrackerWorkbook.open(imported.workbook).read_agencies())
    }
    assert {code: after[code] for code in old_names} == old_names
    assert after["BTCTU"] == "Ban Tổ chức Tỉnh ủy"
    assert main(["validate", "-w", str(imported.workbook), "--today", "2026-11-21"]) == 1


# -- returned forms ----------------------------------------------------------------------
FORM_COLUMNS: tuple[Column, ...] = (
    Column("key", "Mã NV", 10, "code"),
    Column("status", "Tình hình thực hiện", 17),
    Column("progress", "Tỷ lệ hoàn thành (%)", 10, "number"),
    Column("result", "Kết quả đạt được", 40, "wrap"),
)
FORM_SHEET = "Phiếu báo cáo"


def _form(rows: Sequence[tuple[int, str | None, Any, str | None]]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "key": pd.Series([f"K{r}" for r, *_ in rows], dtype=object),
            "status": pd.Series([s for _, s, _, _ in rows], dtype=object),
            "progress": pd.Series([p for _, _, p, _ in rows], dtype=object),
            "result": pd.Series([x for *_, x in rows], dtype=object),
            "_row": pd.Series([r for r, *_ in rows], dtype=object),
        }
    )


RETURN_CASES: list[tuple[tuple[int, str | None, Any, str | None], list[tuple[str, str]]]] = [
    ((8, "Hoàn thành", 100, "Đã tổ chức hội nghị"), []),
    ((9, None, None, None), []),
    ((10, "Đang triển khai", 45.5, None), []),
    (
        (11, "Xong rồi", None, None),
        [
            (
                "Tình hình thực hiện",
                f"Trạng thái “Xong rồi” không có trong danh sách: {STATUS_LIST}.",
            )
        ],
    ),
    (
        (12, "Đang triển khai", 120, None),
        [("Tỷ lệ hoàn thành (%)", "Tiến độ phải là số từ 0 đến 100 (đang là 120).")],
    ),
    (
        (13, "Hoàn thành quá hạn", 90.5, " "),
        [
            (
                "Tỷ lệ hoàn thành (%)",
                "Khi trạng thái là “Hoàn thành quá hạn”, tiến độ phải là 100 (đang là 90,5).",
            ),
            ("Kết quả đạt được", "Đã báo cáo hoàn thành nhưng chưa ghi kết quả thực hiện."),
        ],
    ),
    (
        (14, "Chưa triển khai", 10, None),
        [
            (
                "Tỷ lệ hoàn thành (%)",
                "Khi trạng thái là “Chưa triển khai”, tiến độ phải là 0 hoặc để trống (đang là 10).",
            )
        ],
    ),
    (
        (15, "Tạm dừng", 100, None),
        [
            (
                "Tình hình thực hiện",
                "Tiến độ 100 nhưng trạng thái là “Tạm dừng”: chọn “Hoàn thành” hoặc "
                "“Hoàn thành quá hạn”, hoặc sửa tiến độ.",
            )
        ],
    ),
    (
        (16, "Đang triển khai", 0, None),
        [
            (
                "Tỷ lệ hoàn thành (%)",
                "Khi trạng thái là “Đang triển khai”, tiến độ phải lớn hơn 0 (đang là 0); "
                "nếu chưa làm, chọn “Chưa triển khai”.",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("row", "expected"), RETURN_CASES, ids=[str(r[0]) for r, _ in RETURN_CASES]
)
def test_return_row_alone(
    row: tuple[int, str | None, Any, str | None], expected: list[tuple[str, str]]
) -> None:
    findings = validate_return_rows(_form([row]), sheet=FORM_SHEET, columns=FORM_COLUMNS)
    assert [(f.sheet, f.row, f.column, f.message) for f in findings] == [
        (FORM_SHEET, row[0], column, message) for column, message in expected
    ]


def test_return_rows_together_in_row_then_column_order() -> None:
    rows = [row for row, _ in reversed(RETURN_CASES)]  # the order of the frame must not matter
    findings = validate_return_rows(_form(rows), sheet=FORM_SHEET, columns=FORM_COLUMNS)
    expected = [
        (FORM_SHEET, row[0], column, message)
        for row, found in RETURN_CASES
        for column, message in found
    ]
    assert [(f.sheet, f.row, f.column, f.message) for f in findings] == expected


# -- pandera check names: every check must keep its finding code in both schemas -----------
def _check_names(model: type[TrackingSchema]) -> set[str]:
    schema = model.to_schema()
    names = {c.name for c in schema.checks}
    for column in schema.columns.values():
        names |= {c.name for c in column.checks}
    return names


def test_tracking_checks_keep_their_codes_in_both_schemas() -> None:
    """TaskSchema inherits TrackingSchema's checks; both must report the finding codes
    (pandera's CheckInfo.to_check pops ``name`` from the shared kwargs, so the schema
    built second gets the method names, e.g. "_status_listed" for "status_invalid")."""
    tracking, task = _check_names(TrackingSchema), _check_names(TaskSchema)
    assert set(TRACKING_RULES) <= tracking
    assert set(TRACKING_RULES) <= task


ORDER_SCRIPT = """
import json, sys
from datetime import date
import pandas as pd
from xladdin.core.agencies import AgencyCatalogue
from xladdin.core.layout import TASK_COLUMNS, Column
from xladdin.validators import validate_return_rows, validate_tasks

def frame(values):
    return pd.DataFrame({k: pd.Series([v], dtype=object) for k, v in values.items()})

form = frame({"status": "Xong rồi", "progress": 120, "result": None, "_row": 7})
columns = (Column("status", "Trạng thái", 1), Column("progress", "Tiến độ", 1),
           Column("result", "Kết quả", 1))
task = {c.field: None for c in TASK_COLUMNS}
task.update(key="A", level="Nhiệm vụ", content="Nội dung", lead="Sở Nội vụ",
            status="Hoàn thành", progress=50.0, _row=2)
calls = {
    "returns": lambda: validate_return_rows(form, sheet="Phiếu", columns=columns),
    "tracker": lambda: validate_tasks(frame(task), AgencyCatalogue(), date(2026, 11, 21)),
}
out = {}
for name in sys.argv[1:]:
    try:
        out[name] = sorted(f.code for f in calls[name]())
    except Exception as exc:
        out[name] = type(exc).__name__
print(json.dumps(out))
"""


@pytest.mark.parametrize("order", [("returns", "tracker"), ("tracker", "returns")])
def test_returns_and_tracker_validated_in_one_process(order: tuple[str, str]) -> None:
    """A long-lived process (the ribbon's Python server, a job) validates returned forms
    and the tracker one after the other: the second call must not crash."""
    run = subprocess.run(
        [sys.executable, "-c", ORDER_SCRIPT, *order],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert json.loads(run.stdout) == {
        "returns": ["progress_invalid", "status_invalid"],
        "tracker": ["lead_unknown", "progress_done", "result_missing"],
    }


def test_many_findings_show_the_first_and_go_whole_to_a_csv(
    imported: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    from xladdin.book.file import edit_tracker
    from xladdin.core.layout import SHEET_TASKS, TASK_COLUMNS

    col = [c.field for c in TASK_COLUMNS].index("progress") + 1
    with edit_tracker(imported.workbook) as book:
        rows = book.rows(SHEET_TASKS)
        level = [c.field for c in TASK_COLUMNS].index("level")
        task_rows = [n for n, r in enumerate(rows, start=1) if n > 1 and r[level] == "Nhiệm vụ"]
        book.write_cells(SHEET_TASKS, {(n, col): "không rõ" for n in task_rows[:30]})
        book.save()
    code = main(["validate", "--workbook", str(imported.workbook), "--today", "21/11/2026"])
    out = capsys.readouterr()
    assert code == 1
    (csv_file,) = (imported.root / "outbox").glob("KiemTraDuLieu_*.csv")
    total = len(validate_workbook(workbook=imported.workbook, today=TODAY).findings)
    assert total > 20
    assert f"… và {total - 20} lỗi khác." in out.out
    lines = csv_file.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("Trang tính,Dòng,Cột") and len(lines) == total + 1
    assert str(csv_file.name) in out.err.replace("\n", "")
