"""Find the task appendix among a plan's tables and turn its rows into tasks.

Pure: works on :class:`~xladdin.core.document.RawDocument` grids. The key scheme is
a contract (forms and returns refer to keys): a section is its Roman numeral
("II"); a group is section + number ("II.1"); a task is its parent key + the last
component of its TT ("1.2" under "II.1" → "II.1.2"); a task without TT is parent
+ ".x" + its ordinal among the parent's TT-less tasks ("II.2.x1").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from .document import RawDocument, RawRow, RawTable
from .errors import AppendixNotFoundError
from .layout import Level
from .model import fold

FIELDS = ("tt", "content", "lead", "coordinating", "timeframe", "notes")
_ROMAN = re.compile(r"^(?=[IVXLC])(C{0,3})(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$")
_SECTION_IN_TEXT = re.compile(r"^(?:PHẦN\s+)?([IVXLC]+)\s*[.\-–:)]\s*(.+)$")


def header_field(text: str) -> str | None:
    """The appendix field a header cell names, by the synonyms plans use."""
    t = fold(text).strip(" .:*")
    if not t:
        return None
    if t in ("tt", "stt", "số tt", "số thứ tự", "thứ tự", "s tt"):
        return "tt"
    if "ghi chú" in t:
        return "notes"
    if "phối hợp" in t:
        return "coordinating"
    if "chủ trì" in t or t in (
        "cơ quan thực hiện",
        "đơn vị thực hiện",
        "cơ quan, đơn vị thực hiện",
    ):
        return "lead"
    if t.startswith(("thời gian", "thời hạn", "tiến độ", "mốc thời gian")):
        return "timeframe"
    if "nhiệm vụ" in t or t.startswith("nội dung") or t in ("công việc", "tên nhiệm vụ"):
        return "content"
    return None


def _header_map(row: RawRow) -> dict[int, str]:
    out: dict[int, str] = {}
    for i, cell in enumerate(row.cells):
        f = header_field(cell)
        if f is not None and f not in out.values():
            out[i] = f
    return out


def _is_header_like(row: RawRow) -> bool:
    return len(_header_map(row)) >= 2


def _score(mapping: dict[int, str]) -> int:
    fields = set(mapping.values())
    if not {"tt", "content"} <= fields or not fields & {"lead", "timeframe"}:
        return 0
    return len(fields)


@dataclass(frozen=True)
class AppendixRow:
    key: str
    tt: str
    level: Level
    parent: str
    content: str
    lead: str = ""
    coordinating: str = ""
    timeframe: str = ""
    notes: str = ""
    source_row: int = 0  # 1-based row of the Word table, for messages


@dataclass
class Appendix:
    rows: list[AppendixRow]
    table_index: int
    columns: dict[str, int]
    warnings: list[str] = field(default_factory=list)

    def count(self, level: Level) -> int:
        return sum(1 for r in self.rows if r.level == level)


def find_appendix_table(doc: RawDocument) -> tuple[RawTable, int, dict[str, int]]:
    """The table whose header best matches an appendix; returns (table, header row, field→column)."""
    best: tuple[int, int, RawTable, int, dict[str, int]] | None = None
    for table in doc.tables:
        for h, row in enumerate(table.rows[:6]):
            mapping = _header_map(row)
            score = _score(mapping)
            if not score:
                continue
            # Multi-row headers: later header rows refine the columns of earlier ones.
            end = h + 1
            merged = {f: i for i, f in mapping.items()}
            while end < len(table.rows) and _is_header_like(table.rows[end]):
                for i, f in _header_map(table.rows[end]).items():
                    merged[f] = i
                end += 1
            cand = (len(merged), len(table.rows), table, end, merged)
            if best is None or cand[:2] > best[:2]:
                best = cand
            break
    if best is None:
        raise AppendixNotFoundError(
            f"Không tìm thấy bảng phụ lục nhiệm vụ trong tệp {doc.name}: cần một bảng có các cột "
            "“TT”, “Nội dung nhiệm vụ” và “Cơ quan chủ trì” hoặc “Thời gian thực hiện”."
        )
    _, _, table, first_data, columns = best
    return table, first_data, columns


def _clean_tt(tt: str) -> str:
    return tt.strip().rstrip(".)").strip()


def _is_column_numbers(values: Sequence[str]) -> bool:
    """Rows like "(1) (2) (3) (4) (5)" that number the columns, not tasks."""
    filled = [v for v in values if v]
    return len(filled) >= 3 and all(re.fullmatch(r"\(?\d{1,2}\)?", v) for v in filled)


def _starts_lower(text: str) -> bool:
    ch = text[:1]
    return bool(ch) and (ch.islower() or not ch.isalnum())


def parse_appendix(doc: RawDocument) -> Appendix:
    table, first_data, columns = find_appendix_table(doc)
    raw: list[tuple[int, dict[str, str]]] = []
    for n, row in enumerate(table.rows[first_data:], start=first_data + 1):
        if _is_header_like(row):
            continue
        values = {f: (row.cells[i] if i < len(row.cells) else "") for f, i in columns.items()}
        for f in FIELDS:
            values.setdefault(f, "")
        # python-docx style grids repeat a merged title in every column.
        if values["content"] and all(
            values[f] in ("", values["content"])
            for f in ("lead", "coordinating", "timeframe", "notes")
        ):
            for f in ("lead", "coordinating", "timeframe", "notes"):
                values[f] = ""
        if not any(values.values()) or _is_column_numbers(list(values.values())):
            continue
        raw.append((n, values))
    return _build_rows(raw, table.index, columns)


def _build_rows(
    raw: list[tuple[int, dict[str, str]]], table_index: int, columns: dict[str, int]
) -> Appendix:
    out: list[dict[str, str | int | Level]] = []
    warnings: list[str] = []
    section = ""
    group = ""
    group_no = ""
    untitled: dict[str, int] = {}
    taken: set[str] = set()

    def unique(key: str, n: int) -> str:
        if key not in taken:
            taken.add(key)
            return key
        k = 2
        while f"{key}-{k}" in taken:
            k += 1
        warnings.append(f"Dòng {n} của bảng phụ lục: số thứ tự trùng, đặt mã {key}-{k}.")
        taken.add(f"{key}-{k}")
        return f"{key}-{k}"

    for idx, (n, v) in enumerate(raw):
        tt = _clean_tt(v["tt"])
        content = v["content"]
        if (
            not tt
            and _SECTION_IN_TEXT.match(content)
            and not v["lead"]
            and content.upper() == content
        ):
            m = _SECTION_IN_TEXT.match(content)
            assert m is not None
            tt, content = m.group(1), m.group(2).strip()
        if tt and not content:
            # A title merged over every column lands in the TT cell: "I. PHÁT TRIỂN ...".
            m = _SECTION_IN_TEXT.match(v["tt"].strip())
            if m:
                tt, content = m.group(1), m.group(2).strip()
        prev = out[-1] if out else None
        if (
            not tt
            and prev is not None
            and not v["lead"]
            and (not content or _starts_lower(content) or not v["timeframe"])
        ):
            for f in ("content", "lead", "coordinating", "timeframe", "notes"):
                if v[f]:
                    prev[f] = f"{prev.get(f, '')} {v[f]}".strip()
            continue
        if _ROMAN.match(tt.upper()) and not v["lead"] and not v["timeframe"]:
            section = unique(tt.upper(), n)
            group, group_no = "", ""
            out.append(
                {
                    "key": section,
                    "tt": tt,
                    "level": Level.SECTION,
                    "parent": "",
                    "content": content,
                    "n": n,
                }
            )
            continue
        nxt = _clean_tt(raw[idx + 1][1]["tt"]) if idx + 1 < len(raw) else ""
        if (
            re.fullmatch(r"\d+", tt)
            and not v["lead"]
            and not v["timeframe"]
            and nxt.startswith(f"{tt}.")
        ):
            group_no = tt
            group = unique(f"{section}.{tt}" if section else tt, n)
            out.append(
                {
                    "key": group,
                    "tt": tt,
                    "level": Level.GROUP,
                    "parent": section,
                    "content": content,
                    "n": n,
                }
            )
            continue
        parent = group or section
        if group and tt and not tt.startswith(f"{group_no}.") and re.fullmatch(r"\d+", tt):
            # A plain number after a group's tasks belongs to the section again.
            parent, group, group_no = section, "", ""
        if not tt:
            untitled[parent] = untitled.get(parent, 0) + 1
            local = f"x{untitled[parent]}"
        elif parent == group and tt.startswith(f"{group_no}."):
            local = tt[len(group_no) + 1 :]
        else:
            local = tt
        key = unique(f"{parent}.{local}" if parent else local, n)
        if not v["lead"]:
            warnings.append(f"Dòng {n} của bảng phụ lục (mã {key}): không có cơ quan chủ trì.")
        out.append(
            {
                **v,
                "key": key,
                "tt": tt,
                "level": Level.TASK,
                "parent": parent,
                "content": content,
                "n": n,
            }
        )
    rows = [
        AppendixRow(
            key=str(r["key"]),
            tt=str(r["tt"]),
            level=Level(str(r["level"])),
            parent=str(r["parent"]),
            content=str(r.get("content", "")),
            lead=str(r.get("lead", "")),
            coordinating=str(r.get("coordinating", "")),
            timeframe=str(r.get("timeframe", "")),
            notes=str(r.get("notes", "")),
            source_row=int(r["n"]),
        )
        for r in out
    ]
    return Appendix(rows, table_index, columns, warnings)
