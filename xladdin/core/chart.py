"""Charts as data: the native chart's series on "Tổng hợp" and the report's chart image.

The backends draw them (:mod:`xladdin.io.chartxml` in the file, ``set_source_data`` in Excel,
:mod:`xladdin.io.letters_io` as a picture); what they show is decided here.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from .letterhead import decimal
from .table import col_index, col_letter


@dataclass(frozen=True)
class ChartSeries:
    """One series: where its name, categories and values live, and their current values.

    The ``*_ref`` strings are formulas without ``=``, e.g. ``'Tổng hợp'!$D$5:$D$9``
    (see :func:`range_ref`). ``None`` in ``values`` is a gap. Any sequence is accepted
    and kept as a tuple, so a series stays immutable and comparable.
    """

    name_ref: str
    name: str
    categories_ref: str
    categories: Sequence[str]
    values_ref: str
    values: Sequence[float | None]

    def __post_init__(self) -> None:
        object.__setattr__(self, "categories", tuple(self.categories))
        object.__setattr__(self, "values", tuple(self.values))
        if len(self.categories) != len(self.values):
            raise ValueError(
                f"{len(self.categories)} categories but {len(self.values)} values in the series"
            )

    def source_address(self) -> str:
        """The one range holding the series' name, categories and values (``$D$4:$E$9``),
        as Excel's ``SetSourceData`` takes it: categories in the first column, the name
        above the values."""
        cells = [
            *_corners(self.name_ref),
            *_corners(self.categories_ref),
            *_corners(self.values_ref),
        ]
        top, left = min(r for r, _ in cells), min(c for _, c in cells)
        bottom, right = max(r for r, _ in cells), max(c for _, c in cells)
        return f"${col_letter(left)}${top}:${col_letter(right)}${bottom}"


_CELL = re.compile(r"\$?([A-Z]{1,3})\$?([0-9]+)")


def _corners(ref: str) -> list[tuple[int, int]]:
    """(row, column) of each cell named after the ``!`` of a reference."""
    return [(int(r), col_index(c)) for c, r in _CELL.findall(ref.rsplit("!", 1)[-1])]


def quote_sheet(name: str) -> str:
    """A sheet name as formulas spell it: quoted, inner quotes doubled."""
    return "'" + name.replace("'", "''") + "'"


def range_ref(sheet: str, col: int, first_row: int, last_row: int | None = None) -> str:
    """Absolute reference to one cell or a one-column range: ``'S'!$D$5:$D$9``."""
    letter = col_letter(col)
    ref = f"{quote_sheet(sheet)}!${letter}${first_row}"
    return ref if last_row is None else f"{ref}:${letter}${last_row}"


# -- which agencies get a bar ------------------------------------------------------------
MAX_BARS = 25  # a chart of more bars cannot be read on a page, on screen or in a letter
OTHERS_LABEL = "Các cơ quan khác"


class AgencyCounts(Protocol):
    """What a bar needs of an agency's figures (``core.recalc.AgencyFigures`` has it)."""

    @property
    def name(self) -> str: ...
    @property
    def code(self) -> str: ...
    @property
    def tasks(self) -> int: ...
    @property
    def completed(self) -> int: ...
    @property
    def overdue(self) -> int: ...


@dataclass(frozen=True)
class Bar:
    """One bar of the completion chart: an agency, or the agencies left out, added up."""

    label: str
    tasks: int
    completed: int
    overdue: int
    agencies: int = 1  # how many agencies the bar stands for

    @property
    def unfinished(self) -> int:
        return self.tasks - self.completed

    @property
    def completion_rate(self) -> float:
        """Completed over tasks, 0–1 (0 for a bar without tasks)."""
        return self.completed / self.tasks if self.tasks else 0.0


def chart_bars(agencies: Iterable[AgencyCounts], limit: int = MAX_BARS) -> tuple[Bar, ...]:
    """The bars of the completion chart by lead agency: every agency when there are at most
    ``limit``; otherwise the ``limit - 1`` with the most overdue tasks (then the most
    unfinished, then by name and code) and one last bar, "Các cơ quan khác (n)", adding up
    the rest. Most overdue first either way, so the order does not depend on the input's.
    The tables of the sheet and the report carry every agency; the bars' tasks, completed
    and overdue add up to the agencies' own."""
    if limit < 2:
        raise ValueError(f"a chart needs room for at least two bars, not {limit}")
    # Every field in the key: two agencies alike in name and code must still come out in one
    # order whatever the input's (Hypothesis found two "0" with different counts).
    ranked = sorted(
        agencies,
        key=lambda a: (
            -a.overdue,
            -(a.tasks - a.completed),
            a.name,
            a.code,
            -a.tasks,
            -a.completed,
        ),
    )
    bars = [Bar(a.name, a.tasks, a.completed, a.overdue) for a in ranked]
    if len(bars) <= limit:
        return tuple(bars)
    shown, rest = bars[: limit - 1], bars[limit - 1 :]
    others = Bar(
        f"{OTHERS_LABEL} ({len(rest)})",
        sum(b.tasks for b in rest),
        sum(b.completed for b in rest),
        sum(b.overdue for b in rest),
        agencies=len(rest),
    )
    return (*shown, others)


@dataclass(frozen=True)
class Chart:
    """Completion rate by lead agency, drawn as an image by the renderer."""

    title: str
    labels: tuple[str, ...]
    values: tuple[float, ...]  # percent, 0–100

    @property
    def value_texts(self) -> tuple[str, ...]:
        """Each bar's value as printed beside it ("72,5%": Vietnamese decimal comma)."""
        return tuple(decimal(v) + "%" for v in self.values)

    @classmethod
    def of_agencies(
        cls,
        title: str,
        agencies: Iterable[AgencyCounts],
        label: Callable[[str], str] = str,
    ) -> Chart:
        """The report's chart: the bars of :func:`chart_bars` (at most MAX_BARS), so the
        picture of 200 agencies is as tall as that of 25; ``label`` cleans each bar's name
        for the renderer."""
        bars = chart_bars(agencies)
        return cls(
            title,
            tuple(label(b.label) for b in bars),
            tuple(b.completion_rate * 100 for b in bars),
        )
