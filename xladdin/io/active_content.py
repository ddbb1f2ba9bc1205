"""Macros, ActiveX controls and embedded objects in a returned workbook, found by content.

The names in a return are the sender's to choose: a VBA project stored as
``xl/media/logo.png`` runs all the same when Excel opens the file, because Excel finds it
through ``[Content_Types].xml`` and the relationship parts, not by its name. So a return is
judged by what its package declares (content types, relationship types, an .ods manifest's
media types, LibreOffice's fixed ``Basic/`` and ``Scripts/`` storages, script events) and by
what each part is (an OLE compound file: a VBA project, an ActiveX control's state, an
embedded Office object), under whatever name.

What real saves contain stays allowed: Excel's printer settings (``.bin`` parts holding a
DEVMODE, not a compound file), comments' VML drawings, form controls' properties
(``ctrlProp``), LibreOffice's charts and formulas (``Object N/`` of type
``application/vnd.oasis.opendocument.chart`` or ``.formula``) and their replacement images.

Every XML part is checked for DOCTYPE/ENTITY declarations before it gets here
(:func:`xladdin.io.return_io._check_parts`); the parser never resolves an entity.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import PurePosixPath

from lxml import etree

from .xlsxpkg import safe_parser

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# Content types (lower case) of a VBA project and its signatures, macro-enabled workbooks,
# templates and add-ins, Excel 4 macro sheets, ActiveX controls and embedded OLE objects.
_CT_PREFIXES = ("application/vnd.ms-office.vbaproject",)
_CT_WORDS = ("macroenabled", "macrosheet", "activex", "oleobject", "vbadata", "attachedtoolbars")
# Last segment (lower case) of the relationship types that bring the same in.
_REL_NAMES = frozenset(
    {"control", "oleobject", "package", "attachedtoolbars", "xlmacrosheet", "xlintlmacrosheet"}
)
_REL_PREFIXES = ("vbaproject", "activexcontrol", "wordvbadata")
# Media types of an .ods manifest: embedded OLE objects, scripts, Basic, Java.
_MEDIA_WORDS = ("oleobject", "script", "basic", "java")
# Embedded ODF documents that are pictures of data, not programs or other documents.
_HARMLESS_OBJECTS = ("application/vnd.oasis.opendocument.chart",
                     "application/vnd.oasis.opendocument.formula")  # fmt: skip
_ODF_DOCUMENT = "application/vnd.oasis.opendocument."
_SCRIPT_HREFS = ("vnd.sun.star.script:", "macro:")


class DamagedPart(ValueError):
    """A part that says what the package holds and cannot be read: nothing can be vouched for."""

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


def _elements(part: str, data: bytes) -> Iterator[etree._Element]:
    try:
        root = etree.fromstring(data, safe_parser())
    except etree.XMLSyntaxError as exc:
        raise DamagedPart(part) from exc
    return (el for el in root.iter() if isinstance(el.tag, str))


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _attr(el: etree._Element, local: str) -> str:
    """An attribute by its local name, whatever namespace prefix the sender chose."""
    for key, value in el.attrib.items():
        if _local(str(key)) == local:
            return str(value)
    return ""


def _bad_content_type(value: str) -> bool:
    ct = value.strip().lower()
    return ct.startswith(_CT_PREFIXES) or any(w in ct for w in _CT_WORDS)


def _bad_relationship(value: str) -> bool:
    last = value.strip().rstrip("/").rsplit("/", 1)[-1].lower()
    return last in _REL_NAMES or last.startswith(_REL_PREFIXES)


def _ooxml(parts: Mapping[str, bytes]) -> str | None:
    extensions = {PurePosixPath(n).suffix.lower().lstrip(".") for n in parts}
    for name, data in parts.items():
        lower = name.lower()
        if lower == "[content_types].xml":
            for el in _elements(name, data):
                if not _bad_content_type(_attr(el, "ContentType")):
                    continue
                # An Override names a part; a Default only matters for a part it applies to.
                extension = _attr(el, "Extension").lower()
                if _local(str(el.tag)) != "Default" or extension in extensions:
                    return name
        elif lower.endswith(".rels"):
            if any(_bad_relationship(_attr(el, "Type")) for el in _elements(name, data)):
                return name
        elif lower.startswith("xl/externallinks/") and b"ddeLink" in data:
            return name  # a DDE link runs a program when the links are updated
    return None


def _ods(parts: Mapping[str, bytes]) -> str | None:
    for name in parts:
        folders = name.split("/")[:-1]
        if "Basic" in folders or "Scripts" in folders:
            return name
    manifest = parts.get("META-INF/manifest.xml")
    if manifest is not None:
        for el in _elements("META-INF/manifest.xml", manifest):
            media = _attr(el, "media-type").strip().lower()
            if any(w in media for w in _MEDIA_WORDS) or (
                media.startswith(_ODF_DOCUMENT)
                and _attr(el, "full-path") not in ("/", "")
                and not media.startswith(_HARMLESS_OBJECTS)
            ):
                return "META-INF/manifest.xml"
    for name in ("content.xml", "styles.xml"):
        if name not in parts:
            continue
        for el in _elements(name, parts[name]):
            href = _attr(el, "href").strip().lower()
            if _local(str(el.tag)) == "event-listener" or href.startswith(_SCRIPT_HREFS):
                return name
    return None


def active_part(parts: Mapping[str, bytes], *, ods: bool) -> str | None:
    """The first part that carries a macro, an ActiveX control or an embedded object (or
    declares one), or None. Raises :class:`DamagedPart` for a declaring part that is not
    well-formed XML."""
    for name, data in parts.items():
        if data.startswith(OLE_MAGIC) or name.lower().endswith("vbaproject.bin"):
            return name
    return _ods(parts) if ods else _ooxml(parts)
