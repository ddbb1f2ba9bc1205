"""What a form showed when it was issued, carried in its hidden metadata (pure).

A returned form's locked cells are compared with the fingerprints taken when it was issued,
not with the tracker as it is now. When the office fixes a typo by re-importing the plan
after issuing forms, an agency's untouched return still matches what it was given: the
office's own edit becomes a warning, never a refusal that blames the agency.

Each locked cell (content, timeframe, due date of a lead task) has a short fingerprint; a
task's row is the metadata entry ``locked:<key>`` = ``fp,fp,fp``. The digest of all of them
is signed with the form (:mod:`xladdin.core.signing`), so editing the snapshot breaks the
signature. The coordination sheet ("Phối hợp (để biết)") is only for information; its rows
get fingerprints too (``coord`` = ``fp;fp;…``, unsigned), so that text typed there can be
reported as ignored instead of silently lost.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any

from .model import as_date, nfc, number

LOCKED_PREFIX = "locked:"
SNAPSHOT_FIELDS: tuple[str, ...] = ("content", "timeframe", "due_date")
COORD_KEY = "coord"
_SEPARATOR = ","
_ROW_SEPARATOR = ";"


def cell_text(value: Any) -> str:
    """A cell as a person reads it, as one text: the same equality as the merge uses
    (blank = blank, 50 = 50.0, dates by day, text NFC with whitespace collapsed)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return ""
    day = as_date(value)
    if day is not None:
        return f"d:{day.isoformat()}"
    num = number(value)
    if num is not None:
        return f"n:{num:.12g}"
    return f"t:{nfc(value)}"


def fingerprint(value: Any) -> str:
    """Eight hex digits: enough to tell an edited cell from an untouched one."""
    return hashlib.sha256(cell_text(value).encode("utf-8")).hexdigest()[:8]


def row_fingerprints(values: Sequence[Any]) -> str:
    return _SEPARATOR.join(fingerprint(v) for v in values)


def locked_entries(rows: Sequence[tuple[str, Sequence[Any]]]) -> dict[str, str]:
    """Metadata entries for (task key, locked values in SNAPSHOT_FIELDS order)."""
    return {f"{LOCKED_PREFIX}{key}": row_fingerprints(values) for key, values in rows}


def issued_locked(meta: Mapping[str, str], key: str) -> tuple[str, ...] | None:
    """The fingerprints of ``key``'s locked cells when issued; None for a form issued
    before snapshots (or whose entry was removed, which the signature then catches)."""
    entry = meta.get(f"{LOCKED_PREFIX}{key}")
    if entry is None:
        return None
    return tuple(entry.strip().split(_SEPARATOR))


def snapshot_digest(meta: Mapping[str, str], keys: Sequence[str]) -> str:
    """The signed digest of the locked snapshot; "" when the form carries none."""
    if not any(f"{LOCKED_PREFIX}{k}" in meta for k in keys):
        return ""
    text = "\n".join(f"{k}={nfc(meta.get(f'{LOCKED_PREFIX}{k}', ''))}" for k in keys)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def coord_entry(rows: Sequence[Sequence[Any]]) -> str:
    return _ROW_SEPARATOR.join(
        hashlib.sha256(row_fingerprints(r).encode("ascii")).hexdigest()[:8] for r in rows
    )


def changed_coord_rows(meta: Mapping[str, str], rows: Sequence[Sequence[Any]]) -> list[int] | None:
    """Indexes of coordination rows that differ from what was issued (extra rows count);
    None when the form carries no coordination snapshot."""
    issued = meta.get(COORD_KEY)
    if issued is None:
        return None
    before = [h for h in issued.split(_ROW_SEPARATOR) if h]
    now = coord_entry(rows).split(_ROW_SEPARATOR) if rows else []
    blank = hashlib.sha256(
        row_fingerprints([None] * (len(rows[0]) if rows else 0)).encode("ascii")
    ).hexdigest()[:8]
    changed = []
    for i in range(max(len(before), len(now))):
        was = before[i] if i < len(before) else blank
        got = now[i] if i < len(now) else blank
        if was != got:
            changed.append(i)
    return changed
