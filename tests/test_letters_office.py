"""Letters an office signs without editing (issue 15, items 2, 3 and 7): nothing addressed
to the issuing office, one description per kind (the report is a BÁO CÁO with its own
number), and Word files that open without "Compatibility Mode" and carry their real
creation time. Generated files are read back from disk."""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from docx.oxml.ns import qn
from docxread import body_paragraphs, full_text, open_docx, paragraphs, rows
from letterdata import TODAY, reported_source, workspace_with

from xladdin.adapters.cli import main
from xladdin.book.base import read_data
from xladdin.book.file import open_tracker
from xladdin.commands.forms import issue_forms_with_letters
from xladdin.commands.letters import make_letters
from xladdin.core.agencies import Agency, AgencyCatalogue
from xladdin.core.errors import UsageError
from xladdin.core.letter_kinds import (
    KINDS,
    LetterKind,
    Recipients,
    file_name,
    kind_spec,
    number_suffix,
)
from xladdin.core.letterhead import Letterhead
from xladdin.core.letters import build_letters, issuing_agency
from xladdin.core.period import parse_period
from xladdin.io import letters_io
from xladdin.io.workspace import Workspace


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> Path:
    return reported_source(tmp_path_factory.mktemp("src") / "ws", plan_docx)


@pytest.fixture
def ws(source: Path, tmp_path: Path) -> Workspace:
    return workspace_with(source, tmp_path / "ws")


def _issuer(ws: Workspace) -> Agency:
    data = read_data(open_tracker(ws.workbook))
    head = Letterhead.from_config(data.config, TODAY, parse_period("2026-11"))
    found = issuing_agency(head, data.catalogue())
    assert found is not None and found.code == "VPTU"
    return found


# -- item 2: never a letter to the issuing office -------------------------------------------
def test_no_file_and_no_kinh_gui_to_the_issuing_office(ws: Workspace) -> None:
    issuer = _issuer(ws)
    outcomes = [make_letters(kind, workbook=ws.workbook, today=TODAY) for kind in LetterKind]
    folder = ws.root / "outbox" / "2026-11"
    made = sorted(folder.glob("*.docx"))
    assert len(made) == sum(len(o.files) for o in outcomes) == 10
    assert not [p.name for p in made if f"_{issuer.code}_" in p.name]
    for path in made:
        text = full_text(open_docx(path))
        assert f"Kính gửi: {issuer.addressee_line}" not in text, path.name
        assert f"đề nghị {issuer.name} " not in text
    # Its tasks are still reported: a row of the report's agency table, and a line saying why.
    report = open_docx(folder / "BaoCao_TongHop_2026-11.docx")
    assert issuer.name in [r[1] for r in rows(report.tables[2])]
    info = " ".join(line for o in outcomes for line in o.info)
    assert f"{issuer.name} là cơ quan ban hành" in info


def test_asking_for_the_issuing_office_by_code_makes_nothing(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    for kind in ("de-nghi", "don-doc"):
        args = ["letters", "--kind", kind, "--agency", "VPTU", "-w", str(ws.workbook)]
        assert main([*args, "--today", "2026-11-21"]) == 0
        out = " ".join(capsys.readouterr().out.split())
        assert "Không lập công văn nào." in out
        assert "là cơ quan ban hành công văn" in out and "không lập công văn gửi chính mình" in out
    assert not (ws.root / "outbox" / "2026-11").exists()


def test_the_issuing_office_gets_its_form_but_no_cover_letter(ws: Workspace) -> None:
    outcome, letters = issue_forms_with_letters(
        "2026-11", workbook=ws.workbook, now=datetime(2026, 11, 21, 10, 0)
    )
    assert "VPTU" in [f.code for f in outcome.forms]  # it reports on its own tasks
    names = [p.name for p in letters]
    assert names and not [n for n in names if "_VPTU_" in n]
    assert sorted(names) == sorted(
        f"CV_DeNghiBaoCao_{f.code}_2026-11.docx"
        for f in outcome.forms
        if f.n_lead and f.code != "VPTU"
    )


@pytest.mark.parametrize(
    ("office", "committee", "province", "found"),
    [
        ("VĂN PHÒNG", "TỈNH ỦY ĐIỆN BIÊN", "Điện Biên", "VP"),  # "Văn phòng Tỉnh ủy"
        ("VĂN PHÒNG", "THÀNH ỦY HÀ NỘI", "Hà Nội", "VPTHU"),  # through an alias
        ("BAN TỔ CHỨC", "TỈNH ỦY ĐIỆN BIÊN", "Điện Biên", "BTC"),
        ("VĂN PHÒNG", "HUYỆN ỦY MƯỜNG ẢNG", "", None),  # not in the catalogue
    ],
)
def test_the_issuer_is_found_through_the_catalogue(
    office: str, committee: str, province: str, found: str | None
) -> None:
    catalogue = AgencyCatalogue(
        [
            Agency("VP", "Văn Phòng Tỉnh Ủy"),
            Agency("VPTHU", "Văn phòng Thành ủy Hà Nội", aliases=("Văn phòng Thành ủy",)),
            Agency("BTC", "Ban Tổ chức Tỉnh ủy"),
        ]
    )
    config = {"office": office, "committee": committee, "province": province}
    head = Letterhead.from_config(config, TODAY, parse_period("2026-11"))
    agency = issuing_agency(head, catalogue)
    assert (agency.code if agency else None) == found


# -- item 3: one description per kind ---------------------------------------------------------
def test_one_row_per_kind_and_unknown_kinds_are_errors() -> None:
    assert set(KINDS) == set(LetterKind)
    for field in ("template", "file_prefix"):
        assert len({getattr(k, field) for k in KINDS.values()}) == len(KINDS)
    assert {k.recipients for k in KINDS.values()} == set(Recipients)
    assert [k.number_code for k in KINDS.values()] == ["CV", "CV", "BC"]
    assert KINDS[LetterKind.REPORT].title == "BÁO CÁO" and not KINDS[LetterKind.REPORT].addressed
    for bad in ("cong-van", "", None, "BAO CAO"):
        with pytest.raises(UsageError):
            kind_spec(bad)
        with pytest.raises(UsageError):
            file_name(bad, "2026-11")  # type: ignore[arg-type]
        with pytest.raises(UsageError):
            build_letters(bad, None, AgencyCatalogue(), {})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("configured", "code", "suffix"),
    [
        ("-CV/VPTU", "BC", "-BC/VPTU"),
        ("-CV/VPTU", "CV", "-CV/VPTU"),
        ("-CV/VPThU", "BC", "-BC/VPThU"),
        ("CV/VPTU", "BC", "BC/VPTU"),
        ("/VPTU", "BC", "-BC/VPTU"),
        ("/VPTU", "CV", "/VPTU"),  # the công văn's suffix is printed as configured
        ("VPTU", "BC", "-BC/VPTU"),
        ("", "BC", ""),
    ],
)
def test_each_kind_has_its_own_number_suffix(configured: str, code: str, suffix: str) -> None:
    assert number_suffix(configured, code) == suffix


def test_templates_follow_their_row() -> None:
    """A công văn template has "V/v" and "Kính gửi"; a titled one has its type name and
    neither."""
    for spec in KINDS.values():
        doc = open_docx(letters_io.template_path(spec.template))
        texts = [p.text for p in paragraphs(doc)]
        has_subject = any(t.startswith("V/v ") for t in texts)
        has_to = any(t.startswith("Kính gửi:") for t in texts)
        assert has_subject == has_to == spec.addressed, spec.template
        if spec.title:
            assert body_paragraphs(doc)[0].text == spec.title


def test_the_report_is_a_bao_cao(ws: Workspace) -> None:
    outcome = make_letters("bao-cao", workbook=ws.workbook, today=TODAY)
    doc = open_docx(outcome.files[0].docx)
    number = doc.tables[0].cell(1, 0).paragraphs[0].text
    assert re.fullmatch(r"Số +-BC/VPTU", number)
    text = full_text(doc)
    assert "V/v" not in text and "Kính gửi" not in text
    assert [p.text for p in body_paragraphs(doc)][:2] == [
        "BÁO CÁO",
        "tiến độ thực hiện kế hoạch tháng 11 năm 2026",
    ]


# -- item 7: current Word, real creation time ------------------------------------------------
def _compat_mode(docx: Path | bytes) -> str | None:
    doc = open_docx(docx)
    for setting in doc.settings.element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            return setting.get(qn("w:val"))
    return None


def _core(docx: Path) -> dict[str, str]:
    xml = zipfile.ZipFile(docx).read("docProps/core.xml").decode("utf-8")
    return {
        name: re.search(rf"<dcterms:{name}[^>]*>([^<]+)<", xml)[1]  # type: ignore[index]
        for name in ("created", "modified")
    }


def test_letters_open_without_compatibility_mode_and_carry_their_creation_time(
    ws: Workspace,
) -> None:
    for spec in KINDS.values():  # the templates staff open and edit
        assert _compat_mode(letters_io.template_path(spec.template)) == "15"
    before = datetime.now(UTC).replace(microsecond=0)
    files = [f.docx for kind in LetterKind for f in make_letters(kind, workbook=ws.workbook).files]
    after = datetime.now(UTC)
    assert files
    for path in files:
        assert _compat_mode(path) == "15", path.name
        stamps = _core(path)
        assert stamps["created"] == stamps["modified"]
        made = datetime.strptime(stamps["created"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        assert before <= made <= after, (path.name, stamps)  # not the template's 2026-01-01


def test_an_old_workspace_template_still_gives_a_current_word_file(ws: Workspace) -> None:
    """A template saved by Word 2010 (compatibilityMode 14) in the workspace's own folder."""
    doc = open_docx(letters_io.template_path("don_doc"))
    for setting in doc.settings.element.iter(qn("w:compatSetting")):
        if setting.get(qn("w:name")) == "compatibilityMode":
            setting.set(qn("w:val"), "14")
    target = ws.root / "templates" / "don_doc.docx"
    target.parent.mkdir()
    doc.save(str(target))
    assert _compat_mode(target) == "14"
    made = make_letters("don-doc", workbook=ws.workbook, agency="STC", today=date(2026, 12, 5))
    assert _compat_mode(made.files[0].docx) == "15"


def test_the_creation_time_of_forms_cover_letters_is_the_issue_time(ws: Workspace) -> None:
    now = datetime(2026, 11, 21, 10, 0)
    _, letters = issue_forms_with_letters("2026-11", workbook=ws.workbook, now=now)
    expected = now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert letters and all(_core(p)["created"] == expected for p in letters)
