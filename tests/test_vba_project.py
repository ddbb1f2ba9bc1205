"""vbaProject.bin building and reading, without external programs."""

from __future__ import annotations

import io
from pathlib import Path

import olefile
import pytest
import xlwings
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.workbook_build.vba import (
    VbaModule,
    build_vba_project,
    decompress,
    document_module,
    parse_bas,
    read_vba_modules,
)
from xladdin.workbook_build.vba.dirstream import parse_dir_stream
from xladdin.workbook_build.vba.project import encrypt_project_value

XLWINGS_DIR = Path(xlwings.__file__).parent
SAMPLE_XLSM = XLWINGS_DIR / "quickstart_standalone.xlsm"
RIBBON_SOURCE = (
    'Attribute VB_Name = "Ribbon"\n'
    "Option Explicit\n"
    "\n"
    "Sub BtnImport(control As IRibbonControl)\n"
    '    RunPython "import xladdin.adapters.buttons as b; b.import_appendix()"\n'
    "End Sub\n"
)


def sample_vba_bin() -> bytes:
    import zipfile

    with zipfile.ZipFile(SAMPLE_XLSM) as z:
        return z.read("xl/vbaProject.bin")


def addin_modules() -> list[VbaModule]:
    return [
        document_module("ThisWorkbook", "workbook"),
        document_module("Sheet1", "worksheet"),
        parse_bas((XLWINGS_DIR / "xlwings.bas").read_text("cp1252")),
        VbaModule("Ribbon", RIBBON_SOURCE, "standard"),
    ]


def _decrypt(value: str) -> tuple[int, int, bytes]:
    """MS-OVBA 2.4.3.3, written independently of the encoder: (version, projkey, data)."""
    raw = bytes.fromhex(value)
    seed, version_enc, key_enc = raw[0], raw[1], raw[2]
    plain = bytearray()
    u1, e1, e2 = seed ^ key_enc, key_enc, version_enc
    for b in raw[3:]:
        x = b ^ ((e2 + u1) & 0xFF)
        plain.append(x)
        e2, e1, u1 = e1, b, x
    ignored = (seed & 6) // 2
    length = int.from_bytes(plain[ignored : ignored + 4], "little")
    data = bytes(plain[ignored + 4 :])
    assert len(data) == length
    return seed ^ version_enc, seed ^ key_enc, data


def _ole_stream(data: bytes, path: str) -> bytes:
    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        return ole.openstream(path).read()
    finally:
        ole.close()


def test_round_trip_addin_modules() -> None:
    mods = addin_modules()
    built = read_vba_modules(build_vba_project(mods))
    assert list(built) == [m.name for m in mods]
    for m in mods:
        assert built[m.name] == m.source.replace("\r\n", "\n").replace("\n", "\r\n")
    assert "Sub BtnImport(control As IRibbonControl)\r\n" in built["Ribbon"]
    assert built["xlwings"] == (XLWINGS_DIR / "xlwings.bas").read_bytes().decode("cp1252")


def test_build_is_reproducible() -> None:
    assert build_vba_project(addin_modules()) == build_vba_project(addin_modules())
    other = build_vba_project(addin_modules(), project_name="Other")
    assert other != build_vba_project(addin_modules())


def test_layout_matches_what_office_accepts() -> None:
    data = build_vba_project(addin_modules(), project_id="{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}")
    assert _ole_stream(data, "VBA/_VBA_PROJECT") == _ole_stream(
        sample_vba_bin(), "VBA/_VBA_PROJECT"
    )
    info = parse_dir_stream(decompress(_ole_stream(data, "VBA/dir")))
    assert info.project_name == "VBAProject"
    assert info.codepage == 1252
    assert info.references == ("stdole", "Office")
    assert [(m.name, m.stream_name, m.offset, m.procedural) for m in info.modules] == [
        ("ThisWorkbook", "ThisWorkbook", 0, False),
        ("Sheet1", "Sheet1", 0, False),
        ("xlwings", "xlwings", 0, True),
        ("Ribbon", "Ribbon", 0, True),
    ]
    project = _ole_stream(data, "PROJECT").decode("cp1252")
    assert project.startswith('ID="{5CF9CDAB-B77B-4FE4-BD7E-D29900070E1B}"\r\n')
    for line in [
        "Document=ThisWorkbook/&H00000000",
        "Document=Sheet1/&H00000000",
        "Module=xlwings",
        "Module=Ribbon",
        'Name="VBAProject"',
        # Same project ID and seed as the xlwings sample: only the filler bytes differ.
        'CMG="8D8FA6',
        "[Host Extender Info]",
        "[Workspace]",
    ]:
        assert line in project
    assert project.endswith("\r\n\r\n")
    wm = _ole_stream(data, "PROJECTwm")
    assert wm.startswith(b"ThisWorkbook\0T\0h\0i\0s\0")
    assert wm.endswith(b"R\0i\0b\0b\0o\0n\0\0\0\0\0")


def test_project_values_decrypt_like_the_sample() -> None:
    sample = _ole_stream(sample_vba_bin(), "PROJECT").decode("cp1252")
    sample_id = sample.split('"')[1]
    values = dict(
        line.split("=", 1)
        for line in sample.splitlines()
        if line.startswith(("CMG=", "DPB=", "GC="))
    )
    expected = {"CMG": bytes(4), "DPB": b"\0", "GC": b"\xff"}
    for key, data in expected.items():
        ours = encrypt_project_value(data, sample_id)
        assert _decrypt(values[key].strip('"'))[::2] == (2, data)
        assert _decrypt(ours) == (*_decrypt(values[key].strip('"'))[:2], data)
        assert len(ours) == len(values[key].strip('"'))


def test_reads_office_written_project_with_pcode() -> None:
    modules = read_vba_modules(sample_vba_bin())
    assert set(modules) == {"ThisWorkbook", "Sheet1", "Module1", "Sheet2", "xlwings", "Dictionary"}
    assert modules["Sheet1"].startswith('Attribute VB_Name = "Sheet1"\r\n')
    assert "Attribute VB_Base" in modules["Dictionary"]


def test_non_cp1252_source_is_rejected_with_location() -> None:
    mod = VbaModule("Bad", 'Sub X()\n    MsgBox "Nhiệm vụ"\nEnd Sub\n', "standard")
    with pytest.raises(ValueError, match=r"'Bad' line 2 column 16: character 'ệ'"):
        build_vba_project([mod])


def test_cp1252_accents_survive() -> None:
    mod = VbaModule("Ok", "' café € – naïve\r\n", "standard")
    assert read_vba_modules(build_vba_project([mod]))["Ok"].endswith("' café € – naïve\r\n")


@pytest.mark.parametrize(
    ("mods", "message"),
    [
        ([VbaModule("A", "", "standard"), VbaModule("a", "", "standard")], "duplicate"),
        ([VbaModule("Dir", "", "standard")], "dir"),
        ([VbaModule("A", 'Attribute VB_Name = "B"\n', "standard")], "VB_Name"),
        ([VbaModule("Doc", "", "document")], "VB_Base"),
    ],
)
def test_invalid_projects_are_rejected(mods: list[VbaModule], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        build_vba_project(mods)


@pytest.mark.parametrize("name", ["1abc", "a b", "_x", "x" * 32, "Nhiệm"])
def test_invalid_names_are_rejected(name: str) -> None:
    with pytest.raises(ValueError, match="invalid VBA"):
        VbaModule(name, "", "standard")
    with pytest.raises(ValueError, match="invalid VBA"):
        build_vba_project([], project_name=name)


def test_missing_vb_name_is_added() -> None:
    src = read_vba_modules(build_vba_project([VbaModule("M", "Sub A()\nEnd Sub", "standard")]))
    assert src["M"] == 'Attribute VB_Name = "M"\r\nSub A()\r\nEnd Sub'


def test_parse_bas_kinds() -> None:
    bas = parse_bas('Attribute VB_Name = "Tools"\r\nSub A()\r\nEnd Sub\r\n')
    assert (bas.name, bas.kind) == ("Tools", "standard")
    cls = parse_bas(
        "VERSION 1.0 CLASS\r\nBEGIN\r\n  MultiUse = -1  'True\r\nEND\r\n"
        'Attribute VB_Name = "Thing"\r\nAttribute VB_Exposed = False\r\nPublic X As Long\r\n'
    )
    assert (cls.name, cls.kind) == ("Thing", "class")
    assert cls.source.startswith('Attribute VB_Name = "Thing"\r\n')
    stored = read_vba_modules(build_vba_project([cls]))["Thing"]
    assert stored.splitlines()[1] == 'Attribute VB_Base = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"'
    doc = parse_bas(document_module("Sheet2", "worksheet").source)
    assert (doc.name, doc.kind) == ("Sheet2", "document")
    assert parse_bas(bas.source, kind="class").kind == "class"
    with pytest.raises(ValueError, match="VB_Name"):
        parse_bas("Sub A()\r\nEnd Sub\r\n")


identifiers = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,30}", fullmatch=True).filter(
    lambda s: s.upper() != "DIR"
)
cp1252_text = st.text(
    alphabet=st.characters(codec="cp1252", exclude_characters="\r\n"), max_size=200
)


@settings(max_examples=40, deadline=None)
@given(
    st.dictionaries(
        identifiers.map(str.capitalize),
        st.lists(cp1252_text, max_size=60).map("\n".join),
        max_size=6,
    )
)
def test_round_trip_generated_modules(sources: dict[str, str]) -> None:
    unique = {k.upper(): (k, v) for k, v in sources.items()}.values()
    mods = [
        VbaModule(name, f'Attribute VB_Name = "{name}"\n{body}', "standard")
        for name, body in unique
    ]
    read = read_vba_modules(build_vba_project(mods))
    assert read == {m.name: m.source.replace("\n", "\r\n") for m in mods}
