"""A returned form as read from its file, before anything in it is trusted.

:mod:`xladdin.io.return_io` finds and opens returns; :mod:`xladdin.core.merge` checks them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class ReturnSource:
    name: str  # what the report shows: "thu.eml › Phieu_VPTU.xlsx"
    data: bytes
    path: Path  # the file on disk it came from
    sha256: str = ""

    @classmethod
    def of(cls, name: str, data: bytes, path: Path) -> ReturnSource:
        return cls(name, data, path, hashlib.sha256(data).hexdigest())


@dataclass(frozen=True)
class SourceProblem:
    name: str
    path: Path
    message: str
    sha256: str = ""


@dataclass
class FormFile:
    """What a returned form says, read without trusting it."""

    source: ReturnSource
    sheet_names: list[str]
    meta: dict[str, str]
    saved_at: datetime | None
    report_date: Any
    header: list[Any]
    rows: list[list[Any]]  # from FORM_FIRST_ROW down to the last non-empty row
    formulas: set[tuple[int, int]] = field(default_factory=set)  # (row, col) in FORM_SHEET
    percent_cells: set[tuple[int, int]] = field(default_factory=set)  # cells with a % format
    merged: list[str] = field(default_factory=list)  # merged ranges in FORM_SHEET
    # (row, col) -> "tcvn3" | "tcvn3-caps" | "vni": cells whose font is a legacy Vietnamese one
    legacy_cells: dict[tuple[int, int], str] = field(default_factory=dict)
    # Values of the other sheets with anything on them (not the form or its metadata):
    # nothing there is merged, but what was typed there is reported as ignored.
    other_sheets: dict[str, list[list[Any]]] = field(default_factory=dict)
