"""Recalculation: progress of every row, each task's due state, and the summary figures.

One implementation for buttons, CLI and jobs (PRODUCT.md, "Calculations"):

* a leaf task's progress is 100 when completed, 0 when not started, else the reported %;
* a group's or section's progress is the mean of its children's, weighted by the
  "Trọng số" column where the user filled it (empty weight = 1);
* "overdue" is "not completed and due before today"; ongoing, recurring and
  roadmap-bound tasks have no fixed deadline and are never overdue;
* plan and agency figures count leaf tasks (level "Nhiệm vụ"); a task with several lead
  agencies counts once for each of them.

"Completed on time" or "late" comes from the task's completion date ("Ngày hoàn thành",
filled by the agency or defaulted to the report date by the merge) against its due date;
without a completion date (or a fixed deadline) it follows the reported status. A typed
status that contradicts the dates is a validate finding (validators/tasks.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime, timedelta
from typing import Any

from .agencies import AgencyCatalogue, normalize_key, sort_key
from .layout import (
    COMPLETED_STATUSES,
    DUE_DONE_LATE,
    DUE_DONE_ON_TIME,
    DUE_NO_DEADLINE,
    DUE_ON_TIME,
    DUE_OVERDUE,
    DUE_SOON,
    STATUS_DONE_LATE,
    STATUS_NOT_STARTED,
    STATUSES,
    Level,
)
from .model import as_date, level_from_label, nfc, number
from .period import Period
from .timeframe import DeadlineKind, kind_from_label

NO_LEAD = "(Chưa có cơ quan chủ trì)"
NEVER_OVERDUE = frozenset({DeadlineKind.ONGOING, DeadlineKind.RECURRING, DeadlineKind.ROADMAP})


@dataclass
class Figures:
    """Counts over a set of leaf tasks (the plan, one agency or one section)."""

    tasks: int = 0
    completed: int = 0
    completed_on_time: int = 0
    completed_late: int = 0
    overdue: int = 0
    due_soon: int = 0
    no_fixed_deadline: int = 0
    not_reported: int = 0
    progress_sum: float = 0.0
    statuses: dict[str, int] = field(default_factory=dict)

    @property
    def completion_rate(self) -> float:
        return self.completed / self.tasks if self.tasks else 0.0

    @property
    def mean_progress(self) -> float:
        return self.progress_sum / self.tasks if self.tasks else 0.0

    def add(self, leaf: LeafState) -> None:
        self.tasks += 1
        self.completed += leaf.completed
        self.completed_on_time += leaf.due_state == DUE_DONE_ON_TIME
        self.completed_late += leaf.due_state == DUE_DONE_LATE
        self.overdue += leaf.due_state == DUE_OVERDUE
        self.due_soon += leaf.due_state == DUE_SOON
        self.no_fixed_deadline += leaf.due_state == DUE_NO_DEADLINE and not leaf.completed
        self.not_reported += leaf.not_reported
        self.progress_sum += leaf.progress
        self.statuses[leaf.status] = self.statuses.get(leaf.status, 0) + 1

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if f.name not in ("progress_sum", "statuses")
        }
        out["completion_rate"] = self.completion_rate
        out["mean_progress"] = self.mean_progress
        out["statuses"] = {s: self.statuses.get(s, 0) for s in (*STATUSES, "")}
        return out


@dataclass
class AgencyFigures(Figures):
    code: str = ""
    name: str = ""


@dataclass
class SectionFigures(Figures):
    key: str = ""
    title: str = ""
    progress: float | None = None


@dataclass(frozen=True)
class LeafState:
    key: str
    status: str  # "" when not set
    progress: float  # effective progress used in means
    due: date | None
    due_state: str
    completed: bool
    not_reported: bool
    leads: tuple[tuple[str, str], ...]  # (bucket key, display name)


@dataclass(frozen=True)
class OverdueItem:
    key: str
    content: str
    lead: str
    due_date: date
    days_late: int
    status: str
    progress: float | None


@dataclass
class Recalc:
    """Everything a recalculation produces; the tasks carry the new computed cells."""

    today: date
    period: Period
    computed_at: datetime
    tasks: list[dict[str, Any]]
    plan: Figures
    agencies: list[AgencyFigures]
    sections: list[SectionFigures]
    overdue: list[OverdueItem]
    # Each leaf task's state by its index in ``tasks``: letters list an agency's overdue,
    # due-soon and unreported tasks from these instead of recomputing them.
    leaves: dict[int, LeafState] = field(default_factory=dict)

    def figures(self) -> dict[str, Any]:
        """The summary as plain data (for ``theodoi export`` and comparisons)."""
        return {
            "today": self.today.isoformat(),
            "period": self.period.code,
            "plan": self.plan.as_dict(),
            "agencies": [{"code": a.code, "name": a.name, **a.as_dict()} for a in self.agencies],
            "sections": [
                {"key": s.key, "title": s.title, "progress": s.progress, **s.as_dict()}
                for s in self.sections
            ],
            "overdue": [
                {
                    "key": o.key,
                    "content": o.content,
                    "lead": o.lead,
                    "due_date": o.due_date.isoformat(),
                    "days_late": o.days_late,
                    "status": o.status,
                    "progress": o.progress,
                }
                for o in self.overdue
            ],
        }


def _status(value: Any) -> str:
    text = nfc(value)
    return text if text in STATUSES else ""


def _leads(lead: str, catalogue: AgencyCatalogue) -> tuple[tuple[str, str], ...]:
    if not lead:
        return (("", NO_LEAD),)
    out: dict[str, str] = {}
    for name, agency in catalogue.named_in(lead):
        if agency is not None:
            out.setdefault(agency.code, agency.name)
        else:
            out.setdefault("?" + normalize_key(name), name)
    return tuple(out.items())


def leaf_progress(status: str, reported: Any) -> float | None:
    """The progress a leaf task shows: fixed by its status, else the reported %."""
    if status in COMPLETED_STATUSES:
        return 100.0
    if status == STATUS_NOT_STARTED:
        return 0.0
    value = number(reported)
    return value if value is not None and 0 <= value <= 100 else None


def finished_late(
    status: str, kind: DeadlineKind | None, due: date | None, completed_on: date | None
) -> bool:
    """Whether a completed task was finished after its deadline: from the dates when both
    are known and the deadline is fixed, else from the typed status."""
    if completed_on is not None and due is not None and kind not in NEVER_OVERDUE:
        return completed_on > due
    return status == STATUS_DONE_LATE


def due_state(
    status: str,
    kind: DeadlineKind | None,
    due: date | None,
    today: date,
    soon_days: int,
    completed_on: date | None = None,
) -> str:
    if status in COMPLETED_STATUSES:
        late = finished_late(status, kind, due, completed_on)
        return DUE_DONE_LATE if late else DUE_DONE_ON_TIME
    if kind in NEVER_OVERDUE or due is None:
        return DUE_NO_DEADLINE
    if due < today:
        return DUE_OVERDUE
    if due <= today + timedelta(days=soon_days):
        return DUE_SOON
    return DUE_ON_TIME


def _leaf(
    task: Mapping[str, Any],
    catalogue: AgencyCatalogue,
    today: date,
    soon_days: int,
    period: Period,
) -> LeafState:
    status = _status(task.get("status"))
    label = task.get("deadline_kind")
    kind = kind_from_label(str(label)) if label else None
    due = as_date(task.get("due_date"))
    state = due_state(status, kind, due, today, soon_days, as_date(task.get("completed_on")))
    updated = as_date(task.get("updated_at"))
    completed = status in COMPLETED_STATUSES
    return LeafState(
        key=nfc(task.get("key")),
        status=status,
        progress=leaf_progress(status, task.get("progress")) or 0.0,
        due=due,
        due_state=state,
        completed=completed,
        not_reported=not completed and (updated is None or updated < period.start),
        leads=_leads(nfc(task.get("lead")), catalogue),
    )


def weighted_mean(values: Sequence[float], weights: Sequence[float]) -> float | None:
    if not values:
        return None
    largest = max(weights, default=0.0)
    if largest <= 0:
        return sum(values) / len(values)
    # Scaled to the largest weight first: a tiny (subnormal) weight times a value rounds to
    # a multiple of the smallest float, and the mean could leave the values' range.
    scaled = [w / largest for w in weights]
    mean = sum(v * w for v, w in zip(values, scaled, strict=True)) / sum(scaled)
    return min(max(mean, min(values)), max(values))


def _tree_progress(
    tasks: Sequence[Mapping[str, Any]], leaf_values: Mapping[int, float]
) -> dict[int, float | None]:
    """Progress of every row by index; non-leaf rows from their children, bottom-up."""
    index_by_key: dict[str, int] = {}
    for i, t in enumerate(tasks):
        index_by_key.setdefault(nfc(t.get("key")), i)
    children: dict[int, list[int]] = {}
    for i, t in enumerate(tasks):
        parent = index_by_key.get(nfc(t.get("parent")))
        if parent is not None and parent != i:
            children.setdefault(parent, []).append(i)
    out: dict[int, float | None] = {}
    visiting: set[int] = set()

    def progress(i: int) -> float | None:
        if i in out:
            return out[i]
        if i in leaf_values:
            out[i] = leaf_values[i]
            return out[i]
        if i in visiting:  # a parent cycle: validation reports it, recalc must not loop
            return None
        visiting.add(i)
        values: list[float] = []
        weights: list[float] = []
        for c in children.get(i, []):
            p = progress(c)
            if p is None:
                continue
            w = number(tasks[c].get("weight"))
            values.append(p)
            weights.append(w if w is not None and w >= 0 else 1.0)
        visiting.discard(i)
        out[i] = weighted_mean(values, weights)
        return out[i]

    for i in range(len(tasks)):
        progress(i)
    return out


def _is_leaf(task: Mapping[str, Any]) -> bool:
    return level_from_label(task.get("level")) is Level.TASK


def _section_of(tasks: Sequence[Mapping[str, Any]]) -> list[int | None]:
    """Index of each row's section (its top ancestor of level "Phần")."""
    index_by_key = {nfc(t.get("key")): i for i, t in enumerate(tasks)}
    out: list[int | None] = []
    for t in tasks:
        seen: set[str] = set()
        current: Mapping[str, Any] | None = t
        found: int | None = None
        while current is not None:
            key = nfc(current.get("key"))
            if key in seen:
                break
            seen.add(key)
            if level_from_label(current.get("level")) is Level.SECTION:
                found = index_by_key.get(key)
                break
            parent = index_by_key.get(nfc(current.get("parent")))
            current = tasks[parent] if parent is not None else None
        out.append(found)
    return out


def _round(value: float | None) -> float | None:
    if value is None:
        return None
    r = round(value, 1)
    return int(r) if r.is_integer() else r


def recalculate(
    tasks: Iterable[Mapping[str, Any]],
    catalogue: AgencyCatalogue,
    *,
    today: date,
    period: Period,
    due_soon_days: int = 15,
    now: datetime | None = None,
) -> Recalc:
    """Recompute progress and due states of ``tasks`` (tracker records) and the figures."""
    rows = [dict(t) for t in tasks]
    leaves: dict[int, LeafState] = {
        i: _leaf(t, catalogue, today, due_soon_days, period)
        for i, t in enumerate(rows)
        if _is_leaf(t)
    }
    progress = _tree_progress(rows, {i: leaf.progress for i, leaf in leaves.items()})
    plan = Figures()
    agencies: dict[str, AgencyFigures] = {}
    section_index = _section_of(rows)
    sections: dict[int, SectionFigures] = {
        i: SectionFigures(key=nfc(t.get("key")), title=nfc(t.get("content")), progress=progress[i])
        for i, t in enumerate(rows)
        if level_from_label(t.get("level")) is Level.SECTION
    }
    overdue: list[OverdueItem] = []
    for i, t in enumerate(rows):
        leaf = leaves.get(i)
        if leaf is None:
            # Sections and groups are computed; a row whose level is unreadable keeps what
            # the user typed (validation reports the level).
            if level_from_label(t.get("level")) in (Level.SECTION, Level.GROUP):
                t["progress"] = _round(progress[i])
                t["due_state"] = None
            continue
        shown = leaf_progress(leaf.status, t.get("progress"))
        if leaf.status in COMPLETED_STATUSES or leaf.status == STATUS_NOT_STARTED:
            t["progress"] = _round(shown)
        t["due_state"] = leaf.due_state
        plan.add(leaf)
        for code, name in leaf.leads:
            bucket = agencies.get(code)
            if bucket is None:
                bucket = agencies[code] = AgencyFigures(code=code.lstrip("?"), name=name)
                if code.startswith("?"):
                    bucket.code = ""
            bucket.add(leaf)
        s = section_index[i]
        if s is not None:
            sections[s].add(leaf)
        if leaf.due_state == DUE_OVERDUE and leaf.due is not None:
            overdue.append(
                OverdueItem(
                    key=leaf.key,
                    content=nfc(t.get("content")),
                    lead=nfc(t.get("lead")),
                    due_date=leaf.due,
                    days_late=(today - leaf.due).days,
                    status=leaf.status,
                    progress=_round(shown),
                )
            )
    overdue.sort(key=lambda o: (-o.days_late, o.key))
    return Recalc(
        today=today,
        period=period,
        computed_at=now or datetime.now().replace(microsecond=0),
        tasks=rows,
        plan=plan,
        agencies=sorted(agencies.values(), key=lambda a: (a.name == NO_LEAD, sort_key(a.name))),
        sections=list(sections.values()),
        overdue=overdue,
        leaves=leaves,
    )
