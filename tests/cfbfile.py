"""Minimal MS-CFB (compound file, version 3, 512-byte sectors) writer and reader, for tests.

The tests build Outlook .msg returns and legacy OLE "workbooks" with it (olefile only reads).
It is a test fixture maker, not part of the package: the workbook's VBA project comes from
pyOpenVBA. Streams and storages only, no timestamps or CLSIDs, so the same streams always give
the same bytes (the committed returns corpus stays stable).
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["read_cfb", "write_cfb"]

_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
_SECTOR = 512
_MINI = 64
_CUTOFF = 4096
_IDS_PER_SECTOR = _SECTOR // 4
_HEADER_DIFAT = 109
_DIFSECT, _FATSECT, _ENDOFCHAIN, _FREESECT = 0xFFFFFFFC, 0xFFFFFFFD, 0xFFFFFFFE, 0xFFFFFFFF
_NOSTREAM = 0xFFFFFFFF
_STORAGE, _STREAM, _ROOT = 1, 2, 5
_RED, _BLACK = 0, 1
_BAD_NAME_CHARS = set("/\\:!")


@dataclass
class _Entry:
    name: str
    kind: int
    data: bytes = b""
    children: dict[str, _Entry] = field(default_factory=dict)
    sid: int = 0
    left: int = _NOSTREAM
    right: int = _NOSTREAM
    child: int = _NOSTREAM
    color: int = _BLACK
    start: int = _ENDOFCHAIN


def _sort_key(name: str) -> tuple[int, str]:
    # MS-CFB 2.6.4: shorter names sort first, then a per-character uppercase comparison.
    return len(name), "".join(c.upper() if len(c.upper()) == 1 else c for c in name)


def _build_tree(parent: _Entry) -> None:
    """Link `parent`'s children as a balanced binary search tree coloured as a red-black tree.

    Splitting the sorted list in the middle leaves every empty link at depth h or h+1, so
    making the deepest level red (never the root) gives equal black heights on every path.
    """
    kids = sorted(parent.children.values(), key=lambda e: _sort_key(e.name))
    depths: dict[int, int] = {}

    def link(lo: int, hi: int, depth: int) -> int:
        if lo >= hi:
            return _NOSTREAM
        mid = (lo + hi) // 2
        node = kids[mid]
        depths[id(node)] = depth
        node.left = link(lo, mid, depth + 1)
        node.right = link(mid + 1, hi, depth + 1)
        return node.sid

    parent.child = link(0, len(kids), 0)
    deepest = max(depths.values(), default=0)
    for node in kids:
        node.color = _RED if deepest and depths[id(node)] == deepest else _BLACK


def _dir_entry(e: _Entry | None, size: int = 0) -> bytes:
    if e is None:
        unused = struct.pack("<HBB3I", 0, 0, 0, _NOSTREAM, _NOSTREAM, _NOSTREAM)
        return b"\0" * 64 + unused + b"\0" * 48
    name = e.name.encode("utf-16-le")
    return (
        name.ljust(64, b"\0")
        + struct.pack("<HBB3I", len(name) + 2, e.kind, e.color, e.left, e.right, e.child)
        + b"\0" * 16  # CLSID
        + b"\0" * 4  # state bits
        + b"\0" * 16  # creation and modification times: left zero for reproducibility
        + struct.pack("<IQ", e.start, size)
    )


def _sectors(n_bytes: int, unit: int) -> int:
    return -(-n_bytes // unit)


def write_cfb(streams: Mapping[str, bytes]) -> bytes:
    """Build a compound file from {"STORAGE/.../STREAM": data}; storages are implied by paths."""
    root = _Entry("Root Entry", _ROOT)
    for path, data in streams.items():
        parts = path.split("/")
        node = root
        for i, part in enumerate(parts):
            if not part or len(part) > 31 or _BAD_NAME_CHARS & set(part):
                raise ValueError(f"invalid compound file entry name {part!r} in {path!r}")
            last = i == len(parts) - 1
            key = _sort_key(part)[1]
            existing = node.children.get(key)
            if existing is None:
                if last:
                    existing = _Entry(part, _STREAM, bytes(data))
                else:
                    existing = _Entry(part, _STORAGE, start=0)
                node.children[key] = existing
            elif last or existing.kind != _STORAGE:
                raise ValueError(f"duplicate or conflicting compound file path {path!r}")
            node = existing

    # Number the entries depth first in sorted order so the layout is independent of dict order.
    order: list[_Entry] = []

    def number(e: _Entry) -> None:
        e.sid = len(order)
        order.append(e)
        for kid in sorted(e.children.values(), key=lambda k: _sort_key(k.name)):
            number(kid)

    number(root)
    for e in order:
        if e.kind != _STREAM:
            _build_tree(e)

    # Small streams live in the mini stream (64-byte sectors chained in the MiniFAT).
    mini_stream = bytearray()
    minifat: list[int] = []
    big: list[_Entry] = []
    for e in order:
        if e.kind != _STREAM or not e.data:
            continue
        if len(e.data) < _CUTOFF:
            e.start = len(minifat)
            count = _sectors(len(e.data), _MINI)
            minifat += [*range(e.start + 1, e.start + count), _ENDOFCHAIN]
            mini_stream += e.data.ljust(count * _MINI, b"\0")
        else:
            big.append(e)

    fat: list[int] = []
    body = bytearray()

    def place(data: bytes) -> int:
        if not data:
            return _ENDOFCHAIN
        start = len(fat)
        count = _sectors(len(data), _SECTOR)
        fat.extend([*range(start + 1, start + count), _ENDOFCHAIN])
        body.extend(data.ljust(count * _SECTOR, b"\0"))
        return start

    for e in big:
        e.start = place(e.data)
    root.start = place(bytes(mini_stream))
    minifat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    padded_minifat = minifat_bytes.ljust(_sectors(len(minifat_bytes), _SECTOR) * _SECTOR, b"\xff")
    minifat_start = place(padded_minifat)
    entries = [_dir_entry(e, len(mini_stream) if e is root else len(e.data)) for e in order]
    entries += [_dir_entry(None)] * (-len(entries) % 4)
    dir_start = place(b"".join(entries))

    # FAT and DIFAT sectors must also describe themselves: grow until the count is stable.
    n_fat = n_difat = 0
    while True:
        total = len(fat) + n_fat + n_difat
        need_fat = _sectors(total, _IDS_PER_SECTOR)
        need_difat = _sectors(max(need_fat - _HEADER_DIFAT, 0), _IDS_PER_SECTOR - 1)
        if (need_fat, need_difat) == (n_fat, n_difat):
            break
        n_fat, n_difat = need_fat, need_difat
    fat_ids = list(range(len(fat), len(fat) + n_fat))
    difat_ids = list(range(len(fat) + n_fat, len(fat) + n_fat + n_difat))
    fat += [_FATSECT] * n_fat + [_DIFSECT] * n_difat
    fat += [_FREESECT] * (n_fat * _IDS_PER_SECTOR - len(fat))
    body += b"".join(struct.pack("<I", v) for v in fat)

    overflow = fat_ids[_HEADER_DIFAT:]
    for i in range(n_difat):
        ids = overflow[i * 127 : (i + 1) * 127]
        ids += [_FREESECT] * (127 - len(ids))
        nxt = difat_ids[i + 1] if i + 1 < len(difat_ids) else _ENDOFCHAIN
        body += struct.pack("<128I", *ids, nxt)

    header_difat = fat_ids[:_HEADER_DIFAT]
    header_difat += [_FREESECT] * (_HEADER_DIFAT - len(header_difat))
    header = (
        _MAGIC
        + b"\0" * 16
        + struct.pack("<HHHHH", 0x003E, 0x0003, 0xFFFE, 9, 6)
        + b"\0" * 6
        + struct.pack("<IIIIII", 0, n_fat, dir_start, 0, _CUTOFF, minifat_start)
        + struct.pack(
            "<III",
            _sectors(len(minifat_bytes), _SECTOR),
            difat_ids[0] if difat_ids else _ENDOFCHAIN,
            n_difat,
        )
        + struct.pack(f"<{_HEADER_DIFAT}I", *header_difat)
    )
    return header + bytes(body)


def read_cfb(data: bytes) -> dict[str, bytes]:
    """Return {"STORAGE/.../STREAM": bytes} for every stream of a compound file."""
    if len(data) < 512 or data[:8] != _MAGIC:
        raise ValueError("not a compound file (bad signature)")
    (shift, mini_shift) = struct.unpack_from("<HH", data, 30)
    n_fat, dir_start, _, cutoff, minifat_start, n_minifat, difat_start, n_difat = (
        struct.unpack_from("<IIIIIIII", data, 44)
    )
    size = 1 << shift
    mini = 1 << mini_shift
    base = 512 if size == 512 else size  # version 4 pads the header to one 4096-byte sector

    def sector(sid: int) -> bytes:
        off = base + sid * size
        if sid >= _DIFSECT or off >= len(data):
            raise ValueError(f"sector {sid} outside the file")
        return data[off : off + size]

    fat_ids = [v for v in struct.unpack_from(f"<{_HEADER_DIFAT}I", data, 76) if v < _DIFSECT]
    sid = difat_start
    for _ in range(n_difat):
        words = struct.unpack(f"<{size // 4}I", sector(sid))
        fat_ids += [v for v in words[:-1] if v < _DIFSECT]
        sid = words[-1]
    fat = [v for fs in fat_ids[:n_fat] for v in struct.unpack(f"<{size // 4}I", sector(fs))]

    def chain(start: int, table: list[int]) -> list[int]:
        ids: list[int] = []
        while start < _DIFSECT:
            if start >= len(table) or len(ids) > len(table):
                raise ValueError("broken or looping sector chain")
            ids.append(start)
            start = table[start]
        return ids

    def read(start: int) -> bytes:
        return b"".join(sector(s) for s in chain(start, fat))

    directory = read(dir_start)
    raw_minifat = read(minifat_start) if n_minifat else b""
    minifat = list(struct.unpack(f"<{len(raw_minifat) // 4}I", raw_minifat))
    entries = [directory[i : i + 128] for i in range(0, len(directory) - 127, 128)]
    root_start, root_size = struct.unpack_from("<IQ", entries[0], 116)
    mini_stream = read(root_start)[:root_size] if root_size else b""

    out: dict[str, bytes] = {}
    seen: set[int] = set()

    def visit(sid: int, prefix: str) -> None:
        if sid == _NOSTREAM:
            return
        if sid in seen or sid >= len(entries):
            raise ValueError("broken or looping directory tree")
        seen.add(sid)
        e = entries[sid]
        name_len, kind, _, left, right, child = struct.unpack_from("<HBB3I", e, 64)
        name = e[: max(name_len - 2, 0)].decode("utf-16-le")
        start, length = struct.unpack_from("<IQ", e, 116)
        visit(left, prefix)
        visit(right, prefix)
        if kind == _STORAGE:
            visit(child, f"{prefix}{name}/")
        elif kind == _STREAM:
            if length < cutoff:
                ids = chain(start, minifat) if length else []
                blob = b"".join(mini_stream[i * mini : (i + 1) * mini] for i in ids)
            else:
                blob = read(start)
            out[prefix + name] = blob[:length]

    visit(struct.unpack_from("<I", entries[0], 76)[0], "")
    return out
