"""Compound file writer: read back by our reader and by olefile, tree and layout invariants."""

from __future__ import annotations

import io
import random
import struct

import olefile
import pytest
from cfbfile import read_cfb, write_cfb
from hypothesis import given, settings
from hypothesis import strategies as st

NOSTREAM = 0xFFFFFFFF


def _olefile_streams(data: bytes) -> dict[str, bytes]:
    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        return {"/".join(p): ole.openstream(p).read() for p in ole.listdir()}
    finally:
        ole.close()


def _directory(data: bytes) -> list[bytes]:
    ole = olefile.OleFileIO(io.BytesIO(data))
    try:
        first_dir = ole.first_dir_sector
        raw = ole._open(first_dir).read()  # the raw directory chain
    finally:
        ole.close()
    return [raw[i : i + 128] for i in range(0, len(raw), 128)]


def _check_red_black(entries: list[bytes], root: int) -> None:
    """Assert search-tree order by (length, uppercase) and equal black heights."""

    def fields(sid: int) -> tuple[str, int, int, int]:
        e = entries[sid]
        n, _kind, color, left, right, _child = struct.unpack_from("<HBB3I", e, 64)
        return e[: n - 2].decode("utf-16-le"), color, left, right

    def key(name: str) -> tuple[int, str]:
        return len(name), name.upper()

    def walk(sid: int, lo: tuple[int, str] | None, hi: tuple[int, str] | None, red: bool) -> int:
        if sid == NOSTREAM:
            return 1
        name, color, left, right = fields(sid)
        k = key(name)
        assert (lo is None or lo < k) and (hi is None or k < hi), name
        assert not (red and color == 0), f"red node {name} has a red parent"
        heights = {walk(left, lo, k, color == 0), walk(right, k, hi, color == 0)}
        assert len(heights) == 1, f"unequal black heights below {name}"
        return heights.pop() + (color == 1)

    assert fields(root)[1] == 1, "tree root must be black"
    walk(root, None, None, False)


names = st.text(
    alphabet=st.characters(min_codepoint=0x30, max_codepoint=0x7A), min_size=1, max_size=31
).filter(lambda s: not set(s) & set("/\\:!"))
stream_sets = st.dictionaries(
    names.map(str.upper), st.binary(max_size=6000), min_size=1, max_size=12
)


@settings(max_examples=60, deadline=None)
@given(stream_sets, stream_sets)
def test_round_trip_with_olefile(top: dict[str, bytes], nested: dict[str, bytes]) -> None:
    streams = {k: v for k, v in top.items() if k != "VBA"}
    streams.update({f"VBA/{k}": v for k, v in nested.items()})
    data = write_cfb(streams)
    assert len(data) % 512 == 0
    assert read_cfb(data) == streams
    assert _olefile_streams(data) == streams


@pytest.mark.parametrize("count", [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 40, 100])
def test_directory_is_a_red_black_tree(count: int) -> None:
    streams = {f"S{i:03d}": bytes([i % 256]) * (i * 37) for i in range(count)}
    entries = _directory(write_cfb(streams))
    root_child = struct.unpack_from("<I", entries[0], 76)[0]
    _check_red_black(entries, root_child)


def test_sorting_is_by_length_then_uppercase() -> None:
    entries = _directory(write_cfb({"bb": b"1", "A": b"2", "ccc": b"3", "Ab": b"4"}))
    names = [e[: struct.unpack_from("<H", e, 64)[0] - 2].decode("utf-16-le") for e in entries]
    root_child = struct.unpack_from("<I", entries[0], 76)[0]
    _check_red_black(entries, root_child)
    assert set(names) >= {"Root Entry", "A", "Ab", "bb", "ccc"}


def test_large_file_needs_difat_sectors() -> None:
    rng = random.Random(7)
    streams = {f"S{i}": rng.randbytes(66000) for i in range(110)}
    data = write_cfb(streams)
    n_difat = struct.unpack_from("<I", data, 72)[0]
    assert n_difat >= 1
    assert read_cfb(data) == streams
    assert _olefile_streams(data) == streams


def test_output_is_deterministic() -> None:
    streams = {"PROJECT": b"x" * 700, "VBA/dir": b"y" * 5000, "VBA/m": b""}
    assert write_cfb(streams) == write_cfb(dict(reversed(list(streams.items()))))


@pytest.mark.parametrize(
    "streams",
    [{"": b""}, {"a" * 32: b""}, {"a:b": b""}, {"A": b"", "a": b""}, {"A": b"", "A/B": b""}],
)
def test_bad_names_are_rejected(streams: dict[str, bytes]) -> None:
    with pytest.raises(ValueError):
        write_cfb(streams)


def test_reader_rejects_non_cfb() -> None:
    with pytest.raises(ValueError):
        read_cfb(b"PK\x03\x04" + b"\0" * 600)
