"""Letter templates and the ``theodoi letters`` command: overrides, broken templates, the
command line, atomic writes and the PDF step (with a stand-in for LibreOffice)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docxread import full_text, open_docx
from letterdata import TODAY, reported_source, workspace_with

from xladdin.adapters.cli import main
from xladdin.commands.letters import make_letters
from xladdin.core.errors import OutputError, TemplateError
from xladdin.core.layout import SHEET_TASKS, TASK_COLUMNS
from xladdin.core.letters import KINDS, LetterKind
from xladdin.io import letters_io
from xladdin.io.tracker_io import TrackerWorkbook
from xladdin.io.workspace import Workspace

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory, plan_docx: Path) -> Path:
    return reported_source(tmp_path_factory.mktemp("src") / "ws", plan_docx)


@pytest.fixture
def ws(source: Path, tmp_path: Path) -> Workspace:
    return workspace_with(source, tmp_path / "ws")


def _edit_template(ws: Workspace, name: str, old: str, new: str) -> Path:
    """Copy a bundled template into the workspace and replace a text in it, as staff would."""
    doc = open_docx(letters_io.template_path(name))
    for p in [*doc.paragraphs, *(p for t in doc.tables for c in t._cells for p in c.paragraphs)]:
        if old in p.text:
            text = p.text.replace(old, new)
            for run in p.runs[1:]:
                run.text = ""
            p.runs[0].text = text
            break
    else:
        raise AssertionError(f"{old!r} not in {name}")
    target = ws.root / "templates" / f"{name}.docx"
    target.parent.mkdir(exist_ok=True)
    doc.save(str(target))
    return target


def _outbox(ws: Workspace) -> Path:
    return ws.root / "outbox" / "2026-11"


# -- templates ----------------------------------------------------------------------------------
def test_template_script_is_deterministic(tmp_path: Path) -> None:
    script = ROOT / "templates" / "make_templates.py"
    outputs = []
    for n in (1, 2):
        out = tmp_path / str(n)
        out.mkdir()
        subprocess.run([sys.executable, str(script), "--out", str(out)], check=True, timeout=120)
        outputs.append({p.name: p.read_bytes() for p in sorted(out.iterdir())})
    assert sorted(outputs[0]) == sorted(
        f"{name}.docx" for name in (k.template for k in KINDS.values())
    )
    assert outputs[0] == outputs[1]
    check = subprocess.run([sys.executable, str(script), "--check", "--out", str(tmp_path / "1")])
    assert check.returncode == 0


def test_template_xml_keeps_the_schema_order() -> None:
    """Word rejects a paragraph or table whose properties are out of the schema's order
    (LibreOffice does not, so the PDF tests would not notice)."""
    from docx.oxml.ns import qn

    from xladdin._templates.docx_parts import PPR_ORDER, TBLPR_ORDER

    for name in (k.template for k in KINDS.values()):
        doc = open_docx(letters_io.template_path(name))
        for tag, order in (("w:pPr", PPR_ORDER), ("w:tblPr", TBLPR_ORDER)):
            rank = {qn(f"w:{n}"): i for i, n in enumerate(order)}
            for props in doc.element.body.iter(qn(tag)):
                ranks = [rank[child.tag] for child in props]
                assert ranks == sorted(ranks), (name, [c.tag.split("}")[1] for c in props])


def test_templates_hold_only_the_styles_they_use_and_theme_fonts_are_times() -> None:
    """Each letter reads and writes the styles part: only what the template uses is kept,
    and a style added later while editing gets Times New Roman from the theme."""
    import zipfile

    from docx.oxml.ns import qn

    from xladdin._templates.docx_parts import FONT, _used_styles

    for name in (k.template for k in KINDS.values()):
        path = letters_io.template_path(name)
        names = zipfile.ZipFile(path).namelist()
        assert "word/stylesWithEffects.xml" not in names, name
        doc = open_docx(path.read_bytes())
        used = _used_styles(doc)
        styles = doc.styles.element.findall(qn("w:style"))
        kept = {s.get(qn("w:styleId")) for s in styles}
        assert used <= kept and len(kept) < 20, (name, sorted(kept))
        theme = zipfile.ZipFile(path).read("word/theme/theme1.xml").decode()
        for slot in ("majorFont", "minorFont"):
            block = theme[theme.index(f"<a:{slot}>") :]
            assert block.split("<a:latin typeface=", 1)[1].startswith(f'"{FONT}"'), (name, slot)


def test_every_template_variable_is_documented_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    section = readme[readme.index("### Biến dùng trong mẫu") :]
    for name in (k.template for k in KINDS.values()):
        used = letters_io.template_variables(letters_io.template_path(name))
        assert used, name
        missing = sorted(v for v in used if f"`{v}`" not in section)
        assert not missing, f"{name}.docx uses variables the README does not list: {missing}"


def test_a_workspace_template_replaces_the_bundled_one(ws: Workspace) -> None:
    _edit_template(ws, "don_doc", "V/v đôn đốc thực hiện nhiệm vụ", "V/v nhắc tiến độ & hạn")
    outcome = make_letters("don-doc", workbook=ws.workbook, agency="stc", today=TODAY)
    assert [f.docx.name for f in outcome.files] == ["CV_DonDoc_STC_2026-11.docx"]
    doc = open_docx(outcome.files[0].docx)
    assert doc.tables[0].cell(2, 0).paragraphs[0].text == "V/v nhắc tiến độ & hạn"


@pytest.mark.parametrize(
    ("new", "message"),
    [
        ("Kính gửi: {{ agnecy.addressee }}", "dùng biến không có"),
        ("Kính gửi: {{ agency.addressee", "viết sai"),
        ("Kính gửi: {% for x in tasks %}", "viết sai"),
    ],
)
def test_a_broken_template_is_reported_and_nothing_is_written(
    ws: Workspace, capsys: pytest.CaptureFixture[str], new: str, message: str
) -> None:
    _edit_template(ws, "don_doc", "Kính gửi: {{ agency.addressee }}", new)
    code = main(["letters", "--kind", "don-doc", "-w", str(ws.workbook), "--today", "2026-11-21"])
    err = capsys.readouterr().err
    assert code == 2
    assert message in err and "don_doc.docx" in err and "Traceback" not in err
    assert not _outbox(ws).exists()  # every letter is rendered before any is written


def test_a_damaged_template_is_reported(ws: Workspace) -> None:
    target = ws.root / "templates" / "bao_cao_tong_hop.docx"
    target.parent.mkdir()
    target.write_bytes(b"not a zip")
    with pytest.raises(TemplateError, match="Không mở được mẫu công văn"):
        make_letters("bao-cao", workbook=ws.workbook, today=TODAY)


# -- which letters, for whom -----------------------------------------------------------------------
def test_request_for_one_agency_from_the_tracker_alone(ws: Workspace) -> None:
    """What the forms will attach: one agency's request, with nothing but the tracker."""
    outcome = make_letters(LetterKind.REQUEST, workbook=ws.workbook, agency="BTCTU", today=TODAY)
    assert [f.docx.name for f in outcome.files] == ["CV_DeNghiBaoCao_BTCTU_2026-11.docx"]
    text = full_text(open_docx(outcome.files[0].docx))
    assert "Kính gửi: Ban Tổ chức Tỉnh ủy" in text and "II.2.5" in text


def test_agencies_without_catalogue_entry_get_a_note(ws: Workspace) -> None:
    with TrackerWorkbook.edit(ws.workbook, None) as book:
        tasks = [
            {k: v for k, v in r.items() if k != "_row"}
            for r in book.read_tasks().to_dict("records")
        ]
        for t in tasks:
            if t["key"] == "I.9":
                t["lead"] = "Sở Không Tồn Tại"
            if t["key"] == "I.10":
                t["lead"] = None
        book.write_table(SHEET_TASKS, TASK_COLUMNS, tasks, key_field="key")
    outcome = make_letters("don-doc", workbook=ws.workbook, today=TODAY)
    assert any("“Sở Không Tồn Tại” (1 nhiệm vụ cần đôn đốc)" in n for n in outcome.notes)
    assert "1 nhiệm vụ cần đôn đốc chưa có cơ quan chủ trì: không có nơi gửi." in outcome.notes
    for f in outcome.files:  # I.9 is nobody's now
        assert "I.9" not in [r.cells[1].text for r in open_docx(f.docx).tables[1].rows]


# -- the command line ------------------------------------------------------------------------------
def test_cli_writes_the_letters_and_lists_them(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["letters", "--kind", "bao-cao", "-w", str(ws.workbook), "--today", "2026-11-21"]) == 0
    )
    out = capsys.readouterr().out
    assert "Đã lập 1 báo cáo tổng hợp (tháng 11 năm 2026)" in out
    assert "BaoCao_TongHop_2026-11.docx" in out
    assert [p.name for p in _outbox(ws).iterdir()] == ["BaoCao_TongHop_2026-11.docx"]
    # Letters only read the tracker.
    assert not list((ws.root / "backups").iterdir())


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "Chưa chọn loại công văn"),
        (["--kind", "thu-moi"], "Loại công văn “thu-moi” không có"),
        (["--kind", "don-doc", "--agency", "XYZ"], "Không có cơ quan mã “XYZ”"),
        (["--kind", "bao-cao", "--agency", "STC"], "bỏ --agency"),
    ],
)
def test_cli_usage_errors(
    ws: Workspace, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["letters", "-w", str(ws.workbook), *args]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_pdf_without_libreoffice_says_how_to_install_it(
    ws: Workspace, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(letters_io, "find_soffice", lambda: None)
    assert main(["letters", "--kind", "bao-cao", "--pdf", "-w", str(ws.workbook)]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "Không tìm thấy LibreOffice" in err
    assert "apt-get install libreoffice-writer-nogui" in err and "libreoffice.org" in err
    assert not _outbox(ws).exists()  # checked before anything is written


def test_nothing_to_remind_is_not_an_error(
    ws: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    args = ["letters", "--kind", "don-doc", "--agency", "BTCTU", "-w", str(ws.workbook)]
    assert main([*args, "--today", "2026-11-21"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "Không lập công văn nào." in out
    assert "không cần công văn đôn đốc" in out


# -- files ---------------------------------------------------------------------------------------
def test_docx_writes_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "CV.docx"
    target.write_bytes(b"old")

    def fail(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OutputError, match="đã đầy"):  # DiskFullError, in Vietnamese
        letters_io.write_docx(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["CV.docx"]  # the temp file is gone
    monkeypatch.undo()
    letters_io.write_docx(target, b"new")
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["CV.docx"]


def _fake_soffice(produce: bool) -> Any:
    def run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[bytes]:
        assert cmd[0] == "soffice" and "--headless" in cmd
        assert any(c.startswith("-env:UserInstallation=file://") for c in cmd)
        outdir = Path(cmd[cmd.index("--outdir") + 1])
        if produce:
            for arg in cmd[cmd.index("--outdir") + 2 :]:
                (outdir / (Path(arg).stem + ".pdf")).write_bytes(b"%PDF-1.7 " + arg.encode())
        return subprocess.CompletedProcess(cmd, 0 if produce else 1, b"", b"Error: source file")

    return run


def test_pdf_conversion_moves_each_pdf_into_place(tmp_path: Path) -> None:
    docs = [tmp_path / "a.docx", tmp_path / "b.docx"]
    for d in docs:
        d.write_bytes(b"docx")
    made = letters_io.convert_to_pdf(docs, "soffice", run=_fake_soffice(True))
    assert made == [tmp_path / "a.pdf", tmp_path / "b.pdf"]
    assert (tmp_path / "a.pdf").read_bytes().endswith(str(docs[0]).encode())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.docx", "a.pdf", "b.docx", "b.pdf"]


def test_a_failed_conversion_leaves_no_pdf_and_no_temp_folder(tmp_path: Path) -> None:
    doc = tmp_path / "a.docx"
    doc.write_bytes(b"docx")
    with pytest.raises(OutputError, match=re.escape("a.docx sang PDF: Error: source file")):
        letters_io.convert_to_pdf([doc], "soffice", run=_fake_soffice(False))
    assert [p.name for p in tmp_path.iterdir()] == ["a.docx"]


def test_the_letter_date_is_the_given_day(ws: Workspace) -> None:
    outcome = make_letters("bao-cao", workbook=ws.workbook, today=date(2026, 12, 3))
    doc = open_docx(outcome.files[0].docx)
    assert doc.tables[0].cell(1, 1).paragraphs[0].text == "Điện Biên, ngày 03 tháng 12 năm 2026"
    # The period comes from "Cấu hình" (2026-11), not from the day.
    assert outcome.files[0].docx.parent.name == "2026-11"
