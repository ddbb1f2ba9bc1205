"""Findings: what validation reports, one per offending cell, in words office staff use.

Every pandera check in this package is named by a finding code; :func:`collect` turns
pandera's lazy error report into :class:`Finding` objects, taking the row from the
frame's ``_row`` column (the row number Excel shows) and the message from
:data:`MESSAGES`, never pandera's internal text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import pandera.pandas as pa

from ..core.layout import Column


@dataclass(frozen=True)
class Finding:
    sheet: str
    row: int | None  # as Excel shows it
    column: str  # the column's header text
    value: Any
    message: str
    code: str
    field: str
    index: Any = dataclasses.field(default=None, compare=False)  # the frame's row label

    def record(self) -> dict[str, Any]:
        return {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "value": show_value(self.value, quoted=False) if self.value is not None else None,
            "message": self.message,
        }


def show_value(value: Any, *, quoted: bool = True) -> str:
    """A cell value the way a Vietnamese user would read it back."""
    if value is None or (isinstance(value, float) and value != value):
        return "(trống)"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, datetime):
        return (
            value.strftime("%d/%m/%Y %H:%M")
            if value.time() != datetime.min.time()
            else (value.strftime("%d/%m/%Y"))
        )
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, int | float):
        text = f"{value:g}" if isinstance(value, float) else str(value)
        return text.replace(".", ",")
    return f"“{value}”" if quoted else str(value)


# A check's message from the offending row (a dict of the prepared frame's columns).
Message = Callable[[Mapping[str, Any]], str]


@dataclass(frozen=True)
class Rule:
    field: str  # the column the finding points at
    message: Message


def collect(
    errors: pa.errors.SchemaErrors | None,
    frame: pd.DataFrame,
    *,
    sheet: str,
    columns: Sequence[Column],
    rules: Mapping[str, Rule],
) -> list[Finding]:
    """One finding per (row, check): pandera lists a row once per column it looked at."""
    if errors is None:
        return []
    headers = {c.field: c.header for c in columns}
    cases = errors.failure_cases
    seen: set[tuple[Any, str]] = set()
    out: list[Finding] = []
    for check, index in zip(cases["check"], cases["index"], strict=True):
        code = str(check)
        rule = rules.get(code)
        if rule is None:  # a structural error (missing column, wrong dtype): a bug, not data
            raise RuntimeError(f"pandera check without a message: {code}\n{cases}")
        if index is None or (index, code) in seen:
            continue
        seen.add((index, code))
        row = frame.loc[index].to_dict()
        out.append(
            Finding(
                sheet=sheet,
                row=int(row["_row"]) if row.get("_row") is not None else None,
                column=headers[rule.field],
                value=row.get(rule.field),
                message=rule.message(row),
                code=code,
                field=rule.field,
                index=index,
            )
        )
    return out


def run(
    model: type[pa.DataFrameModel],
    frame: pd.DataFrame,
    *,
    sheet: str,
    columns: Sequence[Column],
    rules: Mapping[str, Rule],
) -> list[Finding]:
    try:
        model.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        return collect(errors, frame, sheet=sheet, columns=columns, rules=rules)
    return []
