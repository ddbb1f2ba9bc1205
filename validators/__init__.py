"""pandera schemas for the tracker sheets and returned forms (imported as ``xladdin.validators``).

Validation is lazy: every finding is collected, none stops the others. The result is a
list of :class:`Finding` in sheet, row and column order, worded for office staff.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from ..core.agencies import AgencyCatalogue
from ..core.layout import (
    AGENCY_COLUMNS,
    CONFIG_COLUMNS,
    SHEET_AGENCIES,
    SHEET_CONFIG,
    SHEET_TASKS,
    TASK_COLUMNS,
    Column,
)
from .findings import Finding, run, show_value
from .sheets import AGENCY_RULES, CONFIG_RULES, AgencySchema, ConfigSchema, prepare_agencies
from .tasks import (
    TASK_RULES,
    TRACKING_RULES,
    TaskSchema,
    TrackingSchema,
    prepare_returns,
    prepare_tasks,
)

__all__ = [
    "AgencySchema",
    "ConfigSchema",
    "Finding",
    "TaskSchema",
    "TrackingSchema",
    "show_value",
    "validate_agencies",
    "validate_config",
    "validate_return_rows",
    "validate_tasks",
    "validate_tracker",
]

SHEET_ORDER = (SHEET_TASKS, SHEET_AGENCIES, SHEET_CONFIG)


def _ordered(findings: list[Finding], columns: tuple[Column, ...]) -> list[Finding]:
    position = {c.header: i for i, c in enumerate(columns)}
    return sorted(findings, key=lambda f: (f.row or 0, position.get(f.column, 99), f.code))


def validate_tasks(
    tasks: pd.DataFrame,
    catalogue: AgencyCatalogue,
    today: date,
    percent_rows: frozenset[int] = frozenset(),
) -> list[Finding]:
    frame = prepare_tasks(tasks, catalogue, today, percent_rows)
    found = run(TaskSchema, frame, sheet=SHEET_TASKS, columns=TASK_COLUMNS, rules=TASK_RULES)
    return _ordered(found, TASK_COLUMNS)


def validate_agencies(agencies: pd.DataFrame) -> list[Finding]:
    frame = prepare_agencies(agencies)
    found = run(
        AgencySchema, frame, sheet=SHEET_AGENCIES, columns=AGENCY_COLUMNS, rules=AGENCY_RULES
    )
    return _ordered(found, AGENCY_COLUMNS)


def validate_config(config: pd.DataFrame) -> list[Finding]:
    found = run(
        ConfigSchema, config, sheet=SHEET_CONFIG, columns=CONFIG_COLUMNS, rules=CONFIG_RULES
    )
    return _ordered(found, CONFIG_COLUMNS)


def validate_tracker(
    tasks: pd.DataFrame,
    agencies: pd.DataFrame,
    config: pd.DataFrame,
    catalogue: AgencyCatalogue,
    today: date,
    *,
    percent_rows: frozenset[int] = frozenset(),
) -> list[Finding]:
    """All findings of the three data sheets, in sheet order."""
    return [
        *validate_tasks(tasks, catalogue, today, percent_rows),
        *validate_agencies(agencies),
        *validate_config(config),
    ]


def validate_return_rows(
    rows: pd.DataFrame, *, sheet: str, columns: tuple[Column, ...]
) -> list[Finding]:
    """Findings of a returned form's task rows (``columns`` are the form's own headers)."""
    frame = prepare_returns(rows)
    found = run(TrackingSchema, frame, sheet=sheet, columns=columns, rules=TRACKING_RULES)
    return _ordered(found, columns)
