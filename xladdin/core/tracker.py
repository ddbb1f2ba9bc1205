"""The tracker's data as frames, and the pure core calls every command starts from.

:class:`TrackerData` is what one bulk read of the "Nhiệm vụ", "Cơ quan" and "Cấu hình"
sheets gives (:func:`xladdin.book.base.read_data`), whichever backend holds the workbook.
:func:`check` and :func:`recalc` are pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import pandas as pd

from .agencies import AgencyCatalogue, CatalogueConflictError, agencies_from_records
from .period import Period, current_period
from .recalc import Recalc, recalculate
from .table import config_values, records_frame

if TYPE_CHECKING:
    from ..validators import Finding


@dataclass(frozen=True)
class TrackerData:
    tasks: pd.DataFrame
    agencies: pd.DataFrame
    config_table: pd.DataFrame
    # (Excel row, field) of the "Nhiệm vụ" cells with a % format: read ×100 already; kept so
    # that validation asks about a bare 0 < x ≤ 1 only where no % format explains it.
    percent: frozenset[tuple[int, str]] = frozenset()

    @property
    def config(self) -> dict[str, str]:
        return config_values(self.config_table)

    def with_config(self, values: Mapping[str, str]) -> TrackerData:
        """The same data with some settings overridden (nothing is written)."""
        table = self.config_table.copy()
        for key, value in values.items():
            hit = table["key"] == key
            if hit.any():
                table.loc[hit, "value"] = value
            else:
                extra = {"key": key, "value": value, "label": None, "help": None, "_row": None}
                table = pd.concat([table, records_frame([extra], list(table.columns))])
        return replace(self, config_table=table)

    def catalogue(self) -> AgencyCatalogue:
        return lenient_catalogue(self.agencies)

    def task_records(self) -> list[dict[str, Any]]:
        return [{str(k): v for k, v in r.items()} for r in self.tasks.to_dict("records")]


def lenient_catalogue(frame: pd.DataFrame) -> AgencyCatalogue:
    """The catalogue, skipping aliases that clash (validation reports them)."""
    catalogue = AgencyCatalogue()
    for agency in agencies_from_records(frame.to_dict("records")):
        try:
            catalogue.add(agency)
            continue
        except (CatalogueConflictError, ValueError):
            pass
        try:
            added = catalogue.add(replace(agency, aliases=()))
        except (CatalogueConflictError, ValueError):
            continue
        for alias in agency.aliases:
            try:
                added = catalogue.add_alias(added, alias)
            except (CatalogueConflictError, ValueError):
                continue
    return catalogue


def due_soon_days(config: Mapping[str, str]) -> int:
    text = str(config.get("due_soon_days") or "").strip()
    return int(text) if text.isdigit() else 15


def period_of(config: Mapping[str, str], today: date) -> Period:
    """The configured period; the current month when it is empty or unreadable
    (validation reports an unreadable one)."""
    try:
        return current_period(config.get("period"), today)
    except ValueError:
        return current_period(None, today)


def check(data: TrackerData, today: date) -> list[Finding]:
    """Validate the three data sheets: every finding, in sheet/row/column order."""
    # pandera is imported here, not at module level: only validate needs it, and every
    # ribbon click that recalculates or writes letters would otherwise pay ~0.15 s for it.
    from ..validators import validate_tracker

    return validate_tracker(
        data.tasks,
        data.agencies,
        data.config_table,
        data.catalogue(),
        today,
        percent_rows=frozenset(r for r, f in data.percent if f == "progress"),
    )


def recalc(data: TrackerData, today: date, now: datetime | None = None) -> Recalc:
    config = data.config
    return recalculate(
        data.task_records(),
        data.catalogue(),
        today=today,
        period=period_of(config, today),
        due_soon_days=due_soon_days(config),
        now=now,
    )
