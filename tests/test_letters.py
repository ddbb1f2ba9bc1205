"""Letters: what goes into each one, and the structure of the .docx files (python-docx).

The sample plan is imported once, a few agency reports are typed in (tests/letterdata.py),
and every kind of letter is generated into the workspace's outbox; the tests read them back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest
from conftest import ROOT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from docxread import (
    FONT,
    body_paragraphs,
    borderless,
    cell_texts,
    default_fonts,
    fonts_named,
    full_text,
    has_bottom_rule,
    is_bold,
    is_italic,
    open_docx,
    rows,
    run_sizes,
)
from letterdata import (
    DIFFICULTY_AMP,
    PROPOSAL_BREAK,
    PROPOSAL_JINJA,
    SIGNER,
    TODAY,
    add_reports,
)

from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands.letters import LettersOutcome, make_letters
from xladdin.commands.plan import import_plan
from xladdin.core.agencies import AgencyCatalogue
from xladdin.core.errors import UsageError
from xladdin.core.letterhead import clean_text, committee_body, date_text, percent, short_date
from xladdin.core.letters import KINDS, LetterKind, build_letters, file_name, parse_kind
from xladdin.io.workspace import Workspace, init_workspace

DATE_LINE = "Điện Biên, ngày 21 tháng 11 năm 2026"
VPTU_REMINDERS = [
    # overdue, most days late first (plan order on ties), then due soon, then unreported
    "I.6", "II.2.1", "I.8", "I.9", "I.10", "II.2.4", "II.2.2",
    "I.1", "I.2", "I.3", "II.1.1", "II.1.2", "II.2.3", "II.2.9", "II.2.10", "II.2.11",
    "II.2.x1", "III.1", "V.1",
]  # fmt: skip
REPORT_OVERDUE = ["I.7", "I.6", "II.2.1", "I.10", "I.8", "I.9", "II.2.4"]


@pytest.fixture(scope="module")
def reported(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> Workspace:
    ws = init_workspace(tmp_path_factory.mktemp("letters") / "ws")
    import_plan(plan_docx, workbook=ws.workbook, now=datetime(2026, 11, 21, 9, 0))
    add_reports(ws.workbook)
    return ws


@pytest.fixture(scope="module")
def made(reported: Workspace) -> dict[LetterKind, LettersOutcome]:
    return {
        kind: make_letters(kind, workbook=reported.workbook, today=TODAY) for kind in LetterKind
    }


@pytest.fixture(scope="module")
def by_other_office(
    reported: Workspace, tmp_path_factory: pytest.TempPathFactory
) -> dict[LetterKind, LettersOutcome]:
    """The same tracker kept by Ban Nội chính: Văn phòng (the sample's busiest agency) is
    then an ordinary recipient, and Ban Nội chính the office that gets no letter."""
    from xladdin.commands.config import set_config

    ws = init_workspace(tmp_path_factory.mktemp("other-office") / "ws")
    ws.workbook.write_bytes(reported.workbook.read_bytes())
    set_config({"office": "BAN NỘI CHÍNH", "letter_suffix": "-CV/BNCTU"}, workbook=ws.workbook)
    return {
        kind: make_letters(kind, workbook=ws.workbook, today=TODAY)
        for kind in (LetterKind.REQUEST, LetterKind.REMINDER)
    }


def _files(made: dict[LetterKind, LettersOutcome]) -> Iterator[tuple[LetterKind, str, Path]]:
    for kind, outcome in made.items():
        for f in outcome.files:
            yield kind, f.agency_code, f.docx


# -- pure helpers ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(2026, 11, 21), "ngày 21 tháng 11 năm 2026"),
        (date(2026, 2, 5), "ngày 05 tháng 02 năm 2026"),
        (date(2026, 3, 9), "ngày 09 tháng 3 năm 2026"),
        (date(2027, 1, 31), "ngày 31 tháng 01 năm 2027"),
    ],
)
def test_vietnamese_date(day: date, text: str) -> None:
    assert date_text(day) == text


def test_numbers_and_short_dates() -> None:
    assert percent(0.357) == "35,7%"
    assert percent(1.0) == "100%"
    assert percent(0) == "0%"
    assert short_date(date(2026, 3, 1)) == "01/03/2026"
    assert short_date(datetime(2026, 3, 1, 8, 30)) == "01/03/2026"


@pytest.mark.parametrize(
    ("committee", "province", "body"),
    [
        ("TỈNH ỦY ĐIỆN BIÊN", "Điện Biên", "Tỉnh ủy"),
        ("THÀNH ỦY HÀ NỘI", "Hà Nội", "Thành ủy"),
        ("TỈNH ỦY  BÀ RỊA - VŨNG TÀU", "Bà Rịa - Vũng Tàu", "Tỉnh ủy"),
        ("ĐẢNG ỦY KHỐI", "", "Đảng ủy khối"),
    ],
)
def test_committee_body_from_config(committee: str, province: str, body: str) -> None:
    assert committee_body(committee, province) == body


def test_clean_text_drops_what_xml_cannot_carry() -> None:
    assert clean_text("a\x00b\x0bc\x1fd\ufffe") == "abcd"
    assert clean_text("dòng 1\r\ndòng 2\rdòng 3") == "dòng 1\ndòng 2\ndòng 3"
    assert clean_text("tab\tgiữ nguyên & <x> {{ y }}") == "tab\tgiữ nguyên & <x> {{ y }}"
    assert clean_text(None) == "" and clean_text(float("nan")) == ""


def test_file_names_and_kinds() -> None:
    assert file_name(LetterKind.REMINDER, "2026-11", "VPTU") == "CV_DonDoc_VPTU_2026-11.docx"
    assert file_name(LetterKind.REQUEST, "2026-Q4", "STC") == "CV_DeNghiBaoCao_STC_2026-Q4.docx"
    assert file_name(LetterKind.REPORT, "2026-H2") == "BaoCao_TongHop_2026-H2.docx"
    assert parse_kind("Don-Doc") is LetterKind.REMINDER
    with pytest.raises(UsageError, match="de-nghi, don-doc, bao-cao"):
        parse_kind("cong-van")
    with pytest.raises(UsageError, match="Chưa chọn loại công văn"):
        parse_kind(None)


def test_every_kind_has_one_description_and_no_fallback() -> None:
    assert set(KINDS) == set(LetterKind)
    assert len({k.template for k in KINDS.values()}) == len(KINDS)
    assert len({k.file_prefix for k in KINDS.values()}) == len(KINDS)
    for spec in KINDS.values():
        assert (ROOT / "templates" / f"{spec.template}.docx").is_file()
    with pytest.raises(UsageError, match="không có"):
        build_letters("cong-van", None, AgencyCatalogue(), {})  # type: ignore[arg-type]


# -- which letters --------------------------------------------------------------------------
def test_one_letter_per_relevant_agency(made: dict[LetterKind, LettersOutcome]) -> None:
    folder = made[LetterKind.REPORT].folder
    assert folder.parts[-2:] == ("outbox", "2026-11")
    codes = {kind: [f.agency_code for f in o.files] for kind, o in made.items()}
    # Văn phòng Tỉnh ủy signs the letters ("Cấu hình"): it gets none of its own.
    assert codes[LetterKind.REQUEST] == ["BNCTU", "BTCTU", "BTGVDVTU", "STC", "UBKTTU"]
    # Ban Tổ chức reported its only task this month and it has no fixed deadline.
    assert codes[LetterKind.REMINDER] == ["BNCTU", "BTGVDVTU", "STC", "UBKTTU"]
    assert [f.docx.name for f in made[LetterKind.REPORT].files] == ["BaoCao_TongHop_2026-11.docx"]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f.docx.name for o in made.values() for f in o.files
    )  # nothing else: no temp files, no PDFs without --pdf


def test_reminder_table_lists_overdue_due_soon_and_unreported(
    made: dict[LetterKind, LettersOutcome],
    by_other_office: dict[LetterKind, LettersOutcome],
) -> None:
    outcome = by_other_office[LetterKind.REMINDER]
    assert "BNCTU" not in [f.agency_code for f in outcome.files]  # the issuer now
    doc = open_docx(next(f.docx for f in outcome.files if f.agency_code == "VPTU"))
    table = doc.tables[1]
    header, *data = rows(table)
    assert header == [
        "TT", "Mã NV", "Nội dung nhiệm vụ", "Hạn hoàn thành", "Số ngày quá hạn", "Tình trạng",
        "Báo cáo gần nhất",
    ]  # fmt: skip
    assert [r[1] for r in data] == VPTU_REMINDERS
    assert [r[0] for r in data] == [str(n) for n in range(1, len(data) + 1)]
    by_key = {r[1]: r for r in data}
    assert by_key["I.6"][3:] == [
        "30/06/2026", "144", "Quá hạn; chưa báo cáo kỳ này", "Đang triển khai, 70% (ngày 20/10/2026)",
    ]  # fmt: skip
    assert by_key["I.8"][3:6] == ["30/09/2026", "52", "Quá hạn"]
    assert by_key["II.2.2"][3:6] == ["31/12/2026", "", "Sắp đến hạn (còn 40 ngày)"]
    assert by_key["I.1"][3:6] == ["", "", "Chưa báo cáo kỳ này"]
    text = full_text(doc)
    assert (
        "có 19 nhiệm vụ chủ trì cần tập trung chỉ đạo, trong đó 6 nhiệm vụ đã quá hạn, 1 nhiệm "
        "vụ sắp đến hạn và 17 nhiệm vụ chưa báo cáo kết quả tháng 11 năm 2026 (chi tiết" in text
    )
    # Dated Saturday 21/11/2026: five working days on is Friday 27/11, whatever "Cấu hình"
    # says the forms are due.
    assert "trước ngày 27/11/2026" in text and "28/11/2026" not in text

    stc = open_docx(next(f.docx for f in made[LetterKind.REMINDER].files if f.agency_code == "STC"))
    assert "có 1 nhiệm vụ chủ trì cần tập trung chỉ đạo, trong đó 1 nhiệm vụ đã quá hạn (chi" in (
        full_text(stc)
    )
    assert [r[1:6] for r in rows(stc.tables[1])[1:]] == [
        ["I.7", rows(stc.tables[1])[1][2], "31/03/2026", "235", "Quá hạn"]
    ]


def test_request_lists_lead_tasks(
    made: dict[LetterKind, LettersOutcome], by_other_office: dict[LetterKind, LettersOutcome]
) -> None:
    outcome = made[LetterKind.REQUEST]
    stc = open_docx(next(f.docx for f in outcome.files if f.agency_code == "STC"))
    header, *data = rows(stc.tables[1])
    assert header == ["TT", "Mã NV", "Nội dung nhiệm vụ", "Thời gian thực hiện", "Hạn hoàn thành"]
    assert [(r[0], r[1], r[3], r[4]) for r in data] == [
        ("1", "I.7", "Hoàn thành Quý I/2026", "31/03/2026")
    ]
    assert len(stc.tables) == 3  # letterhead, lead tasks, signature: no coordination table
    text = full_text(stc)
    assert "Kính gửi: Sở Tài chính" in text
    assert "1. Các nhiệm vụ do Sở Tài chính chủ trì (1 nhiệm vụ):" in text
    assert "trước ngày 28/11/2026" in text
    # Văn phòng coordinates the tasks other Ban lead: a second table, numbered 2.
    requests = by_other_office[LetterKind.REQUEST].files
    vptu = open_docx(next(f.docx for f in requests if f.agency_code == "VPTU"))
    assert len(vptu.tables) == 4
    assert [r[1] for r in rows(vptu.tables[2])[1:]] == ["II.2.5", "II.2.6", "II.2.7", "II.2.8"]
    assert "2. Các nhiệm vụ Văn phòng Tỉnh ủy phối hợp thực hiện (4 nhiệm vụ" in full_text(vptu)


def test_report_figures_tables_remarks_and_chart(made: dict[LetterKind, LettersOutcome]) -> None:
    doc = open_docx(made[LetterKind.REPORT].files[0].docx)
    sections, agencies, overdue = (rows(t) for t in doc.tables[1:4])
    assert [r[0] for r in sections[1:]] == ["I", "II", "III", "IV", "V"]
    assert [r[2] for r in sections[1:]] == ["10", "14", "1", "2", "1"]
    assert [r[1] for r in agencies[1:]] == [
        "Ban Nội chính Tỉnh ủy", "Ban Tổ chức Tỉnh ủy", "Ban Tuyên giáo và Dân vận Tỉnh ủy",
        "Sở Tài chính", "Ủy ban Kiểm tra Tỉnh ủy", "Văn phòng Tỉnh ủy",
    ]  # fmt: skip
    assert agencies[-1][2:] == ["21", "2", "6", "1", "17", "9,5%", "15,5"]
    assert [r[1] for r in overdue[1:]] == REPORT_OVERDUE
    assert overdue[1][4:] == ["31/03/2026", "235", "40"]
    text = full_text(doc)
    assert "Kính gửi" not in text and "V/v" not in text  # a báo cáo, not a công văn
    assert "- Ban Thường vụ Tỉnh ủy (để báo cáo)," in text
    assert "Kế hoạch có 28 nhiệm vụ; đã hoàn thành 3 nhiệm vụ (đạt 10,7%)" in text
    assert "Văn phòng Tỉnh ủy kính báo cáo Ban Thường vụ Tỉnh ủy./." in text
    # Remarks gathered from the "difficulties" / "proposals" columns, printed literally.
    assert f"- Văn phòng Tỉnh ủy (nhiệm vụ I.6): {DIFFICULTY_AMP}" in text
    assert f"- Sở Tài chính (nhiệm vụ I.7): {PROPOSAL_BREAK}" in text  # "\n" = a line break
    assert f"- Ban Tổ chức Tỉnh ủy (nhiệm vụ II.2.5): {PROPOSAL_JINJA}" in text
    images = doc.inline_shapes
    assert len(images) == 1
    assert abs(images[0].width - Mm(160)) < Mm(0.5)


# -- format of every letter -----------------------------------------------------------------
def test_every_letter_has_the_party_format(
    reported: Workspace, made: dict[LetterKind, LettersOutcome]
) -> None:
    catalogue = read_data(open_tracker(reported.workbook)).catalogue()
    to = {a.code: a.addressee_line for a in catalogue}
    files = list(_files(made))
    assert len(files) == 10
    for kind, code, path in files:
        _check_format(open_docx(path), None if kind is LetterKind.REPORT else to[code])


def _check_format(doc: Any, addressee: str | None) -> None:
    """The Party format of a công văn (``addressee`` is its "Kính gửi") or, when
    ``addressee`` is None, of the báo cáo (type name and subject as title, "-BC/")."""
    s = doc.sections[0]
    sizes = (
        s.page_width,
        s.page_height,
        s.top_margin,
        s.bottom_margin,
        s.left_margin,
        s.right_margin,
    )
    assert [round(x.mm, 1) for x in sizes] == [210, 297, 20, 20, 30, 15]  # A4; Word stores twips
    assert set(default_fonts(doc).values()) == {FONT}
    assert fonts_named(doc) == {FONT}, "a run or style names another font or a theme font"

    head = doc.tables[0]
    assert borderless(head) and len(head.columns) == 2
    issuer, title = head.cell(0, 0), head.cell(0, 1)
    assert cell_texts(issuer) == ["TỈNH ỦY ĐIỆN BIÊN", "VĂN PHÒNG", "*"]
    committee, office, star = issuer.paragraphs
    assert run_sizes(committee) == run_sizes(office) == run_sizes(star) == {14}
    assert not is_bold(committee) and is_bold(office)
    party = title.paragraphs[0]
    assert party.text == "ĐẢNG CỘNG SẢN VIỆT NAM"
    assert is_bold(party) and run_sizes(party) == {15} and has_bottom_rule(party)
    number, dated = head.cell(1, 0).paragraphs[0], head.cell(1, 1).paragraphs[0]
    code = "CV" if addressee else "BC"
    assert re.fullmatch(rf"Số {{3,}}-{code}/VPTU", number.text), number.text
    assert run_sizes(number) == {14} and not is_bold(number)
    assert dated.text == DATE_LINE and is_italic(dated) and run_sizes(dated) == {14}

    texts = [p.text for p in body_paragraphs(doc)]
    if addressee is not None:
        subject = head.cell(2, 0).paragraphs[0]
        assert subject.text.startswith("V/v ") and is_italic(subject)
        assert run_sizes(subject) == {12}
        to = next(p for p in body_paragraphs(doc) if p.text.startswith("Kính gửi: "))
        assert to.text == f"Kính gửi: {addressee}"
        assert to.alignment == WD_ALIGN_PARAGRAPH.CENTER and run_sizes(to) == {14}
    else:
        assert len(head.rows) == 2  # no "V/v" row
        kind, about, rule = body_paragraphs(doc)[:3]
        assert kind.text == KINDS[LetterKind.REPORT].title == "BÁO CÁO"
        assert is_bold(kind) and run_sizes(kind) == {16}
        assert about.text == "tiến độ thực hiện kế hoạch tháng 11 năm 2026"
        assert is_bold(about) and run_sizes(about) == {14}
        assert rule.text == "" and has_bottom_rule(rule)  # the short line under the subject
        assert all(p.alignment == WD_ALIGN_PARAGRAPH.CENTER for p in (kind, about, rule))
        assert not [t for t in texts if t.startswith(("Kính gửi", "V/v"))]
    body = [p for p in body_paragraphs(doc) if p.paragraph_format.first_line_indent]
    assert body and all(p.alignment == WD_ALIGN_PARAGRAPH.JUSTIFY for p in body)
    assert all(run_sizes(p) <= {14} for p in body)
    assert any(t.endswith("./.") for t in texts)
    leftover = [t for t in texts if ("{{" in t or "{%" in t) and PROPOSAL_JINJA not in t]
    assert not leftover, "a template tag was left over"

    sign = doc.tables[-1]
    assert borderless(sign)
    received, signer = sign.cell(0, 0), sign.cell(0, 1)
    first, *listed = received.paragraphs
    # Hướng dẫn 36-HD/VPTW: "Nơi nhận" 14 pt, upright, underlined; the list 12 pt, upright.
    assert first.text == "Nơi nhận:" and not is_bold(first) and not is_italic(first)
    assert [(r.text, bool(r.underline)) for r in first.runs] == [("Nơi nhận", True), (":", False)]
    assert run_sizes(first) == {14}
    assert all(run_sizes(p) <= {12} and not is_italic(p) for p in listed if p.text)
    # "Như trên" points at the "Kính gửi" line; the report names its reader instead.
    assert listed[0].text == (
        "- Như trên," if addressee else "- Ban Thường vụ Tỉnh ủy (để báo cáo),"
    )
    assert all(run_sizes(p) == {12} for p in listed)
    lines = [p for p in signer.paragraphs if p.text.strip()]
    assert [p.text for p in lines] == ["K/T CHÁNH VĂN PHÒNG", "PHÓ CHÁNH VĂN PHÒNG", SIGNER]
    assert all(is_bold(p) and run_sizes(p) == {14} for p in lines)


def test_every_name_comes_from_the_config(reported: Workspace, tmp_path: Path) -> None:
    """Another province, another office, no "K/T": nothing of Điện Biên is left."""
    from xladdin.commands.config import set_config

    other = tmp_path / "other.xlsm"
    other.write_bytes(reported.workbook.read_bytes())
    set_config(
        {
            "plan_name": "Kế hoạch chuyển đổi số năm 2026",
            "province": "Hà Nội",
            "committee": "THÀNH ỦY HÀ NỘI",
            "office": "VĂN PHÒNG",
            "place": "Hà Nội",
            "letter_suffix": "-CV/VPThU",
            "signer_authority": "",
            "signer_title": "CHÁNH VĂN PHÒNG",
            "signer_name": "Trần Thị Bình",
        },
        workbook=other,
    )
    for kind in (LetterKind.REPORT, LetterKind.REMINDER):
        outcome = make_letters(kind, workbook=other, agency=None, today=date(2026, 2, 5))
        doc = open_docx(outcome.files[-1].docx)
        text = full_text(doc)
        assert "Điện Biên" not in text and "ĐIỆN BIÊN" not in text
        assert cell_texts(doc.tables[0].cell(0, 0)) == ["THÀNH ỦY HÀ NỘI", "VĂN PHÒNG", "*"]
        assert doc.tables[0].cell(1, 1).paragraphs[0].text == "Hà Nội, ngày 05 tháng 02 năm 2026"
        code = "BC" if kind is LetterKind.REPORT else "CV"
        assert re.fullmatch(rf"Số +-{code}/VPThU", doc.tables[0].cell(1, 0).paragraphs[0].text)
        signer = [p.text for p in doc.tables[-1].cell(0, 1).paragraphs if p.text.strip()]
        assert signer == ["CHÁNH VĂN PHÒNG", "Trần Thị Bình"]
        assert "Văn phòng Thành ủy" in text
        if kind is LetterKind.REPORT:
            assert "- Ban Thường vụ Thành ủy (để báo cáo)," in text


def test_no_letter_prints_an_agency_as_the_plan_spelled_it(
    made: dict[LetterKind, LettersOutcome],
) -> None:
    """Issue 15: the plan types "Sở Tài Chính", "Văn Phòng Tỉnh ủy", "UBKT Tỉnh ủy"; every
    letter prints the standard name instead (the catalogue keeps the plan's as an alias)."""
    from test_agency_names import PLAN_NAMES

    non_standard = {typed for typed, standard in PLAN_NAMES if typed != standard}
    assert {"Sở Tài Chính", "Văn Phòng Tỉnh ủy"} <= non_standard
    letters = list(_files(made))
    assert letters
    for _, _, path in letters:
        text = full_text(open_docx(path))
        found = sorted(n for n in non_standard if re.search(rf"\b{re.escape(n)}\b", text))
        assert not found, (path.name, found)
