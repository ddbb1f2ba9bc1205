"""The `VBA/dir` stream (MS-OVBA 2.3.4.2): project information, references and module table.

Everything here is the uncompressed record sequence; callers compress it with ovba.compress.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

__all__ = [
    "DEFAULT_REFERENCES",
    "OFFICE",
    "STDOLE",
    "DirInfo",
    "DirModule",
    "Reference",
    "build_dir_stream",
    "parse_dir_stream",
]

# PROJECTSYSKIND 3 (64-bit Windows) as in the xlwings sample. With p-code absent, Office
# compiles on open whatever the platform, so this only records where the file came from.
_SYSKIND_WIN64 = 3
_LCID_EN_US = 0x0409
_MODULE_PROCEDURAL = 0x0021
_MODULE_OTHER = 0x0022  # document, class and designer modules


@dataclass(frozen=True)
class Reference:
    """A registered type library reference (REFERENCEREGISTERED), e.g. stdole or Office."""

    name: str
    libid: str


STDOLE = Reference(
    "stdole",
    r"*\G{00020430-0000-0000-C000-000000000046}#2.0#0#C:\Windows\System32\stdole2.tlb"
    r"#OLE Automation",
)
# Needed for IRibbonControl in ribbon callbacks. Office resolves the library by GUID and major
# version, so the OFFICE16 path is only a hint and also works with other Office versions.
OFFICE = Reference(
    "Office",
    r"*\G{2DF8D04C-5BFA-101B-BDE5-00AA0044DE52}#2.0#0#C:\Program Files\Common Files"
    r"\Microsoft Shared\OFFICE16\MSO.DLL#Microsoft Office 16.0 Object Library",
)
DEFAULT_REFERENCES: tuple[Reference, ...] = (STDOLE, OFFICE)


@dataclass(frozen=True)
class DirModule:
    name: str
    stream_name: str
    offset: int
    procedural: bool


@dataclass(frozen=True)
class DirInfo:
    project_name: str
    codepage: int
    references: tuple[str, ...]
    modules: tuple[DirModule, ...]


def _rec(rid: int, payload: bytes = b"") -> bytes:
    return struct.pack("<HI", rid, len(payload)) + payload


def _u16(value: int) -> bytes:
    return struct.pack("<H", value)


def _u32(value: int) -> bytes:
    return struct.pack("<I", value)


def _text_pair(rid: int, rid_unicode: int, text: str, encoding: str) -> bytes:
    """An MBCS record followed by its UTF-16 twin, the shape most dir strings take."""
    return _rec(rid, text.encode(encoding)) + _rec(rid_unicode, text.encode("utf-16-le"))


def build_dir_stream(
    project_name: str,
    modules: Sequence[tuple[str, bool]],
    references: Sequence[Reference] = DEFAULT_REFERENCES,
    codepage: int = 1252,
) -> bytes:
    """Records for `modules` given as (name, is_procedural); each stream is named as its module.

    Every MODULEOFFSET is 0: the stream holds only compressed source and no p-code, which with
    the minimal _VBA_PROJECT stream makes Office compile from source.
    """
    enc = f"cp{codepage}"
    out = bytearray()
    out += _rec(0x0001, _u32(_SYSKIND_WIN64))
    out += _rec(0x0002, _u32(_LCID_EN_US))
    out += _rec(0x0014, _u32(_LCID_EN_US))
    out += _rec(0x0003, _u16(codepage))
    out += _rec(0x0004, project_name.encode(enc))
    out += _text_pair(0x0005, 0x0040, "", enc)  # docstring
    out += _text_pair(0x0006, 0x003D, "", enc)  # help file
    out += _rec(0x0007, _u32(0))  # help context
    out += _rec(0x0008, _u32(0))  # lib flags
    # PROJECTVERSION breaks the record pattern: its "size" is a fixed 4, then 6 bytes follow.
    out += struct.pack("<HIIH", 0x0009, 4, 1, 0)
    out += _text_pair(0x000C, 0x003C, "", enc)  # conditional compilation constants

    for ref in references:
        out += _text_pair(0x0016, 0x003E, ref.name, enc)
        libid = ref.libid.encode(enc)
        out += _rec(0x000D, _u32(len(libid)) + libid + _u32(0) + _u16(0))

    out += _rec(0x000F, _u16(len(modules)))
    out += _rec(0x0013, _u16(0xFFFF))  # project cookie: MUST be ignored on read
    for name, procedural in modules:
        out += _text_pair(0x0019, 0x0047, name, enc)
        out += _text_pair(0x001A, 0x0032, name, enc)  # stream name
        out += _text_pair(0x001C, 0x0048, "", enc)  # docstring
        out += _rec(0x0031, _u32(0))  # source offset inside the module stream
        out += _rec(0x001E, _u32(0))  # help context
        out += _rec(0x002C, _u16(0xFFFF))  # module cookie
        out += _rec(_MODULE_PROCEDURAL if procedural else _MODULE_OTHER)
        out += _rec(0x002B)  # module terminator
    out += _rec(0x0010)  # dir stream terminator
    return bytes(out)


def _records(data: bytes) -> Iterator[tuple[int, bytes]]:
    pos = 0
    while pos + 6 <= len(data):
        rid, size = struct.unpack_from("<HI", data, pos)
        if rid == 0x0009:
            size = 6
        payload = data[pos + 6 : pos + 6 + size]
        if len(payload) != size:
            raise ValueError(f"dir stream record 0x{rid:04X} at {pos} is truncated")
        yield rid, payload
        pos += 6 + size
        if rid == 0x0010:
            return
    raise ValueError("dir stream has no terminator record")


def parse_dir_stream(data: bytes) -> DirInfo:
    """Read what a decompressed dir stream says about the project and where sources live."""
    codepage = 1252
    project_name = ""
    references: list[str] = []
    modules: list[DirModule] = []
    name = stream = ""
    offset = 0
    procedural = True
    for rid, payload in _records(data):
        enc = f"cp{codepage}"
        if rid == 0x0003:
            codepage = struct.unpack("<H", payload)[0]
        elif rid == 0x0004:
            project_name = payload.decode(enc)
        elif rid == 0x0016:
            references.append(payload.decode(enc))
        elif rid == 0x0019:
            name, stream, offset, procedural = payload.decode(enc), "", 0, True
        elif rid == 0x0047:
            name = payload.decode("utf-16-le")
        elif rid == 0x001A:
            stream = payload.decode(enc)
        elif rid == 0x0032:
            stream = payload.decode("utf-16-le")
        elif rid == 0x0031:
            offset = struct.unpack("<I", payload)[0]
        elif rid in (_MODULE_PROCEDURAL, _MODULE_OTHER):
            procedural = rid == _MODULE_PROCEDURAL
        elif rid == 0x002B:
            modules.append(DirModule(name, stream or name, offset, procedural))
    return DirInfo(project_name, codepage, tuple(references), tuple(modules))
