from __future__ import annotations

import dataclasses
from datetime import date, datetime
from pathlib import Path

from xladdin.commands.export import export_tasks
from xladdin.commands.plan import import_plan
from xladdin.core.agencies import AgencyCatalogue, normalize_key
from xladdin.core.appendix import Appendix, parse_appendix
from xladdin.core.importer import merge_appendix
from xladdin.core.layout import TASK_COLUMNS
from xladdin.io.docx_io import read_docx
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

NOW = datetime(2026, 11, 21, 9, 0)


def _appendix(plan: Path) -> Appendix:
    return parse_appendix(read_docx(plan))


def test_first_import_fills_catalogue_and_defaults(plan_docx: Path) -> None:
    report = merge_appendix(_appendix(plan_docx), [], AgencyCatalogue(), source="kh.docx", now=NOW)
    assert report.counts() == {"rows": 35, "sections": 5, "groups": 2, "tasks": 28}
    assert len(report.added) == 35 and not report.removed and not report.changed
    # Standard names (Nghị định 30/2020/NĐ-CP); the plan's other spellings stay as aliases.
    assert {a.code: (a.name, a.aliases) for a in report.catalogue} == {
        "VPTU": ("Văn phòng Tỉnh ủy", ("Văn Phòng Tỉnh ủy",)),
        "STC": ("Sở Tài chính", ("Sở Tài Chính",)),
        "BTCTU": ("Ban Tổ chức Tỉnh ủy", ()),
        "UBKTTU": ("Ủy ban Kiểm tra Tỉnh ủy", ("UBKT Tỉnh ủy",)),
        "BTGVDVTU": ("Ban Tuyên giáo và Dân vận Tỉnh ủy", ()),
        "BNCTU": ("Ban Nội chính Tỉnh ủy", ()),
    }
    assert {t["lead"] for t in report.tasks if t["lead"]} == {a.name for a in report.catalogue}
    task = next(t for t in report.tasks if t["key"] == "I.4")
    assert task["status"] == "Chưa triển khai" and task["due_date"] == date(2026, 1, 30)
    section = report.tasks[0]
    assert section["level"] == "Phần" and section["status"] is None
    assert next(e["action"] for e in report.log) == "Nhập phụ lục"


def test_reimport_keeps_tracking_and_reports_revisions(plan_docx: Path) -> None:
    appendix = _appendix(plan_docx)
    first = merge_appendix(appendix, [], AgencyCatalogue(), source="kh.docx", now=NOW)
    tracked = [dict(t) for t in first.tasks]
    for t in tracked:
        if t["key"] in ("I.4", "I.5", "I.6", "I.7"):
            t.update(status="Đang triển khai", progress=40.0, result=f"kết quả {t['key']}")
    # The revised plan: I.5 dropped (so I.6 becomes I.5 with the same text), I.4's text
    # revised, and a new task at the end of section V.
    rows = list(appendix.rows)
    i5 = next(i for i, r in enumerate(rows) if r.key == "I.5")
    del rows[i5]
    renumber = {"I.6": "I.5", "I.7": "I.6", "I.8": "I.7", "I.9": "I.8", "I.10": "I.9"}
    rows = [dataclasses.replace(r, key=renumber.get(r.key, r.key)) for r in rows]
    i4 = next(i for i, r in enumerate(rows) if r.key == "I.4")
    rows[i4] = dataclasses.replace(rows[i4], content=rows[i4].content + " (sửa đổi)")
    rows.append(dataclasses.replace(rows[-1], key="V.2", tt="2", content="Nhiệm vụ mới bổ sung"))
    revised = Appendix(rows, appendix.table_index, appendix.columns)
    again = merge_appendix(revised, tracked, first.catalogue, source="kh2.docx", now=NOW)
    by_key = {t["key"]: t for t in again.tasks}
    assert again.added == ["V.2"]
    assert again.removed == ["I.5"]
    assert ("I.6", "I.5") in again.renumbered and ("I.7", "I.6") in again.renumbered
    assert again.changed == [("I.4", ["Nội dung nhiệm vụ"])]
    assert by_key["I.4"]["result"] == "kết quả I.4"  # revised text keeps its data
    assert by_key["I.5"]["result"] == "kết quả I.6"  # renumbered task keeps its data
    assert by_key["I.6"]["result"] == "kết quả I.7"
    removed_log = [e for e in again.log if e["key"] == "I.5" and e["action"].startswith("Bỏ")]
    assert {e["column"] for e in removed_log} >= {
        "Nội dung nhiệm vụ",
        "Kết quả thực hiện",
        "Tiến độ (%)",
    }
    assert not any(e["action"] == "Nhập phụ lục" for e in again.log)


def test_same_plan_twice_same_keys_nothing_lost(imported: Workspace, plan_docx: Path) -> None:
    with TrackerWorkbook.edit(imported.workbook, None) as book:
        tasks = book.read_tasks().to_dict("records")
        for t in tasks:
            if t["key"] == "II.2.3":
                t.update(
                    status="Hoàn thành",
                    progress=100,
                    result="Đã số hóa",
                    updated_at=date(2026, 11, 2),
                )
        book.write_table(
            "Nhiệm vụ",
            TASK_COLUMNS,
            tasks,
            key_field="key",
        )
    before = export_tasks(workbook=imported.workbook)
    stored = imported.workbook.read_bytes()
    outcome = import_plan(plan_docx, workbook=imported.workbook, now=NOW)
    after = export_tasks(workbook=imported.workbook)
    assert after == before
    assert outcome.report.unchanged == 35 and not outcome.report.added
    done = next(t for t in after if t["key"] == "II.2.3")
    assert (done["status"], done["progress"], done["updated_at"]) == (
        "Hoàn thành",
        100,
        "2026-11-02",
    )
    # Nothing changed, so nothing was written: no new file, no backup pushing real history out.
    assert outcome.backup is None and imported.workbook.read_bytes() == stored


def test_other_layout_import_flags_unparsed_timeframe(workspace: Workspace) -> None:
    from conftest import PLANS

    outcome = import_plan(PLANS / "KeHoach_LaiChau_6cot.docx", workbook=workspace.workbook, now=NOW)
    assert outcome.report.counts() == {"rows": 19, "sections": 3, "groups": 2, "tasks": 14}
    assert [text for _, text in outcome.report.unparsed_timeframes] == ["Khi có yêu cầu"]
    tasks = {t["key"]: t for t in export_tasks(workbook=workspace.workbook)}
    unparsed = next(t for t in tasks.values() if t["timeframe"] == "Khi có yêu cầu")
    assert (unparsed["deadline_kind"], unparsed["due_date"]) == ("unparsed", None)
    # "Văn Phòng UBND tỉnh" and "Văn phòng UBND tỉnh" are one agency, under its standard name
    leads = {
        (t["lead_code"], t["lead"])
        for t in tasks.values()
        if normalize_key(t["lead"] or "") == normalize_key("Văn phòng UBND tỉnh")
    }
    assert leads == {("VPUBNDT", "Văn phòng Ủy ban nhân dân tỉnh")}


def test_user_aliases_in_catalogue_sheet_are_used(workspace: Workspace, plan_docx: Path) -> None:
    from xladdin.core.layout import AGENCY_COLUMNS, SHEET_AGENCIES

    with TrackerWorkbook.edit(workspace.workbook, None) as book:
        row = {
            "code": "VP",
            "name": "Văn phòng Tỉnh ủy",
            "aliases": "Văn Phòng TU; Văn phòng Tỉnh ủy Điện Biên",
        }
        book.write_table(SHEET_AGENCIES, AGENCY_COLUMNS, [row], key_field="code")
    import_plan(plan_docx, workbook=workspace.workbook, now=NOW)
    tasks = export_tasks(workbook=workspace.workbook)
    assert {t["lead_code"] for t in tasks if t["key"] in ("I.1", "II.2.x1")} == {"VP"}
    assert next(t for t in tasks if t["key"] == "I.1")["lead"] == "Văn phòng Tỉnh ủy"


def test_import_writes_standard_names_and_keeps_the_plan_spelling(imported: Workspace) -> None:
    sheet = TrackerWorkbook.open(imported.workbook).read_agencies()
    rows = {r["code"]: (r["name"], r["aliases"]) for r in sheet.to_dict("records")}
    assert rows["VPTU"] == ("Văn phòng Tỉnh ủy", "Văn Phòng Tỉnh ủy")
    assert rows["STC"] == ("Sở Tài chính", "Sở Tài Chính")
    assert rows["UBKTTU"] == ("Ủy ban Kiểm tra Tỉnh ủy", "UBKT Tỉnh ủy")
    assert rows["BTCTU"][0] == "Ban Tổ chức Tỉnh ủy" and not rows["BTCTU"][1]
    tasks = {t["key"]: t for t in export_tasks(workbook=imported.workbook)}
    assert (tasks["I.7"]["lead"], tasks["I.7"]["lead_code"]) == ("Sở Tài chính", "STC")
    # The tracker keeps the plan's text; only what is printed is written the standard way.
    assert tasks["I.5"]["timeframe"] == "Hoàn thành Qúy I/2026"


def test_reimport_keeps_names_the_office_edited(imported: Workspace, plan_docx: Path) -> None:
    from xladdin.core.layout import AGENCY_COLUMNS, SHEET_AGENCIES

    with TrackerWorkbook.edit(imported.workbook, None) as book:
        agencies = book.read_agencies().to_dict("records")
        for a in agencies:
            a.pop("_row")
            if a["code"] == "VPTU":  # renamed: the plan's spelling stays in the aliases
                a["name"] = "Văn phòng Tỉnh ủy Điện Biên"
            if a["code"] == "STC":  # the office prefers capitals: its choice
                a["name"] = "SỞ TÀI CHÍNH"
        book.write_table(SHEET_AGENCIES, AGENCY_COLUMNS, agencies, key_field="code")
    outcome = import_plan(plan_docx, workbook=imported.workbook, now=NOW)
    report = outcome.report
    assert not report.new_agencies and len(report.catalogue) == 6
    # Lead cells now show the catalogue's names; that is no revision of the plan.
    assert report.changed == [] and report.unchanged == 35
    assert not any(e["action"].startswith("Sửa") for e in report.log)
    names = {a.code: a.name for a in report.catalogue}
    assert names["VPTU"] == "Văn phòng Tỉnh ủy Điện Biên" and names["STC"] == "SỞ TÀI CHÍNH"
    tasks = {t["key"]: t for t in export_tasks(workbook=imported.workbook)}
    assert (tasks["I.1"]["lead"], tasks["I.1"]["lead_code"]) == (
        "Văn phòng Tỉnh ủy Điện Biên",
        "VPTU",
    )
    assert (tasks["I.7"]["lead"], tasks["I.7"]["lead_code"]) == ("SỞ TÀI CHÍNH", "STC")
