"""MS-OVBA compression: spec vectors and round trips."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xladdin.workbook_build.vba import compress, decompress

# MS-OVBA 3.2.1 (no compression) and 3.2.2 (normal compression), bytes as printed in the spec.
SPEC_VECTORS = [
    (
        b"abcdefghijklmnopqrstuv.",
        "01 19 B0 00 61 62 63 64 65 66 67 68 00 69 6A 6B 6C 6D 6E 6F 70 00 71 72 73 74 75 76 2E",
    ),
    (
        b"#aaabcdefaaaaghijaaaaaklaaamnopqaaaaaaaaaaaarstuvwxyzaaa",
        "01 2F B0 00 23 61 61 61 62 63 64 65 82 66 00 70 61 67 68 69 6A 01 38 08 61 6B 6C 00 20"
        " 6D 6E 6F 70 06 71 02 70 04 00 72 73 74 75 76 10 77 78 79 7A 00 2C",
    ),
]


@pytest.mark.parametrize(("plain", "packed"), SPEC_VECTORS)
def test_spec_vectors(plain: bytes, packed: str) -> None:
    assert compress(plain) == bytes.fromhex(packed)
    assert decompress(bytes.fromhex(packed)) == plain


def test_run_of_one_byte_is_one_overlapping_copy_token() -> None:
    # Literal 'a', then one copy token (offset 1, length 14) that overlaps its own output.
    assert compress(b"a" * 15) == bytes.fromhex("01 03 B0 02 61 0B 00")
    assert decompress(bytes.fromhex("01 03 B0 02 61 0B 00")) == b"a" * 15


def test_empty() -> None:
    assert compress(b"") == b"\x01"
    assert decompress(b"\x01") == b""


def test_incompressible_chunks_are_stored_raw() -> None:
    data = random.Random(1).randbytes(4096 + 4000)
    packed = compress(data)
    assert packed[1:3] == b"\xff\x3f"  # raw chunk header, then 4096 verbatim bytes
    assert packed[3 : 3 + 4096] == data[:4096]
    assert decompress(packed) == data


def test_long_text_spans_chunks() -> None:
    text = b"".join(b"Sub P%d()\r\n    Debug.Print %d\r\nEnd Sub\r\n" % (i, i) for i in range(900))
    packed = compress(text)
    assert len(text) > 3 * 4096
    assert len(packed) < len(text) // 2
    assert decompress(packed) == text


@pytest.mark.parametrize(
    "bad",
    [b"", b"\x02abc", b"\x01\x00", b"\x01\x05\x00", b"\x01\x03\xb0\x02\x61\xff\xff"],
)
def test_malformed_input_raises_value_error(bad: bytes) -> None:
    with pytest.raises(ValueError):
        decompress(bad)


runs = st.lists(st.tuples(st.integers(0, 255), st.integers(1, 700)), max_size=40).map(
    lambda parts: b"".join(bytes([b]) * n for b, n in parts)
)
mixed = st.lists(st.one_of(st.binary(max_size=300), runs), max_size=30).map(b"".join)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=9000))
def test_round_trip_arbitrary_bytes(data: bytes) -> None:
    assert decompress(compress(data)) == data


@settings(max_examples=150, deadline=None)
@given(mixed)
def test_round_trip_runs_and_repeats(data: bytes) -> None:
    packed = compress(data)
    assert decompress(packed) == data
    assert compress(data) == packed


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=1, max_size=64), st.integers(4000, 13000))
def test_round_trip_periodic_data_over_many_chunks(unit: bytes, size: int) -> None:
    data = (unit * (size // len(unit) + 1))[:size]
    assert decompress(compress(data)) == data
