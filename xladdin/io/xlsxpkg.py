"""An .xlsx/.xlsm package held in memory, rewritten part by part.

openpyxl re-creates a whole workbook on save and drops what it does not model
(shapes, form controls, x14 validations, the Office-2010 ribbon relationship).
Here every zip entry we do not mean to change is written back byte for byte.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..core.errors import InputFileError, WorkbookFormatError

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_CALC_CHAIN = NS_REL + "/calcChain"

# A tracker of tens of thousands of tasks stays far below this; a larger total is
# almost certainly a zip bomb.
MAX_UNCOMPRESSED = 512 * 1024 * 1024


def safe_parser() -> etree.XMLParser:
    """A parser that never resolves entities nor reaches the network."""
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True, load_dtd=False)


def parse_xml(data: bytes) -> etree._Element:
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
        raise InputFileError("Tệp chứa khai báo DOCTYPE/ENTITY không được phép trong tệp Excel")
    return etree.fromstring(data, safe_parser())


@dataclass
class _Entry:
    info: zipfile.ZipInfo
    data: bytes


class XlsxPackage:
    """Zip entries in their original order; ``write`` replaces one part's bytes."""

    def __init__(self, entries: list[_Entry], name: str = "") -> None:
        self._entries = entries
        self._index = {e.info.filename: e for e in entries}
        self.name = name

    @classmethod
    def from_bytes(cls, data: bytes, name: str = "") -> XlsxPackage:
        try:
            zf = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile as exc:
            raise InputFileError(
                f"Tệp {name or ''} không phải tệp Excel hợp lệ (không đọc được)."
            ) from exc
        with zf:
            infos = zf.infolist()
            if sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
                raise InputFileError(f"Tệp {name} quá lớn khi giải nén; không xử lý.")
            try:
                entries = [_Entry(i, zf.read(i)) for i in infos]
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError) as exc:
                raise InputFileError(
                    f"Tệp {name} bị hỏng hoặc có mật khẩu; không đọc được."
                ) from exc
        pkg = cls(entries, name)
        if "[Content_Types].xml" not in pkg._index or "xl/workbook.xml" not in pkg._index:
            raise InputFileError(f"Tệp {name} không phải sổ tính Excel (.xlsx/.xlsm).")
        return pkg

    @classmethod
    def from_path(cls, path: Path) -> XlsxPackage:
        try:
            data = Path(path).read_bytes()
        except FileNotFoundError as exc:
            raise InputFileError(f"Không tìm thấy tệp {path}.") from exc
        return cls.from_bytes(data, Path(path).name)

    # -- parts ---------------------------------------------------------------
    def names(self) -> list[str]:
        return [e.info.filename for e in self._entries]

    def parts(self) -> dict[str, bytes]:
        """Part name -> bytes, as they are now (the bytes are shared, not copied)."""
        return {e.info.filename: e.data for e in self._entries}

    def has(self, part: str) -> bool:
        return part in self._index

    def read(self, part: str) -> bytes:
        try:
            return self._index[part].data
        except KeyError as exc:
            raise WorkbookFormatError(f"Sổ tính thiếu thành phần {part}.") from exc

    def write(self, part: str, data: bytes) -> None:
        entry = self._index.get(part)
        if entry is None:
            info = zipfile.ZipInfo(part, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            entry = _Entry(info, data)
            self._entries.append(entry)
            self._index[part] = entry
        else:
            entry.data = data

    def delete(self, part: str) -> None:
        entry = self._index.pop(part, None)
        if entry is not None:
            self._entries.remove(entry)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for e in self._entries:
                info = zipfile.ZipInfo(e.info.filename, date_time=e.info.date_time)
                info.compress_type = e.info.compress_type
                info.external_attr = e.info.external_attr
                info.create_system = e.info.create_system
                zf.writestr(info, e.data, compresslevel=6)
        return buf.getvalue()

    # -- workbook structure --------------------------------------------------
    def rels_of(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id → (type, resolved target part) for ``part``."""
        folder, base = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", base + ".rels")
        if not self.has(rels_part):
            return {}
        root = parse_xml(self.read(rels_part))
        out: dict[str, tuple[str, str]] = {}
        for rel in root.iter(f"{{{NS_PKG_REL}}}Relationship"):
            target = rel.get("Target", "")
            if rel.get("TargetMode") == "External":
                resolved = target
            elif target.startswith("/"):
                resolved = target.lstrip("/")
            else:
                resolved = posixpath.normpath(posixpath.join(folder, target))
            out[rel.get("Id", "")] = (rel.get("Type", ""), resolved)
        return out

    def sheet_parts(self) -> dict[str, str]:
        """Visible sheet name → worksheet part, in workbook order."""
        root = parse_xml(self.read("xl/workbook.xml"))
        rels = self.rels_of("xl/workbook.xml")
        out: dict[str, str] = {}
        for sheet in root.iter(f"{{{NS_MAIN}}}sheet"):
            rid = sheet.get(f"{{{NS_REL}}}id", "")
            if rid in rels:
                out[sheet.get("name", "")] = rels[rid][1]
        return out

    def sheet_part(self, sheet_name: str) -> str:
        parts = self.sheet_parts()
        if sheet_name in parts:
            return parts[sheet_name]
        raise WorkbookFormatError(f"Sổ theo dõi không có trang tính “{sheet_name}”.")

    def drop_calc_chain_if_needed(self, sheet_name: str) -> None:
        """Remove calcChain.xml when it lists cells of a rewritten sheet.

        Excel reports a damaged file when calcChain points at a cell that no longer
        holds a formula; it rebuilds the chain silently when the part is absent.
        """
        part = "xl/calcChain.xml"
        if not self.has(part):
            return
        if not re.search(rb'i="%d"' % self.sheet_index(sheet_name), self.read(part)):
            return
        self.delete(part)
        ct = self.read("[Content_Types].xml")
        self.write(
            "[Content_Types].xml",
            re.sub(rb'<Override[^>]*PartName="/xl/calcChain.xml"[^>]*/>', b"", ct),
        )
        rels = self.read("xl/_rels/workbook.xml.rels")
        self.write(
            "xl/_rels/workbook.xml.rels",
            re.sub(rb'<Relationship[^>]*Target="/?(?:xl/)?calcChain.xml"[^>]*/>', b"", rels),
        )

    def sheet_index(self, sheet_name: str) -> int:
        """1-based sheetId, as calcChain refers to sheets."""
        root = parse_xml(self.read("xl/workbook.xml"))
        for sheet in root.iter(f"{{{NS_MAIN}}}sheet"):
            if sheet.get("name") == sheet_name:
                return int(sheet.get("sheetId", "0"))
        raise WorkbookFormatError(f"Sổ theo dõi không có trang tính “{sheet_name}”.")

    def shared_strings(self) -> list[str]:
        rels = self.rels_of("xl/workbook.xml")
        part = next((t for ty, t in rels.values() if ty.endswith("/sharedStrings")), None)
        if part is None or not self.has(part):
            return []
        root = parse_xml(self.read(part))
        out = []
        for si in root.iter(f"{{{NS_MAIN}}}si"):
            out.append("".join(t.text or "" for t in si.iter(f"{{{NS_MAIN}}}t")))
        return out
