"""The corpus of bad and tricky returns (tests/data/returns), and a multi-agency round trip.

Every file of the corpus is merged alone into a fresh copy of the tracker it was derived
from (rebuilt here by ``make_returns.build_workspace``, same secret, same tracker). A refused,
duplicate or stale return must leave the tracker byte-identical and say what is wrong; an
accepted one must change exactly the expected cells, with the expected warnings.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from conftest import corpus_generator

from xladdin.commands.export import export_tasks
from xladdin.commands.merge import merge_returns
from xladdin.core.layout import FORM_COLUMNS, FORM_FIRST_ROW, FORM_SHEET, LOG_COLUMNS, SHEET_LOG
from xladdin.core.merge import ACTION_CHANGED, ACTION_RECEIVED, HEADERS
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

CORPUS = Path(__file__).resolve().parent / "data" / "returns"
NOW = datetime(2026, 11, 27, 9, 0)
TODAY = date(2026, 11, 27)
COL = {c.field: i + 1 for i, c in enumerate(FORM_COLUMNS)}
EDITABLE = ("status", "progress", "result", "difficulties", "proposals")


make_returns = corpus_generator()
EXPECTED = json.loads((CORPUS / "expected.json").read_text("utf-8"))
CASES: dict[str, dict[str, Any]] = EXPECTED["cases"]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def corpus_workspace(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """The corpus's tracker, rebuilt: the committed returns must still verify against it."""
    ws: Workspace = make_returns.build_workspace(tmp_path_factory.mktemp("corpus") / "ws")
    rebuilt = {
        c: make_returns.signature_of(make_returns.form_path(ws, c)) for c in EXPECTED["signatures"]
    }
    if rebuilt != EXPECTED["signatures"]:
        pytest.fail(
            "The tracker rebuilt from the sample plan issues other form signatures than the "
            "corpus was made from (sample plan, importer or form contract changed): run "
            "`.venv/bin/python tests/data/returns/make_returns.py` and review the diff."
        )
    return ws


@pytest.fixture
def fresh(corpus_workspace: Workspace, tmp_path: Path) -> Workspace:
    root = tmp_path / "ws"
    shutil.copytree(corpus_workspace.root, root)
    return Workspace(root, root / corpus_workspace.workbook.name)


def merge(ws: Workspace, *paths: Path, now: datetime = NOW) -> list[Any]:
    outcome = merge_returns(list(paths), workbook=ws.workbook, now=now, today=TODAY, archive=False)
    return outcome.results


def leaf_tasks(ws: Workspace) -> dict[str, dict[str, Any]]:
    """The exported tasks (sections and groups carry computed roll-ups, not reported values)."""
    exported = export_tasks(workbook=ws.workbook, today=TODAY)
    return {t["key"]: t for t in exported if t["level"] == "task"}


def stored(ws: Workspace) -> dict[str, dict[str, Any]]:
    """The tracker's task rows as stored (no derived values)."""
    tasks = TrackerWorkbook.open(ws.workbook).read_tasks()
    return {str(t["key"]): t for t in tasks.to_dict("records")}


def _same_value(a: Any, b: Any) -> bool:
    if isinstance(a, date):  # a completion date; expected.json holds it in ISO form
        a = a.isoformat()
    if isinstance(a, int | float) and isinstance(b, int | float):
        return abs(a - b) < 1e-9
    return bool(a == b)


# -- the corpus ---------------------------------------------------------------------------------
def test_corpus_is_complete_and_small() -> None:
    on_disk = {p.name for p in CORPUS.iterdir() if p.is_file()} - {
        "make_returns.py",
        "expected.json",
    }
    assert on_disk == set(CASES)
    assert len(CASES) >= 30
    assert sum(p.stat().st_size for p in CORPUS.iterdir() if p.is_file()) < 2 * 1024 * 1024
    outcomes = {c["outcome"] for c in CASES.values()}
    assert outcomes == {"accepted", "refused", "duplicate", "stale"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_corpus_return(name: str, fresh: Workspace) -> None:
    case = CASES[name]
    if "after" in case:
        (first,) = merge(fresh, CORPUS / case["after"])
        assert first.status == "accepted", first.reasons
    before = digest(fresh.workbook)
    tasks_before = stored(fresh)

    (res,) = merge(fresh, CORPUS / name)

    said = "\n".join(res.reasons)
    assert res.status == case["outcome"], said
    if case["outcome"] != "accepted":
        for part in case["message"]:
            assert part in said, f"{part!r} not in {said!r}"
        assert res.changes == []
        assert digest(fresh.workbook) == before, "a refused return changed the tracker"
        return
    assert res.reasons == []
    got = [(c.key, c.field, c.new) for c in res.changes]
    want = [tuple(c) for c in case["changes"]]
    assert len(got) == len(want) and all(
        g[:2] == w[:2] and _same_value(g[2], w[2]) for g, w in zip(got, want, strict=True)
    ), f"{got} != {want}"
    assert len(res.warnings) == len(case["warnings"]), res.warnings
    for expected, warning in zip(case["warnings"], res.warnings, strict=True):
        assert expected in warning
    if "report_date" in case:
        assert res.report_date == date.fromisoformat(case["report_date"])
    # The tracker holds exactly the new values; every other editable cell is as before.
    after = stored(fresh)
    changed = {(k, f): v for k, f, v in got}
    for key, task in tasks_before.items():
        for field in EDITABLE:
            if (key, field) in changed:
                assert _same_value(after[key][field], changed[(key, field)])
            else:
                assert _same_value(after[key][field], task[field]), (key, field)


def test_whole_corpus_in_one_batch(fresh: Workspace) -> None:
    """One merge of every file: a bad file never stops the others, every file gets its own
    result, and every return refused on its own is refused in the batch too, for the same
    reason. (Batch outcomes of the others differ by design: older saves are applied first.)"""
    results = merge(fresh, CORPUS)
    by_file: dict[str, list[Any]] = {}
    for r in results:
        by_file.setdefault(Path(r.path).name, []).append(r)
    # The generator and its expectations sit in the folder too: each is "not a return".
    for other in ("expected.json", "make_returns.py"):
        (res,) = by_file.pop(other)
        assert res.status == "refused" and "không phải phiếu báo cáo" in res.reasons[0]
    assert sorted(by_file) == sorted(CASES)
    for name, case in CASES.items():
        (res,) = by_file[name]
        if case["outcome"] == "refused":
            assert res.status == "refused", name
            assert all(part in "\n".join(res.reasons) for part in case["message"]), name
    TrackerWorkbook.open(fresh.workbook).read_tasks()


def test_return_without_saved_time_does_not_revert_a_newer_one(fresh: Workspace) -> None:
    """Of two returns of one agency the newer wins; a return whose age cannot be known must
    not silently undo one already merged (it reverts I.4 from done to not started here)."""
    (first,) = merge(fresh, CORPUS / "base_vptu.xlsx")
    assert first.status == "accepted"
    older = make_returns.fill(
        make_returns.form_path(fresh, "VPTU"), {0: {"status": "Đang triển khai", "progress": 10}}
    )
    undated = make_returns.patch(
        older,
        {
            "docProps/core.xml": make_returns.sub(
                rb"<dcterms:modified\b[^>]*>[^<]*</dcterms:modified>", b""
            )
        },
    )
    path = fresh.root / "undated.xlsx"
    path.write_bytes(undated)
    snapshot = digest(fresh.workbook)
    (res,) = merge(fresh, path)
    assert res.saved_at is None
    assert res.status != "accepted", [(c.key, c.field, c.old, c.new) for c in res.changes]
    assert res.reasons
    assert digest(fresh.workbook) == snapshot


# -- the round trip, three agencies ---------------------------------------------------------------
def _keys(form: Path) -> list[str]:
    wb = openpyxl.load_workbook(form, read_only=True)
    try:
        sheet = wb[FORM_SHEET]
        rows = sheet.iter_rows(min_row=FORM_FIRST_ROW, max_col=1, values_only=True)
        return [str(r[0]) for r in rows if r[0]]
    finally:
        wb.close()


def _fill(form: Path, target: Path, rows: dict[int, dict[str, Any]], saved: datetime) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(make_returns.fill(form, rows, saved=saved))
    return target


def _log(ws: Workspace) -> list[dict[str, Any]]:
    book = TrackerWorkbook.open(ws.workbook)
    return book.read_table(SHEET_LOG, LOG_COLUMNS).to_dict("records")


def test_three_agencies_round_trip(fresh: Workspace, tmp_path: Path) -> None:
    forms = {c: make_returns.form_path(fresh, c) for c in ("VPTU", "UBKTTU", "BTGVDVTU")}
    keys = {c: _keys(p) for c, p in forms.items()}
    work, done = "Đang triển khai", "Hoàn thành"
    inbox = tmp_path / "returns"
    # VPTU saves twice; the second save is the first file filled further.
    vptu_1 = _fill(
        forms["VPTU"],
        inbox / "vptu_1.xlsx",
        {
            0: {"status": work, "progress": 30, "result": "Đã rà soát 6/20 xã"},
            1: {"status": work, "progress": 10, "difficulties": "Thiếu nhân lực"},
        },
        datetime(2026, 11, 24, 10, 0),
    )
    vptu_2 = _fill(
        vptu_1,
        inbox / "vptu_2.xlsx",
        {
            0: {"progress": 60, "result": "Đã rà soát 12/20 xã"},
            2: {"status": done, "progress": 100, "result": "100% cán bộ có chữ ký số"},
        },
        datetime(2026, 11, 25, 16, 45),
    )
    ubkt_new = _fill(
        forms["UBKTTU"],
        inbox / "ubkt_new.xlsx",
        {0: {"status": work, "progress": 45, "proposals": "Tập huấn thêm"}},
        datetime(2026, 11, 26, 8, 0),
    )
    btg = _fill(
        forms["BTGVDVTU"],
        inbox / "btg.xlsx",
        {1: {"status": "Tạm dừng", "progress": 20, "difficulties": "Chờ hướng dẫn"}},
        datetime(2026, 11, 24, 9, 0),
    )
    ubkt_old = _fill(
        forms["UBKTTU"],
        tmp_path / "late" / "ubkt_old.xlsx",
        {0: {"status": work, "progress": 15}},
        datetime(2026, 11, 23, 17, 0),
    )
    before = leaf_tasks(fresh)

    # The newer save of VPTU is listed first: the merge still applies the older one first.
    results = merge(fresh, vptu_2, vptu_1, ubkt_new, btg)
    assert {r.name: r.status for r in results} == dict.fromkeys(
        ("vptu_1.xlsx", "vptu_2.xlsx", "ubkt_new.xlsx", "btg.xlsx"), "accepted"
    ), [r.reasons for r in results]
    v, u, b = keys["VPTU"], keys["UBKTTU"], keys["BTGVDVTU"]
    final: dict[tuple[str, str], Any] = {
        (v[0], "status"): work, (v[0], "progress"): 60, (v[0], "result"): "Đã rà soát 12/20 xã",
        (v[1], "status"): work, (v[1], "progress"): 10, (v[1], "difficulties"): "Thiếu nhân lực",
        (v[2], "status"): done, (v[2], "progress"): 100,
        (v[2], "result"): "100% cán bộ có chữ ký số",
        (u[0], "status"): work, (u[0], "progress"): 45, (u[0], "proposals"): "Tập huấn thêm",
        (b[1], "status"): "Tạm dừng", (b[1], "progress"): 20,
        (b[1], "difficulties"): "Chờ hướng dẫn",
    }  # fmt: skip
    by_name = {r.name: r for r in results}
    # vptu_2 changes only what differs from vptu_1: I.1's progress and result, and I.3.
    assert {(c.key, c.field) for c in by_name["vptu_2.xlsx"].changes} == {
        (v[0], "progress"), (v[0], "result"), (v[2], "status"), (v[2], "progress"),
        (v[2], "result"), (v[2], "completed_on"),
    }  # fmt: skip
    after = leaf_tasks(fresh)
    # Completed without a "Ngày hoàn thành": the date of the return that said so (its save).
    assert after[v[2]]["completed_on"] == "2026-11-25"
    for key, task in before.items():
        for field in EDITABLE:
            want = final.get((key, field), task[field])
            assert _same_value(after[key][field], want), (key, field, after[key][field], want)
    for key in {k for k, _ in final}:
        assert after[key]["source"] in {r.name for r in results}
    assert after[v[0]]["source"] == "vptu_2.xlsx" and after[v[1]]["source"] == "vptu_1.xlsx"

    # Nhật ký: one entry per changed cell, one receipt per file.
    log = _log(fresh)
    changed = [r for r in log if r["action"] == ACTION_CHANGED]
    applied = [(c.key, c.header) for r in results for c in r.changes]
    assert len(changed) == len(applied) == sum(len(r.changes) for r in results) == 18
    assert sorted((r["key"], r["column"]) for r in changed) == sorted(applied)
    assert {(k, HEADERS[f]) for k, f in final} | {(v[2], "Ngày hoàn thành")} == set(applied)
    assert [r["action"] for r in log].count(ACTION_RECEIVED) == 4

    # An older save of UBKTTU after the newer one: stale, tracker untouched.
    snapshot = digest(fresh.workbook)
    (late,) = merge(fresh, ubkt_old, now=datetime(2026, 11, 28, 9, 0))
    assert late.status == "stale" and "cũ hơn" in late.reasons[0]
    assert digest(fresh.workbook) == snapshot

    # The same files again: all duplicates, nothing written.
    again = merge(fresh, vptu_1, vptu_2, ubkt_new, btg, now=datetime(2026, 11, 28, 10, 0))
    assert [r.status for r in again] == ["duplicate"] * 4
    assert digest(fresh.workbook) == snapshot
    assert len(_log(fresh)) == len(log)
