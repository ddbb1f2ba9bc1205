"""MS-OVBA 2.4.1 compression: the LZ77 variant VBA uses for module source and the dir stream."""

from __future__ import annotations

__all__ = ["compress", "decompress"]

_SIGNATURE = 0x01
_CHUNK = 4096
# Header of a raw chunk: flag 0, signature 0b011, size field 4095 (= 4098 bytes incl. header).
_RAW_HEADER = 0x3FFF


def _bit_count(difference: int) -> int:
    """Offset bits of a copy token written `difference` bytes into a chunk (spec: min 4)."""
    return max((difference - 1).bit_length(), 4)


def decompress(data: bytes) -> bytes:
    """Decompress a CompressedContainer; raise ValueError when it is malformed."""
    if not data or data[0] != _SIGNATURE:
        raise ValueError("not an MS-OVBA compressed container (signature byte != 0x01)")
    out = bytearray()
    pos = 1
    total = len(data)
    while pos < total:
        if pos + 2 > total:
            raise ValueError(f"truncated chunk header at offset {pos}")
        header = int.from_bytes(data[pos : pos + 2], "little")
        if (header >> 12) & 0x7 != 0b011:
            raise ValueError(f"bad chunk signature at offset {pos}")
        end = min(pos + (header & 0x0FFF) + 3, total)
        pos += 2
        if not header & 0x8000:
            # A short final raw chunk is accepted so that compress() needs no zero padding.
            out += data[pos:end]
            pos = end
            continue
        chunk_start = len(out)
        while pos < end:
            flags = data[pos]
            pos += 1
            for bit in range(8):
                if pos >= end:
                    break
                if not (flags >> bit) & 1:
                    out.append(data[pos])
                    pos += 1
                    continue
                if pos + 2 > end:
                    raise ValueError(f"truncated copy token at offset {pos}")
                token = int.from_bytes(data[pos : pos + 2], "little")
                pos += 2
                bits = _bit_count(len(out) - chunk_start)
                offset = (token >> (16 - bits)) + 1
                length = (token & (0xFFFF >> bits)) + 3
                src = len(out) - offset
                if src < chunk_start:
                    raise ValueError(f"copy token reaches before its chunk at offset {pos - 2}")
                if offset >= length:
                    out += out[src : src + length]
                else:
                    # Overlapping copy: later bytes repeat ones this same token produced.
                    for i in range(length):
                        out.append(out[src + i])
    return bytes(out)


def _compress_chunk(chunk: bytes) -> bytes:
    """Token sequence for one chunk, greedy longest match as in spec 2.4.1.3.19.4.

    Candidates come from a 3-byte hash chain instead of the spec's linear scan; visiting them
    nearest first and keeping only strictly longer matches yields the spec's exact choice.
    """
    n = len(chunk)
    out = bytearray()
    chains: dict[bytes, list[int]] = {}
    pos = 0

    def remember(p: int) -> None:
        if p + 3 <= n:
            chains.setdefault(chunk[p : p + 3], []).append(p)

    while pos < n:
        flag_at = len(out)
        out.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len = 0
            best_pos = 0
            limit = n - pos
            candidates = chains.get(chunk[pos : pos + 3]) if limit >= 3 else None
            for cand in reversed(candidates or ()):
                # Cannot beat best_len unless it also matches at index best_len.
                if best_len and chunk[cand + best_len] != chunk[pos + best_len]:
                    continue
                length = 3
                while length < limit and chunk[cand + length] == chunk[pos + length]:
                    length += 1
                if length > best_len:
                    best_len, best_pos = length, cand
                    if length == limit:
                        break
            if best_len >= 3:
                bits = _bit_count(pos)
                length = min(best_len, (0xFFFF >> bits) + 3)
                token = ((pos - best_pos - 1) << (16 - bits)) | (length - 3)
                out += token.to_bytes(2, "little")
                flags |= 1 << bit
                for p in range(pos, pos + length):
                    remember(p)
                pos += length
            else:
                out.append(chunk[pos])
                remember(pos)
                pos += 1
        out[flag_at] = flags
    return bytes(out)


def compress(data: bytes) -> bytes:
    """Compress `data` into a CompressedContainer (deterministic: same input, same bytes)."""
    out = bytearray([_SIGNATURE])
    for start in range(0, len(data), _CHUNK):
        chunk = data[start : start + _CHUNK]
        body = _compress_chunk(chunk)
        if len(body) <= _CHUNK:
            out += (0xB000 | (len(body) - 1)).to_bytes(2, "little")
            out += body
        else:
            # Incompressible chunk: the spec stores it raw. A final chunk shorter than 4096
            # bytes is written without the spec's zero padding, which would otherwise turn
            # into trailing NULs on decompression.
            out += _RAW_HEADER.to_bytes(2, "little")
            out += chunk
    return bytes(out)
