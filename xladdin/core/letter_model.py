"""What a letter is, as data: :class:`Letter` (template context, file name, chart) and the
:class:`LetterPlan` of one kind. Pure; shared by :mod:`xladdin.core.letters` (requests and
reminders) and :mod:`xladdin.core.letter_report` (the consolidated report).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .chart import Chart
from .letter_kinds import LetterKind, kind_spec
from .recalc import LeafState, Recalc


@dataclass(frozen=True)
class Letter:
    kind: LetterKind
    file_name: str
    context: dict[str, Any]
    agency_code: str = ""
    chart: Chart | None = None
    trend_chart: Chart | None = None  # the report's completion rate per closed period

    @property
    def template(self) -> str:
        return kind_spec(self.kind).template


@dataclass
class LetterPlan:
    """The letters of one kind, why some agencies get none (Vietnamese notes, shown as
    warnings) and what was decided for all of them, such as the deadline (``info``)."""

    kind: LetterKind
    letters: list[Letter] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    info: list[str] = field(default_factory=list)


# -- the tasks a letter lists ----------------------------------------------------------
@dataclass(frozen=True)
class Leaf:
    index: int  # position in Recalc.tasks: plan order
    record: Mapping[str, Any]
    state: LeafState


def leaves_of(result: Recalc) -> list[Leaf]:
    return [Leaf(i, result.tasks[i], state) for i, state in sorted(result.leaves.items())]
