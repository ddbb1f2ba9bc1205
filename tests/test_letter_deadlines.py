"""Deadlines an office can sign (issue 15, item 1): a reminder asks for a report within N
working days of its date; a request or form made after "Hạn gửi phiếu" uses the same rule
and the output says so. Letters are generated from the sample plan and read back."""

from __future__ import annotations

import io
from datetime import date, datetime
from pathlib import Path

import pytest
from docxread import full_text, open_docx
from letterdata import TODAY, reported_source, workspace_with
from python_calamine import CalamineWorkbook

from xladdin.adapters.cli import main
from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands.config import set_config
from xladdin.commands.forms import issue_forms_with_letters
from xladdin.commands.letters import make_letters
from xladdin.core.deadlines import REPLY_DAYS_KEY, configured_deadline, reply_days
from xladdin.core.layout import CONFIG_ITEMS, FORM_SHEET
from xladdin.core.letters import LetterKind, build_letters
from xladdin.core.tracker import TrackerData, recalc
from xladdin.io.forms_ledger import read_ledger
from xladdin.io.workspace import Workspace

# The sample's "Cấu hình": return deadline 28/11/2026, period 2026-11 (tests/letterdata.py).
CONFIGURED = "28/11/2026"
AFTER_IT = date(2026, 12, 5)  # a Saturday; five working days on is Friday 11/12/2026


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> Path:
    return reported_source(tmp_path_factory.mktemp("src") / "ws", plan_docx)


@pytest.fixture(scope="module")
def data(source: Path) -> TrackerData:
    return read_data(open_tracker(source))


@pytest.fixture
def ws(source: Path, tmp_path: Path) -> Workspace:
    return workspace_with(source, tmp_path / "ws")


def _deadlines(data: TrackerData, kind: LetterKind, day: date, **config: str) -> set[str]:
    plan = build_letters(kind, recalc(data, day), data.catalogue(), {**data.config, **config})
    assert plan.letters
    return {letter.context["return_deadline"] for letter in plan.letters}


def test_the_setting_is_declared_with_its_default() -> None:
    item = next(i for i in CONFIG_ITEMS if i.key == REPLY_DAYS_KEY)
    assert item.default == "5" and "ngày làm việc" in item.label
    assert reply_days({}) == (5, "") and reply_days({REPLY_DAYS_KEY: "10"}) == (10, "")
    assert reply_days({REPLY_DAYS_KEY: 7}) == (7, "")  # a number cell


@pytest.mark.parametrize(
    ("letter_date", "due"),
    [
        (date(2026, 12, 5), "11/12/2026"),
        # Tết Đinh Mùi 2027: off from Thursday 04/02 to Wednesday 10/02.
        (date(2027, 2, 1), "15/02/2027"),  # 2 and 3/02, then 11, 12 and 15/02
        (date(2027, 2, 4), "17/02/2027"),
        (date(2027, 2, 9), "17/02/2027"),
        # 30/4 and 1/5/2026, a Thursday and a Friday.
        (date(2026, 4, 28), "07/05/2026"),
        (date(2026, 4, 30), "08/05/2026"),
        # 2027: 1/5 is a Saturday, made up on Monday 3/5.
        (date(2027, 4, 29), "10/05/2027"),
    ],
)
def test_a_reminder_asks_for_a_report_five_working_days_on(
    data: TrackerData, letter_date: date, due: str
) -> None:
    assert _deadlines(data, LetterKind.REMINDER, letter_date) == {due}
    assert datetime.strptime(due, "%d/%m/%Y").date() > letter_date


def test_the_number_of_working_days_comes_from_the_config(data: TrackerData) -> None:
    assert _deadlines(data, LetterKind.REMINDER, AFTER_IT, **{REPLY_DAYS_KEY: "10"}) == {
        "18/12/2026"
    }
    plan = build_letters(
        LetterKind.REMINDER,
        recalc(data, AFTER_IT),
        data.catalogue(),
        {**data.config, REPLY_DAYS_KEY: "mười"},
    )
    assert {letter.context["return_deadline"] for letter in plan.letters} == {"11/12/2026"}
    assert any("đang là “mười”" in line and "5 ngày" in line for line in plan.info)


def test_a_request_keeps_the_configured_deadline_while_it_is_ahead(data: TrackerData) -> None:
    assert _deadlines(data, LetterKind.REQUEST, TODAY) == {CONFIGURED}
    plan = build_letters(LetterKind.REQUEST, recalc(data, TODAY), data.catalogue(), data.config)
    assert not [line for line in plan.info if "Hạn" in line or "hạn" in line.split(":")[0]]


@pytest.mark.parametrize("letter_date", [date(2026, 11, 28), AFTER_IT])
def test_a_request_made_on_or_after_the_deadline_uses_working_days(
    data: TrackerData, letter_date: date
) -> None:
    plan = build_letters(
        LetterKind.REQUEST, recalc(data, letter_date), data.catalogue(), data.config
    )
    due = {letter.context["return_deadline"] for letter in plan.letters}
    assert due == {"04/12/2026" if letter_date.day == 28 else "11/12/2026"}
    assert CONFIGURED in plan.info[0] and "ngày làm việc" in plan.info[0]


def test_beyond_the_holiday_data_the_output_says_only_weekends_were_skipped() -> None:
    deadline = configured_deadline(date(2030, 12, 30), {"return_deadline": "01/12/2030"})
    # 01/01/2031 counted as a working day: the data ends with 2030, and the line says so.
    assert deadline.text == "06/01/2031" and deadline.by_rule
    assert any("2025 đến năm 2030" in line for line in deadline.lines)
    typed = configured_deadline(AFTER_IT, {"return_deadline": "cuối tháng"})
    assert typed.text == "cuối tháng" and not typed.lines  # validate reports it


def test_the_reminder_file_and_the_command_say_the_deadline(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["letters", "--kind", "don-doc", "-w", str(ws.workbook), "--today", "2026-12-05"]
    assert main(args) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Hạn báo cáo ghi trong công văn đôn đốc là 11/12/2026" in out
    files = sorted((ws.root / "outbox" / "2026-11").glob("CV_DonDoc_*.docx"))
    assert files
    for path in files:
        text = full_text(open_docx(path))
        assert "trước ngày 11/12/2026" in text and CONFIGURED not in text
        assert "ngày 05 tháng 12 năm 2026" in text


def test_forms_issued_after_the_deadline_carry_the_new_one(ws: Workspace) -> None:
    now = datetime(2026, 12, 5, 9, 30)
    outcome, letters = issue_forms_with_letters("2026-11", workbook=ws.workbook, now=now)
    assert outcome.info and CONFIGURED in outcome.info[0] and "11/12/2026" in outcome.info[0]
    for form in outcome.forms:
        book = CalamineWorkbook.from_filelike(io.BytesIO(form.path.read_bytes()))
        header = book.get_sheet_by_name(FORM_SHEET).to_python()[2]
        assert "Hạn gửi: 11/12/2026" in header
    assert letters
    for path in letters:
        assert "trước ngày 11/12/2026" in full_text(open_docx(path))
    # Merging judges returns by the deadline the forms carried, not the passed one.
    ledger = read_ledger(ws.root / "outbox")
    assert [(e.period, e.deadline) for e in ledger] == [("2026-11", "11/12/2026")]


def test_forms_keep_a_deadline_still_ahead(ws: Workspace) -> None:
    set_config({"return_deadline": "15/12/2026"}, workbook=ws.workbook)
    outcome, _ = issue_forms_with_letters(
        "2026-11", workbook=ws.workbook, now=datetime(2026, 12, 5, 9, 30)
    )
    assert outcome.info == []
    assert read_ledger(ws.root / "outbox")[-1].deadline == "15/12/2026"
    made = make_letters("de-nghi", workbook=ws.workbook, agency="STC", today=AFTER_IT)
    assert "trước ngày 15/12/2026" in full_text(open_docx(made.files[0].docx))
    assert made.info == []
