"""VBA module sources: the VbaModule value, exported-file parsing and code page checks."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

__all__ = [
    "CODEPAGE",
    "ModuleKind",
    "VbaModule",
    "document_module",
    "encode_source",
    "normalise_newlines",
    "parse_bas",
    "validate_identifier",
]

ModuleKind = Literal["standard", "document", "class"]
# Windows-1252: the code page Excel (en-US/Western) stores module text in. Anything outside it
# would be mangled by Office, so it is rejected up front rather than silently replaced.
CODEPAGE = 1252
_ENCODING = "cp1252"

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")
_VB_NAME = re.compile(r'^Attribute VB_Name = "([^"]*)"\s*$', re.IGNORECASE)
_VB_BASE = re.compile(r"^Attribute VB_Base = ", re.IGNORECASE)
# VB_Base values as Excel stores them: class modules share one base, document modules name
# their host object's CLSID.
_CLASS_BASE = "0{FCFB3D2A-A0FA-1068-A738-08002B3371B5}"
_DOCUMENT_BASES = {
    "workbook": "0{00020819-0000-0000-C000-000000000046}",
    "worksheet": "0{00020820-0000-0000-C000-000000000046}",
}


def validate_identifier(name: str, what: str = "module") -> str:
    """Return `name` if it is a legal VBA identifier (ASCII letter first, <= 31 chars)."""
    if not _IDENTIFIER.fullmatch(name):
        raise ValueError(
            f"invalid VBA {what} name {name!r}: use an ASCII letter followed by letters, digits "
            "or '_' (at most 31 characters)"
        )
    return name


def normalise_newlines(text: str) -> str:
    """Convert CRLF, CR and LF line ends to the CRLF VBA stores."""
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\r\n")


def encode_source(module_name: str, text: str) -> bytes:
    """Encode module text in cp1252, naming the first offending character's line and column."""
    try:
        return text.encode(_ENCODING)
    except UnicodeEncodeError as exc:
        before = text[: exc.start]
        line = before.count("\n") + 1
        column = exc.start - (before.rfind("\n") + 1) + 1
        char = text[exc.start]
        raise ValueError(
            f"module {module_name!r} line {line} column {column}: character {char!r} "
            f"(U+{ord(char):04X}) is not in code page {CODEPAGE}; keep Vietnamese and other "
            "non-Western text out of VBA (put it in a sheet or the Python side)"
        ) from None


@dataclass(frozen=True)
class VbaModule:
    """One VBA module as stored in a project: its name, full text and kind."""

    name: str
    source: str
    kind: ModuleKind

    def __post_init__(self) -> None:
        validate_identifier(self.name)
        if self.kind not in ("standard", "document", "class"):
            raise ValueError(f"module {self.name!r}: unknown kind {self.kind!r}")

    def stored_source(self) -> str:
        """Text as written to the stream: CRLF line ends, led by `Attribute VB_Name`."""
        text = normalise_newlines(self.source)
        first = text.split("\r\n", 1)[0]
        match = _VB_NAME.match(first)
        if match is None:
            text = f'Attribute VB_Name = "{self.name}"\r\n{text}'
        elif match.group(1) != self.name:
            raise ValueError(
                f"module {self.name!r}: its source says Attribute VB_Name = {match.group(1)!r}"
            )
        lines = text.split("\r\n")
        has_base = any(_VB_BASE.match(ln) for ln in lines)
        if self.kind == "document" and not has_base:
            raise ValueError(
                f"document module {self.name!r} lacks `Attribute VB_Base`: build it with "
                "document_module() so Excel knows its host object"
            )
        if self.kind == "class" and not has_base:
            # Exported .cls files omit VB_Base; the stored text of every class module has it.
            lines.insert(1, f'Attribute VB_Base = "{_CLASS_BASE}"')
            text = "\r\n".join(lines)
        return text


def document_module(name: str, host: Literal["workbook", "worksheet"], body: str = "") -> VbaModule:
    """A document module (ThisWorkbook, Sheet1, ...) with the attribute block Excel writes."""
    attributes = [
        f'Attribute VB_Name = "{name}"',
        f'Attribute VB_Base = "{_DOCUMENT_BASES[host]}"',
        "Attribute VB_GlobalNameSpace = False",
        "Attribute VB_Creatable = False",
        "Attribute VB_PredeclaredId = True",
        "Attribute VB_Exposed = True",
        "Attribute VB_TemplateDerived = False",
        "Attribute VB_Customizable = True",
    ]
    text = "\r\n".join(attributes) + "\r\n" + normalise_newlines(body)
    return VbaModule(name=name, source=text, kind="document")


def parse_bas(text: str, kind: ModuleKind | None = None) -> VbaModule:
    """Build a VbaModule from an exported .bas/.cls file.

    The `VERSION 1.0 CLASS` / `BEGIN ... END` header of exported classes is editor metadata
    that is not part of the stored module text, so it is dropped. Without an explicit `kind`,
    `Attribute VB_Base` decides between class and document module; otherwise a file with a
    class header is a class and anything else a standard module. Exported document modules
    carry no VB_Base: rebuild those with document_module().
    """
    lines = normalise_newlines(text.lstrip("\ufeff")).split("\r\n")
    is_class = bool(lines) and lines[0].strip().upper().startswith("VERSION ")
    if is_class:
        lines = lines[1:]
        if lines and lines[0].strip().upper() == "BEGIN":
            end = next((i for i, ln in enumerate(lines) if ln.strip().upper() == "END"), None)
            if end is None:
                raise ValueError("class header BEGIN without END")
            lines = lines[end + 1 :]
    name = next((m.group(1) for ln in lines if (m := _VB_NAME.match(ln))), None)
    if name is None:
        raise ValueError('no `Attribute VB_Name = "..."` line: cannot name the module')
    if kind is None:
        base = next((ln for ln in lines if _VB_BASE.match(ln)), None)
        if base is not None:
            kind = "class" if _CLASS_BASE.upper() in base.upper() else "document"
        else:
            kind = "class" if is_class else "standard"
    return VbaModule(name=name, source="\r\n".join(lines), kind=kind)
